// E2E: tsysd as PID 1 of its own PID namespace — zombie reaping of re-parented orphans, orderly
// shutdown on SIGTERM in exact reverse dependency order, SIGKILL escalation for a service ignoring
// SIGTERM, and the exit-code table (clean, `exit N`, SuccessAction=exit, FailureAction=exit-force).
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fixture } from '../fixtures/build';
import { prop, sleep, startDaemon, waitFor } from '../helpers/daemon';

/** Direct children of `pid` and their states (from the test's view of /proc). */
function children(pid: number): { pid: number; state: string }[] {
  let kids: string[] = [];
  try { kids = fs.readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean); } catch { return []; }
  return kids.map((k) => {
    let state = '?';
    try { const t = fs.readFileSync(`/proc/${k}/stat`, 'utf8'); state = t.slice(t.lastIndexOf(')') + 2, t.lastIndexOf(')') + 3); } catch { /* gone */ }
    return { pid: Number(k), state };
  });
}

test('1,000 orphaned grandchildren re-parented to PID 1 leave no zombie after 2 s', async () => {
  const maker = fixture('orphan-maker');
  const d = await startDaemon({
    units: { 'orphans.service': `[Service]\nType=oneshot\nExecStart=${maker} 1000 20\n` },
  });
  try {
    const r = await d.ctl(['start', 'orphans.service']);
    assert.equal(r.code, 0, r.stderr);
    const pid1 = d.innerPid();
    assert.ok(pid1 > 0);
    await sleep(2000);
    const zombies = children(pid1).filter((c) => c.state === 'Z');
    assert.equal(zombies.length, 0, `zombies left: ${zombies.map((z) => z.pid).join(' ')}`);
    assert.equal(await prop(d, 'orphans.service', 'Result'), 'success');
  } finally {
    await d.stop();
  }
});

test('SIGTERM stops a 50-service dependency chain in exact reverse order, then exits 0', async () => {
  const N = 50;
  const units: Record<string, string> = {};
  const wants: string[] = [];
  const stamp = (name: string): string => `ExecStopPost=/bin/sh -c 'echo ${name} $(date +%%s%%N) >> ${'${STAMPS}'}'`;
  for (let i = 0; i < N; i++) {
    const name = `c${String(i).padStart(2, '0')}.service`;
    wants.push(name);
    const after = i > 0 ? `After=c${String(i - 1).padStart(2, '0')}.service\n` : '';
    units[name] = `[Unit]\n${after}[Service]\nEnvironment=STAMPS=@STAMPS@\nExecStart=/bin/sleep 600\n${stamp(name)}\n`;
  }
  units['chain.target'] = `[Unit]\nWants=${wants.join(' ')}\n`;
  const d = await startDaemon({ units, args: ['--target', 'chain.target'] });
  const stamps = path.join(d.dir, 'stamps.txt');
  // The unit files need the stamp path: rewrite them and reload before starting anything else.
  try {
    for (const n of wants) {
      const p = path.join(d.unitDir, n);
      fs.writeFileSync(p, fs.readFileSync(p, 'utf8').replace('@STAMPS@', stamps));
    }
    await d.ctl(['daemon-reload']);
    // restart everything with the stamp path in place
    for (const n of wants) assert.equal((await d.ctl(['restart', '--no-block', n])).code, 0);
    assert.ok(await waitFor(async () => (await d.ctl(['is-active', ...wants])).code === 0 && !(await d.ctl(['is-active', ...wants])).stdout.includes('activating'), 20000));
    fs.rmSync(stamps, { force: true });
    d.signal('SIGTERM');
    const code = await d.waitExit(60000);
    assert.equal(code, 0, d.output.slice(-2000));
    const lines = fs.readFileSync(stamps, 'utf8').trim().split('\n').map((l) => l.split(' ')).map(([n, t]) => ({ n: n ?? '', t: BigInt(t ?? '0') }));
    assert.equal(lines.length, N, 'every unit ran its ExecStopPost');
    const order = [...lines].sort((a, b) => (a.t < b.t ? -1 : a.t > b.t ? 1 : 0)).map((l) => l.n);
    assert.deepEqual(order, [...wants].reverse(), 'stopped in reverse dependency order');
  } finally {
    await d.stop();
  }
});

test('a service ignoring SIGTERM is SIGKILLed after TimeoutStopSec and shutdown still completes', async () => {
  const ign = fixture('sigterm-ignorer');
  const d = await startDaemon({
    units: {
      'stubborn.service': `[Service]\nExecStart=${ign} --children 2\nTimeoutStopSec=2\n`,
      'app.target': '[Unit]\nWants=stubborn.service\n',
    },
    args: ['--target', 'app.target'],
  });
  try {
    assert.ok(await waitFor(async () => (await d.ctl(['logs', '-u', 'stubborn.service'])).stdout.includes('ignoring pid='), 5000));
    const t0 = Date.now();
    d.signal('SIGTERM');
    const code = await d.waitExit(30000);
    const took = Date.now() - t0;
    assert.equal(code, 0);
    assert.ok(took >= 1800, `waited for TimeoutStopSec (${took} ms)`);
    assert.ok(took < 15000, `then SIGKILLed (${took} ms)`);
    assert.match(d.output, /stubborn\.service: (State 'stop-sigterm' timed out|.*[Kk]illing)/);
  } finally {
    await d.stop();
  }
});

test('exit codes: SuccessAction=exit with SuccessActionExitStatus, FailureAction=exit-force with the main exit status', async () => {
  const d1 = await startDaemon({
    units: { 'job.service': '[Unit]\nSuccessAction=exit\nSuccessActionExitStatus=5\n[Service]\nType=oneshot\nExecStart=/bin/true\n' },
  });
  try {
    await d1.ctl(['start', '--no-block', 'job.service']);
    assert.equal(await d1.waitExit(20000), 5);
  } finally {
    await d1.stop();
  }
  const d2 = await startDaemon({
    units: { 'crash.service': '[Unit]\nFailureAction=exit-force\n[Service]\nExecStart=/bin/sh -c "exit 3"\n' },
  });
  try {
    await d2.ctl(['start', '--no-block', 'crash.service']);
    assert.equal(await d2.waitExit(20000), 3);
  } finally {
    await d2.stop();
  }
});
