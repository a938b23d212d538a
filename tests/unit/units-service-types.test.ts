// Service machine: readiness per Type (exec, forking, dbus, idle, notify-reload), reload, watchdog,
// MAINPID= rules, STOPPING/RELOADING, fd store.
import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { cmd, MS, SEC } from './units-fake';
import { rig } from './units-harness';

test('exec: activating until the exec helper reports success; exec failure fails the start', () => {
  let r = rig({ type: 'exec' });
  r.m.start();
  assert.equal(r.state(), 'activating/start');
  assert.equal(r.h.last().req.wantExecOutcome, true);
  r.m.onExecOutcome(r.h.lastPid(), { ok: true });
  assert.equal(r.state(), 'active/running');
  r = rig({ type: 'exec' });
  r.m.start();
  r.m.onExecOutcome(r.h.lastPid(), { ok: false, stage: 'EXEC', errno: 2 });
  assert.equal(r.state(), 'activating/start');
  r.exit(r.h.lastPid(), 203);
  assert.equal(r.state(), 'failed/failed');
  assert.equal(r.m.result(), 'exit-code');
  assert.equal(r.m.properties()['ExecMainStatus'], 203);
});

test('forking + PIDFile: start ends when the parent exits 0; MainPID from the PID file', () => {
  const r = rig({ type: 'forking', pidFile: '/run/d.pid', execStop: [cmd('/bin/stop')] });
  r.m.start();
  assert.equal(r.state(), 'activating/start');
  const parent = r.h.lastPid();
  assert.equal(r.m.controlPid, parent, 'the ExecStart process is the control process for forking');
  assert.equal(r.m.mainPid, 0);
  r.h.others.add(555);
  r.h.pidFile = 555;
  r.exit(parent, 0);
  assert.equal(r.state(), 'active/running');
  assert.equal(r.m.mainPid, 555);
  r.m.stop();
  assert.equal(r.h.last().req.env['MAINPID'], '555');
  r.exit(r.h.lastPid(), 0);
  assert.deepEqual(r.h.signalsTo(555), [15]);
  r.exit(555, 0, 15);
  assert.equal(r.state(), 'inactive/dead');
  assert.equal(r.h.pidFileRemoved, 1);
});

test('forking: parent exit non-zero fails; PID file missing and no processes → protocol', () => {
  let r = rig({ type: 'forking', pidFile: '/run/d.pid' });
  r.m.start(); r.exit(r.h.lastPid(), 1);
  assert.equal(r.m.result(), 'exit-code');
  r = rig({ type: 'forking', pidFile: '/run/d.pid' });
  r.m.start(); r.exit(r.h.lastPid(), 0);
  assert.equal(r.m.result(), 'protocol');
  assert.equal(r.m.activeState(), 'failed');
});

test('forking: PID file appears late → waits, then running', () => {
  const r = rig({ type: 'forking', pidFile: '/run/d.pid' });
  r.m.start();
  r.h.others.add(556);
  r.exit(r.h.lastPid(), 0);
  assert.equal(r.state(), 'activating/start');
  r.h.advance(200 * MS);
  assert.equal(r.state(), 'activating/start');
  r.h.pidFile = 556;
  r.h.advance(100 * MS);
  assert.equal(r.state(), 'active/running');
  assert.equal(r.m.mainPid, 556);
});

test('forking without PIDFile: GuessMainPID=yes guesses; main exit → stop path', () => {
  const r = rig({ type: 'forking' });
  r.m.start();
  r.h.others.add(777);
  r.h.guessed = 777;
  r.exit(r.h.lastPid(), 0);
  assert.equal(r.state(), 'active/running');
  assert.equal(r.m.mainPid, 777);
  r.exit(777, 0);
  assert.equal(r.state(), 'inactive/dead');
});

test('forking: GuessMainPID=no and daemon running → running on cgroup, ends when the unit is empty', () => {
  const r = rig({ type: 'forking', guessMainPID: false });
  r.m.start();
  r.h.others.add(778);
  r.exit(r.h.lastPid(), 0);
  assert.equal(r.state(), 'active/running');
  assert.equal(r.m.mainPid, 0);
  r.h.others.delete(778);
  r.m.onUnitEmpty();
  assert.equal(r.state(), 'inactive/dead');
});

