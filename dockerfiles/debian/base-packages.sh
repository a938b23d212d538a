#!/usr/bin/env bash
# Makes sure the Debian package image exists: localhost/debian:bookworm-slim (../base-image.sh) plus
# `apt-get install --no-install-recommends $TSYSD_PACKAGES` (Dockerfile.packages), tagged
# localhost/tsysd-debian-base:<first 12 hex of sha256(packages)> and kept, so the apt step (the only one
# needing the network: build network = host, for the Debian mirror) runs once per package list.
# Prints the image name on stdout; progress goes to stderr.
#   env: TSYSD_PACKAGES (default: the issue-18 set below), TSYSD_BASE_IMAGE
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
PACKAGES="${TSYSD_PACKAGES:-systemd dbus cron openssh-server nginx-light rsyslog logrotate redis-server exim4-daemon-light}"
BASE="${TSYSD_BASE_IMAGE:-localhost/debian:bookworm-slim}"
HASH="$(printf '%s\n%s\n' "$BASE" "$PACKAGES" | cat - "$HERE/Dockerfile.packages" | sha256sum | cut -c1-12)"
IMAGE="localhost/tsysd-debian-base:$HASH"
PODMAN=(podman --runtime runc)
if ! "${PODMAN[@]}" image exists "$IMAGE"; then
  "$HERE/../base-image.sh" >&2
  exec 9>"${TMPDIR:-/tmp}/tsysd-debian-base.lock"
  flock 9
  if ! "${PODMAN[@]}" image exists "$IMAGE"; then
    echo "installing into $IMAGE: $PACKAGES" >&2
    "${PODMAN[@]}" build --runtime runc --network=host --ulimit nofile=1024:1024 --ulimit nproc=1024:1024 \
      --build-arg "BASE_IMAGE=$BASE" --build-arg "PACKAGES=$PACKAGES" -t "$IMAGE" \
      -f "$HERE/Dockerfile.packages" "$HERE" >&2
  fi
fi
echo "$IMAGE"
