// Mount, swap, automount and device machines with a fake host and a manual clock, walking the transitions
// of systemd 252's mount.c / swap.c / automount.c (read from the sources; the container outcomes are
// checked against real systemd in tests/e2e/container-*.test.ts): mount(8) argv, mountinfo as the truth,
// "finished but no mount" → protocol, umount retries, timeouts → SIGTERM/SIGKILL, API mounts that appear
// by themselves, swap and automount units unsupported where systemd 252 says so (container, no /dev/autofs), devices by presence.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import type { UnitConfig } from '../../src/directives/types';
import { defaultAutomount, defaultMount, defaultSwap } from '../../src/directives/defaults';
import { MountMachine, type MountHost } from '../../src/units/mount/machine';
import { SwapMachine, type SwapHost } from '../../src/units/swap/machine';
import { AutomountMachine } from '../../src/units/automount/machine';
import { DeviceMachine, devicePath } from '../../src/units/device/machine';
import { startJobOutcome } from '../../src/units/jobs';
import { FakeHost, SEC, unitConfig } from './units-fake';

class FakeMountHost extends FakeHost implements MountHost, SwapHost {
  mounted = new Set<string>();
  swaps = new Set<string>();
  prepared: string[] = [];
  container = false;
  devices = new Set<string>(['/dev/null', '/dev/console']);
  isMounted(where: string): boolean { return this.mounted.has(where); }
  prepareMountPoint(p: string): void { this.prepared.push(p); }
  isSwapOn(what: string): boolean { return this.swaps.has(what); }
  inContainer(): boolean { return this.container; }
  autofs = false;
  autofsAvailable(): boolean { return this.autofs; }
  sysWritable = true;
  devicesSupported(): boolean { return this.sysWritable; }
  deviceExists(p: string): boolean { return this.devices.has(p); }
  stopping = false;
  shuttingDown(): boolean { return this.stopping; }
}

const COND = [{ kind: 'PathExists', value: '/x', assert: false, trigger: false, negate: false, file: 't', line: 1 }];

function mountCfg(id: string, over: Partial<NonNullable<UnitConfig['mount']>> = {}): UnitConfig {
  const c = unitConfig(id, 'mount', null, null, { conditions: COND });
  c.mount = { ...defaultMount(), ...over };
  return c;
}

function rig(over: Partial<NonNullable<UnitConfig['mount']>> = {}, id = 'data.mount'): { h: FakeMountHost; m: MountMachine } {
  const h = new FakeMountHost();
  const m = new MountMachine(mountCfg(id, over), h);
  h.target = m;
  return { h, m };
}

test('mount: mount(8) with systemd\'s argv; mounted once mountinfo shows it and mount exits 0', () => {
  const { h, m } = rig({ what: '/dev/vdb1', type: 'ext4', options: 'noatime,nofail,auto', sloppyOptions: true });
  assert.equal(m.start(), 'started');
  assert.deepEqual(h.last().req.command.argv, ['/bin/mount', '/dev/vdb1', '/data', '-s', '-t', 'ext4', '-o', 'noatime']);
  assert.deepEqual(h.prepared, ['/data']);
  assert.equal(m.subState(), 'mounting');
  h.mounted.add('/data');
  m.onMountinfo(true);
  assert.equal(m.subState(), 'mounting-done');
  m.onChildExit(h.lastPid(), { code: 0, signal: 0, core: false });
  assert.deepEqual([m.activeState(), m.subState(), m.result()], ['active', 'mounted', 'success']);
  assert.equal(h.timers.size, 0);
  assert.equal(m.start(), 'noop');
});

test('mount: exit 0 without a mount is a protocol failure; exit 32 fails with exit-code', () => {
  let { h, m } = rig({ what: 'tmpfs', type: 'tmpfs' });
  m.start();
  m.onChildExit(h.lastPid(), { code: 0, signal: 0, core: false });
  assert.deepEqual([m.activeState(), m.result()], ['failed', 'protocol']);
  ({ h, m } = rig({ what: 'tmpfs', type: 'tmpfs' }));
  m.start();
  m.onChildExit(h.lastPid(), { code: 32, signal: 0, core: false });
  assert.deepEqual([m.activeState(), m.subState(), m.result()], ['failed', 'failed', 'exit-code']);
  assert.equal(startJobOutcome(m.start()), 'wait', 'a failed mount can be started again');
  assert.equal(m.result(), 'success');
});

