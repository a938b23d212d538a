#!/bin/sh
# /usr/local/bin/tsysd-probe in the image: a Kubernetes exec probe without shell quoting.
#   tsysd-probe live    exit 0 while the manager answers and is not shutting down (running, degraded,
#                       starting, initializing): for livenessProbe, which must not restart a degraded pod
#   tsysd-probe ready   exit 0 only when `running` (every unit up): readiness/startup without HTTP
# Why a program and not `sh -c 'case ...'`: podman 4.3's `kube play` joins an exec probe's arguments with
# spaces and word-splits them again into its healthcheck, so any argument containing a space breaks.
state="$(tsysctl is-system-running 2>/dev/null)"
case "${1:-live}" in
  live) case "$state" in running|degraded|starting|initializing) exit 0 ;; esac ;;
  ready) [ "$state" = running ] && exit 0 ;;
  *) echo "usage: tsysd-probe live|ready" >&2; exit 2 ;;
esac
echo "tsysd-probe ${1:-live}: system is ${state:-unreachable}" >&2
exit 1
