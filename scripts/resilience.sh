#!/usr/bin/env bash
# The resilience tests of .ci/run (bench/resilience/): a database outage, a credential rotation
# and slow clients under load, and schemathesis fuzzing from the OpenAPI document, against the
# built backend on a real PostgreSQL. Bounded in time and requests. Writes reports/resilience.json.
set -uo pipefail
cd "$(dirname "$0")/.." || exit 1

# renovate: datasource=pypi depName=schemathesis
SCHEMATHESIS_VERSION=4.32.5
venv=.tools/venv-schemathesis-$SCHEMATHESIS_VERSION
mkdir -p reports
if [ ! -x "$venv/bin/schemathesis" ]; then
  python3 -m venv "$(realpath -m "$venv")" &&
    "$venv/bin/pip" install --quiet --disable-pip-version-check "schemathesis==$SCHEMATHESIS_VERSION" || exit 1
fi
pnpm --filter @tbyte/local --filter @tbyte/backend run build >/dev/null || exit 1

SCHEMATHESIS="$PWD/$venv/bin/schemathesis" node --test --test-concurrency=1 \
  --test-reporter=spec --test-reporter-destination=stdout \
  --test-reporter=tap --test-reporter-destination=reports/resilience.tap \
  bench/resilience/*.test.mjs
status=$?
passed=$(sed -n 's/^# pass //p' reports/resilience.tap)
failed=$(sed -n 's/^# fail //p' reports/resilience.tap)
echo "{\"suite\":\"resilience\",\"passed\":${passed:-0},\"failed\":${failed:-1}}" >reports/resilience.json
echo "resilience: ${passed:-0} passed, ${failed:-?} failed"
exit "$status"