test('mount: a mount that appears by itself (API file system) makes the unit active without a job; disappearing makes it dead', () => {
  const { h, m } = rig({}, 'proc.mount');
  m.onMountinfo(true);
  assert.deepEqual([m.activeState(), m.subState()], ['active', 'mounted']);
  assert.equal(h.spawned.length, 0);
  m.onMountinfo(false);
  assert.deepEqual([m.activeState(), m.result()], ['inactive', 'success']);
});

test('mount: stop runs umount -c; still mounted after a clean exit → retry; umount failure keeps it mounted and fails the job result', () => {
  const { h, m } = rig({ what: '/dev/vdb1', lazyUnmount: true });
  h.mounted.add('/data');
  m.onMountinfo(true);
  assert.equal(m.stop(), 'stopping');
  assert.deepEqual(h.last().req.command.argv, ['/bin/umount', '/data', '-c', '-l']);
  m.onChildExit(h.lastPid(), { code: 0, signal: 0, core: false });   // stacked mount: still there
  assert.equal(h.spawned.length, 2, 'umount again');
  h.mounted.delete('/data');
  m.onChildExit(h.lastPid(), { code: 0, signal: 0, core: false });
  assert.deepEqual([m.activeState(), m.result()], ['inactive', 'success']);
  h.mounted.add('/data');
  m.onMountinfo(true);
  m.stop();
  m.onChildExit(h.lastPid(), { code: 32, signal: 0, core: false });   // EBUSY in a container
  assert.deepEqual([m.activeState(), m.subState(), m.result()], ['active', 'mounted', 'exit-code']);
});

test('mount: at shutdown a mount without a unit file is left in place (dead to the manager, no umount, no status line)', () => {
  const { h, m } = rig({}, 'etc-hosts.mount');
  m.cfg.fragmentPath = '';
  h.mounted.add('/etc/hosts');
  m.onMountTable({ mountPoints: new Set(['/etc/hosts']), swaps: new Set() });
  assert.equal(m.activeState(), 'active');
  h.stopping = true;
  assert.equal(m.stop(), 'noop');
  assert.deepEqual([m.activeState(), h.spawned.length], ['inactive', 0]);
  // still mounted: the manager must not print "Unmounted" for it (a quiet state change)
  assert.equal(h.states.at(-1)?.flags.quiet, true);
  m.onMountTable({ mountPoints: new Set(['/etc/hosts']), swaps: new Set() });
  assert.equal(m.activeState(), 'inactive', 'not resurrected by a later mount table event');
});

test('mount: TimeoutSec= while mounting → SIGTERM, then SIGKILL, result timeout', () => {
  const { h, m } = rig({ what: 'server:/x', type: 'nfs', timeoutUs: 10 * SEC });
  m.start();
  const pid = h.lastPid();
  h.advance(10 * SEC);
  assert.equal(m.subState(), 'unmounting-sigterm');
  assert.deepEqual(h.signalsTo(pid), [15]);
  h.advance(10 * SEC);
  assert.equal(m.subState(), 'unmounting-sigkill');
  assert.deepEqual(h.signalsTo(pid), [15, 9]);
  m.onChildExit(pid, { code: 0, signal: 9, core: false });
  assert.deepEqual([m.activeState(), m.result()], ['failed', 'timeout']);
});

test('mount: conditions, asserts, no What= → resources; remount on reload', () => {
  let { h, m } = rig({ what: 'tmpfs' });
  h.conditionFn = () => ({ ok: false, failed: null });
  assert.equal(m.start(), 'condition-failed');
  assert.equal(m.activeState(), 'inactive');
  ({ h, m } = rig({}));
  m.start();
  assert.deepEqual([m.activeState(), m.result()], ['failed', 'resources']);
  ({ h, m } = rig({ what: 'tmpfs', type: 'tmpfs', options: 'size=1M' }));
  h.mounted.add('/data'); m.onMountinfo(true);
  assert.equal(m.reload(), 'reloading');
  assert.deepEqual(h.last().req.command.argv, ['/bin/mount', 'tmpfs', '/data', '-o', 'remount,size=1M', '-t', 'tmpfs']);
  m.onChildExit(h.lastPid(), { code: 1, signal: 0, core: false });
  assert.deepEqual([m.subState(), m.properties()['ReloadResult']], ['mounted', 'exit-code']);
});

