// Run the real systemd-journald (the oracle) in a throwaway mount + PID namespace with tmpfs on /run and
// /var/log/journal, feed it with a shell script, and copy the journal files it wrote out to `outDir`.
// Needs root, unshare and /lib/systemd/systemd-journald; `available()` says whether this host has them.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';

export const JOURNALD = ['/lib/systemd/systemd-journald', '/usr/lib/systemd/systemd-journald'].find((p) => fs.existsSync(p)) ?? '';

export function journaldAvailable(): boolean {
  return JOURNALD !== '' && process.getuid?.() === 0 && fs.existsSync('/usr/bin/unshare');
}

/**
 * Start journald, run `feed` (bash, with $JSOCK, $JSTDOUT, $JDEVLOG set to its sockets), stop journald with
 * SIGTERM (it syncs and marks its files offline) and copy *.journal to outDir. Returns the feed's output.
 */
export function runJournald(feed: string, outDir: string, env: Record<string, string> = {}): { code: number; output: string } {
  const script = `
set -e
mount -t tmpfs tmpfs /run
mkdir -p /var/log/journal && mount -t tmpfs tmpfs /var/log/journal
${JOURNALD} &
JPID=$!
for i in $(seq 1 100); do [ -S /run/systemd/journal/stdout ] && break; sleep 0.05; done
export JSOCK=/run/systemd/journal/socket JSTDOUT=/run/systemd/journal/stdout JDEVLOG=/run/systemd/journal/dev-log
set +e
( ${feed} )
FEED=$?
sleep 0.3
kill -TERM $JPID; wait $JPID
find /var/log/journal /run/log/journal -name '*.journal' -exec cp {} ${JSON.stringify(outDir)}/ \\; 2>/dev/null
exit $FEED
`;
  const r = spawnSync('unshare', ['--mount', '--pid', '--fork', '--mount-proc', 'bash', '-c', script], {
    env: { ...process.env, ...env }, timeout: 60_000, maxBuffer: 64 * 1024 * 1024,
  });
  return { code: r.status ?? -1, output: (r.stdout?.toString() ?? '') + (r.stderr?.toString() ?? '') };
}
