#!/usr/bin/env bash
# The end-to-end suite in a real VS Code: installs code-server and Chromium when missing, packages
# the VSIX, and runs test/e2e/*.e2e.test.ts with node:test, one spec at a time.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/ensure-node-deps.sh
HI_CODE_SERVER="$(bash scripts/ensure-code-server.sh | tail -n 1)"
bash scripts/ensure-docker.sh >/dev/null
export HI_CODE_SERVER
npm run package --silent >/dev/null
npm run compile-tests --silent
rm -rf test-results
export HI_E2E_RUN_DIR="$(mktemp -d -t hi-e2e-XXXXXX)"
trap 'rm -rf "$HI_E2E_RUN_DIR"' EXIT
# One setup check first: when code-server cannot install the VSIX or serve the workbench, the suite
# fails here once, with one line naming the log, instead of once per spec.
node out/test/e2e/setup.js
# Optional arguments pick spec files (e.g. out/test/e2e/runner.e2e.test.js); default: all of them.
node --test --test-concurrency=1 --test-timeout=300000 "${@:-out/test/e2e/}"
