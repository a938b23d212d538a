// Service machine: ExecCondition / ExecStartPre / ExecStartPost / ExecStopPost, timeouts at each stage,
// Timeout*FailureMode, RuntimeMaxSec, KillMode, SendSIGHUP, conditions and asserts.
import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { cmd, MS, SEC } from './units-fake';
import { rig } from './units-harness';

const PRE = { execStartPre: [cmd('/bin/pre')], execStopPost: [cmd('/bin/post')], execStop: [cmd('/bin/stop')] };

test('ExecCondition exit 0 continues to start-pre/start', () => {
  const r = rig({ execCondition: [cmd('/bin/cond')], ...PRE });
  r.m.start();
  assert.equal(r.state(), 'activating/condition');
  r.exit(r.h.lastPid(), 0);
  assert.equal(r.state(), 'activating/start-pre');
  r.exit(r.h.lastPid(), 0);
  assert.equal(r.state(), 'active/running');
});

for (const code of [1, 100, 254]) {
  test(`ExecCondition exit ${code} skips: inactive (not failed), no ExecStart, flagged skipCondition`, () => {
    const r = rig({ execCondition: [cmd('/bin/cond')], restart: 'always' });
    r.m.start();
    r.exit(r.h.lastPid(), code);
    assert.equal(r.state(), 'inactive/dead');
    assert.equal(r.m.result(), 'exec-condition');
    assert.equal(r.h.spawned.length, 1);
    assert.equal(r.h.states[r.h.states.length - 1]?.flags.skipCondition, true);
    r.h.advance(10 * SEC);
    assert.equal(r.h.restartRequests, 0, 'never restarts after a condition skip');
  });
}

test('ExecCondition exit 255 or a signal fails the unit', () => {
  let r = rig({ execCondition: [cmd('/bin/cond')] });
  r.m.start(); r.exit(r.h.lastPid(), 255);
  assert.equal(r.state(), 'failed/failed');
  assert.equal(r.m.result(), 'exit-code');
  r = rig({ execCondition: [cmd('/bin/cond')] });
  r.m.start(); r.exit(r.h.lastPid(), 0, 9);
  assert.equal(r.state(), 'failed/failed');
  assert.equal(r.m.result(), 'signal');
});

test('ExecStartPre failure: ExecStopPost runs, ExecStop does not; result exit-code (restartable)', () => {
  const r = rig({ ...PRE, restart: 'on-failure' });
  r.m.start();
  r.exit(r.h.lastPid(), 1);
  assert.equal(r.state(), 'deactivating/stop-post');
  const post = r.h.last();
  assert.equal(post.req.list, 'ExecStopPost');
  assert.equal(post.req.env['SERVICE_RESULT'], 'exit-code');
  assert.ok(!r.h.spawned.some(s => s.req.list === 'ExecStop'));
  r.exit(post.pid, 0);
  assert.equal(r.state(), 'activating/auto-restart');
});

test('ExecStartPre with "-" ignores failure; several run in order', () => {
  const r = rig({ execStartPre: [cmd('/bin/p1', true), cmd('/bin/p2')] });
  r.m.start();
  r.exit(r.h.lastPid(), 1);
  assert.equal(r.h.last().req.command.path, '/bin/p2');
  r.exit(r.h.lastPid(), 0);
  assert.equal(r.state(), 'active/running');
  assert.equal(r.m.properties()['ExecStartPre'] instanceof Array, true);
});

test('ExecStartPost: runs after readiness with $MAINPID; active only once it finishes; failure stops the unit', () => {
  const r = rig({ execStartPost: [cmd('/bin/post-start')], ...PRE });
  r.m.start();
  r.exit(r.h.lastPid(), 0);   // start-pre
  const main = r.h.lastPid();
  assert.ok(r.h.spawned.length > 0, 'main spawned');
  assert.equal(r.state(), 'activating/start-post');
  const sp = r.h.last();
  assert.equal(sp.req.list, 'ExecStartPost');
  assert.equal(sp.req.env['MAINPID'], String(r.m.mainPid));
  assert.notEqual(sp.pid, main - 1);
  r.exit(sp.pid, 1);
  assert.equal(r.state(), 'deactivating/stop-sigterm');
  assert.equal(r.m.result(), 'exit-code');
});

test('a spawn failure (fork) ends in the kill path with result resources', () => {
  const r = rig(PRE);
  r.h.spawnFails = true;
  r.m.start();
  assert.equal(r.state(), 'failed/failed');
  assert.equal(r.m.result(), 'resources');
});

