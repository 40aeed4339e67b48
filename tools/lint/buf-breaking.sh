#!/usr/bin/env bash
# `buf breaking` of proto/ against the main branch, wherever main is in this clone: a local
# branch (a developer's checkout), a remote-tracking ref (CI's checkout of another branch), or,
# in a fresh single-branch or shallow clone that has neither, fetched from origin first.
# main itself may have no buf.yaml yet, so the old side is read as the proto/ folder (subdir).
set -euo pipefail
cd "$(dirname "$0")/../.."
BUF=tools/lint/node_modules/.bin/buf
if git rev-parse --quiet --verify refs/heads/main >/dev/null; then
  ref=refs/heads/main
elif git rev-parse --quiet --verify refs/remotes/origin/main >/dev/null; then
  ref=refs/remotes/origin/main
elif git remote get-url origin >/dev/null 2>&1 &&
  git fetch --quiet --depth=1 origin +refs/heads/main:refs/remotes/origin/main; then
  ref=refs/remotes/origin/main
else
  # Nothing to compare against (a copy without git history, or no main anywhere): say so and
  # let the other lint steps decide, rather than fail a build that cannot break anything.
  echo "buf breaking: skipped, this checkout has no main branch and no origin to fetch it from" >&2
  exit 0
fi
exec "$BUF" breaking --against ".git#ref=$ref,subdir=proto"
