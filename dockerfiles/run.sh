#!/usr/bin/env bash
# Runs the tsysd image with podman the way this machine needs (runc, no network, bounded ulimits, /run on
# tmpfs). Foreground by default (Ctrl-C = SIGINT = orderly shutdown); -d runs it detached (then
# `podman exec NAME tsysctl status`, `podman logs NAME`, `podman stop -t 30 NAME`, `podman rm NAME`).
# Usage: dockerfiles/run.sh [-d] [--name NAME] [--units DIR] [--health ADDR] [--] [tsysd options...]
#   --units DIR   mount DIR read-only at /etc/systemd/system (your units; put default.target -> your
#                 target there to replace the demo, or add <x>.wants/ links under demo.target.wants/)
#   --health ADDR serve GET /healthz on ADDR inside the container (e.g. 127.0.0.1:8080)
#   env: TSYSD_IMAGE (default localhost/tsysd:latest), PODMAN_ARGS (extra `podman run` args, word-split)
set -euo pipefail
IMAGE="${TSYSD_IMAGE:-localhost/tsysd:latest}"
NAME="tsysd-demo"
DETACH=()
EXTRA=()
while [ $# -gt 0 ]; do
  case "$1" in
    -d) DETACH=(-d); shift ;;
    --name) NAME="$2"; shift 2 ;;
    --units) EXTRA+=(-v "$(readlink -f "$2"):/etc/systemd/system:ro"); shift 2 ;;
    --health) EXTRA+=(-e "TSYSD_HEALTH_LISTEN=$2"); shift 2 ;;
    --) shift; break ;;
    *) break ;;
  esac
done
RM=(--rm)
[ ${#DETACH[@]} -gt 0 ] && RM=()
# shellcheck disable=SC2086
exec podman --runtime runc run "${RM[@]}" "${DETACH[@]}" --name "$NAME" --network=none \
  --ulimit nofile=1024:1024 --ulimit nproc=1024:1024 --tmpfs /run:rw,mode=0755 --stop-timeout 30 \
  "${EXTRA[@]}" ${PODMAN_ARGS:-} "$IMAGE" "$@"
