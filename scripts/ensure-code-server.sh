#!/usr/bin/env bash
# Installs what the real-VS-Code harness needs, only when missing: Debian packages (Chromium,
# ripgrep, native build headers) and code-server, cached outside the repo keyed by version.
# Prints the code-server binary path last.
#
# Every run verifies what it relies on by using it (scripts/verify-code-server.cjs: code-server
# --version runs and each native module loads), never by a marker file or an exit code: npm 11's
# install-script policy lets `npm rebuild` print "rebuilt dependencies successfully" while
# building nothing. A cache that fails the check is installed again from scratch.
# Why these steps: code-server's own postinstall downloads ripgrep from GitHub, which this network
# refuses; see CONTRIBUTING.md, "Setting up on a new machine".
set -euo pipefail
cd "$(dirname "$0")/.."
repo="$PWD"

CODE_SERVER_VERSION="4.100.3"
CACHE_ROOT="${HI_WORKBENCH_CACHE:-$HOME/.cache/hi-workbench}"
DEST="$CACHE_ROOT/code-server-$CODE_SERVER_VERSION"
BIN="$DEST/node_modules/.bin/code-server"
log() { echo "[ensure-code-server] $*" >&2; }
SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"

# Each Debian package with the file that proves it is usable (not dpkg's word for it).
declare -A apt_proof=(
  [chromium]=/usr/bin/chromium
  [ripgrep]=/usr/bin/rg
  [pkg-config]=/usr/bin/pkg-config
  [libkrb5-dev]=/usr/include/krb5.h
  [libx11-dev]=/usr/include/X11/Xlib.h
  [libxkbfile-dev]=/usr/include/X11/extensions/XKBfile.h
  [libsecret-1-dev]=/usr/include/libsecret-1/libsecret/secret.h
)
missing_packages() {
  local p
  for p in "${!apt_proof[@]}"; do [ -e "${apt_proof[$p]}" ] || echo "$p"; done
}
mapfile -t missing < <(missing_packages)
if [ ${#missing[@]} -gt 0 ]; then
  log "installing Debian packages: ${missing[*]}"
  $SUDO apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >&2
  mapfile -t missing < <(missing_packages)
  [ ${#missing[@]} -eq 0 ] || { log "apt-get finished but these are still unusable: ${missing[*]}"; exit 1; }
  /usr/bin/chromium --version >/dev/null 2>&1 || { log "/usr/bin/chromium is installed but does not run"; exit 1; }
fi

verify() { node "$repo/scripts/verify-code-server.cjs" "$1" "$CODE_SERVER_VERSION"; }

# One install at a time: two test runs starting together must not build into the same folder.
mkdir -p "$CACHE_ROOT"
exec 9>"$CACHE_ROOT/.install.lock"
flock 9

if [ -d "$DEST" ]; then
  if verify "$DEST" >&2 2>"$CACHE_ROOT/.verify.log"; then
    echo "$BIN"; exit 0
  fi
  log "the cached code-server at $DEST failed verification; installing it again:"
  sed 's/^/    /' "$CACHE_ROOT/.verify.log" >&2
fi

# The native modules that must be built here, and the only packages allowed to run install
# scripts, in this private cache folder only (the project's own dependencies never run any).
# Left out on purpose: @vscode/windows-* (Windows only) and @vscode/ripgrep (its postinstall
# downloads from GitHub; Debian's rg is copied in instead).
VSCODE_NATIVE=(node-pty @vscode/spdlog kerberos native-watchdog @parcel/watcher @vscode/deviceid)

# Run from `npm start`/`npm test`, this script inherits npm_config_* variables from the project's
# .npmrc, among them ignore_scripts=true, which would make every npm below skip the builds while
# still printing "rebuilt dependencies successfully". The cache folder gets npm's own defaults.
while read -r var; do unset "$var"; done < <(compgen -e | grep -i '^npm_config_' || true)

log "installing code-server $CODE_SERVER_VERSION into $DEST (a few minutes, once)"
# A leftover .partial is an interrupted install: never reused.
rm -rf "$DEST.partial"; mkdir -p "$DEST.partial"
cd "$DEST.partial"
echo '{"name":"code-server-cache","private":true}' > package.json
npm install --no-audit --no-fund --ignore-scripts "code-server@$CODE_SERVER_VERSION" >&2
CS="$DEST.partial/node_modules/code-server"
(cd "$CS/lib/vscode" && npm install --no-audit --no-fund --omit=dev --ignore-scripts >&2)
mkdir -p "$CS/lib/vscode/node_modules/@vscode/ripgrep/bin"
cp "$(command -v rg)" "$CS/lib/vscode/node_modules/@vscode/ripgrep/bin/rg"
# npm 11 runs a dependency's install script only when package.json's allowScripts names it.
# npm_config_yes: node-pty's postinstall runs `npx node-gyp`, which must not stop to ask.
(cd "$CS/lib/vscode" && npm install-scripts approve "${VSCODE_NATIVE[@]}" >&2 \
  && npm_config_yes=true npm rebuild --foreground-scripts "${VSCODE_NATIVE[@]}" >&2)
(cd "$CS/lib/vscode" && ln -sf node_modules node_modules.asar && cd bin/remote-cli && ln -sf code-linux.sh code-server)
(cd "$CS/lib/vscode/extensions" && npm install --no-audit --no-fund --omit=dev --ignore-scripts >&2)
(cd "$DEST.partial" && npm install-scripts approve argon2 >&2 && npm_config_yes=true npm rebuild --foreground-scripts argon2 >&2)

if ! verify "$DEST.partial" >&2; then
  log "code-server was installed but does not verify (above); the broken install is kept at $DEST.partial for inspection"
  exit 1
fi
rm -rf "$DEST"; mv "$DEST.partial" "$DEST"
# Symlinks inside node_modules/.bin are relative, so the move keeps them valid; check it anyway.
verify "$DEST" >&2
echo "$BIN"
