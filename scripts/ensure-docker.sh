#!/usr/bin/env bash
# A real Docker engine for the Docker tests, only what is missing: installs docker.io and
# busybox-static, starts dockerd when its socket does not answer, and imports a tiny local image
# (no registry is reachable here; see ../shared/machine-notes.md). Prints the image name last.
set -euo pipefail
IMAGE="hi-workbench-busybox:test"
SOCK="/var/run/docker.sock"
log() { echo "[ensure-docker] $*" >&2; }
SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"

# Each check looks for the thing itself: the daemon binary, a static busybox (the image holds
# nothing but that one binary; Debian's plain busybox needs libc), not dpkg's word for it.
static_busybox() { [ -x /bin/busybox ] && ! ldd /bin/busybox >/dev/null 2>&1; }
missing=()
command -v dockerd >/dev/null 2>&1 || missing+=(docker.io)
static_busybox || missing+=(busybox-static)
if [ ${#missing[@]} -gt 0 ]; then
  log "installing Debian packages: ${missing[*]}"
  $SUDO apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >&2
  dockerd --version >/dev/null 2>&1 || { log "docker.io was installed but dockerd does not run"; exit 1; }
  static_busybox || { log "busybox-static was installed but /bin/busybox is not a static binary"; exit 1; }
fi

# The CLI Debian installs; another `docker` earlier on PATH may be a different build.
DOCKER="$(command -v docker)"
[ -x /usr/bin/docker ] && DOCKER=/usr/bin/docker

if ! $DOCKER version >/dev/null 2>&1; then
  log "starting dockerd (log: /tmp/hi-workbench-dockerd.log)"
  # dockerd outlives this script: it must not inherit its descriptors. Run under
  # `flock /tmp/hi-e2e.lock …`, an inherited lock descriptor would hold that lock for as long as
  # dockerd lives, and every later e2e run would wait for it forever.
  $SUDO sh -c 'for fd in /proc/$$/fd/*; do n=${fd##*/}; case $n in [3-9]) eval "exec $n>&-" ;; esac; done; nohup dockerd >/tmp/hi-workbench-dockerd.log 2>&1 &'
  for _ in $(seq 1 60); do
    [ -S "$SOCK" ] && $DOCKER version >/dev/null 2>&1 && break
    sleep 1
  done
  $DOCKER version >/dev/null 2>&1 || { log "dockerd did not come up; see /tmp/hi-workbench-dockerd.log"; tail -20 /tmp/hi-workbench-dockerd.log >&2; exit 1; }
fi

if ! $DOCKER image inspect "$IMAGE" >/dev/null 2>&1; then
  log "importing $IMAGE from busybox-static"
  ROOTFS="$(mktemp -d)"
  trap 'rm -rf "$ROOTFS"' EXIT
  mkdir -p "$ROOTFS/bin"
  cp /bin/busybox "$ROOTFS/bin/busybox"
  for applet in sh sleep echo cat; do ln -s busybox "$ROOTFS/bin/$applet"; done
  tar -C "$ROOTFS" -c . | $DOCKER import -c 'CMD ["/bin/sh"]' - "$IMAGE" >/dev/null
  # Proof that the engine runs containers from it, not only that the import exited 0.
  [ "$($DOCKER run --rm "$IMAGE" echo hi-workbench-ok 2>&1)" = "hi-workbench-ok" ] \
    || { log "dockerd imported $IMAGE but cannot run a container from it; see /tmp/hi-workbench-dockerd.log"; exit 1; }
fi
echo "$IMAGE"
