# Applied once per AWS account by an administrator; the rest is done by the workflows.
region            = "eu-west-1"
github_repository = "tbyte/tbyte"
