#!/usr/bin/env bash
# Runs a command that rewrites GitOps files, commits them as the GitOps GitHub App's bot and
# pushes to main, rebasing over merges that landed meanwhile (up to 5 tries). Used by the
# release and terraform workflows. GH_TOKEN is an installation token of that App, the one actor
# the main ruleset lets push without a pull request (docs/ci-cd.md); GITOPS_APP_SLUG names
# it, so the commit is authored by the App's bot user. The workflow token cannot push to main.
#
#   scripts/commit-gitops-change.sh "MESSAGE" FILE... -- COMMAND...
set -euo pipefail
message=$1
shift
files=()
while [ $# -gt 0 ] && [ "$1" != "--" ]; do
  files+=("$1")
  shift
done
[ "${1:-}" = "--" ] && [ ${#files[@]} -gt 0 ] || {
  echo "usage: $0 MESSAGE FILE... -- COMMAND..." >&2
  exit 2
}
shift
# GITOPS_REMOTE replaces the GitHub remote: tests push to a local repository, with no App.
if [ -n "${GITOPS_REMOTE:-}" ]; then
  remote=$GITOPS_REMOTE
  bot_name="github-actions[bot]"
  bot_email="41898282+github-actions[bot]@users.noreply.github.com"
else
  : "${GH_TOKEN:?GH_TOKEN (an installation token of the GitOps GitHub App) is required}"
  : "${GITHUB_REPOSITORY:?GITHUB_REPOSITORY is required}"
  : "${GITOPS_APP_SLUG:?GITOPS_APP_SLUG (the GitOps App, whose bot authors the commit) is required}"
  bot_name="${GITOPS_APP_SLUG}[bot]"
  # GitHub attributes a commit to the bot user by its noreply address, which holds its user id.
  bot_id=$(curl --fail --silent --show-error --header "Authorization: Bearer $GH_TOKEN" \
    --header "Accept: application/vnd.github+json" "https://api.github.com/users/${GITOPS_APP_SLUG}%5Bbot%5D" |
    node -e 'let s = ""; process.stdin.on("data", (d) => (s += d)).on("end", () => console.log(JSON.parse(s).id))')
  [[ $bot_id =~ ^[0-9]+$ ]] || {
    echo "no user id for ${bot_name}" >&2
    exit 1
  }
  bot_email="${bot_id}+${bot_name}@users.noreply.github.com"
  remote="https://x-access-token:${GH_TOKEN}@github.com/${GITHUB_REPOSITORY}.git"
fi

git config user.name "$bot_name"
git config user.email "$bot_email"

for attempt in 1 2 3 4 5; do
  git fetch --quiet "$remote" main
  git reset --quiet --hard FETCH_HEAD
  "$@"
  if git diff --quiet -- "${files[@]}" && [ -z "$(git ls-files --others --exclude-standard -- "${files[@]}")" ]; then
    echo "nothing changed in ${files[*]}"
    exit 0
  fi
  git add -- "${files[@]}"
  git commit --quiet -m "$message"
  if git push --quiet "$remote" HEAD:main; then
    echo "pushed: $message"
    exit 0
  fi
  echo "main moved; retrying ($attempt)"
  sleep $((attempt * 2))
done
echo "could not push after 5 tries" >&2
exit 1