test('swap: unsupported in a container after its conditions (job result unsupported, unit stays dead, result success); swapon/swapoff outside', () => {
  const h = new FakeMountHost();
  const c = unitConfig('swapfile.swap', 'swap', null, null, { conditions: COND });
  c.swap = { ...defaultSwap(), what: '/swapfile', priority: 5 };
  let s = new SwapMachine(c, h);
  h.container = true;
  h.conditionFn = () => ({ ok: false, failed: null });
  assert.equal(s.start(), 'condition-failed', 'a failed condition wins over unsupported, as unit_start() orders them');
  h.conditionFn = () => ({ ok: true, failed: null });
  assert.deepEqual([startJobOutcome(s.start()), s.activeState(), s.result()], [{ result: 'unsupported' }, 'inactive', 'success']);
  assert.equal(h.spawned.length, 0, 'no swapon in a container');
  h.container = false;
  s = new SwapMachine(c, h);
  assert.equal(s.start(), 'started');
  assert.deepEqual(h.last().req.command.argv, ['/sbin/swapon', '-p', '5', '/swapfile']);
  h.swaps.add('/swapfile');
  s.onChildExit(h.lastPid(), { code: 0, signal: 0, core: false });
  assert.equal(s.activeState(), 'active');
  s.stop();
  assert.deepEqual(h.last().req.command.argv, ['/sbin/swapoff', '/swapfile']);
  h.swaps.delete('/swapfile');
  s.onChildExit(h.lastPid(), { code: 0, signal: 0, core: false });
  assert.deepEqual([s.activeState(), s.result()], ['inactive', 'success']);
});

test('automount: unsupported without /dev/autofs (conditions first); with it, fails with resources (tsysd has no autofs client)', () => {
  const h = new FakeMountHost();
  const c = unitConfig('proc-sys-fs-binfmt_misc.automount', 'automount', null, null, { conditions: COND });
  c.automount = defaultAutomount();
  const a = new AutomountMachine(c, h);
  h.conditionFn = () => ({ ok: false, failed: null });
  assert.equal(a.start(), 'condition-failed');
  assert.equal(a.activeState(), 'inactive');
  h.conditionFn = () => ({ ok: true, failed: null });
  assert.deepEqual([startJobOutcome(a.start()), a.activeState(), a.result()], [{ result: 'unsupported' }, 'inactive', 'success']);
  h.autofs = true;
  a.start();
  assert.deepEqual([a.activeState(), a.result()], ['failed', 'resources']);
  a.resetFailed();
  h.mounted.add('/proc/sys/fs/binfmt_misc');
  assert.equal(a.start(), 'refused', 'already a mount point');
});

test('device: plugged when the node exists; otherwise the start job waits (its timeout ends it), or fails as unsupported with a read-only /sys', () => {
  const h = new FakeMountHost();
  assert.equal(devicePath('dev-console.device'), '/dev/console');
  assert.equal(devicePath('sys-subsystem-net-devices-eth0.device'), '/sys/subsystem/net/devices/eth0');
  const d = new DeviceMachine(unitConfig('dev-console.device', 'device', null, null), h);
  assert.equal(d.start(), 'started', 'the job completes from the state report');
  assert.equal(d.activeState(), 'active');
  assert.equal(d.start(), 'noop', 'already plugged');
  const x = new DeviceMachine(unitConfig('dev-ttyS9.device', 'device', null, null), h);
  assert.equal(startJobOutcome(x.start()), 'wait');
  assert.equal(x.activeState(), 'inactive');
  assert.equal(x.stop(), 'noop');
  h.sysWritable = false;
  assert.deepEqual(startJobOutcome(new DeviceMachine(unitConfig('dev-ttyS9.device', 'device', null, null), h).start()), { result: 'unsupported' });
  assert.equal(new DeviceMachine(unitConfig('dev-console.device', 'device', null, null), h).start(), 'started', 'an existing node is plugged all the same');
});