for (const stage of ['condition', 'start-pre', 'start', 'start-post'] as const) {
  test(`start timeout in ${stage}: SIGTERM, result timeout, ExecStopPost runs`, () => {
    const r = rig({
      type: 'notify', timeoutStartUs: 2 * SEC, execCondition: [cmd('/bin/c')], execStartPre: [cmd('/bin/p')],
      execStartPost: [cmd('/bin/sp')], execStopPost: [cmd('/bin/post')],
    });
    r.m.start();
    if (stage !== 'condition') r.exit(r.h.lastPid(), 0);
    if (stage !== 'condition' && stage !== 'start-pre') r.exit(r.h.lastPid(), 0);
    if (stage === 'start-post') r.notify('READY=1');
    assert.equal(r.m.subState(), stage);
    r.h.advance(2 * SEC - 1);
    assert.equal(r.m.subState(), stage, 'not before the timeout');
    r.h.advance(1);
    assert.equal(r.state(), 'deactivating/stop-sigterm');
    assert.equal(r.m.result(), 'timeout');
    for (const p of [...r.h.alive]) r.exit(p, 0, 15);
    assert.equal(r.m.subState(), 'stop-post');
  });
}

test('TimeoutStartFailureMode=abort sends the watchdog signal (SIGABRT), =kill sends SIGKILL', () => {
  let r = rig({ type: 'notify', timeoutStartUs: 1 * SEC, timeoutStartFailureMode: 'abort', timeoutAbortUs: 3 * SEC });
  r.m.start();
  const pid = r.h.lastPid();
  r.h.advance(1 * SEC);
  assert.equal(r.m.subState(), 'stop-watchdog');
  assert.deepEqual(r.h.signalsTo(pid), [6]);
  r.h.advance(3 * SEC);
  assert.equal(r.m.subState(), 'stop-sigkill', 'TimeoutAbortSec then SIGKILL');
  r = rig({ type: 'notify', timeoutStartUs: 1 * SEC, timeoutStartFailureMode: 'kill' });
  r.m.start();
  r.h.advance(1 * SEC);
  assert.equal(r.m.subState(), 'stop-sigkill');
  assert.deepEqual(r.h.signalsTo(r.h.lastPid()), [9]);
});

test('ExecStop timeout → stop-sigterm with timeout; TimeoutStopFailureMode=kill → stop-sigkill', () => {
  let r = rig({ execStop: [cmd('/bin/stop')], timeoutStopUs: 2 * SEC });
  r.m.start(); r.m.stop();
  r.h.advance(2 * SEC);
  assert.equal(r.m.subState(), 'stop-sigterm');
  assert.equal(r.m.result(), 'timeout');
  r = rig({ execStop: [cmd('/bin/stop')], timeoutStopUs: 2 * SEC, timeoutStopFailureMode: 'kill' });
  r.m.start(); r.m.stop();
  r.h.advance(2 * SEC);
  assert.equal(r.m.subState(), 'stop-sigkill');
});

test('ExecStopPost timeout → final-sigterm; final-sigterm timeout → final-sigkill → failed', () => {
  const r = rig({ execStopPost: [cmd('/bin/post')], timeoutStopUs: 1 * SEC });
  r.m.start();
  const main = r.h.lastPid();
  r.m.stop(); r.exit(main, 0, 15);
  assert.equal(r.m.subState(), 'stop-post');
  const post = r.h.lastPid();
  r.h.advance(1 * SEC);
  assert.equal(r.m.subState(), 'final-sigterm');
  assert.deepEqual(r.h.signalsTo(post), [15]);
  r.h.advance(1 * SEC);
  assert.equal(r.m.subState(), 'final-sigkill');
  r.exit(post, 0, 9);
  assert.equal(r.state(), 'failed/failed');
  assert.equal(r.m.result(), 'timeout');
});

test('RuntimeMaxSec: running too long → stop with result timeout', () => {
  const r = rig({ runtimeMaxUs: 5 * SEC });
  r.m.start();
  r.h.advance(5 * SEC);
  assert.equal(r.state(), 'deactivating/stop-sigterm');
  r.exit(r.h.lastPid(), 0, 15);
  assert.equal(r.m.result(), 'timeout');
  assert.equal(r.m.activeState(), 'failed');
});

test('main exits cleanly on its own: ExecStop still runs with $MAINPID unset and EXIT_* set', () => {
  const r = rig({ execStop: [cmd('/bin/stop')], execStopPost: [cmd('/bin/post')] });
  r.m.start();
  r.exit(r.h.lastPid(), 0);
  const st = r.h.last();
  assert.equal(st.req.list, 'ExecStop');
  assert.equal(st.req.env['MAINPID'], undefined);
  assert.equal(st.req.env['EXIT_CODE'], 'exited');
  assert.equal(st.req.env['EXIT_STATUS'], '0');
  assert.equal(st.req.env['SERVICE_RESULT'], 'success');
  r.exit(st.pid, 0);
  const post = r.h.last();
  assert.equal(post.req.list, 'ExecStopPost');
  r.exit(post.pid, 0);
  assert.equal(r.state(), 'inactive/dead');
});

test('main fails on its own: straight to the kill path (no ExecStop), ExecStopPost gets the failure', () => {
  const r = rig({ execStop: [cmd('/bin/stop')], execStopPost: [cmd('/bin/post')] });
  r.m.start();
  r.exit(r.h.lastPid(), 3);
  const post = r.h.last();
  assert.equal(post.req.list, 'ExecStopPost');
  assert.equal(post.req.env['SERVICE_RESULT'], 'exit-code');
  assert.equal(post.req.env['EXIT_STATUS'], '3');
  assert.ok(!r.h.spawned.some(s => s.req.list === 'ExecStop'));
  r.exit(post.pid, 0);
  assert.equal(r.state(), 'failed/failed');
});

