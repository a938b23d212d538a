// Service machine: Type=simple / oneshot / notify start paths, clean and unclean exits, stop sequence.
import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { cmd, MS, SEC } from './units-fake';
import { rig } from './units-harness';

test('simple: active right after fork, MainPID = child, clean exit → inactive/dead success', () => {
  const r = rig();
  assert.equal(r.m.start(), 'started');
  assert.equal(r.state(), 'active/running');
  const pid = r.h.lastPid();
  assert.equal(r.m.mainPid, pid);
  assert.equal(r.h.last().req.kind, 'main');
  assert.equal(r.h.last().req.passFds, true);
  assert.deepEqual(r.h.subStates(), ['running']);
  assert.equal(r.h.states[0]?.oldActive, 'inactive');
  r.exit(pid, 0);
  assert.equal(r.state(), 'inactive/dead');
  assert.equal(r.m.result(), 'success');
  assert.equal(r.m.properties()['ExecMainCode'], 1);
  assert.equal(r.m.properties()['ExecMainStatus'], 0);
});

test('simple: exit 1 → failed/exit-code; start limit counters; SIGTERM exit is clean', () => {
  const r = rig();
  r.m.start();
  r.exit(r.h.lastPid(), 1);
  assert.equal(r.state(), 'failed/failed');
  assert.equal(r.m.result(), 'exit-code');
  assert.equal(r.m.start(), 'started');
  assert.equal(r.m.result(), 'success', 'result resets on start');
  r.exit(r.h.lastPid(), 0, 15);
  assert.equal(r.state(), 'inactive/dead');
  assert.equal(r.m.result(), 'success');
  assert.equal(r.m.properties()['ExecMainCode'], 2);
  assert.equal(r.m.properties()['ExecMainStatus'], 15);
});

test('simple: SIGSEGV → signal, core dump → core-dump, SuccessExitStatus=42 → success', () => {
  let r = rig();
  r.m.start(); r.exit(r.h.lastPid(), 0, 11);
  assert.equal(r.m.result(), 'signal');
  r = rig();
  r.m.start(); r.exit(r.h.lastPid(), 0, 11, true);
  assert.equal(r.m.result(), 'core-dump');
  assert.equal(r.m.properties()['ExecMainCode'], 3);
  r = rig({ successExitStatus: { statuses: [42], signals: [] } });
  r.m.start(); r.exit(r.h.lastPid(), 42);
  assert.equal(r.state(), 'inactive/dead');
  assert.equal(r.m.result(), 'success');
});

test('simple: a missing binary still starts, then fails 203/EXEC (exit-code)', () => {
  const r = rig();
  r.m.start();
  assert.equal(r.m.activeState(), 'active');
  r.exit(r.h.lastPid(), 203);
  assert.equal(r.state(), 'failed/failed');
  assert.equal(r.m.result(), 'exit-code');
  assert.equal(r.m.properties()['ExecMainStatus'], 203);
});

test('start of an active unit is a no-op; stop of an inactive unit is a no-op', () => {
  const r = rig();
  assert.equal(r.m.stop(), 'noop');
  r.m.start();
  assert.equal(r.m.start(), 'noop');
});

test('stop: SIGTERM (+SIGCONT) to main, exit → stop-post path → dead; no restart after explicit stop', () => {
  const r = rig({ restart: 'always' });
  r.m.start();
  const pid = r.h.lastPid();
  assert.equal(r.m.stop(), 'stopping');
  assert.equal(r.state(), 'deactivating/stop-sigterm');
  assert.deepEqual(r.h.signalsTo(pid), [15]);
  r.exit(pid, 0, 15);
  assert.equal(r.state(), 'inactive/dead');
  assert.equal(r.m.result(), 'success');
  assert.equal(r.h.restartRequests, 0);
  assert.equal(r.h.timers.size, 0);
});

