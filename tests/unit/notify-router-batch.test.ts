// The notify router's batched receive and its per-process sender cache, on FakePlatform with the whole
// Manager: a batch mixing good, cut, credential-less and NUL-carrying datagrams (the bad ones dropped with
// their fds closed, the rest handled in order); a NotifyAccess=all sender's cgroup read once while it lives;
// a sender that exited and whose pid was reused by a process of another unit is looked up again and routed
// to that unit (never to the stale one); NotifySenders' bounds (limit, sweep, forget, clear close pidfds).
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { LogStore } from '../../src/logs/store';
import { BUILTIN_UNITS } from '../../src/manager/builtin-units';
import { Manager } from '../../src/manager/manager';
import { NotifySenders } from '../../src/manager/notify-senders';
import type { DaemonOptions } from '../../src/manager/options';
import { FakePlatform } from '../../src/platform/fake';
import { realConditionEnv } from '../../src/platform/conditions-real';

interface Rig { m: Manager; p: FakePlatform; notifyFd: number; settle(): Promise<void>; prop(unit: string, k: string): unknown }

async function rig(units: Record<string, string>): Promise<Rig> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tsysd-nrb-'));
  const unitDir = path.join(dir, 'units');
  fs.mkdirSync(unitDir);
  for (const [n, t] of Object.entries({ ...BUILTIN_UNITS, ...units })) fs.writeFileSync(path.join(unitDir, n), t);
  const p = new FakePlatform();
  const options: DaemonOptions = {
    userMode: false, unitPaths: [unitDir], target: 'boot.target', controlSocket: path.join(dir, 'control.sock'), runtimeDir: path.join(dir, 'run'),
    logDir: '', logLevel: 'info', container: true, healthListen: '', forwardOutput: false, cgroupName: 'test', journalArgs: ['--no-journal'],
    dbusPrivate: 'no', sdBooted: false, systemdComm: false,
  };
  const m = new Manager({
    options, platform: p, logs: new LogStore(), console: () => {}, isPid1: false, container: 'podman',
    env: {}, uid: 0, conditionEnv: realConditionEnv({}),
  });
  p.onChildExit((e) => m.onChildExit(e.pid, e.code, e.status));
  test.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  assert.equal(m.openNotifySocket(path.join(dir, 'notify')), null);
  const notifyFd = p.nextFd - 1;
  const settle = async (): Promise<void> => {
    for (let i = 0; i < 20; i++) { p.flush(); await new Promise((r) => setImmediate(r)); }
  };
  m.boot();
  await settle();
  const prop = (unit: string, k: string): unknown => m.peekRuntime(unit)?.machine.properties()[k];
  return { m, p, notifyFd, settle, prop };
}

const svc = `[Unit]\nDescription=x\n[Service]\nType=simple\nNotifyAccess=all\nExecStart=/bin/sleep 1000\n`;
const units = { 'a.service': svc, 'b.service': svc, 'boot.target': '[Unit]\nWants=a.service b.service\n' };

/** The cgroup (as /proc/PID/cgroup shows it) of a running unit: its main pid's. */
function cgroupOf(r: Rig, unit: string): string {
  const pid = r.prop(unit, 'MainPID') as number;
  for (const [cg, set] of r.p.cgroups) if (set.has(pid)) return cg;
  throw new Error(`${unit}: main pid ${pid} in no cgroup`);
}

function send(r: Rig, pid: number, text: string | Buffer, extra: { fds?: number[]; truncated?: boolean } = {}): void {
  r.p.notifyQueue.push({ data: Buffer.isBuffer(text) ? text : Buffer.from(text), pid, uid: 0, gid: 0, fds: extra.fds ?? [], truncated: extra.truncated });
}

/** The notify socket turns readable; the manager handles what is queued. */
async function receive(r: Rig): Promise<void> {
  r.p.readable(r.notifyFd);
  await r.settle();
}

test('one batch: good, cut, credential-less and NUL-carrying datagrams — bad ones dropped with their fds, the rest in order', async () => {
  const r = await rig(units);
  const main = r.prop('a.service', 'MainPID') as number;
  assert.ok(main > 0);
  send(r, main, 'STATUS=one');
  send(r, main, 'STATUS=cut', { truncated: true, fds: [901, 902] });
  send(r, -1, 'STATUS=nocreds', { fds: [903] });
  send(r, main, Buffer.from('STATUS=nul\0x\n'), { fds: [904] });
  send(r, main, 'STATUS=' + 'x'.repeat(5000));             // longer than NOTIFY_BUFFER_MAX: cut by the receive
  send(r, main, 'STATUS=two\nFDSTORE=1', { fds: [905] });   // FileDescriptorStoreMax=0: the fd is refused, closed
  send(r, main, 'STATUS=last');
  await receive(r);
  assert.equal(r.p.notifyQueue.length, 0, 'every datagram was received');
  assert.equal(r.prop('a.service', 'StatusText'), 'last');
  for (const fd of [901, 902, 903, 904, 905]) assert.ok(r.p.closed.includes(fd), `fd ${fd} closed`);
  // the same without the last one: the good datagram before it is the one that counted
  send(r, main, 'STATUS=two');
  send(r, main, 'STATUS=' + 'y'.repeat(5000));
  await receive(r);
  assert.equal(r.prop('a.service', 'StatusText'), 'two');
});

