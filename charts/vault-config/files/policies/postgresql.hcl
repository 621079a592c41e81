# The development database reads the credentials it is initialised with.
path "secret/data/tbyte/database" {
  capabilities = ["read"]
}
