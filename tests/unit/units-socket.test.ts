// Socket machine: lifecycle, bind failure, Accept=no hand-over and re-arm, Accept=yes instances and
// limits, trigger limit, service start limit, Exec*= stages and timeouts; target machine.
import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import type { SocketSection } from '../../src/directives/types';
import type { PeerInfo } from '../../src/units/host';
import { SocketMachine } from '../../src/units/socket/machine';
import { instanceFromPeer, instanceUnitName } from '../../src/units/socket/naming';
import { TargetMachine } from '../../src/units/target/machine';
import type { ActiveState, TriggeredPeer, TriggerPhase } from '../../src/units/types';
import { cmd, FakeHost, FakeSocketHost, SEC, socketSection, unitConfig, type UnitOver } from './units-fake';

/** The Accept=no service as the socket sees it after a state change. */
function svcPeer(activeState: ActiveState, phase: TriggerPhase, startLimitHit: boolean, hasJob: boolean): TriggeredPeer {
  return { id: 'web.service', activeState, phase, result: 'success', startLimitHit, hasJob };
}

function srig(over: Partial<SocketSection> = {}, o: UnitOver = {}, id = 'web.socket') {
  const h = new FakeSocketHost();
  if (over.accept) h.service = null;
  const m = new SocketMachine(unitConfig(id, 'socket', null, socketSection(over), o), h);
  h.target = m;
  const exit = (pid: number, code: number, signal = 0): void => { h.alive.delete(pid); m.onChildExit(pid, { code, signal, core: false }); };
  return { m, h, exit, st: () => `${m.activeState()}/${m.subState()}` };
}

function peer(remote: string, rport: number, family: PeerInfo['family'] = 'inet'): PeerInfo {
  return { family, localAddress: family === 'inet' ? '127.0.0.1' : '::1', localPort: 8080, remoteAddress: remote, remotePort: rport, pid: null, uid: null };
}

test('start: listeners open, polling, active/listening; start never starts the service', () => {
  const r = srig();
  assert.equal(r.m.start(), 'started');
  assert.equal(r.st(), 'active/listening');
  assert.equal(r.h.listenersOpen, true);
  assert.equal(r.h.polling, true);
  assert.equal(r.h.serviceStarts, 0);
});

test('bind failure fails only this socket, with the error logged', () => {
  const r = srig();
  r.h.openError = "Failed to create listening socket ([::]:80): Address already in use";
  r.m.start();
  assert.equal(r.st(), 'failed/failed');
  assert.equal(r.m.result(), 'resources');
  assert.ok(r.h.logs.some(l => l.includes('Address already in use')));
});

test('Accept=no: readiness queues the service start, stops polling (running); service down → listening again', () => {
  const r = srig();
  r.m.start();
  r.m.onReadable(0);
  assert.equal(r.h.serviceStarts, 1);
  assert.equal(r.st(), 'active/running');
  assert.equal(r.h.polling, false);
  r.m.onTriggeredUnitChange(svcPeer('active', 'running', false, false));
  assert.equal(r.st(), 'active/running');
  r.m.onTriggeredUnitChange(svcPeer('inactive', 'idle', false, true));
  assert.equal(r.st(), 'active/running', 'a queued job holds off the re-arm');
  r.m.onTriggeredUnitChange(svcPeer('inactive', 'idle', false, false));
  assert.equal(r.st(), 'active/listening');
  assert.equal(r.h.polling, true);
  assert.equal(r.h.listenersOpen, true, 'the listening socket stays open across service restarts');
  r.m.onReadable(0);
  assert.equal(r.h.serviceStarts, 2);
});

test('Accept=no: no new start job when the service is already active or pending', () => {
  const r = srig();
  r.m.start();
  r.h.service = { loaded: true, subState: 'start', activeOrPending: true };
  r.m.onReadable(0);
  assert.equal(r.h.serviceStarts, 0);
  assert.equal(r.st(), 'active/running');
});

test('refuses to start while its service is running; service not loaded refuses', () => {
  const r = srig();
  r.h.service = { loaded: true, subState: 'running', activeOrPending: true };
  assert.equal(r.m.start(), 'refused');
  r.h.service = { loaded: false, subState: 'dead', activeOrPending: false };
  assert.equal(r.m.start(), 'refused');
  assert.equal(r.st(), 'inactive/dead');
});

test('service start limit hit → service-start-limit-hit, socket fails and closes', () => {
  const r = srig();
  r.m.start();
  r.m.onReadable(0);
  r.m.onTriggeredUnitChange(svcPeer('failed', 'idle', true, false));
  assert.equal(r.st(), 'failed/failed');
  assert.equal(r.m.result(), 'service-start-limit-hit');
  assert.equal(r.h.listenersOpen, false);
});