test('stop: ExecStop runs with $MAINPID, SERVICE_RESULT; then SIGTERM to what remains', () => {
  const r = rig({ execStop: [cmd('/bin/stopper')] });
  r.m.start();
  const main = r.h.lastPid();
  r.m.stop();
  assert.equal(r.state(), 'deactivating/stop');
  const stopper = r.h.last();
  assert.equal(stopper.req.list, 'ExecStop');
  assert.equal(stopper.req.kind, 'control');
  assert.equal(stopper.req.env['MAINPID'], String(main));
  assert.equal(stopper.req.env['SERVICE_RESULT'], 'success');
  assert.equal(stopper.req.env['EXIT_CODE'], undefined);
  assert.equal(r.m.controlPid, stopper.pid);
  r.exit(stopper.pid, 0);
  assert.equal(r.state(), 'deactivating/stop-sigterm');
  assert.deepEqual(r.h.signalsTo(main), [15]);
  r.exit(main, 0, 15);
  assert.equal(r.state(), 'inactive/dead');
});

test('stop timeout: SIGTERM ignored → after TimeoutStopSec SIGKILL → result timeout, failed', () => {
  const r = rig({ timeoutStopUs: 5 * SEC });
  r.m.start();
  const pid = r.h.lastPid();
  r.m.stop();
  r.h.advance(4 * SEC);
  assert.equal(r.state(), 'deactivating/stop-sigterm');
  r.h.advance(1 * SEC);
  assert.equal(r.state(), 'deactivating/stop-sigkill');
  assert.deepEqual(r.h.signalsTo(pid), [15, 9]);
  r.exit(pid, 0, 9);
  assert.equal(r.state(), 'failed/failed');
  assert.equal(r.m.result(), 'timeout');
});

test('stop timeout with SendSIGKILL=no → skip SIGKILL, stop-post, failed timeout', () => {
  const r = rig({ timeoutStopUs: 5 * SEC }, { sendSIGKILL: false });
  r.m.start();
  const pid = r.h.lastPid();
  r.m.stop();
  r.h.advance(5 * SEC);
  assert.deepEqual(r.h.signalsTo(pid), [15, 15], 'final-sigterm re-sends the kill signal to the leftover');
  assert.equal(r.state(), 'deactivating/final-sigterm');
  r.h.advance(5 * SEC);
  assert.equal(r.state(), 'failed/failed');
  assert.equal(r.m.result(), 'timeout');
});

test('SIGKILL ignored (unkillable): stop-sigkill timeout → stop-post → final-sigterm → final-sigkill → failed', () => {
  const r = rig({ timeoutStopUs: 1 * SEC });
  r.m.start();
  r.m.stop();
  const seen: string[] = [];
  for (let i = 0; i < 6; i++) { r.h.advance(1 * SEC); seen.push(r.m.subState()); }
  assert.deepEqual(seen.slice(0, 4), ['stop-sigkill', 'final-sigterm', 'final-sigkill', 'failed']);
  assert.equal(r.m.result(), 'timeout');
});

test('oneshot: several ExecStart in order, activating until done, then inactive (ExecStop still runs)', () => {
  const r = rig({ type: 'oneshot', execStart: [cmd('/bin/a'), cmd('/bin/b')], execStop: [cmd('/bin/stop')] });
  r.m.start();
  assert.equal(r.state(), 'activating/start');
  const a = r.h.lastPid();
  assert.equal(r.h.timers.has('timeout'), false, 'oneshot: TimeoutStartSec=infinity by default');
  r.exit(a, 0);
  const b = r.h.lastPid();
  assert.notEqual(a, b);
  assert.equal(r.h.last().req.command.path, '/bin/b');
  assert.equal(r.state(), 'activating/start');
  r.exit(b, 0);
  assert.equal(r.state(), 'deactivating/stop');
  const st = r.h.last();
  assert.equal(st.req.list, 'ExecStop');
  assert.equal(st.req.env['MAINPID'], undefined, 'MAINPID unset after the main process exited');
  assert.equal(st.req.env['EXIT_CODE'], 'exited');
  assert.equal(st.req.env['EXIT_STATUS'], '0');
  r.exit(st.pid, 0);
  assert.equal(r.state(), 'inactive/dead');
  assert.equal(r.m.result(), 'success');
  const subs = r.h.subStates();
  assert.ok(!subs.includes('running'), 'never active');
});

test('oneshot: failing first command stops the chain; second never runs; failed exit-code', () => {
  const r = rig({ type: 'oneshot', execStart: [cmd('/bin/a'), cmd('/bin/b')] });
  r.m.start();
  r.exit(r.h.lastPid(), 3);
  assert.equal(r.h.spawned.length, 1);
  assert.equal(r.state(), 'failed/failed');
  assert.equal(r.m.result(), 'exit-code');
});

