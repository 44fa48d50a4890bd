#!/usr/bin/env bash
# npm start: install what is missing, build and package the extension, install it into an isolated
# code-server profile, and open a fresh copy of the demo workspace. Ctrl-C stops everything.
set -euo pipefail
cd "$(dirname "$0")/.."
repo="$PWD"
source scripts/code-server-env.sh
state="$HI_CACHE/start"
mkdir -p "$state"

# A second `npm start` while one runs: say so and point at it.
if [ -f "$state/pid" ] && kill -0 "$(cat "$state/pid")" 2>/dev/null; then
  echo "hi workbench is already running (pid $(cat "$state/pid")): $(cat "$state/url" 2>/dev/null)"
  exit 0
fi

bash scripts/ensure-node-deps.sh
code_server="$(bash scripts/ensure-code-server.sh | tail -n 1)"
# The Containers view wants a Docker engine; without one it says "Docker not reachable" and waits.
bash scripts/ensure-docker.sh >/dev/null || echo "[start] no Docker engine: the Containers view will say so" >&2
npm run package --silent

profile="$state/profile"
rm -rf "$profile/extensions"
mkdir -p "$profile/user-data/User" "$profile/extensions"
cat > "$profile/user-data/User/settings.json" <<'JSON'
{
  "workbench.startupEditor": "none",
  "telemetry.telemetryLevel": "off",
  "update.mode": "none",
  "extensions.autoCheckUpdates": false,
  "workbench.tips.enabled": false
}
JSON
install_log="$state/install-extension.log"
"$code_server" --user-data-dir "$profile/user-data" --extensions-dir "$profile/extensions" \
  --install-extension "$repo/dist/hi-workbench.vsix" --force >"$install_log" 2>&1 || true
# The unpacked extension is the proof, not the exit code.
if ! ls "$profile/extensions"/hi-workbench.hi-workbench-*/dist/extension.js >/dev/null 2>&1; then
  echo "[start] code-server could not install dist/hi-workbench.vsix: $(grep -m1 -iE 'error|cannot' "$install_log" || tail -n 1 "$install_log") (log: $install_log)" >&2
  exit 1
fi

# A fresh copy each start: quick fixes applied in the demo never touch the repository.
workspace="$state/demo-workspace"
rm -rf "$workspace" && cp -r "$repo/demo" "$workspace"

port="$(node -e "const s=require('net').createServer().listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})")"
url="http://127.0.0.1:$port/?folder=$workspace"
log="$state/code-server.log"

cleanup() {
  trap - INT TERM EXIT
  if [ -n "${cs_pid:-}" ] && kill -0 "$cs_pid" 2>/dev/null; then
    kill -TERM -- "-$cs_pid" 2>/dev/null || kill -TERM "$cs_pid" 2>/dev/null || true
    for _ in $(seq 1 50); do kill -0 "$cs_pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL -- "-$cs_pid" 2>/dev/null || true
  fi
  rm -f "$state/pid" "$state/url"
  echo "stopped."
}
trap cleanup INT TERM EXIT

# Its own process group, so Ctrl-C takes code-server and every child (extension host, servers) down.
setsid "$code_server" --auth none --bind-addr "127.0.0.1:$port" --disable-telemetry --disable-update-check \
  --user-data-dir "$profile/user-data" --extensions-dir "$profile/extensions" "$workspace" >"$log" 2>&1 &
cs_pid=$!
echo "$cs_pid" > "$state/pid"
echo "$url" > "$state/url"

for _ in $(seq 1 300); do
  grep -q "HTTP server listening on" "$log" && break
  kill -0 "$cs_pid" 2>/dev/null || { echo "code-server exited:"; tail -n 30 "$log"; exit 1; }
  sleep 0.2
done
grep -q "HTTP server listening on" "$log" || { echo "code-server did not start in 60 s:"; tail -n 30 "$log"; exit 1; }
status="$(node -e "fetch(process.argv[1]).then((r) => console.log(r.status), (e) => console.log(e.message))" "$url")"
[ "$status" = "200" ] || { echo "[start] code-server is listening but $url answered: $status (log: $log)" >&2; exit 1; }

cat <<MSG

  hi workbench is running in a real VS Code (code-server $(basename "$(dirname "$(dirname "$(dirname "$code_server")")")" | sed 's/code-server-//')):

      $url

  Open it in a browser on this machine. The demo workspace is a fresh copy at
  $workspace
  Press Ctrl-C to stop.

  Desktop VS Code: code --install-extension $repo/dist/hi-workbench.vsix
MSG
wait "$cs_pid"
