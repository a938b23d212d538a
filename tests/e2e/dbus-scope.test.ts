// E2E: scope units through the real systemd 252 clients. `systemd-run --scope` (which asks tsysd for a
// transient scope holding its own pid, waits for the job, then execs the command itself), systemctl
// show/status/stop/list-units and busctl's AbandonScope, against tsysd as PID 1 of a private PID and mount
// namespace (tests/helpers/daemon.ts, `systemd: true`); tsysctl (installed as systemctl) must print what
// systemctl prints. What the scope does to its processes is checked on the processes themselves.
import { after, before, describe, test } from 'node:test';
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { TSYSCTL, startDaemon, waitFor, type CtlResult, type Daemon } from '../helpers/daemon';

const have = (t: string): boolean => spawnSync('sh', ['-c', `command -v ${t}`]).status === 0;
const missing = ['systemctl', 'systemd-run', 'busctl', 'nsenter'].filter((t) => !have(t));
const BUS = '--address=unix:path=/run/systemd/private';

// Twice: with the scope's cgroup (where cgroup v2 is writable), and with TSYSD_NO_CGROUPS=1 (the scope then
// tracks the handed-over pids and their descendants).
for (const noCgroups of [false, true]) describe(`systemd-run --scope and systemctl against tsysd scope units${noCgroups ? ' (no cgroups)' : ''}`, {
  skip: missing.length ? `missing ${missing.join(', ')}` : false, timeout: 240000,
}, () => {
  let d: Daemon;
  let ctlAsSystemctl = '';
  const sc = (args: string[]): Promise<CtlResult> => d.inNs(['systemctl', '--no-pager', ...args], { env: { SYSTEMD_COLORS: '0' }, timeoutMs: 30000 });
  const ts = (args: string[]): Promise<CtlResult> =>
    d.inNs([process.execPath, ctlAsSystemctl, '--socket', d.sock, '--no-pager', ...args], { env: { SYSTEMD_COLORS: '0' }, timeoutMs: 30000 });
  const value = async (unit: string, p: string): Promise<string> => (await ts(['show', '-p', p, '--value', unit])).stdout.trim();
  /** Same stdout and exit code from systemctl and tsysctl. */
  async function same(args: string[], filter: (s: string) => string = (s) => s): Promise<CtlResult> {
    const a = await sc(args);
    const b = await ts(args);
    assert.equal(filter(b.stdout), filter(a.stdout), `stdout of ${args.join(' ')}`);
    assert.equal(b.code, a.code, `exit code of ${args.join(' ')}: systemctl ${a.code} (${a.stderr.trim()}), tsysctl ${b.code} (${b.stderr.trim()})`);
    return a;
  }
  /** `systemd-run --scope ARGS` in the background; resolves with its result once the command ends. */
  function runScope(args: string[]): Promise<CtlResult> {
    return d.inNs(['systemd-run', '--scope', ...args], { timeoutMs: 120000 });
  }
  /** Pids (in the daemon's namespace) of the scope's processes, from GetUnitProcesses via systemctl status. */
  async function scopePids(unit: string): Promise<number[]> {
    const r = await d.inNs(['busctl', BUS, 'call', 'org.freedesktop.systemd1', '/org/freedesktop/systemd1', 'org.freedesktop.systemd1.Manager',
      'GetUnitProcesses', 's', unit]);
    return [...r.stdout.matchAll(/" (\d+) "/g)].map((m) => Number(m[1]));
  }
  const alive = async (pid: number): Promise<boolean> => (await d.inNs(['kill', '-0', String(pid)])).code === 0;
  const gone = async (unit: string): Promise<boolean> => (await value(unit, 'LoadState')) === 'not-found';

  before(async () => {
    d = await startDaemon({ units: { 'multi-user.target': '[Unit]\nDescription=Multi-User System\n' }, systemd: true, args: ['--target', 'multi-user.target'],
      ...(noCgroups ? { env: { TSYSD_NO_CGROUPS: '1' } } : {}) });
    ctlAsSystemctl = path.join(d.dir, 'systemctl');
    fs.symlinkSync(TSYSCTL, ctlAsSystemctl);
  });
  after(async () => { if (d) await d.stop(); });

  test('the exit code of the command is systemd-run\'s; the scope is collected once its process is gone', async () => {
    const r = await runScope(['--unit=tsysd-scope-exit', 'sh', '-c', 'exit 3']);
    assert.equal(r.code, 3, `${r.stderr}\n${d.output.slice(-2000)}`);
    assert.match(r.stderr, /Running scope as unit: tsysd-scope-exit\.scope/);
    assert.ok(await waitFor(() => gone('tsysd-scope-exit.scope'), 20000), 'the scope is garbage-collected');
    // bad input is refused with systemd's errors, nothing is created
    const start = (pids: string[]): Promise<CtlResult> => d.inNs(['busctl', BUS, 'call', 'org.freedesktop.systemd1', '/org/freedesktop/systemd1',
      'org.freedesktop.systemd1.Manager', 'StartTransientUnit', 'ssa(sv)a(sa(sv))', 'tsysd-scope-bad.scope', 'fail', '1', 'PIDs', 'au', String(pids.length), ...pids, '0']);
    const noSuch = await start(['999999']);
    assert.notEqual(noSuch.code, 0);
    assert.match(noSuch.stderr, /Process with ID 999999 does not exist/);
    const manager = await start(['1']);
    assert.match(manager.stderr, /Process 1 is a manager process, refusing/);
    const none = await start([]);
    assert.match(none.stderr, /Scope has no PIDs\. Refusing/);
    assert.ok(await gone('tsysd-scope-bad.scope'));
    // no --unit: systemd-run names it run-r<random>.scope
    const anon = await runScope(['true']);
    assert.equal(anon.code, 0, anon.stderr);
    assert.match(anon.stderr, /Running scope as unit: run-r[0-9a-f]{32}\.scope/);
  });

  test('--slice= puts the scope in that slice', async (t) => {
    const dir = d.cgroupDir();
    if (noCgroups || !dir || !fs.existsSync(dir)) { t.skip('no unit cgroups here'); return; }
    const r = await runScope(['--unit=tsysd-scope-sl', '--slice=tsysd-test.slice', 'cat', '/proc/self/cgroup']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /\/tsysd-test\.slice\/tsysd-scope-sl\.scope$/m);
  });

  test('active while its process lives: show, status, list-units read as systemctl reads them; the process is in the scope', async () => {
    const run = runScope(['--unit=tsysd-scope-live', '--description=Live scope', 'sleep', '1000']);
    assert.ok(await waitFor(async () => (await value('tsysd-scope-live.scope', 'ActiveState')) === 'active', 20000), 'the scope becomes active');
    const pids = await scopePids('tsysd-scope-live.scope');
    assert.equal(pids.length, 1, 'one process: systemd-run, which became sleep');
    const pid = pids[0] as number;
    assert.deepEqual((await d.inNs(['cat', `/proc/${pid}/cmdline`])).stdout.split('\0').slice(1, 2), ['1000'], 'the command line of sleep 1000');
    const cg = await value('tsysd-scope-live.scope', 'ControlGroup');
    if (noCgroups) assert.equal(cg, '');
    if (cg) {
      assert.match(cg, /\/system\.slice\/tsysd-scope-live\.scope$/);
      assert.ok((await d.inNs(['cat', `/proc/${pid}/cgroup`])).stdout.trim().endsWith(cg), 'the process was moved into the scope\'s cgroup');
    }
    assert.equal(await value('tsysd-scope-live.scope', 'SubState'), 'running');
    await same(['show', 'tsysd-scope-live.scope']);
    await same(['show', '-p', 'Id,LoadState,ActiveState,SubState,Result,Transient,KillMode,KillSignal,TimeoutStopUSec,RuntimeMaxUSec,Slice,Description', 'tsysd-scope-live.scope']);
    await same(['is-active', 'tsysd-scope-live.scope']);
    // as systemd 252 shows a running scope: started once (CanStart=no), left alone by isolate
    assert.equal((await sc(['show', '-p', 'CanStart,IgnoreOnIsolate,Transient,UnitFileState', 'tsysd-scope-live.scope'])).stdout,
      'UnitFileState=transient\nCanStart=no\nIgnoreOnIsolate=yes\nTransient=yes\n');
    // scope_add_default_dependencies() and the slice: as a systemd 252 scope
    assert.equal((await sc(['show', '-p', 'Requires,After,Conflicts,Before', 'tsysd-scope-live.scope'])).stdout,
      'Requires=system.slice\nConflicts=shutdown.target\nBefore=shutdown.target\nAfter=system.slice\n');
    await same(['list-units', '--type=scope', '--all']);
    // (without a cgroup tsysctl still lists the tracked processes under "CGroup:", systemctl prints nothing)
    const st = await same(['status', '-n0', 'tsysd-scope-live.scope'],
      (s) => s.replace(/; [^;]* ago$/gm, '').replace(noCgroups ? /^ {5}CGroup: [^]*$/m : /$^/, ''));
    assert.match(st.stdout, /Loaded: loaded \(\/\S+\/transient\/tsysd-scope-live\.scope; transient\)/);
    if (cg) assert.match(st.stdout, /CGroup: \/system\.slice\/tsysd-scope-live\.scope\n\s+└─\d+ \S*sleep 1000/);
    assert.match(st.stdout, /Active: active \(running\)/);
    // daemon-reload keeps the running scope (its transient file is still there) and its process
    assert.equal((await sc(['daemon-reload'])).code, 0);
    assert.equal(await value('tsysd-scope-live.scope', 'SubState'), 'running');
    assert.deepEqual(await scopePids('tsysd-scope-live.scope'), [pid]);
    // systemctl stop: SIGTERM to the scope's processes; the scope goes away, systemd-run's sleep was killed
    const stop = await sc(['stop', 'tsysd-scope-live.scope']);
    assert.equal(stop.code, 0, stop.stderr);
    assert.equal(await alive(pid), false);
    const r = await run;
    assert.notEqual(r.code, 0, 'the command was killed');
    assert.ok(await waitFor(() => gone('tsysd-scope-live.scope'), 20000), 'the stopped scope is collected');
  });

  test('RuntimeMaxSec= stops the scope with Result=timeout; it stays failed until reset-failed', async () => {
    const run = runScope(['--unit=tsysd-scope-max', '-p', 'RuntimeMaxSec=2', 'sleep', '100']);
    assert.ok(await waitFor(async () => (await value('tsysd-scope-max.scope', 'ActiveState')) === 'active', 20000));
    assert.equal(await value('tsysd-scope-max.scope', 'RuntimeMaxUSec'), '2s');
    const r = await run;
    assert.notEqual(r.code, 0, 'sleep 100 was ended early');
    assert.ok(await waitFor(async () => (await value('tsysd-scope-max.scope', 'ActiveState')) === 'failed', 20000));
    assert.equal(await value('tsysd-scope-max.scope', 'Result'), 'timeout');
    await same(['show', '-p', 'ActiveState,SubState,Result', 'tsysd-scope-max.scope']);
    assert.equal((await sc(['reset-failed', 'tsysd-scope-max.scope'])).code, 0);
    assert.ok(await waitFor(() => gone('tsysd-scope-max.scope'), 20000), 'collected after reset-failed');
  });

  test('TimeoutStopSec= then SIGKILL for processes that ignore SIGTERM; KillSignal= is the first signal', async () => {
    const run = runScope(['--unit=tsysd-scope-stubborn', '-p', 'TimeoutStopSec=1', 'sh', '-c', 'trap "" TERM; while :; do sleep 0.2; done']);
    assert.ok(await waitFor(async () => (await value('tsysd-scope-stubborn.scope', 'ActiveState')) === 'active', 20000));
    const stop = await sc(['stop', 'tsysd-scope-stubborn.scope']);
    assert.equal(stop.code, 0, stop.stderr);
    const r = await run;
    assert.notEqual(r.code, 0, 'the shell was killed');
    assert.equal(await value('tsysd-scope-stubborn.scope', 'Result'), 'timeout');
    assert.equal(await value('tsysd-scope-stubborn.scope', 'ActiveState'), 'failed');
    await sc(['reset-failed', 'tsysd-scope-stubborn.scope']);
    // KillSignal=SIGINT: a shell that ignores TERM but not INT ends at once, the stop is clean
    const run2 = runScope(['--unit=tsysd-scope-int', '-p', 'KillSignal=SIGINT', '-p', 'TimeoutStopSec=60', 'sh', '-c', 'trap "" TERM; while :; do sleep 0.2; done']);
    assert.ok(await waitFor(async () => (await value('tsysd-scope-int.scope', 'ActiveState')) === 'active', 20000));
    assert.equal(await value('tsysd-scope-int.scope', 'KillSignal'), '2');
    assert.equal((await sc(['stop', 'tsysd-scope-int.scope'])).code, 0);
    const r2 = await run2;
    assert.notEqual(r2.code, 0, 'the shell ended on SIGINT');
    assert.ok(await waitFor(() => gone('tsysd-scope-int.scope'), 20000),
      `a clean stop: dead and collected (${(await ts(['show', '-p', 'LoadState,ActiveState,SubState,Result', 'tsysd-scope-int.scope'])).stdout})`);
  });

  test('systemctl kill: the signal reaches the scope\'s processes; once they are gone the scope is', async () => {
    const run = runScope(['--unit=tsysd-scope-kill', 'sleep', '1000']);
    assert.ok(await waitFor(async () => (await value('tsysd-scope-kill.scope', 'ActiveState')) === 'active', 20000));
    const [pid] = await scopePids('tsysd-scope-kill.scope');
    assert.ok(pid);
    assert.equal((await sc(['kill', '--signal=SIGKILL', 'tsysd-scope-kill.scope'])).code, 0);
    const r = await run;
    assert.notEqual(r.code, 0);
    assert.equal(await alive(pid), false);
    assert.ok(await waitFor(() => gone('tsysd-scope-kill.scope'), 20000), 'the emptied scope is collected');
  });

  test('AbandonScope: sub-state abandoned; a scope that is not running cannot be abandoned', async () => {
    const run = runScope(['--unit=tsysd-scope-ab', 'sleep', '1000']);
    assert.ok(await waitFor(async () => (await value('tsysd-scope-ab.scope', 'ActiveState')) === 'active', 20000));
    const call = (name: string): Promise<CtlResult> => d.inNs(['busctl', BUS, 'call', 'org.freedesktop.systemd1', '/org/freedesktop/systemd1',
      'org.freedesktop.systemd1.Manager', 'AbandonScope', 's', name]);
    // Scope.Abandon on the unit object, then Manager.AbandonScope again (an abandoned scope may be abandoned)
    const a = await d.inNs(['busctl', BUS, 'call', 'org.freedesktop.systemd1', '/org/freedesktop/systemd1/unit/tsysd_2dscope_2dab_2escope',
      'org.freedesktop.systemd1.Scope', 'Abandon']);
    assert.equal(a.code, 0, a.stderr);
    assert.equal(await value('tsysd-scope-ab.scope', 'SubState'), 'abandoned');
    const again = await call('tsysd-scope-ab.scope');
    assert.equal(again.code, 0, again.stderr);
    assert.equal(await value('tsysd-scope-ab.scope', 'ActiveState'), 'active');
    const notScope = await call('multi-user.target');
    assert.notEqual(notScope.code, 0);
    assert.match(notScope.stderr, /is not a scope unit, refusing/);
    assert.equal((await sc(['stop', 'tsysd-scope-ab.scope'])).code, 0);
    await run;
    assert.ok(await waitFor(() => gone('tsysd-scope-ab.scope'), 20000));
    const stale = await call('tsysd-scope-ab.scope');
    assert.notEqual(stale.code, 0);
  });
});
