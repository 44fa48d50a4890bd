#!/usr/bin/env bash
# Installs the project's npm dependencies from the lockfile when they are missing or older than
# the lockfile, so `npm start` and `npm test` work on a fresh checkout with nothing installed.
set -euo pipefail
cd "$(dirname "$0")/.."
stamp=node_modules/.hi-workbench-lock
if [ ! -f "$stamp" ] || ! cmp -s package-lock.json "$stamp"; then
  echo "[deps] npm ci" >&2
  npm ci --no-audit --no-fund >&2
  cp package-lock.json "$stamp"
fi