test('trigger limit: more than TriggerLimitBurst activations per interval → trigger-limit-hit', () => {
  const r = srig({ triggerLimitBurst: 3, triggerLimitIntervalUs: 2 * SEC });
  r.m.start();
  for (let i = 0; i < 3; i++) { r.m.onReadable(0); r.m.onTriggeredUnitChange(svcPeer('inactive', 'idle', false, false)); }
  assert.equal(r.st(), 'active/listening');
  r.m.onReadable(0);
  assert.equal(r.st(), 'failed/failed');
  assert.equal(r.m.result(), 'trigger-limit-hit');
});

test('POLLHUP on a listening socket fails it with resources', () => {
  const r = srig();
  r.m.start();
  r.m.onReadable(0, false);
  assert.equal(r.m.result(), 'resources');
  assert.equal(r.m.activeState(), 'failed');
});

test('Accept=yes: instance per connection named n-local-remote, counters, MaxConnections refuses excess', () => {
  const r = srig({ accept: true, maxConnections: 2, maxConnectionsPerSource: 2 }, {}, 'acc2.socket');
  r.m.start();
  r.h.acceptQueue.push({ fd: 10, peer: peer('127.0.0.1', 53050) }, { fd: 11, peer: peer('127.0.0.2', 1) }, { fd: 12, peer: peer('127.0.0.3', 2) });
  r.m.onReadable(0); r.m.onReadable(0); r.m.onReadable(0);
  assert.deepEqual(r.h.instances.map(i => i.name), [
    'acc2@0-127.0.0.1:8080-127.0.0.1:53050.service', 'acc2@1-127.0.0.1:8080-127.0.0.2:1.service',
  ]);
  assert.equal(r.st(), 'active/listening', 'Accept=yes stays listening');
  assert.deepEqual(r.h.closed, [12]);
  const p = r.m.properties();
  assert.equal(p['NAccepted'], 2);
  assert.equal(p['NConnections'], 2);
  assert.equal(p['NRefused'], 1);
  r.m.onConnectionClosed(peer('127.0.0.1', 53050));
  r.h.acceptQueue.push({ fd: 13, peer: peer('127.0.0.4', 3) });
  r.m.onReadable(0);
  assert.equal(r.h.instances[2]?.name, 'acc2@2-127.0.0.1:8080-127.0.0.4:3.service');
});

test('Accept=yes: MaxConnectionsPerSource limits one remote address', () => {
  const r = srig({ accept: true, maxConnections: 64, maxConnectionsPerSource: 1 });
  r.m.start();
  r.h.acceptQueue.push({ fd: 20, peer: peer('10.0.0.1', 1) }, { fd: 21, peer: peer('10.0.0.1', 2) }, { fd: 22, peer: peer('10.0.0.2', 3) });
  r.m.onReadable(0); r.m.onReadable(0); r.m.onReadable(0);
  assert.equal(r.h.instances.length, 2);
  assert.equal(r.m.nRefused, 1);
});

test('instance naming: v4-mapped v6 as IPv4, plain v6, unix pid-uid, unknown creds', () => {
  assert.equal(instanceFromPeer(0, { ...peer('::ffff:10.1.1.1', 5), family: 'inet6', localAddress: '::ffff:127.0.0.1' }), '0-127.0.0.1:8080-10.1.1.1:5');
  assert.equal(instanceFromPeer(3, { ...peer('fe80::1', 5, 'inet6') }), '3-::1:8080-fe80::1:5');
  assert.equal(instanceFromPeer(1, { family: 'unix', localAddress: '', localPort: 0, remoteAddress: '', remotePort: 0, pid: 42, uid: 1000 }), '1-42-1000');
  assert.equal(instanceFromPeer(2, { family: 'unix', localAddress: '', localPort: 0, remoteAddress: '', remotePort: 0, pid: null, uid: null }), '2-unknown');
  assert.equal(instanceUnitName('uucp.socket', '0-1-2'), 'uucp@0-1-2.service');
});

test('stop: listening → dead, listeners closed (RemoveOnStop unlinks), polling off', () => {
  const r = srig({ removeOnStop: true });
  r.m.start();
  assert.equal(r.m.stop(), 'stopping');
  assert.equal(r.st(), 'inactive/dead');
  assert.equal(r.h.listenersOpen, false);
  assert.equal(r.h.removed, 1);
  assert.equal(r.h.polling, false);
  assert.equal(r.m.stop(), 'noop');
});

