#!/usr/bin/env bash
# Installs the project's npm dependencies from the lockfile when what is installed does not match
# it, so `npm start` and `npm test` work on a fresh checkout with nothing installed. The check
# (scripts/verify-node-deps.cjs) looks at node_modules itself, never at a marker file.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! node scripts/verify-node-deps.cjs >/dev/null 2>/tmp/hi-workbench-deps.$$; then
  sed 's/^/  /' /tmp/hi-workbench-deps.$$ >&2
  echo "[deps] npm ci" >&2
  npm ci --no-audit --no-fund >&2
  node scripts/verify-node-deps.cjs >&2 || { echo "[deps] npm ci finished but node_modules still does not match package-lock.json (above)" >&2; rm -f /tmp/hi-workbench-deps.$$; exit 1; }
fi
rm -f /tmp/hi-workbench-deps.$$
