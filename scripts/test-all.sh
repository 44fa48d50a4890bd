#!/usr/bin/env bash
# All tests, as CI runs them: unit + LSP + CLI + fixtures (node:test), then the end-to-end suite
# in a real VS Code (code-server + Chromium). Installs what is missing first.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/ensure-node-deps.sh
# Tools the unit suite uses for real: ripgrep (large-log scans) and a Docker engine.
bash scripts/ensure-code-server.sh >/dev/null
bash scripts/ensure-docker.sh >/dev/null
npm run build
npm run compile-tests
node --test --test-concurrency=1 out/test/unit/ out/test/robustness/
if [ -f scripts/test-e2e.sh ]; then bash scripts/test-e2e.sh; fi