test('oneshot: "-" prefix ignores the failure; SIGTERM is NOT clean for oneshot', () => {
  let r = rig({ type: 'oneshot', execStart: [cmd('/bin/a', true), cmd('/bin/b')] });
  r.m.start();
  r.exit(r.h.lastPid(), 3);
  assert.equal(r.h.spawned.length, 2);
  r.exit(r.h.lastPid(), 0);
  assert.equal(r.state(), 'inactive/dead');
  r = rig({ type: 'oneshot' });
  r.m.start();
  r.exit(r.h.lastPid(), 0, 15);
  assert.equal(r.m.result(), 'signal');
});

test('oneshot RemainAfterExit=yes → active/exited; stop runs ExecStop → dead', () => {
  const r = rig({ type: 'oneshot', remainAfterExit: true, execStop: [cmd('/bin/stop')] });
  r.m.start();
  r.exit(r.h.lastPid(), 0);
  assert.equal(r.state(), 'active/exited');
  r.m.stop();
  assert.equal(r.state(), 'deactivating/stop');
  r.exit(r.h.lastPid(), 0);
  assert.equal(r.state(), 'inactive/dead');
});

test('oneshot without ExecStart: passes through start and ends dead (RemainAfterExit=yes → exited)', () => {
  let r = rig({ type: 'oneshot', execStart: [] });
  assert.equal(r.m.start(), 'started');
  assert.equal(r.state(), 'inactive/dead');
  assert.ok(r.h.subStates().includes('start'));
  r = rig({ type: 'oneshot', execStart: [], remainAfterExit: true });
  r.m.start();
  assert.equal(r.state(), 'active/exited');
});

test('notify: activating until READY=1, then running; STATUS= shown', () => {
  const r = rig({ type: 'notify' });
  r.m.start();
  assert.equal(r.state(), 'activating/start');
  r.notify('STATUS=warming up');
  assert.equal(r.m.statusText, 'warming up');
  r.notify('READY=1\nSTATUS=serving');
  assert.equal(r.state(), 'active/running');
  assert.equal(r.m.properties()['StatusText'], 'serving');
});

test('notify: exit 0 before READY → Result=protocol, failed', () => {
  const r = rig({ type: 'notify' });
  r.m.start();
  r.exit(r.h.lastPid(), 0);
  assert.equal(r.state(), 'failed/failed');
  assert.equal(r.m.result(), 'protocol');
});

test('notify: no READY within TimeoutStartSec → SIGTERM, timeout', () => {
  const r = rig({ type: 'notify', timeoutStartUs: 3 * SEC });
  r.m.start();
  const pid = r.h.lastPid();
  r.h.advance(3 * SEC);
  assert.equal(r.state(), 'deactivating/stop-sigterm');
  r.exit(pid, 0, 15);
  assert.equal(r.state(), 'failed/failed');
  assert.equal(r.m.result(), 'timeout');
});

test('notify: READY=1 from a non-main pid is rejected with NotifyAccess=main', () => {
  const r = rig({ type: 'notify' });
  r.m.start();
  r.notify('READY=1', 4242);
  assert.equal(r.state(), 'activating/start');
  assert.ok(r.h.logs.some(l => l.includes('reception only permitted for main PID')));
});

test('notify: EXTEND_TIMEOUT_USEC pushes the start timeout out', () => {
  const r = rig({ type: 'notify', timeoutStartUs: 2 * SEC });
  r.m.start();
  r.h.advance(1 * SEC);
  r.notify('EXTEND_TIMEOUT_USEC=5000000');
  r.h.advance(3 * SEC);
  assert.equal(r.state(), 'activating/start');
  r.h.advance(2 * SEC + 1 * MS);
  assert.equal(r.m.result(), 'timeout');
});

test('stop while activating goes straight to stop-sigterm', () => {
  const r = rig({ type: 'notify' });
  r.m.start();
  r.m.stop();
  assert.equal(r.state(), 'deactivating/stop-sigterm');
  r.exit(r.h.lastPid(), 0, 15);
  assert.equal(r.state(), 'inactive/dead');
});
