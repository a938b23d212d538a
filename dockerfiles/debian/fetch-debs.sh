#!/usr/bin/env bash
# Downloads .deb files for installing into a running container without its network: `apt-get download PKG...`
# run in the package image (its apt lists, so the versions are the ones that image would install; the build
# network reaches the Debian mirror), into $TSYSD_DEB_CACHE/<package image tag>/ (default
# /var/cache/tsysd-rootfs/debs). Files already there are kept. Prints the directory on stdout; mount it into
# the container and `apt-get install -y /dir/*.deb` there.
#   usage: dockerfiles/debian/fetch-debs.sh PKG...      env: as base-packages.sh, TSYSD_DEB_CACHE
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
[ $# -gt 0 ] || { echo "usage: $0 PKG..." >&2; exit 2; }
IMAGE="$("$HERE/base-packages.sh")"
DIR="${TSYSD_DEB_CACHE:-/var/cache/tsysd-rootfs/debs}/${IMAGE##*:}"
mkdir -p "$DIR"
missing=()
for p in "$@"; do compgen -G "$DIR/${p}_*.deb" >/dev/null || missing+=("$p"); done
if [ ${#missing[@]} -gt 0 ]; then
  podman --runtime runc run --rm --network=host --ulimit nofile=1024:1024 --ulimit nproc=1024:1024 \
    -v "$DIR:/debs" -w /debs "$IMAGE" sh -c 'apt-get -q download "$@" >&2 && chown 0:0 /debs/*.deb' sh "${missing[@]}" \
    2> >(grep -v "^W: Download is performed unsandboxed" >&2)
fi
echo "$DIR"
