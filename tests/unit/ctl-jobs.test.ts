// tsysctl job verbs and probes against a fake manager: output, stderr, exit codes (systemctl 252, §7).
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { FakeManager, unit } from './rpc-fake-manager';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { TSYSCTL, withCtl } from './ctl-helpers';
import { harness } from './rpc-helpers';
import { errors } from '../../src/rpc/errors';

const mk = (): FakeManager => new FakeManager([
  unit('a.service', { activeState: 'active', mainPid: 100, unitFileState: 'enabled' }),
  unit('b.service'),
  unit('bad.service', { failWith: 'exit-code' }),
  unit('tmo.service', { failWith: 'timeout' }),
  unit('odd.service', { failWith: 'weird-result' }),
  unit('gone.service', { activeState: 'failed', result: 'signal', unitFileState: 'static' }),
  unit('m.service', { loadState: 'masked', unitFileState: 'masked' }),
  unit('rl.service', { activeState: 'inactive', canReload: true }),
]);

test('start waits for the job; success is silent with rc 0 and the unit is active afterwards', async () => {
  const m = mk();
  await withCtl(m, async (run) => {
    const r = await run(['start', 'b']);
    assert.deepEqual([r.code, r.stdout, r.stderr], [0, '', '']);
    assert.equal(m.units.get('b.service')?.activeState, 'active');
    assert.deepEqual(m.calls.find((c) => c.method === 'start')?.params, { unit: 'b.service', mode: 'replace', wait: true });
  });
});

test('a failing start prints systemctl\'s message with the program name as invoked, rc 1', async () => {
  await withCtl(mk(), async (run) => {
    const r = await run(['start', 'bad.service']);
    assert.equal(r.code, 1);
    assert.equal(r.stdout, '');
    assert.equal(r.stderr, 'Job for bad.service failed because the control process exited with error code.\n'
      + 'See "tsysctl status bad.service" and "journalctl -xeu bad.service" for details.\n');
    const s = await run(['restart', 'tmo'], { as: 'systemctl' });
    assert.equal(s.code, 1);
    assert.equal(s.stderr, 'Job for tmo.service failed because a timeout was exceeded.\n'
      + 'See "systemctl status tmo.service" and "journalctl -xeu tmo.service" for details.\n');
    const o = await run(['start', 'odd']);
    assert.equal(o.stderr, 'Job for odd.service failed.\nSee "tsysctl status odd.service" and "journalctl -xeu odd.service" for details.\n');
  });
});

test('enqueue errors: not found rc 5, not loaded rc 5, masked rc 1, not applicable rc 3, inactive reload rc 1', async () => {
  await withCtl(mk(), async (run) => {
    let r = await run(['start', 'nope.service']);
    assert.deepEqual([r.code, r.stderr], [5, 'Failed to start nope.service: Unit nope.service not found.\n']);
    r = await run(['stop', 'nope']);
    assert.deepEqual([r.code, r.stderr], [5, 'Failed to stop nope.service: Unit nope.service not loaded.\n']);
    r = await run(['start', 'm.service']);
    assert.deepEqual([r.code, r.stderr], [1, 'Failed to start m.service: Unit m.service is masked.\n']);
    r = await run(['reload', 'b.service']);
    assert.deepEqual([r.code, r.stderr], [3, 'Failed to reload b.service: Job type reload is not applicable for unit b.service.\n']);
    r = await run(['reload', 'rl.service']);
    assert.deepEqual([r.code, r.stderr], [1, 'rl.service is not active, cannot reload.\n']);
  });
});

test('--no-block returns after queueing; --job-mode is passed; bad job mode is refused', async () => {
  const m = mk();
  await withCtl(m, async (run) => {
    const r = await run(['start', '--no-block', 'bad.service', '--job-mode=fail']);
    assert.deepEqual([r.code, r.stderr], [0, '']);
    assert.deepEqual(m.calls.find((c) => c.method === 'start')?.params, { unit: 'bad.service', mode: 'fail', wait: false });
    const b = await run(['start', '--job-mode=bogus', 'b']);
    assert.equal(b.code, 1);
    assert.match(b.stderr, /--job-mode/);
  });
});

test('isolate uses job mode isolate and the .target suffix', async () => {
  const m = mk();
  m.units.set('rescue.target', unit('rescue.target'));
  await withCtl(m, async (run) => {
    const r = await run(['isolate', 'rescue']);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(m.calls.find((c) => c.method === 'isolate')?.params, { unit: 'rescue.target', mode: 'isolate', wait: true });
  });
});

test('is-active / is-failed: states printed per unit, rc per systemctl, --quiet silences', async () => {
  await withCtl(mk(), async (run) => {
    let r = await run(['is-active', 'a', 'b.service']);
    assert.deepEqual([r.code, r.stdout], [0, 'active\ninactive\n']);
    r = await run(['is-active', 'b']);
    assert.deepEqual([r.code, r.stdout], [3, 'inactive\n']);
    r = await run(['is-active', 'nope.service']);
    assert.deepEqual([r.code, r.stdout], [3, 'inactive\n']);
    r = await run(['is-active', '-q', 'a']);
    assert.deepEqual([r.code, r.stdout], [0, '']);
    r = await run(['is-failed', 'gone']);
    assert.deepEqual([r.code, r.stdout], [0, 'failed\n']);
    r = await run(['is-failed', 'a']);
    assert.deepEqual([r.code, r.stdout], [1, 'active\n']);
  });
});

