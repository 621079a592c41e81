provider "aws" {
  region = var.region

  default_tags {
    tags = {
      "app.kubernetes.io/part-of" = "tbyte"
      environment                 = var.environment
      managed-by                  = "terraform"
    }
  }
}
