#!/usr/bin/env bash
# Builds the tsysd container image with podman, without any registry:
#   1. compiles the project (tsc; the native addon via node-gyp if binding.gyp exists and build/ is missing),
#   2. makes sure the base image exists (base-image.sh: debootstrap'd bookworm minbase, cached in
#      $TSYSD_ROOTFS_CACHE, default /var/cache/tsysd-rootfs, imported as localhost/debian:bookworm-slim),
#   3. assembles a build context in a temp dir: the host's node binary, dist/src, dist/bundle (what the
#      entrypoint runs), bin/, build/Release
#      (native addon + exec helper), production node_modules (npm prune --omit=dev --offline), the
#      test_units demo, a static systemd-notify, the entrypoint wrapper,
#   4. `podman --runtime runc build` (runc: crun fails on this machine's hybrid cgroup layout).
# Usage: dockerfiles/build.sh            env: TSYSD_IMAGE (default localhost/tsysd:latest),
#        TSYSD_BASE_IMAGE, TSYSD_ROOTFS_CACHE, NODE_BIN (default: `command -v node`), TSYSD_SKIP_COMPILE=1
#        TSYSD_FLAVOR=debian: "your Debian image, tsysd as init" (dockerfiles/debian/): the packages in
#        TSYSD_PACKAGES installed by apt into a cached package image (debian/base-packages.sh), tsysd on top,
#        nothing of the image altered; default tag localhost/tsysd-debian:latest.
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(dirname "$HERE")"
FLAVOR="${TSYSD_FLAVOR:-demo}"
case "$FLAVOR" in
  demo) IMAGE="${TSYSD_IMAGE:-localhost/tsysd:latest}" ;;
  debian) IMAGE="${TSYSD_IMAGE:-localhost/tsysd-debian:latest}" ;;
  *) echo "build.sh: unknown TSYSD_FLAVOR '$FLAVOR' (demo, debian)" >&2; exit 2 ;;
esac
export TSYSD_BASE_IMAGE="${TSYSD_BASE_IMAGE:-localhost/debian:bookworm-slim}"
NODE_BIN="$(readlink -f "${NODE_BIN:-$(command -v node)}")"
PODMAN=(podman --runtime runc)

cd "$ROOT"
if [ "${TSYSD_SKIP_COMPILE:-0}" != 1 ]; then
  npx tsc -p . >/dev/null || echo "build.sh: warning: tsc reported type errors; packaging dist/ as emitted" >&2
  node tools/bundle.js
  if [ -f binding.gyp ] && [ ! -d build/Release ]; then npx node-gyp rebuild >/dev/null; fi
fi
[ -f dist/src/cli/tsysd.js ] || { echo "build.sh: dist/src/cli/tsysd.js missing (run npx tsc -p .)" >&2; exit 1; }
[ -f dist/bundle/tsysd.js ] || { echo "build.sh: dist/bundle/tsysd.js missing (run npm run build)" >&2; exit 1; }
"$HERE/base-image.sh"
FROM_IMAGE="$TSYSD_BASE_IMAGE"
if [ "$FLAVOR" = debian ]; then FROM_IMAGE="$("$HERE/debian/base-packages.sh")"; fi

CTX="$(mktemp -d "${TMPDIR:-/var/tmp}/tsysd-image-ctx.XXXXXX")"
trap 'rm -rf "$CTX"' EXIT
if [ "$FLAVOR" = debian ]; then cp "$HERE/debian/Dockerfile" "$CTX/Dockerfile"; else cp "$HERE/Dockerfile" "$CTX/Dockerfile"; fi
cp "$NODE_BIN" "$CTX/node"
install -m 0755 "$HERE/tsysd.sh" "$CTX/tsysd"
install -m 0755 "$HERE/tsysd-probe.sh" "$CTX/tsysd-probe"
[ "$FLAVOR" = demo ] && gcc -O2 -static -o "$CTX/systemd-notify" "$HERE/systemd-notify.c"
mkdir -p "$CTX/app/dist" "$CTX/demo"
cp package.json package-lock.json "$CTX/app/"
cp -a dist/src "$CTX/app/dist/src"
cp -a dist/bundle "$CTX/app/dist/bundle"
cp -a bin "$CTX/app/bin"
if [ -d build/Release ]; then
  mkdir -p "$CTX/app/build"
  cp -a build/Release "$CTX/app/build/Release"
  rm -rf "$CTX/app/build/Release/obj.target" "$CTX/app/build/Release/.deps"
else
  echo "build.sh: warning: no build/Release (native addon not built); the image will lack it" >&2
fi
cp -a node_modules "$CTX/app/node_modules"
(cd "$CTX/app" && npm prune --omit=dev --offline --no-audit --no-fund >/dev/null 2>&1)
[ "$FLAVOR" = demo ] && cp -a test_units/. "$CTX/demo/"

OLD_ID="$("${PODMAN[@]}" image inspect --format '{{.Id}}' "$IMAGE" 2>/dev/null || true)"
"${PODMAN[@]}" build --runtime runc --network=none --ulimit nofile=1024:1024 --ulimit nproc=1024:1024 \
  --build-arg "BASE_IMAGE=$FROM_IMAGE" -t "$IMAGE" "$CTX"
# The previous build of this tag is now untagged: remove it (if nothing else uses it) to bound disk use.
NEW_ID="$("${PODMAN[@]}" image inspect --format '{{.Id}}' "$IMAGE")"
if [ -n "$OLD_ID" ] && [ "$OLD_ID" != "$NEW_ID" ]; then "${PODMAN[@]}" rmi "$OLD_ID" >/dev/null 2>&1 || true; fi
echo "built $IMAGE"
