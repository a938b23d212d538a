// Service machine: less common transitions — stop during each start stage and during reload,
// ExitType=cgroup, TimeoutStopFailureMode=abort (final-watchdog), RuntimeMaxSec across reloads,
// kill(), FailureAction with auto-restart, exec status bookkeeping for `show`.
import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { cmd, MS, SEC } from './units-fake';
import { rig } from './units-harness';

for (const stage of ['condition', 'start-pre', 'start-post'] as const) {
  test(`stop during ${stage}: the control process gets SIGTERM, then stop-post, then dead`, () => {
    const r = rig({ execCondition: [cmd('/bin/c')], execStartPre: [cmd('/bin/p')], execStartPost: [cmd('/bin/sp')], execStopPost: [cmd('/bin/post')], execStop: [cmd('/bin/stop')] });
    r.m.start();
    if (stage !== 'condition') r.exit(r.h.lastPid(), 0);
    if (stage === 'start-post') r.exit(r.h.lastPid(), 0);
    assert.equal(r.m.subState(), stage);
    const ctl = r.m.controlPid;
    assert.equal(r.m.stop(), 'stopping');
    assert.equal(r.m.subState(), 'stop-sigterm');
    assert.deepEqual(r.h.signalsTo(ctl), [15]);
    assert.ok(!r.h.spawned.some(s => s.req.list === 'ExecStop'), 'no ExecStop when stopping a starting unit');
    for (const p of [...r.h.alive]) r.exit(p, 0, 15);
    assert.equal(r.m.subState(), 'stop-post');
    r.exit(r.h.lastPid(), 0);
    assert.equal(r.state(), 'inactive/dead');
    assert.equal(r.m.result(), 'success');
  });
}

test('stop during reload kills main and the reload process', () => {
  const r = rig({ execReload: [cmd('/bin/reload')] });
  r.m.start();
  const main = r.h.lastPid();
  r.m.reload();
  const rl = r.h.lastPid();
  r.m.stop();
  assert.equal(r.m.subState(), 'stop-sigterm');
  assert.deepEqual(r.h.signalsTo(main), [15]);
  assert.deepEqual(r.h.signalsTo(rl), [15]);
});

test('reload of a unit that is reloading → again; reload during start → not-active', () => {
  const r = rig({ type: 'notify', execReload: [cmd('/bin/reload')] });
  r.m.start();
  assert.equal(r.m.reload(), 'not-active');
  r.notify('READY=1');
  r.m.reload();
  assert.equal(r.m.reload(), 'again');
});

test('ExitType=cgroup: main exit with leftovers keeps running until the unit is empty', () => {
  const r = rig({ exitType: 'cgroup' });
  r.m.start();
  r.h.others.add(800);
  r.exit(r.h.lastPid(), 0);
  assert.equal(r.state(), 'active/running');
  r.h.others.delete(800);
  r.m.onUnitEmpty();
  assert.equal(r.state(), 'inactive/dead');
});

test('TimeoutStopFailureMode=abort: stop-sigterm timeout → stop-watchdog (SIGABRT) → SIGKILL', () => {
  const r = rig({ timeoutStopUs: 1 * SEC, timeoutAbortUs: 2 * SEC, timeoutStopFailureMode: 'abort' });
  r.m.start();
  const pid = r.h.lastPid();
  r.m.stop();
  r.h.advance(1 * SEC);
  assert.equal(r.m.subState(), 'stop-watchdog');
  r.h.advance(2 * SEC);
  assert.equal(r.m.subState(), 'stop-sigkill');
  assert.deepEqual(r.h.signalsTo(pid), [15, 6, 9]);
});

test('TimeoutStopFailureMode=abort in stop-post → final-watchdog', () => {
  const r = rig({ timeoutStopUs: 1 * SEC, timeoutStopFailureMode: 'abort', execStopPost: [cmd('/bin/post')] });
  r.m.start();
  r.m.stop();
  r.exit(r.h.lastPid(), 0, 15);
  assert.equal(r.m.subState(), 'stop-post');
  r.h.advance(1 * SEC);
  assert.equal(r.m.subState(), 'final-watchdog');
  assert.deepEqual(r.h.signalsTo(r.h.lastPid()), [6]);
});

test('RuntimeMaxSec counts from activation, not from the last reload', () => {
  const r = rig({ runtimeMaxUs: 10 * SEC, execReload: [cmd('/bin/reload')] });
  r.m.start();
  r.h.advance(6 * SEC);
  r.m.reload();
  r.exit(r.h.lastPid(), 0);
  assert.equal(r.state(), 'active/running');
  r.h.advance(4 * SEC);
  assert.equal(r.m.subState(), 'stop-sigterm');
});

