#!/usr/bin/env bash
# Installs what the real-VS-Code harness needs, only when missing:
# Debian packages (Chromium, ripgrep, native build headers) and code-server,
# cached outside the repo keyed by version. Prints the code-server binary path last.
# Why these steps: code-server's own postinstall downloads ripgrep from GitHub,
# which this network refuses; see ../shared/machine-notes.md.
set -euo pipefail

CODE_SERVER_VERSION="4.100.3"
CACHE_ROOT="${HI_WORKBENCH_CACHE:-$HOME/.cache/hi-workbench}"
DEST="$CACHE_ROOT/code-server-$CODE_SERVER_VERSION"
BIN="$DEST/node_modules/.bin/code-server"
log() { echo "[ensure-code-server] $*" >&2; }

apt_packages=(chromium ripgrep libkrb5-dev libx11-dev libxkbfile-dev libsecret-1-dev pkg-config)
missing=()
for p in "${apt_packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  log "installing Debian packages: ${missing[*]}"
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >&2
fi

if [ -x "$BIN" ] && [ -f "$DEST/.complete" ]; then
  echo "$BIN"; exit 0
fi

log "installing code-server $CODE_SERVER_VERSION into $DEST (a few minutes, once)"
rm -rf "$DEST.partial"; mkdir -p "$DEST.partial"
cd "$DEST.partial"
echo '{"name":"code-server-cache","private":true}' > package.json
npm install --no-audit --no-fund --ignore-scripts "code-server@$CODE_SERVER_VERSION" >&2
CS="$DEST.partial/node_modules/code-server"
(cd "$CS/lib/vscode" && npm install --no-audit --no-fund --omit=dev --ignore-scripts >&2)
mkdir -p "$CS/lib/vscode/node_modules/@vscode/ripgrep/bin"
cp "$(command -v rg)" "$CS/lib/vscode/node_modules/@vscode/ripgrep/bin/rg"
(cd "$CS/lib/vscode" && npm_config_yes=true npm rebuild >&2)
(cd "$CS/lib/vscode" && ln -sf node_modules node_modules.asar && cd bin/remote-cli && ln -sf code-linux.sh code-server)
(cd "$CS/lib/vscode/extensions" && npm install --no-audit --no-fund --omit=dev --ignore-scripts >&2)
(cd "$DEST.partial" && npm_config_yes=true npm rebuild argon2 >&2)
touch "$DEST.partial/.complete"
rm -rf "$DEST"; mv "$DEST.partial" "$DEST"
# Symlinks inside node_modules/.bin are relative, so the move keeps them valid.
echo "$BIN"