test('ExecStartPre/Post and ExecStopPre/Post run in order; listeners open only from start-chown', () => {
  const r = srig({ execStartPre: [cmd('/bin/a')], execStartPost: [cmd('/bin/b')], execStopPre: [cmd('/bin/c')], execStopPost: [cmd('/bin/d')] });
  r.m.start();
  assert.equal(r.st(), 'activating/start-pre');
  assert.equal(r.h.listenersOpen, false);
  r.exit(r.h.lastPid(), 0);
  assert.equal(r.st(), 'activating/start-post');
  assert.equal(r.h.listenersOpen, true);
  r.exit(r.h.lastPid(), 0);
  assert.equal(r.st(), 'active/listening');
  r.m.stop();
  assert.equal(r.st(), 'deactivating/stop-pre');
  assert.equal(r.h.listenersOpen, true);
  r.exit(r.h.lastPid(), 0);
  assert.equal(r.st(), 'deactivating/stop-post');
  assert.equal(r.h.listenersOpen, false);
  r.exit(r.h.lastPid(), 0);
  assert.equal(r.st(), 'inactive/dead');
  assert.deepEqual(r.h.spawned.map(s => s.req.list), ['ExecStartPre', 'ExecStartPost', 'ExecStopPre', 'ExecStopPost']);
});

test('ExecStartPre failure → final-sigterm path → failed exit-code; ExecStartPost failure → stop-pre', () => {
  let r = srig({ execStartPre: [cmd('/bin/a')] });
  r.m.start(); r.exit(r.h.lastPid(), 1);
  assert.equal(r.st(), 'failed/failed');
  assert.equal(r.m.result(), 'exit-code');
  r = srig({ execStartPost: [cmd('/bin/b')], execStopPre: [cmd('/bin/c')] });
  r.m.start(); r.exit(r.h.lastPid(), 2);
  assert.equal(r.st(), 'deactivating/stop-pre');
  r.exit(r.h.lastPid(), 0);
  assert.equal(r.st(), 'failed/failed');
});

test('timeouts: start-pre timeout → final-sigterm → SIGKILL → failed timeout', () => {
  const r = srig({ execStartPre: [cmd('/bin/slow')], timeoutUs: 2 * SEC });
  r.m.start();
  const pid = r.h.lastPid();
  r.h.advance(2 * SEC);
  assert.equal(r.m.subState(), 'final-sigterm');
  r.h.advance(2 * SEC);
  assert.equal(r.m.subState(), 'final-sigkill');
  assert.deepEqual(r.h.signalsTo(pid), [15, 9]);
  r.exit(pid, 0, 9);
  assert.equal(r.st(), 'failed/failed');
  assert.equal(r.m.result(), 'timeout');
});

test('timeouts: stop-pre timeout → stop-pre-sigterm → stop-pre-sigkill → stop-post', () => {
  const r = srig({ execStopPre: [cmd('/bin/slow')], timeoutUs: 1 * SEC });
  r.m.start();
  r.m.stop();
  r.h.advance(1 * SEC);
  assert.equal(r.m.subState(), 'stop-pre-sigterm');
  r.h.advance(1 * SEC);
  assert.equal(r.m.subState(), 'stop-pre-sigkill');
  r.h.advance(1 * SEC);
  assert.equal(r.m.activeState(), 'failed');
  assert.equal(r.m.result(), 'timeout');
});

test('SocketUser=: a chown control process → start-chown until it exits', () => {
  const r = srig({ socketUser: 'uucp' });
  r.h.chown = { pid: 777 };
  r.m.start();
  assert.equal(r.st(), 'activating/start-chown');
  r.exit(777, 0);
  assert.equal(r.st(), 'active/listening');
});

test('socket start limit: burst exceeded → start-limit-hit', () => {
  const r = srig({}, { startLimitBurst: 2 });
  for (let i = 0; i < 2; i++) { r.m.start(); r.m.stop(); }
  assert.equal(r.m.start(), 'start-limit-hit');
  assert.equal(r.m.result(), 'start-limit-hit');
  r.m.resetFailed();
  assert.equal(r.st(), 'inactive/dead');
});

test('target: start → active, stop → dead; conditions apply', () => {
  const h = new FakeHost();
  const t = new TargetMachine(unitConfig('multi-user.target', 'target', null, null), h);
  assert.equal(t.start(), 'started');
  assert.equal(t.activeState(), 'active');
  assert.equal(t.start(), 'noop');
  assert.equal(t.stop(), 'stopping');
  assert.equal(t.activeState(), 'inactive');
  assert.deepEqual(h.states.map(s => `${s.oldActive}->${s.newActive}`), ['inactive->active', 'active->inactive']);
  const cond = { kind: 'PathExists', assert: false, trigger: false, negate: false, value: '/x', file: '', line: 1 };
  const h2 = new FakeHost();
  h2.conditionFn = () => ({ ok: false, failed: cond });
  const t2 = new TargetMachine(unitConfig('x.target', 'target', null, null, { conditions: [cond] }), h2);
  assert.equal(t2.start(), 'condition-failed');
  assert.equal(t2.activeState(), 'inactive');
});