test('forking: PID file changes to a new pid before the old main exits → follow it', () => {
  const r = rig({ type: 'forking', pidFile: '/run/d.pid' });
  r.m.start();
  r.h.others.add(600); r.h.pidFile = 600;
  r.exit(r.h.lastPid(), 0);
  r.h.others.add(601); r.h.pidFile = 601;
  r.exit(600, 0);
  assert.equal(r.state(), 'active/running');
  assert.equal(r.m.mainPid, 601);
});

test('dbus: started when BusName appears; losing the name stops it', () => {
  const r = rig({ type: 'dbus', busName: 'org.example.Test' });
  assert.deepEqual(r.h.busWatched, ['org.example.Test']);
  r.m.start();
  assert.equal(r.state(), 'activating/start');
  r.m.onBusNameOwner(true, r.m.mainPid);
  assert.equal(r.state(), 'active/running');
  r.m.onBusNameOwner(false, null);
  assert.equal(r.state(), 'deactivating/stop-sigterm');
});

test('idle: asks for the idle delay and counts as active from start on', () => {
  const r = rig({ type: 'idle', execStartPre: [cmd('/bin/pre')] });
  r.m.start();
  assert.equal(r.state(), 'active/start-pre');
  r.exit(r.h.lastPid(), 0);
  assert.equal(r.h.last().req.idle, true);
  assert.equal(r.state(), 'active/running');
});

test('reload: ExecReload with $MAINPID; reloading → active; failure flagged, unit keeps running', () => {
  const r = rig({ execReload: [cmd('/bin/kill -HUP $MAINPID')] });
  assert.equal(r.m.reload(), 'not-active');
  r.m.start();
  const main = r.h.lastPid();
  assert.equal(r.m.reload(), 'reloading');
  assert.equal(r.state(), 'reloading/reload');
  assert.equal(r.h.last().req.env['MAINPID'], String(main));
  r.exit(r.h.lastPid(), 0);
  assert.equal(r.state(), 'active/running');
  assert.equal(r.h.states[r.h.states.length - 1]?.flags.reloadFailure, false);
  r.m.reload();
  r.exit(r.h.lastPid(), 1);
  assert.equal(r.state(), 'active/running');
  assert.equal(r.h.states[r.h.states.length - 1]?.flags.reloadFailure, true);
  assert.equal(r.m.result(), 'success');
  assert.equal(r.m.properties()['ReloadResult'], 'exit-code');
});

test('reload: unsupported without ExecReload; timeout kills the reload process', () => {
  let r = rig();
  r.m.start();
  assert.equal(r.m.reload(), 'unsupported');
  r = rig({ execReload: [cmd('/bin/reload')], timeoutStartUs: 2 * SEC });
  r.m.start();
  r.m.reload();
  const rp = r.h.lastPid();
  r.h.advance(2 * SEC);
  assert.deepEqual(r.h.signalsTo(rp), [9]);
  assert.equal(r.state(), 'active/running');
  assert.equal(r.m.properties()['ReloadResult'], 'timeout');
});

test('oneshot RemainAfterExit=yes reload runs ExecReload and returns to exited', () => {
  const r = rig({ type: 'oneshot', remainAfterExit: true, execReload: [cmd('/bin/reload')] });
  r.m.start(); r.exit(r.h.lastPid(), 0);
  r.m.reload();
  assert.equal(r.state(), 'reloading/reload');
  r.exit(r.h.lastPid(), 0);
  assert.equal(r.state(), 'active/exited');
});

test('notify-reload: reload sends SIGHUP, waits for RELOADING=1+MONOTONIC_USEC then READY=1', () => {
  const r = rig({ type: 'notify-reload' });
  r.m.start();
  r.notify('READY=1');
  const main = r.m.mainPid;
  assert.equal(r.m.reload(), 'reloading');
  assert.deepEqual(r.h.signalsTo(main), [1]);
  assert.equal(r.state(), 'reloading/reload-signal');
  r.notify(`RELOADING=1\nMONOTONIC_USEC=${r.h.now()}`);
  assert.equal(r.m.subState(), 'reload-notify');
  r.notify('READY=1');
  assert.equal(r.state(), 'active/running');
});

