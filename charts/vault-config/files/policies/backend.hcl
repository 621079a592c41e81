# The backend reads the service key and (development) its two database roles' credentials, never
# the administrator's.
path "secret/data/tbyte/api" {
  capabilities = ["read"]
}
path "secret/data/tbyte/database-migrator" {
  capabilities = ["read"]
}
path "secret/data/tbyte/database-app" {
  capabilities = ["read"]
}
