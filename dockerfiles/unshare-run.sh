#!/usr/bin/env bash
# Boots an image's root file system with tsysd as PID 1 and no container engine: unshare(1) gives new PID,
# mount, network (loopback only), UTS, IPC and cgroup namespaces; inside, the rootfs gets /proc (with
# /proc/sys read-only), a read-only sysfs with a read-only cgroup2 mount (journald needs one; read-only, so
# tsysd tracks processes without cgroups, as under podman), a small /dev (tmpfs with the host's null/zero/full/random/urandom/tty bound in, a private devpts,
# /dev/shm, /dev/mqueue), tmpfs on /run and /tmp, then `pivot_root` and `exec` of the image's entrypoint, so
# tsysd is PID 1, with a container engine's default capabilities (below). SIGTERM to that PID 1 is the orderly shutdown; its exit code is this script's. unshare's
# own process does not forward signals: send them to its child (`pgrep -P UNSHARE_PID`). Root only.
# Get a rootfs from an image:  c=$(podman create IMAGE) && podman export "$c" | tar -C DIR --numeric-owner -xf - && podman rm "$c"
# Usage: dockerfiles/unshare-run.sh ROOTFS [tsysd options...]   env: TSYSD_UNSHARE_ENTRY (default /usr/local/bin/tsysd)
set -euo pipefail
[ $# -ge 1 ] || { echo "usage: $0 ROOTFS [tsysd options...]" >&2; exit 2; }
R="$(readlink -f "$1")"; shift
ENTRY="${TSYSD_UNSHARE_ENTRY:-/usr/local/bin/tsysd}"
# A container engine's default capability set (podman 4.3's containers.conf): tsysd then meets what it meets
# in an unprivileged container, and its sandboxing falls back the same way. TSYSD_UNSHARE_CAPS=+all keeps all.
CAPS="${TSYSD_UNSHARE_CAPS:--all,+chown,+dac_override,+fowner,+fsetid,+kill,+net_bind_service,+setfcap,+setgid,+setpcap,+setuid,+sys_chroot}"
[ -x "$R$ENTRY" ] || { echo "unshare-run.sh: $R$ENTRY is not an executable: not a tsysd image rootfs" >&2; exit 2; }
# shellcheck disable=SC2016
exec unshare --pid --fork --mount --net --uts --ipc --cgroup --propagation private --kill-child=SIGKILL -- /bin/sh -ec '
R=$1; ENTRY=$2; CAPS=$3; shift 3
ip link set lo up 2>/dev/null || true
mount --bind "$R" "$R"
mount -t proc -o nosuid,nodev,noexec proc "$R/proc"
mount --bind "$R/proc/sys" "$R/proc/sys" && mount -o remount,bind,ro "$R/proc/sys"
mount -t sysfs -o ro,nosuid,nodev,noexec sysfs "$R/sys"
mount -t cgroup2 -o ro,nosuid,nodev,noexec cgroup2 "$R/sys/fs/cgroup"
mount -t tmpfs -o mode=0755,nosuid,size=64k tmpfs "$R/dev"
for d in null zero full random urandom tty; do touch "$R/dev/$d"; mount --bind "/dev/$d" "$R/dev/$d"; done
mkdir -p "$R/dev/pts" "$R/dev/shm" "$R/dev/mqueue"
mount -t devpts -o newinstance,ptmxmode=0666,mode=0620 devpts "$R/dev/pts"
ln -s pts/ptmx "$R/dev/ptmx"
mount -t tmpfs -o mode=1777,nosuid,nodev tmpfs "$R/dev/shm"
mount -t mqueue -o nosuid,nodev,noexec mqueue "$R/dev/mqueue"
ln -s /proc/self/fd "$R/dev/fd"; ln -s /proc/self/fd/0 "$R/dev/stdin"; ln -s /proc/self/fd/1 "$R/dev/stdout"; ln -s /proc/self/fd/2 "$R/dev/stderr"
mount -t tmpfs -o mode=0755,nosuid,nodev tmpfs "$R/run"
mount -t tmpfs -o mode=1777,nosuid,nodev tmpfs "$R/tmp"
hostname tsysd-unshare
# pivot_root, not chroot: in a chroot the kernel refuses unshare(CLONE_NEWUSER) (EPERM), which
# PrivateUsers= needs; after pivot_root the rootfs is the root of the mount namespace.
mkdir -p "$R/.tsysd-oldroot"
cd "$R"
pivot_root . .tsysd-oldroot
umount -l /.tsysd-oldroot
rmdir /.tsysd-oldroot
exec env -i container=unshare PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin TERM=dumb \
  setpriv --bounding-set="$CAPS" --inh-caps=-all "$ENTRY" "$@"
' unshare-run "$R" "$ENTRY" "$CAPS" "$@"
