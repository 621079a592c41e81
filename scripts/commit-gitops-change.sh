#!/usr/bin/env bash
# Runs a command that rewrites GitOps files, commits them as the GitHub Actions bot and pushes
# to main, rebasing over merges that landed meanwhile (up to 5 tries). Used by the release and
# terraform workflows; GH_TOKEN is the workflow's token (its pushes start no workflow).
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
# GITOPS_REMOTE replaces the GitHub remote (tests use a local repository).
if [ -z "${GITOPS_REMOTE:-}" ]; then
  : "${GH_TOKEN:?GH_TOKEN (the workflow token) is required}"
  : "${GITHUB_REPOSITORY:?GITHUB_REPOSITORY is required}"
fi

git config user.name "github-actions[bot]"
git config user.email "41898282+github-actions[bot]@users.noreply.github.com"
remote=${GITOPS_REMOTE:-"https://x-access-token:${GH_TOKEN:-}@github.com/${GITHUB_REPOSITORY:-}.git"}

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
