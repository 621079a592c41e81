# shellcheck shell=bash
# Named checks for the CI scripts: `check NAME COMMAND...` runs the command, prints ok/FAIL
# and counts; `write_report SUITE` writes reports/SUITE.json for .ci/run's summary.
passed=0
failed=0

check() {
  local name=$1
  shift
  if "$@"; then
    echo "ok   $name"
    passed=$((passed + 1))
  else
    echo "FAIL $name"
    failed=$((failed + 1))
  fi
}

write_report() {
  mkdir -p reports
  echo "{\"suite\":\"$1\",\"passed\":$passed,\"failed\":$failed}" >"reports/$1.json"
  echo "$1: $passed passed, $failed failed"
}
