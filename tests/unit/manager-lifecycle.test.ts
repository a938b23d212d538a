// The Manager as a whole on FakePlatform with a manual clock: boot to READY=1 (sent to our own supervisor
// only when boot is over), shutdown in reverse dependency order, a second shutdown request killing what
// is left, a restart storm ending at the start limit (system degraded), a unit that never stops (SIGKILL
// after TimeoutStopSec=), and the crash barrier (a throwing event handler fails its unit, not the manager).
// Unit files come from a temp directory (the loader is real); every OS effect goes through the fake.
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { LogStore } from '../../src/logs/store';
import { BUILTIN_UNITS } from '../../src/manager/builtin-units';
import { Manager } from '../../src/manager/manager';
import type { DaemonOptions } from '../../src/manager/options';
import { FakePlatform } from '../../src/platform/fake';
import { realConditionEnv } from '../../src/units/conditions-real';

const SEC = 1_000_000;

interface Rig { m: Manager; p: FakePlatform; console: string[]; dir: string; settle(): Promise<void>; pidOf(unit: string): number }

function rig(units: Record<string, string>, target = 'boot.target'): Rig {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tsysd-mgr-'));
  const unitDir = path.join(dir, 'units');
  fs.mkdirSync(unitDir);
  // The manager writes its built-in units (sysinit.target, ...) through the platform, which is a fake here:
  // put them where the (real) loader reads.
  for (const [n, t] of Object.entries({ ...BUILTIN_UNITS, ...units })) fs.writeFileSync(path.join(unitDir, n), t);
  const p = new FakePlatform();
  const options: DaemonOptions = {
    userMode: false, unitPaths: [unitDir], target, controlSocket: path.join(dir, 'control.sock'), runtimeDir: path.join(dir, 'run'),
    logDir: '', logLevel: 'info', container: true, healthListen: '', forwardOutput: false, cgroupName: 'test',
  };
  const lines: string[] = [];
  const m = new Manager({
    options, platform: p, logs: new LogStore(), console: (l) => lines.push(l), isPid1: false, container: 'podman',
    env: { NOTIFY_SOCKET: '/run/supervisor/notify' }, uid: 0, conditionEnv: realConditionEnv({}),
  });
  p.onChildExit((e) => m.onChildExit(e.pid, e.code, e.status));
  const settle = async (): Promise<void> => {
    for (let i = 0; i < 20; i++) { p.flush(); await new Promise((r) => setImmediate(r)); }
  };
  const pidOf = (unit: string): number => {
    const v = m.peekRuntime(unit)?.machine.properties()['MainPID'];
    return typeof v === 'number' ? v : 0;
  };
  test.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  return { m, p, console: lines, dir, settle, pidOf };
}

const svc = (extra = '', type = 'simple'): string => `[Unit]\nDescription=x\n[Service]\nType=${type}\nExecStart=/bin/sleep 1000\n${extra}`;
const target = (wants: string): string => `[Unit]\nDescription=boot\nWants=${wants}\nAfter=${wants}\n`;

test('boot: starting until the boot target is reached, then running and READY=1 to our own supervisor, once', async () => {
  const r = rig({ 'a.service': svc('', 'notify') + 'NotifyAccess=main\n', 'boot.target': target('a.service') });
  assert.equal(r.m.openNotifySocket(path.join(r.dir, 'notify')), null);
  const notifyFd = r.p.nextFd - 1;
  assert.equal(r.m.phase, 'initializing');
  r.m.boot();
  await r.settle();
  assert.equal(r.m.phase, 'starting');
  assert.equal(r.p.datagrams.length, 0, 'no READY=1 while a Type=notify service is starting');
  const pid = r.pidOf('a.service');
  assert.ok(pid > 0);
  // The service reports READY=1 on the manager's notify socket.
  r.p.notifyQueue.push({ data: Buffer.from('READY=1\n'), pid, uid: 0, gid: 0, fds: [] });
  r.p.readable(notifyFd);
  await r.settle();
  assert.equal(r.m.peekRuntime('a.service')?.machine.activeState(), 'active');
  assert.equal(r.m.phase, 'running');
  assert.equal(r.p.datagrams.length, 1);
  assert.equal(r.p.datagrams[0]?.path, '/run/supervisor/notify');
  assert.match(r.p.datagrams[0]?.data ?? '', /^READY=1\nSTATUS=Startup finished\nMAINPID=1\n$/);
  // Later state changes do not repeat it.
  r.p.exit(pid, 'exited', 1);
  await r.settle();
  assert.equal(r.m.phase, 'degraded');
  assert.equal(r.p.datagrams.length, 1);
});

