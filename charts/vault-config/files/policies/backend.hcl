# The backend reads the service key and (development) the database credentials.
path "secret/data/tbyte/api" {
  capabilities = ["read"]
}
path "secret/data/tbyte/database" {
  capabilities = ["read"]
}