test('notify: RELOADING=1 from the service enters reload and propagates; READY=1 ends it', () => {
  const r = rig({ type: 'notify' });
  r.m.start(); r.notify('READY=1');
  r.notify('RELOADING=1');
  assert.equal(r.m.activeState(), 'reloading');
  assert.equal(r.h.reloadsPropagated, 1);
  r.notify('READY=1');
  assert.equal(r.state(), 'active/running');
});

test('notify: STOPPING=1 → deactivating/stop-sigterm without sending a signal; exit → dead', () => {
  const r = rig({ type: 'notify' });
  r.m.start(); r.notify('READY=1');
  const main = r.m.mainPid;
  r.notify('STOPPING=1');
  assert.equal(r.state(), 'deactivating/stop-sigterm');
  assert.deepEqual(r.h.signalsTo(main), []);
  r.exit(main, 0);
  assert.equal(r.state(), 'inactive/dead');
});

test('notify: last of READY/RELOADING/STOPPING in one datagram wins; unknown keys ignored', () => {
  const r = rig({ type: 'notify' });
  r.m.start();
  r.notify('X_FOO=1\nREADY=1\nBOGUS\nSTATUS=ok');
  assert.equal(r.state(), 'active/running');
  assert.equal(r.m.statusText, 'ok');
  r.notify('ERRNO=2');
  assert.equal(r.m.properties()['StatusErrno'], 2);
});

test('MAINPID=: accepted from the main pid for a unit process; refused for foreign pid from non-root; root ok', () => {
  const r = rig({ type: 'notify' });
  r.m.start();
  const first = r.m.mainPid;
  r.h.others.add(321);
  r.notify('MAINPID=321\nREADY=1', first);
  assert.equal(r.m.mainPid, 321);
  assert.equal(r.state(), 'active/running');
  r.h.outside.add(999);
  r.notify('MAINPID=999', 321, 1000);
  assert.equal(r.m.mainPid, 321);
  assert.ok(r.h.logs.some(l => l.includes('does not belong to service, refusing')));
  r.notify('MAINPID=999', 321, 0);
  assert.equal(r.m.mainPid, 999);
  r.notify('MAINPID=12345', 999, 0);
  assert.equal(r.m.mainPid, 999, 'a dead pid is refused');
});

test('MAINPID= from a child is rejected under NotifyAccess=main, accepted under all', () => {
  let r = rig({ type: 'notify' });
  r.m.start();
  r.h.others.add(400);
  r.notify('MAINPID=400\nREADY=1', 400);
  assert.notEqual(r.m.mainPid, 400);
  assert.equal(r.m.activeState(), 'activating');
  r = rig({ type: 'notify', notifyAccess: 'all' });
  r.m.start();
  r.h.others.add(400);
  r.notify('MAINPID=400\nREADY=1', 400);
  assert.equal(r.m.mainPid, 400);
  assert.equal(r.m.activeState(), 'active');
  r.notify('STATUS=x', 31337);
  assert.notEqual(r.m.statusText, 'x', 'a pid outside the unit is refused under all');
});

test('watchdog: WATCHDOG_USEC in env; pings keep it alive; a missed ping → SIGABRT, Result=watchdog', () => {
  const r = rig({ type: 'notify', watchdogUs: 2 * SEC });
  r.m.start();
  assert.equal(r.h.last().req.env['WATCHDOG_USEC'], '2000000');
  assert.equal(r.h.last().req.watchdogPid, true);
  r.notify('READY=1');
  for (let i = 0; i < 5; i++) { r.h.advance(1500 * MS); r.notify('WATCHDOG=1'); }
  assert.equal(r.state(), 'active/running');
  r.h.advance(2 * SEC);
  assert.equal(r.state(), 'deactivating/stop-watchdog');
  assert.deepEqual(r.h.signalsTo(r.m.mainPid), [6]);
  r.exit(r.m.mainPid, 0, 6, true);
  assert.equal(r.m.result(), 'watchdog');
});

