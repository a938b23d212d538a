// E2E: tsysctl's progress line on a terminal (systemd's "A start job is running for …" status with the
// cylon, elapsed time and limit) for start of several units, restart, stop and isolate, run in a real
// pseudo-terminal (python3's pty module); and silence when stderr is a pipe.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { startDaemon, runCtl, TSYSCTL, type Daemon } from '../helpers/daemon';
import { drawCylon } from '../../src/cli/ctl/progress';

/** Run tsysctl in a pty; returns everything the terminal showed. */
function inPty(d: Daemon, args: string[]): Promise<{ code: number; out: string }> {
  return new Promise((resolve) => {
    const py = 'import os, pty, sys\nst = pty.spawn(sys.argv[1:])\nsys.exit(os.waitstatus_to_exitcode(st))\n';
    const p = spawn('python3', ['-c', py, process.execPath, TSYSCTL, '--socket', d.sock, ...args], {
      env: { ...process.env, TERM: 'xterm', COLUMNS: '100', NO_COLOR: '1' }, stdio: ['pipe', 'pipe', 'pipe'],
    });
    let out = '';
    p.stdout.on('data', (b: Buffer) => { out += b.toString(); });
    p.stderr.on('data', (b: Buffer) => { out += b.toString(); });
    p.stdin.end();
    const t = setTimeout(() => p.kill('SIGKILL'), 60000);
    p.on('close', (code) => { clearTimeout(t); resolve({ code: code ?? 1, out }); });
  });
}

const UNITS = {
  'app.target': '[Unit]\nDescription=App\n',
  'slow.service': '[Unit]\nDescription=Slow service\n[Service]\nType=oneshot\nRemainAfterExit=yes\nTimeoutStartSec=30\nExecStart=/bin/sleep 3.5\nExecStop=/bin/sleep 3\nTimeoutStopSec=20\n',
  'slower.service': '[Unit]\nDescription=Slower service\n[Service]\nType=oneshot\nRemainAfterExit=yes\nExecStart=/bin/sleep 4.5\n',
  'iso.target': '[Unit]\nDescription=Isolated\nAllowIsolate=yes\nWants=slow.service\nAfter=slow.service\n',
};

test('tsysctl shows systemd\'s job progress line on a tty and nothing when piped', { timeout: 180_000 }, async () => {
  const d = await startDaemon({ units: UNITS, args: ['--target', 'app.target', '--no-forward-output'] });
  try {
    const r = await inPty(d, ['start', 'slow.service', 'slower.service']);
    assert.equal(r.code, 0, r.out);
    // Both jobs run at once: "(k of 2)"; elapsed and limit in whole seconds; the unit's Description.
    assert.match(r.out, /\[[ *]{6}\] \(1 of 2\) A start job is running for Slow service \(\d+s \/ 30s\)/, JSON.stringify(r.out));
    assert.match(r.out, /\[[ *]{6}\] \(\d of 2\) A start job is running for (Slow|Slower) service \(\d+s \/ 1min 30s\)|\(2 of 2\) A start job is running for Slower service/);
    // Nothing during the first 2 s of waiting: never "0s". (Elapsed counts from when the job began running,
    // which on a loaded machine can be a moment after the client began waiting, so 1s is possible.)
    const first = /A start job is running for \S+ service \((\d+)s/.exec(r.out);
    assert.ok(first && Number(first[1]) >= 1, `first elapsed ${first?.[1]}`);
    // The cylon moves and the line is rewritten in place (reverse line feed + erase), and erased at the end.
    const cylons = new Set([...r.out.matchAll(/\[([ *]{6})\] /g)].map((m) => m[1]));
    assert.ok(cylons.size >= 3, `cylon positions: ${[...cylons].join('|')}`);
    for (const c of cylons) assert.ok([0, 1, 2, 3, 4, 5, 6, 7].some((p) => drawCylon(p, false) === c), `unknown cylon "${c}"`);
    assert.ok(r.out.includes('\x1bM\r\x1b[K'));
    assert.ok(r.out.trimEnd().endsWith('\x1bM\r\x1b[K'), 'the progress line is erased at the end');

    const stop = await inPty(d, ['stop', 'slow.service']);
    assert.equal(stop.code, 0, stop.out);
    assert.match(stop.out, /A stop job is running for Slow service \(\d+s \/ 20s\)/);

    const iso = await inPty(d, ['isolate', 'iso.target']);
    assert.equal(iso.code, 0, iso.out);
    assert.match(iso.out, /A start job is running for Slow service \(\d+s \/ 30s\)/);

    // A fast job: silent. Piped: silent even for slow jobs.
    const fast = await inPty(d, ['start', 'app.target']);
    assert.doesNotMatch(fast.out, /job is running/);
    await d.ctl(['stop', 'slow.service']);
    const piped = await runCtl(['--socket', d.sock, 'start', 'slow.service', 'slower.service'], { env: { TERM: 'xterm' } });
    assert.equal(piped.code, 0, piped.stderr);
    assert.equal(piped.stderr, '');
    assert.equal(piped.stdout, '');
  } finally {
    assert.equal(await d.stop(), 0);
  }
});