test('kill(): main / control / all', () => {
  const r = rig({ execReload: [cmd('/bin/reload')] });
  r.m.start();
  const main = r.h.lastPid();
  r.m.reload();
  const ctl = r.h.lastPid();
  r.h.others.add(901);
  assert.equal(r.m.kill('main', 10), true);
  assert.equal(r.m.kill('control', 12), true);
  assert.equal(r.m.kill('all', 1), true);
  assert.deepEqual(r.h.signalsTo(main), [10, 1]);
  assert.deepEqual(r.h.signalsTo(ctl), [12, 1]);
  assert.deepEqual(r.h.othersSignals, [1]);
});

test('FailureAction fires when a restarting unit fails (transition through failed)', () => {
  const r = rig({ restart: 'on-failure' }, { failureAction: 'exit' });
  r.m.start();
  r.exit(r.h.lastPid(), 9);
  assert.equal(r.state(), 'activating/auto-restart');
  assert.deepEqual(r.h.actions, [{ action: 'exit', status: 9 }]);
});

test('exec status for show: per-command pid, exit code/status, timestamps', () => {
  const r = rig({ type: 'oneshot', execStart: [cmd('/bin/a'), cmd('/bin/b')], remainAfterExit: true });
  r.m.start();
  const a = r.h.lastPid();
  r.h.advance(5 * MS);
  r.exit(a, 0);
  r.exit(r.h.lastPid(), 0, 0);
  const st = r.m.properties()['ExecStart'];
  assert.ok(Array.isArray(st));
  const list = st as { pid: number; code: number; status: number; start: { monotonic: number }; exit: { monotonic: number } }[];
  assert.equal(list.length, 2);
  assert.equal(list[0]?.pid, a);
  assert.equal(list[0]?.code, 1);
  assert.equal(list[0]!.exit.monotonic - list[0]!.start.monotonic, 5 * MS);
  assert.equal(r.m.properties()['ExecMainPID'], list[1]?.pid);
});

test('spawn requests carry INVOCATION_ID; a new activation gets a new id', () => {
  const r = rig();
  r.m.start();
  const id1 = r.h.last().req.invocationId;
  r.exit(r.h.lastPid(), 0);
  r.m.start();
  const id2 = r.h.last().req.invocationId;
  assert.match(id1 ?? '', /^[0-9a-f]{32}$/);
  assert.notEqual(id1, id2);
});

test('only ExecStart gets socket fds; control commands never do', () => {
  const r = rig({ execStartPre: [cmd('/bin/pre')], execStartPost: [cmd('/bin/post')] });
  r.m.start();
  r.exit(r.h.lastPid(), 0);
  r.exit(r.h.lastPid(), 0);
  assert.deepEqual(r.h.spawned.map(s => [s.req.list, s.req.passFds]), [['ExecStartPre', false], ['ExecStart', true], ['ExecStartPost', false]]);
});

test('restart after a clean exit with Restart=always: stop job of the restart keeps fd store and re-runs ExecStartPre', () => {
  const r = rig({ restart: 'always', execStartPre: [cmd('/bin/pre')] });
  r.m.start();
  r.exit(r.h.lastPid(), 0);
  r.exit(r.h.lastPid(), 0);
  assert.equal(r.state(), 'activating/auto-restart');
  r.h.advance(100 * MS);
  r.m.stop({ restart: true });
  r.m.start();
  assert.equal(r.m.subState(), 'start-pre');
  assert.equal(r.h.states.filter(s => s.newSub === 'start-pre').length, 2);
});

test('reconfigure (daemon-reload) keeps the running state and applies new settings to later steps', () => {
  const r = rig({ restart: 'no' }, { startLimitBurst: 5 });
  r.m.start();
  const main = r.m.mainPid;
  const cfg = structuredClone(r.m.cfg);
  cfg.service!.restart = 'always';
  cfg.service!.execStop = [cmd('/bin/new-stop')];
  r.m.reconfigure(cfg);
  assert.equal(r.state(), 'active/running');
  assert.equal(r.m.mainPid, main);
  assert.equal((r.m.properties()['ExecStart'] as { pid: number }[])[0]?.pid, main, 'exec status of the same command kept');
  r.m.stop();
  assert.equal(r.h.last().req.command.path, '/bin/new-stop');
  r.exit(r.h.lastPid(), 0);
  r.exit(main, 1);
  assert.equal(r.state(), 'failed/failed', 'explicit stop never restarts, even with the new Restart=always');
  r.m.start();
  r.exit(r.m.mainPid, 1);
  assert.equal(r.state(), 'activating/auto-restart', 'the new Restart= applies');
});

test('OOM kill: OOMPolicy=stop stops with result oom-kill; continue ignores it', () => {
  let r = rig({ execStop: [cmd('/bin/stop')] });
  r.m.start();
  r.m.onOomKill('stop');
  assert.equal(r.m.subState(), 'stop');
  assert.equal(r.m.result(), 'oom-kill');
  r = rig();
  r.m.start();
  r.m.onOomKill('continue');
  assert.equal(r.state(), 'active/running');
  r.m.onOomKill('kill');
  assert.equal(r.m.subState(), 'stop-sigkill');
  assert.deepEqual(r.h.signalsTo(r.m.mainPid), [9]);
});
