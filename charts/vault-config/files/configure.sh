#!/bin/sh
# Applies the TByte configuration to Vault; safe to run any number of times. Exits non-zero
# (and the Job retries) while Vault is unreachable or sealed.
set -eu

# The token is a mounted file, never an environment variable of the pod.
VAULT_TOKEN=$(cat "$VAULT_TOKEN_FILE")
export VAULT_TOKEN

vault status >/dev/null
# The configuring token is periodic; every run extends it.
vault token renew >/dev/null

vault secrets list -format=json | grep -q '"secret/"' || vault secrets enable -path=secret -version=2 kv
vault auth list -format=json | grep -q '"kubernetes/"' || vault auth enable kubernetes
vault write auth/kubernetes/config kubernetes_host="https://kubernetes.default.svc"

for app in $APPS; do
  vault policy write "tbyte-$app" "/config/policies/$app.hcl"
  vault write "auth/kubernetes/role/$app" \
    bound_service_account_names="$app" \
    bound_service_account_namespaces="$APP_NAMESPACE" \
    audience="$TOKEN_AUDIENCE" \
    policies="tbyte-$app" \
    token_ttl=1h token_max_ttl=4h
done

random() { head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n'; }

# Secrets are generated here once and never leave Vault except into the pods that mount them.
# The backend also mounts the field "next" (the key of a rotation's overlap,
# docs/runbooks/service-key-rotation.md); at rest it equals the current key, and the CSI mount
# fails without it, so a secret made before it existed gets it added.
if ! vault kv get -field=key secret/tbyte/api >/dev/null 2>&1; then
  key="$(random)"
  vault kv put secret/tbyte/api key="$key" next="$key" >/dev/null
elif ! vault kv get -field=next secret/tbyte/api >/dev/null 2>&1; then
  vault kv patch -method=patch secret/tbyte/api \
    next="$(vault kv get -field=key secret/tbyte/api)" >/dev/null
fi
# The development database: its administrator, and the backend's two login roles that the
# postgresql chart makes at its first start (docs/architecture.md, Database roles).
if [ "$DATABASE_CREDENTIALS" = "true" ]; then
  for entry in database:tbyte database-migrator:tbyte_migrator database-app:tbyte_app; do
    vault kv get -field=password "secret/tbyte/${entry%%:*}" >/dev/null 2>&1 ||
      vault kv put "secret/tbyte/${entry%%:*}" username="${entry#*:}" password="$(random)" >/dev/null
  done
fi
echo "vault-config: applied to $VAULT_ADDR"