test('is-enabled: enabled/static rc 0, disabled/masked rc 1, missing rc 1 with systemctl\'s message', async () => {
  await withCtl(mk(), async (run) => {
    let r = await run(['is-enabled', 'a']);
    assert.deepEqual([r.code, r.stdout], [0, 'enabled\n']);
    r = await run(['is-enabled', 'gone']);
    assert.deepEqual([r.code, r.stdout], [0, 'static\n']);
    r = await run(['is-enabled', 'b']);
    assert.deepEqual([r.code, r.stdout], [1, 'disabled\n']);
    r = await run(['is-enabled', 'm']);
    assert.deepEqual([r.code, r.stdout], [1, 'masked\n']);
    r = await run(['is-enabled', 'nope.service']);
    assert.deepEqual([r.code, r.stdout, r.stderr], [1, '', 'Failed to get unit file state for nope.service: No such file or directory\n']);
  });
});

test('is-system-running: running rc 0, degraded rc 1; no manager → offline rc 3', async () => {
  const m = mk();
  await withCtl(m, async (run, h) => {
    let r = await run(['is-system-running']);
    assert.deepEqual([r.code, r.stdout], [0, 'running\n']);
    m.systemState = 'degraded';
    r = await run(['is-system-running']);
    assert.deepEqual([r.code, r.stdout, r.stderr], [1, 'degraded\n', '']);
    r = await run(['is-system-running', '--socket', `${h.dir}/nothing.sock`]);
    assert.deepEqual([r.code, r.stdout], [3, 'offline\n']);
    r = await run(['is-active', 'a', '--socket', `${h.dir}/nothing.sock`]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /^Failed to connect to bus: No such file or directory/);
  });
});

test('is-system-running --wait waits while starting', async () => {
  const m = mk();
  m.systemState = 'starting';
  await withCtl(m, async (run) => {
    setTimeout(() => { m.systemState = 'running'; m.emit({ type: 'manager', what: 'reloaded', ts: 0 }); }, 300);
    const t0 = Date.now();
    const r = await run(['is-system-running', '--wait']);
    assert.deepEqual([r.code, r.stdout, r.stderr], [0, 'running\n', '']);
    assert.ok(Date.now() - t0 >= 250);
  });
});

test('kill --signal/-s and --kill-whom are passed as numbers; bad signal refused', async () => {
  const m = mk();
  await withCtl(m, async (run) => {
    let r = await run(['kill', '-s', 'HUP', 'a']);
    assert.equal(r.code, 0, r.stderr);
    r = await run(['kill', '--signal=SIGUSR1', '--kill-whom=main', 'a']);
    assert.equal(r.code, 0, r.stderr);
    const kills = m.calls.filter((c) => c.method === 'kill').map((c) => c.params);
    assert.deepEqual(kills, [{ unit: 'a.service', signal: 1, whom: 'all' }, { unit: 'a.service', signal: 10, whom: 'main' }]);
    r = await run(['kill', '-s', 'NOPE', 'a']);
    assert.equal(r.code, 1);
    r = await run(['kill', 'nope.service']);
    assert.deepEqual([r.code, r.stderr], [1, 'Failed to kill unit nope.service: Unit nope.service not found.\n']);
  });
});

test('reset-failed clears the failed state', async () => {
  const m = mk();
  await withCtl(m, async (run) => {
    const r = await run(['reset-failed', 'gone']);
    assert.equal(r.code, 0);
    assert.equal(m.units.get('gone.service')?.activeState, 'inactive');
  });
});

test('-H/-M are refused with a clear message; unknown verbs and options fail', async () => {
  await withCtl(mk(), async (run) => {
    let r = await run(['-H', 'host', 'status']);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /remote operation \(-H host\) is not supported/);
    r = await run(['--machine=foo', 'status']);
    assert.match(r.stderr, /-M foo/);
    r = await run(['frobnicate']);
    assert.deepEqual([r.code, r.stderr], [1, "Unknown command verb 'frobnicate'.\n"]);
    r = await run(['--bogus']);
    assert.equal(r.code, 1);
  });
});

test('access denied from the manager maps to rc 4', async () => {
  const m = mk();
  m.start = async () => { throw errors.accessDenied(); };
  await withCtl(m, async (run) => {
    const r = await run(['start', 'b']);
    assert.deepEqual([r.code, r.stderr], [4, 'Failed to start b.service: Access denied\n']);
  });
});

test('socket discovery: $TSYSD_SOCKET; a non-root user without --system falls back to the user manager socket', async () => {
  const base = fs.mkdtempSync(path.join(os.tmpdir(), 'tsysctl-xdg-'));
  fs.chmodSync(base, 0o755);
  fs.mkdirSync(path.join(base, 'tsysd'), { mode: 0o755 });
  const sock = path.join(base, 'tsysd', 'control.sock');
  const h = await harness({ mgr: mk(), path: sock });
  try {
    const run = (cmd: string, args: string[], env: Record<string, string>): Promise<{ code: number; stdout: string }> => new Promise((resolve) => {
      const p = spawn(cmd, args, { env: { PATH: process.env.PATH ?? '/usr/bin:/bin', ...env } });
      let stdout = '';
      p.stdout.on('data', (d: Buffer) => { stdout += d.toString(); });
      p.on('close', (code) => resolve({ code: code ?? 128, stdout }));
    });
    let r = await run(process.execPath, [TSYSCTL, 'is-active', 'a'], { TSYSD_SOCKET: sock });
    assert.deepEqual(r, { code: 0, stdout: 'active\n' });
    r = await run('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', process.execPath, TSYSCTL, 'is-active', 'a'], { XDG_RUNTIME_DIR: base });
    assert.deepEqual(r, { code: 0, stdout: 'active\n' });
    r = await run(process.execPath, [TSYSCTL, '--user', 'is-active', 'a'], { XDG_RUNTIME_DIR: base });
    assert.deepEqual(r, { code: 0, stdout: 'active\n' });
  } finally { await h.close(); fs.rmSync(base, { recursive: true, force: true }); }
});