test('EXIT_STATUS is the signal name when killed', () => {
  const r = rig({ execStopPost: [cmd('/bin/post')] });
  r.m.start();
  r.exit(r.h.lastPid(), 0, 9);
  assert.equal(r.h.last().req.env['EXIT_CODE'], 'killed');
  assert.equal(r.h.last().req.env['EXIT_STATUS'], 'KILL');
});

test('KillMode=control-group signals others; mixed: SIGTERM main only, SIGKILL all; process: main only; none: nothing', () => {
  let r = rig({ timeoutStopUs: 1 * SEC });
  r.m.start(); r.h.others.add(900);
  r.m.stop();
  assert.deepEqual(r.h.othersSignals, [15]);
  r = rig({ timeoutStopUs: 1 * SEC }, { killMode: 'mixed' });
  r.m.start(); r.h.others.add(900);
  r.m.stop();
  assert.deepEqual(r.h.othersSignals, []);
  r.h.advance(1 * SEC);
  assert.deepEqual(r.h.othersSignals, [9]);
  r = rig({ timeoutStopUs: 1 * SEC }, { killMode: 'process' });
  r.m.start(); r.h.others.add(900);
  r.m.stop(); r.h.advance(1 * SEC);
  assert.deepEqual(r.h.othersSignals, []);
  assert.deepEqual(r.h.signalsTo(r.h.lastPid()), [15, 9]);
  r = rig({ execStop: [cmd('/bin/stop')] }, { killMode: 'none' });
  r.m.start();
  const main = r.h.lastPid();
  r.m.stop();
  r.exit(r.h.lastPid(), 0);
  assert.deepEqual(r.h.signalsTo(main), []);
  assert.equal(r.state(), 'inactive/dead', 'KillMode=none leaves the main process');
});

test('control-group: leftovers after main exit keep stop-sigterm until the unit is empty', () => {
  const r = rig();
  r.m.start();
  r.h.others.add(901);
  r.m.stop();
  r.exit(r.h.lastPid(), 0, 15);
  assert.equal(r.m.subState(), 'final-sigterm');
  r.h.others.delete(901);
  r.m.onUnitEmpty();
  assert.equal(r.state(), 'inactive/dead');
});

test('SendSIGHUP=yes adds SIGHUP after the kill signal; KillSignal= is honoured', () => {
  const r = rig({}, { sendSIGHUP: true, killSignal: 2 });
  r.m.start();
  r.m.stop();
  assert.deepEqual(r.h.signalsTo(r.h.lastPid()), [2, 1]);
});

test('restart job stop uses RestartKillSignal', () => {
  const r = rig();
  r.m.cfg.kill.restartKillSignal = 10;
  r.m.start();
  r.m.stop({ restart: true });
  assert.deepEqual(r.h.signalsTo(r.h.lastPid()), [10]);
});

test('Condition*= failing: start says condition-failed, unit unchanged, ConditionResult=no; Assert fails the job', () => {
  const cond = { kind: 'PathExists', assert: false, trigger: false, negate: false, value: '/nope', file: '', line: 1 };
  const r = rig({}, { conditions: [cond, { ...cond, assert: true, kind: 'PathIsDirectory' }] });
  r.h.conditionFn = list => ({ ok: false, failed: list[0] ?? null });
  assert.equal(r.m.start(), 'condition-failed');
  assert.equal(r.state(), 'inactive/dead');
  assert.equal(r.m.properties()['ConditionResult'], false);
  assert.equal(r.h.states.length, 0);
  r.h.conditionFn = list => ({ ok: !list[0]?.assert, failed: list[0]?.assert ? list[0] : null });
  assert.equal(r.m.start(), 'assert-failed');
  assert.equal(r.m.properties()['ConditionResult'], true);
  assert.equal(r.m.properties()['AssertResult'], false);
});

test('timestamps: ActiveEnter/Exit, InactiveExit/Enter follow the transitions', () => {
  const r = rig();
  r.m.start();
  const t0 = r.h.now();
  r.h.advance(5 * SEC);
  r.m.stop();
  r.h.advance(1 * MS);
  r.exit(r.h.lastPid(), 0, 15);
  const p = r.m.properties();
  const mono = (k: string): number => (p[k] as { monotonic: number }).monotonic;
  assert.equal(mono('InactiveExitTimestamp'), t0);
  assert.equal(mono('ActiveEnterTimestamp'), t0);
  assert.equal(mono('ActiveExitTimestamp'), t0 + 5 * SEC);
  assert.equal(mono('InactiveEnterTimestamp'), t0 + 5 * SEC + 1 * MS);
  assert.match(p['InvocationID'] as string, /^[0-9a-f]{32}$/);
});
