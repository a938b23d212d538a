#!/usr/bin/env bash
# bench/journal: entries/s through each journald socket, tsysd's journal server next to systemd-journald
# receiving the same load in the same run, each in a throwaway mount+PID namespace with tmpfs on /run and
# /var/log/journal. Entries/s = N / (time to send N + time until the server has stored them and exited).
# Usage: bench/journal/run.sh [N]   (root; needs gcc, libsystemd-dev, systemd-journald)
set -euo pipefail
cd "$(dirname "$0")"
N=${1:-20000}
ROOT=$(cd ../.. && pwd)
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
gcc -O2 -o "$TMP/sender" sender.c -lsystemd
for server in tsysd journald; do
  for kind in native syslog stream; do
    if [ $server = tsysd ]; then start="node $ROOT/dist/src/journal/main.js --persistent-root /nonexistent --no-dev-log"; else start=/lib/systemd/systemd-journald; fi
    out=$(unshare --mount --pid --fork --mount-proc bash -c "
      mount -t tmpfs tmpfs /run; mkdir -p /var/log/journal; mount -t tmpfs tmpfs /var/log/journal
      $start >/dev/null 2>&1 & SRV=\$!
      for i in \$(seq 1 200); do [ -S /run/systemd/journal/stdout ] && [ -S /run/systemd/journal/dev-log ] && break; sleep 0.05; done
      t0=\$(date +%s%N); $TMP/sender $kind $N; kill -TERM \$SRV; wait \$SRV || true; t1=\$(date +%s%N)
      n=\$(journalctl -D \$(dirname \$(find /run/log/journal /var/log/journal -name '*.journal' | head -1)) -o cat SYSLOG_IDENTIFIER=bench 2>/dev/null | grep -c 'bench line' || true)
      echo \$(( (t1 - t0) / 1000000 )) \$n")
    ms=${out% *}; stored=${out#* }
    echo "$server $kind: $stored/$N stored in ${ms} ms = $(( stored * 1000 / (ms > 0 ? ms : 1) )) entries/s"
  done
done
