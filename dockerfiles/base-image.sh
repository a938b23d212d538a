#!/usr/bin/env bash
# Builds the Debian bookworm minimal base image locally, without any container registry: a debootstrap
# --variant=minbase rootfs (through the apt mirror), cached as a tarball outside the repository, imported
# with `podman import` under the name the Dockerfile's FROM uses. Idempotent: an existing image is kept,
# an existing cached tarball is re-imported without running debootstrap again.
#   env: TSYSD_BASE_IMAGE (default localhost/debian:bookworm-slim)
#        TSYSD_ROOTFS_CACHE (default /var/cache/tsysd-rootfs)
#        DEBIAN_MIRROR (default http://deb.debian.org/debian)
set -euo pipefail
BASE_IMAGE="${TSYSD_BASE_IMAGE:-localhost/debian:bookworm-slim}"
CACHE="${TSYSD_ROOTFS_CACHE:-/var/cache/tsysd-rootfs}"
MIRROR="${DEBIAN_MIRROR:-http://deb.debian.org/debian}"
PODMAN=(podman --runtime runc)
TARBALL="$CACHE/bookworm-minbase.tar"

if "${PODMAN[@]}" image exists "$BASE_IMAGE"; then
  echo "base image $BASE_IMAGE already present"
  exit 0
fi
mkdir -p "$CACHE"
if [ ! -s "$TARBALL" ]; then
  # One builder at a time (tests and humans may run build.sh concurrently).
  exec 9>"$CACHE/.lock"
  flock 9
  if [ ! -s "$TARBALL" ]; then
    ROOT="$(mktemp -d "$CACHE/rootfs.XXXXXX")"
    trap 'rm -rf "$ROOT"' EXIT
    start=$(date +%s)
    echo "debootstrap --variant=minbase bookworm from $MIRROR (a few minutes the first time)..."
    debootstrap --variant=minbase bookworm "$ROOT" "$MIRROR" >"$CACHE/debootstrap.log" 2>&1 || {
      tail -n 30 "$CACHE/debootstrap.log" >&2; exit 1; }
    # Slim it like debian:bookworm-slim: no apt lists, no docs/man pages, no package caches.
    rm -rf "$ROOT"/var/lib/apt/lists/* "$ROOT"/var/cache/apt/*.bin "$ROOT"/var/cache/apt/archives/*.deb \
      "$ROOT"/usr/share/doc/* "$ROOT"/usr/share/man/* "$ROOT"/usr/share/info/*
    tar --numeric-owner -C "$ROOT" -cf "$TARBALL.tmp" .
    mv "$TARBALL.tmp" "$TARBALL"
    echo "debootstrap + tar took $(( $(date +%s) - start ))s; cached at $TARBALL"
  fi
fi
"${PODMAN[@]}" import --change 'CMD ["/bin/bash"]' "$TARBALL" "$BASE_IMAGE" >/dev/null
echo "imported $TARBALL as $BASE_IMAGE"