test('more datagrams than one batch holds are all handled, in order', async () => {
  const r = await rig(units);
  const main = r.prop('a.service', 'MainPID') as number;
  for (let i = 0; i < 200; i++) send(r, main, `STATUS=n${i}`);
  await receive(r);
  assert.equal(r.p.notifyQueue.length, 0);
  assert.equal(r.prop('a.service', 'StatusText'), 'n199');
});

test('a NotifyAccess=all sender: its cgroup read once while it lives; after it exited and its pid was reused, read again', async () => {
  const r = await rig(units);
  const cgA = cgroupOf(r, 'a.service'), cgB = cgroupOf(r, 'b.service');
  const sender = 4242;
  r.p.cgroups.get(cgA)?.add(sender);            // a process the service forked (not the manager's child)
  const reads0 = r.p.procCgroupReads;
  for (let i = 0; i < 50; i++) send(r, sender, `STATUS=a${i}`);
  await receive(r);
  for (let i = 50; i < 100; i++) send(r, sender, `STATUS=a${i}`);
  await receive(r);
  assert.equal(r.prop('a.service', 'StatusText'), 'a99');
  assert.equal(r.p.procCgroupReads - reads0, 1, 'one /proc/PID/cgroup read for 100 datagrams');
  assert.equal(r.m.notify.senders.size, 1);
  // The sender exits (reaped by its parent: the manager is not told); its pid is reused in b.service.
  r.p.exitElsewhere(sender);
  r.p.cgroups.get(cgB)?.add(sender);
  send(r, sender, 'STATUS=from-b');
  await receive(r);
  assert.equal(r.prop('b.service', 'StatusText'), 'from-b', 'the reused pid is routed by its new cgroup');
  assert.equal(r.prop('a.service', 'StatusText'), 'a99', 'never to the unit of the exited process');
  assert.equal(r.p.procCgroupReads - reads0, 2);
  // A pid of no unit: dropped, nothing cached for it.
  r.p.exitElsewhere(sender);
  send(r, sender, 'STATUS=nobody');
  await receive(r);
  assert.equal(r.prop('b.service', 'StatusText'), 'from-b');
  assert.equal(r.m.notify.senders.size, 0);
});

test('the unit remembered for a sender is found again after a unit changed state (stop: not routed to a stopped unit)', async () => {
  const r = await rig(units);
  const cgA = cgroupOf(r, 'a.service');
  const sender = 5151;
  r.p.cgroups.get(cgA)?.add(sender);
  send(r, sender, 'STATUS=x');
  await receive(r);
  assert.equal(r.prop('a.service', 'StatusText'), 'x');
  r.p.killEnds = true;
  r.p.cgroups.get(cgA)?.delete(sender);   // the fake's kill does not reach it; it stays alive (and cached)
  assert.ok(r.m.engine.enqueue('a.service', 'stop', 'replace').ok);
  await r.settle();
  assert.equal(r.m.peekRuntime('a.service')?.machine.activeState(), 'inactive');
  send(r, sender, 'STATUS=y');
  await receive(r);
  assert.notEqual(r.prop('a.service', 'StatusText'), 'y');
  // started again: found again (its new state invalidated what was remembered)
  assert.ok(r.m.engine.enqueue('a.service', 'start', 'replace').ok);
  await r.settle();
  const cgA2 = cgroupOf(r, 'a.service');
  r.p.cgroups.get(cgA2)?.add(sender);
  send(r, sender, 'STATUS=z');
  await receive(r);
  assert.equal(r.prop('a.service', 'StatusText'), 'z');
});

test('NotifySenders: bounded, swept, and every pidfd it opened is closed', () => {
  const p = new FakePlatform();
  p.cgroups.set('/sys/fs/cgroup/x', new Set([10, 11, 12, 13]));
  const s = new NotifySenders(p, 2);
  assert.equal(s.cgroupOf(10), '/x');
  assert.equal(s.cgroupOf(11), '/x');
  assert.equal(s.size, 2);
  assert.equal(s.cgroupOf(12), '/x');           // over the limit: the live ones survive a sweep, so all go
  assert.equal(s.size, 1);
  assert.equal(s.cgroupOf(99), null);           // no such process: nothing cached
  assert.equal(s.size, 1);
  s.cgroupOf(13);
  p.exitElsewhere(13);
  p.advance(11_000_000);                        // the periodic sweep drops the exited one
  assert.equal(s.size, 1);
  s.forget(12);
  assert.equal(s.size, 0);
  s.cgroupOf(10);
  s.clear();
  assert.equal(s.size, 0);
  assert.equal(p.pidfds.size, 0, 'no pidfd left open');
});

test('a sender in a service below a running slice goes to the service, the deepest unit whose cgroup holds it', async () => {
  const sliced = `[Unit]\nDescription=x\n[Service]\nType=simple\nNotifyAccess=all\nSlice=p.slice\nExecStart=/bin/sleep 1000\n`;
  const r = await rig({ 'p.slice': '[Unit]\nDescription=p\n[Slice]\nMemoryMax=1G\n', 'a.service': sliced, 'boot.target': '[Unit]\nWants=p.slice a.service\n' });
  assert.equal(r.m.peekRuntime('p.slice')?.machine.activeState(), 'active');
  const cgA = cgroupOf(r, 'a.service');
  assert.match(cgA, /\/p\.slice\/a\.service$/);
  const sender = 6161;
  r.p.cgroups.get(cgA)?.add(sender);
  send(r, sender, 'STATUS=deep');
  await receive(r);
  assert.equal(r.prop('a.service', 'StatusText'), 'deep');
});
