#!/usr/bin/env bash
# Idempotent setup for the rootless podman e2e test (tests/e2e/container-rootless.test.ts): a system user
# `tsysd-rootless` (home /var/lib/tsysd-rootless, no login shell) with a subordinate uid/gid range for its
# user namespace, and its container storage on the native overlay driver. Without that storage.conf podman
# 4.3 picks `vfs` here (no fuse-overlayfs), whose container root directory is created mode 0700: every
# service running as a non-root user then fails (redis 203/EXEC "Permission denied", exim4 "user mail was
# not found"). Kernel >= 5.13 mounts overlay inside a user namespace, so no fuse-overlayfs is needed.
set -euo pipefail
USER_NAME="${TSYSD_ROOTLESS_USER:-tsysd-rootless}"
HOME_DIR="/var/lib/$USER_NAME"
RANGE_START="${TSYSD_ROOTLESS_SUBID_START:-1000000}"
id "$USER_NAME" >/dev/null 2>&1 || useradd --system --create-home --home-dir "$HOME_DIR" --shell /usr/sbin/nologin "$USER_NAME"
for f in /etc/subuid /etc/subgid; do
  touch "$f"
  grep -q "^$USER_NAME:" "$f" || echo "$USER_NAME:$RANGE_START:65536" >> "$f"
done
as_user() { runuser -u "$USER_NAME" -- env HOME="$HOME_DIR" "$@"; }
as_user mkdir -p "$HOME_DIR/.config/containers"
as_user sh -c "printf '[storage]\ndriver = \"overlay\"\n' > '$HOME_DIR/.config/containers/storage.conf'"
if [ "$(cd / && as_user podman info --format '{{.Store.GraphDriverName}}' 2>/dev/null)" != overlay ]; then
  (cd / && as_user podman system reset -f >/dev/null 2>&1) || true
fi
echo "rootless podman user $USER_NAME: $(cd / && as_user podman info --format '{{.Store.GraphDriverName}}, cgroups {{.Host.CgroupsVersion}} ({{.Host.CgroupManager}})' 2>/dev/null)"