test('watchdog: WATCHDOG=trigger fails at once; WATCHDOG_USEC= changes the interval', () => {
  let r = rig({ type: 'notify', watchdogUs: 2 * SEC });
  r.m.start(); r.notify('READY=1');
  r.notify('WATCHDOG=trigger');
  assert.equal(r.m.subState(), 'stop-watchdog');
  r = rig({ type: 'notify', watchdogUs: 2 * SEC });
  r.m.start(); r.notify('READY=1');
  r.notify('WATCHDOG_USEC=10000000');
  r.h.advance(9 * SEC);
  assert.equal(r.state(), 'active/running');
  r.h.advance(1 * SEC);
  assert.equal(r.m.subState(), 'stop-watchdog');
});

test('fd store: FDSTORE=1 keeps fds up to FileDescriptorStoreMax, hands them to the next start, FDSTOREREMOVE closes', () => {
  const r = rig({ type: 'notify', fileDescriptorStoreMax: 2, restart: 'always' });
  r.m.start();
  r.notify('FDSTORE=1\nFDNAME=mypipe', undefined, 1000, [40, 41, 42]);
  assert.deepEqual(r.m.fdStore.map(e => [e.fd, e.name]), [[40, 'mypipe'], [41, 'mypipe']]);
  assert.deepEqual(r.h.closed, [42]);
  assert.equal(r.h.polled.get(40), true);
  r.notify('READY=1');
  r.exit(r.m.mainPid, 1);
  r.h.advance(100 * MS);
  r.m.stop({ restart: true });
  r.m.start();
  assert.deepEqual(r.h.last().req.fdStore, [{ fd: 40, name: 'mypipe' }, { fd: 41, name: 'mypipe' }]);
  r.notify('FDSTOREREMOVE=1\nFDNAME=mypipe');
  assert.deepEqual(r.m.fdStore, []);
  assert.deepEqual(r.h.closed, [42, 40, 41]);
});

test('fd store: default name "stored", FDPOLL=0 not polled, dropped when the unit fully stops; stray fds closed', () => {
  const r = rig({ type: 'notify', fileDescriptorStoreMax: 4 });
  r.m.start();
  r.notify('FDSTORE=1\nFDPOLL=0', undefined, 1000, [50]);
  assert.equal(r.m.fdStore[0]?.name, 'stored');
  assert.equal(r.h.polled.has(50), false);
  r.notify('STATUS=x', undefined, 1000, [51]);
  assert.deepEqual(r.h.closed, [51]);
  r.notify('READY=1');
  r.m.stop();
  r.exit(r.m.mainPid || r.h.spawned[0]!.pid, 0, 15);
  assert.equal(r.m.activeState(), 'inactive');
  assert.deepEqual(r.h.closed, [51, 50]);
});

test('fd store: an fd hang-up drops it; with FileDescriptorStoreMax=0 everything is closed', () => {
  let r = rig({ type: 'notify', fileDescriptorStoreMax: 4 });
  r.m.start();
  r.notify('FDSTORE=1', undefined, 1000, [60]);
  r.m.onFdStoreHangup(60);
  assert.deepEqual(r.m.fdStore, []);
  assert.deepEqual(r.h.closed, [60]);
  r = rig({ type: 'notify' });
  r.m.start();
  r.notify('FDSTORE=1', undefined, 1000, [61]);
  assert.deepEqual(r.h.closed, [61]);
});

test('NotifyAccess=none ignores everything; exec accepts the control process', () => {
  let r = rig({ type: 'simple' });
  r.m.start();
  r.notify('STATUS=hello');
  assert.equal(r.m.statusText, '');
  r = rig({ type: 'notify', notifyAccess: 'exec', execStartPost: [cmd('/bin/post')] });
  r.m.start();
  r.notify('READY=1');
  assert.equal(r.m.subState(), 'start-post');
  r.notify('STATUS=from-control', r.m.controlPid);
  assert.equal(r.m.statusText, 'from-control');
});
