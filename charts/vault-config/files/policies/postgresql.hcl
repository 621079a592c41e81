# The development database reads the credentials it is initialised with: its administrator's and
# the passwords of the backend's two login roles.
path "secret/data/tbyte/database" {
  capabilities = ["read"]
}
path "secret/data/tbyte/database-migrator" {
  capabilities = ["read"]
}
path "secret/data/tbyte/database-app" {
  capabilities = ["read"]
}
