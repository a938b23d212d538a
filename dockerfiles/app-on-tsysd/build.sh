#!/usr/bin/env bash
# Builds docs/kubernetes.md's example image: localhost/tsysd (dockerfiles/build.sh, unless BASE_IMAGE names
# an existing tsysd image) plus this folder's units and programs, tagged localhost/app-on-tsysd:1.0.
# Then:  podman kube play docs/app-pod.yaml   (the manifest of docs/kubernetes.md)
# Usage: dockerfiles/app-on-tsysd/build.sh     env: APP_IMAGE (default localhost/app-on-tsysd:1.0),
#        BASE_IMAGE (default: build localhost/tsysd:latest first), other build.sh variables pass through.
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
APP_IMAGE="${APP_IMAGE:-localhost/app-on-tsysd:1.0}"
if [ -z "${BASE_IMAGE:-}" ]; then
  BASE_IMAGE="${TSYSD_IMAGE:-localhost/tsysd:latest}"
  TSYSD_FLAVOR=demo TSYSD_IMAGE="$BASE_IMAGE" "$HERE/../build.sh"
fi
podman --runtime runc build --runtime runc --network=none --build-arg "BASE_IMAGE=$BASE_IMAGE" -t "$APP_IMAGE" "$HERE"
echo "built $APP_IMAGE"
