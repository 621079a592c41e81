# The frontend's nginx reads the service key it adds to /api calls.
path "secret/data/tbyte/api" {
  capabilities = ["read"]
}