test('shutdown: reverse dependency order, then exit with the requested code', async () => {
  const r = rig({
    'a.service': svc(), 'b.service': '[Unit]\nAfter=a.service\n' + svc().slice('[Unit]\n'.length),
    'boot.target': '[Unit]\nWants=a.service b.service\nAfter=a.service b.service\n',
  });
  r.p.killEnds = true;
  r.m.boot();
  await r.settle();
  assert.equal(r.m.phase, 'running');
  const a = r.pidOf('a.service'), b = r.pidOf('b.service');
  r.m.shutdown('test', 7);
  assert.equal(r.m.phase, 'stopping');
  await r.settle();
  const code = await r.m.exited;
  assert.equal(code, 7);
  assert.equal(r.m.phase, 'exited');
  const termA = r.p.kills.findIndex((k) => k.pid === a && k.signal === 15);
  const termB = r.p.kills.findIndex((k) => k.pid === b && k.signal === 15);
  assert.ok(termB >= 0 && termA > termB, `b (After=a) is stopped before a: ${JSON.stringify(r.p.kills)}`);
  assert.ok(r.console.some((l) => l.includes('Stopped target boot.target')), r.console.join('\n'));
});

test('a second shutdown request kills what is left at once', async () => {
  const r = rig({ 'a.service': svc('TimeoutStopSec=90\n'), 'boot.target': target('a.service') });
  r.m.boot();
  await r.settle();
  const a = r.pidOf('a.service');
  r.m.shutdown('first', 0);
  await r.settle();
  assert.ok(r.p.kills.some((k) => k.pid === a && k.signal === 15));
  assert.equal(r.m.phase, 'stopping', 'the service ignores SIGTERM (fake: kills do not end processes)');
  r.m.shutdown('second', 0);
  assert.ok(r.p.kills.some((k) => k.pid === a && k.signal === 9), 'SIGKILL on the second request');
  r.p.exit(a, 'killed', 9);
  await r.settle();
  assert.equal(await r.m.exited, 0);
});

test('a unit that never stops is SIGKILLed after TimeoutStopSec=, then the manager exits', async () => {
  const r = rig({ 'a.service': svc('TimeoutStopSec=3\n'), 'boot.target': target('a.service') });
  r.m.boot();
  await r.settle();
  const a = r.pidOf('a.service');
  r.m.shutdown('test', 0);
  await r.settle();
  r.p.advance(2 * SEC);
  await r.settle();
  assert.ok(!r.p.kills.some((k) => k.pid === a && k.signal === 9), 'no SIGKILL before the timeout');
  r.p.advance(2 * SEC);
  await r.settle();
  assert.ok(r.p.kills.some((k) => k.signal === 9), `SIGKILL after 3 s: ${JSON.stringify(r.p.kills)}`);
  r.p.exit(a, 'killed', 9);
  await r.settle();
  assert.equal(await r.m.exited, 0);
  assert.equal(r.m.peekRuntime('a.service')?.machine.result(), 'timeout');
});

test('restart storm: Restart=always stops at StartLimitBurst=, the unit fails, the system is degraded', async () => {
  const r = rig({ 'a.service': svc('Restart=always\nRestartSec=100ms\n') + '[Unit]\nStartLimitBurst=3\nStartLimitIntervalSec=10s\n', 'boot.target': target('a.service') });
  r.m.boot();
  await r.settle();
  let starts = 1;
  for (let i = 0; i < 10; i++) {
    const pid = r.pidOf('a.service');
    if (pid === 0) break;
    r.p.exit(pid, 'exited', 1);
    await r.settle();
    r.p.advance(150_000);
    await r.settle();
    if (r.pidOf('a.service') !== 0 && r.pidOf('a.service') !== pid) starts++;
  }
  const mach = r.m.peekRuntime('a.service')?.machine;
  assert.equal(mach?.activeState(), 'failed');
  // As systemd 252: service_enter_dead() keeps the first failure's result ("Start request repeated too
  // quickly." then "Failed with result 'exit-code'."); the start limit shows as StartLimitHit.
  assert.equal(mach?.result(), 'exit-code');
  assert.ok(r.m.logs.tail('a.service', 50).some((l) => l.text === 'Start request repeated too quickly.'));
  assert.equal(starts, 3, 'three starts in the interval, the fourth refused');
  assert.equal(r.m.phase, 'degraded');
  assert.deepEqual(r.m.failedUnits(), ['a.service']);
});

test('crash barrier: an event handler that throws fails its unit (resources); the manager keeps serving', async () => {
  const r = rig({ 'a.service': svc(), 'b.service': svc(), 'boot.target': '[Unit]\nWants=a.service b.service\n' });
  r.p.killEnds = true;
  r.m.boot();
  await r.settle();
  r.m.barrier.inject = (source, unit) => { if (source === 'child-exit' && unit === 'a.service') throw new Error('boom'); };
  r.p.exit(r.pidOf('a.service'), 'exited', 0);
  await r.settle();
  r.m.barrier.inject = null;
  const a = r.m.peekRuntime('a.service')?.machine;
  assert.equal(a?.activeState(), 'failed');
  assert.equal(a?.result(), 'resources');
  assert.equal(r.m.barrier.faults()['child-exit'], 1);
  assert.ok(r.m.logs.tail('a.service', 10).some((l) => l.text.includes('Internal error while handling a child-exit event: Error: boom')));
  // Everything else still works: b stops and starts again.
  assert.equal(r.m.peekRuntime('b.service')?.machine.activeState(), 'active');
  const s = r.m.engine.enqueue('b.service', 'restart', 'replace');
  assert.ok(s.ok);
  await r.settle();
  assert.equal(r.m.peekRuntime('b.service')?.machine.activeState(), 'active');
});
