// Resource control and slices: the cgroup writes of src/exec/resources.ts (unified and v1/hybrid), slice
// placement and cgroup paths, percentages, and the manager applying them on FakePlatform (slices first,
// v1 groups joined by the spawned process, a missing controller warned about once).
// Expected values were checked against systemd 252 (`systemd --test --system --unit=X` dumps as nobody, on
// this machine: MemTotal 24731408 kB, pid_max 32768, threads-max 193111):
//   foo-bar@x.service [MemoryMax=50M TasksMax=100 CPUQuota=20% CPUWeight=50 IOWeight=300] →
//     Slice: system-foo\x2dbar.slice, MemoryMax: 52428800, TasksMax: 100, CPUQuotaPerSecSec: 200ms
//   pl.service [Slice=my-sub.slice MemoryMax=10% TasksMax=5%] → MemoryMax: 2532495360, TasksMax: 1638;
//     my-sub.slice → Slice: my.slice → Slice: -.slice; a service without TasksMax=: TasksMax: 4915.
// cpu.max/cpu.shares/blkio.weight follow cgroup_apply_unified_cpu_quota(), cgroup_cpu_weight_to_shares()
// and cgroup_weight_io_to_blkio() of 252's src/core/cgroup.c.
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { compileUnit } from '../../src/directives/compile';
import type { UnitConfig } from '../../src/directives/types';
import type { Assignment, SpecifierContext, UnitSource } from '../../src/unit-file/types';
import { cgroupPathOf, cgroupWrites, cpuWeightToShares, ioWeightToBlkio, memoryBytes, sliceOf, slicePath, tasksValue, type CgroupFacts } from '../../src/exec/resources';
import { LogStore } from '../../src/logs/store';
import { BUILTIN_UNITS } from '../../src/manager/builtin-units';
import { Manager } from '../../src/manager/manager';
import { unitProperties } from '../../src/manager/props';
import type { DaemonOptions } from '../../src/manager/options';
import { FakePlatform } from '../../src/platform/fake';
import { realConditionEnv } from '../../src/platform/conditions-real';

const MEM_TOTAL = 24731408 * 1024, TASKS_SYSTEM = 32767;
const ctx: SpecifierContext = {
  userMode: false, hostname: 'h', machineId: 'm'.repeat(32), bootId: 'b'.repeat(32), kernelRelease: '6.1.0',
  architecture: 'x86-64', userName: 'root', uid: 0, groupName: 'root', gid: 0, home: '/root', shell: '/bin/sh',
  runtimeDir: '/run', stateDir: '/var/lib', cacheDir: '/var/cache', logsDir: '/var/log', configDir: '/etc', tmpDir: '/tmp', varTmpDir: '/var/tmp', osRelease: {}, realpath: (p: string) => p,
};

function compile(id: string, text: string): UnitConfig {
  const file = `/etc/systemd/system/${id}`;
  const assignments: Assignment[] = [];
  const sections: { name: string; file: string; line: number }[] = [];
  let section = '';
  text.split('\n').forEach((l, i) => {
    const m = /^\[(.+)\]$/.exec(l);
    if (m) { section = m[1]!; sections.push({ name: section, file, line: i + 1 }); return; }
    const eq = l.indexOf('=');
    if (eq > 0) assignments.push({ section, key: l.slice(0, eq).trim(), value: l.slice(eq + 1).trim(), file, line: i + 1 });
  });
  const at = id.indexOf('@'), dot = id.lastIndexOf('.');
  const s: UnitSource = {
    requested: id, id, names: [id], loadState: 'loaded', fragmentPath: file, dropInPaths: [], assignments, wantsFromDirs: [],
    requiresFromDirs: [], prefix: at >= 0 ? id.slice(0, at) : id.slice(0, dot), instance: at >= 0 ? id.slice(at + 1, dot) : '',
    type: id.slice(dot + 1), diagnostics: [], sections,
  };
  return compileUnit(s, ctx);
}

const unified: CgroupFacts = { memTotal: MEM_TOTAL, tasksMaxSystem: TASKS_SYSTEM, unified: new Set(['memory', 'cpu', 'pids', 'io']), legacy: new Set() };
const hybrid: CgroupFacts = { memTotal: MEM_TOTAL, tasksMaxSystem: TASKS_SYSTEM, unified: new Set(), legacy: new Set(['memory', 'cpu', 'cpuacct', 'pids', 'blkio']) };
const FOO = '[Service]\nExecStart=/bin/true\nMemoryMax=50M\nTasksMax=100\nCPUQuota=20%\nCPUWeight=50\nIOWeight=300\n';
const asMap = (ws: { hierarchy: string; file: string; value: string }[]): Record<string, string> =>
  Object.fromEntries(ws.map((w) => [`${w.hierarchy}:${w.file}`, w.value]));

test('unified hierarchy: the files and values systemd 252 writes for MemoryMax/TasksMax/CPUQuota/CPUWeight/IOWeight', () => {
  const c = compile('foo-bar@x.service', FOO);
  assert.deepEqual(c.diagnostics.map((d) => d.message), []);
  const r = cgroupWrites(c.resource, unified, { defaultTasksMax: true });
  assert.deepEqual(r.missing, []);
  assert.deepEqual(asMap(r.writes), {
    'unified:memory.max': '52428800', 'unified:cpu.weight': '50', 'unified:cpu.max': '20000 100000',
    'unified:io.weight': 'default 300', 'unified:pids.max': '100',
  });
});

test('hybrid (v1 controllers, as on this machine and CI): memory.limit_in_bytes, cpu.shares, CFS quota, pids.max, blkio.weight', () => {
  const r = cgroupWrites(compile('foo-bar@x.service', FOO).resource, hybrid, { defaultTasksMax: true });
  assert.deepEqual(r.missing, []);
  assert.deepEqual(asMap(r.writes), {
    'memory:memory.limit_in_bytes': '52428800', 'cpu:cpu.shares': '512', 'cpu:cpu.cfs_period_us': '100000',
    'cpu:cpu.cfs_quota_us': '20000', 'blkio:blkio.weight': '1000', 'pids:pids.max': '100',
  });
  assert.equal(cpuWeightToShares(100), 1024);
  assert.equal(cpuWeightToShares(10000), 102400);
  assert.equal(cpuWeightToShares(1), 10);
  assert.equal(ioWeightToBlkio(100), 500);
  assert.equal(ioWeightToBlkio(1), 10);
});

test('percentages resolve as systemd does (page-aligned share of physical memory, share of the task limit), DefaultTasksMax=15%', () => {
  const c = compile('pl.service', '[Service]\nExecStart=/bin/true\nSlice=my-sub.slice\nMemoryMax=10%\nTasksMax=5%\n');
  assert.equal(memoryBytes(c.resource!.memoryMax!, MEM_TOTAL), 2532495360);
  assert.equal(tasksValue(c.resource!.tasksMax!, TASKS_SYSTEM), 1638);
  assert.deepEqual(asMap(cgroupWrites(c.resource, unified, { defaultTasksMax: true }).writes),
    { 'unified:memory.max': '2532495360', 'unified:pids.max': '1638' });
  const plain = compile('p.service', '[Service]\nExecStart=/bin/true\n');
  assert.deepEqual(asMap(cgroupWrites(plain.resource, unified, { defaultTasksMax: true }).writes), { 'unified:pids.max': '4915' });
  assert.deepEqual(cgroupWrites(plain.resource, unified, { defaultTasksMax: false }).writes, [], 'slices get no default TasksMax');
  const inf = compile('i.service', '[Service]\nExecStart=/bin/true\nMemoryMax=infinity\nTasksMax=infinity\n');
  assert.deepEqual(asMap(cgroupWrites(inf.resource, unified, { defaultTasksMax: true }).writes), { 'unified:memory.max': 'max', 'unified:pids.max': 'max' });
  assert.deepEqual(asMap(cgroupWrites(inf.resource, hybrid, { defaultTasksMax: true }).writes), { 'memory:memory.limit_in_bytes': '-1', 'pids:pids.max': 'max' });
});

test('a controller available nowhere is reported (the manager warns once), settings of others still apply', () => {
  const none: CgroupFacts = { ...hybrid, legacy: new Set(['pids']) };
  const r = cgroupWrites(compile('a.service', FOO).resource, none, { defaultTasksMax: true });
  assert.deepEqual([...r.missing].sort(), ['cpu', 'io', 'memory']);
  assert.deepEqual(asMap(r.writes), { 'pids:pids.max': '100' });
  // MemoryHigh= has no v1 equivalent in systemd 252 (ignored there, not an error).
  const high = cgroupWrites(compile('h.service', '[Service]\nExecStart=/bin/true\nMemoryHigh=10M\n').resource, hybrid, { defaultTasksMax: false });
  assert.deepEqual(high.writes, []);
  assert.deepEqual(high.missing, []);
});

test('slice placement and cgroup paths: system.slice, system-<escaped prefix>.slice for instances, Slice=, nested slices', () => {
  assert.equal(sliceOf('a.service', 'service', undefined, false), 'system.slice');
  assert.equal(sliceOf('foo-bar@x.service', 'service', undefined, false), 'system-foo\\x2dbar.slice');
  assert.equal(sliceOf('a.service', 'service', undefined, true), 'app.slice');
  const pl = compile('pl.service', '[Service]\nExecStart=/bin/true\nSlice=my-sub.slice\n');
  assert.equal(sliceOf('pl.service', 'service', pl.resource, false), 'my-sub.slice');
  assert.equal(sliceOf('my-sub.slice', 'slice', undefined, false), 'my.slice');
  assert.equal(sliceOf('my.slice', 'slice', undefined, false), '-.slice');
  assert.equal(sliceOf('-.slice', 'slice', undefined, false), '');
  assert.deepEqual(slicePath('my-sub.slice'), ['my.slice', 'my-sub.slice']);
  assert.deepEqual(slicePath('-.slice'), []);
  assert.equal(cgroupPathOf('foo-bar@x.service', 'system-foo\\x2dbar.slice'), 'system.slice/system-foo\\x2dbar.slice/foo-bar@x.service');
  assert.equal(cgroupPathOf('pl.service', 'my-sub.slice'), 'my.slice/my-sub.slice/pl.service');
  // Slice= naming something that is not a slice is refused with systemd's message, the default stays.
  const bad = compile('b.service', '[Service]\nExecStart=/bin/true\nSlice=foo.service\n');
  assert.equal(bad.resource?.slice, '');
  assert.ok(bad.diagnostics.some((d) => d.message === 'Failed to assign slice foo.service to unit b.service, ignoring: Invalid argument'));
});

// ---- the manager on FakePlatform ----

function rig(units: Record<string, string>, resource?: FakePlatform['resource']): { m: Manager; p: FakePlatform; settle(): Promise<void> } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tsysd-res-'));
  const unitDir = path.join(dir, 'units');
  fs.mkdirSync(unitDir);
  for (const [n, t] of Object.entries({ ...BUILTIN_UNITS, ...units })) fs.writeFileSync(path.join(unitDir, n), t);
  const p = new FakePlatform();
  if (resource) p.resource = resource;
  const options: DaemonOptions = {
    userMode: false, unitPaths: [unitDir], target: 'boot.target', controlSocket: path.join(dir, 'control.sock'), runtimeDir: path.join(dir, 'run'),
    logDir: '', logLevel: 'info', container: true, healthListen: '', forwardOutput: false, cgroupName: 'test', dbusPrivate: 'no', sdBooted: false, systemdComm: false,
  };
  const m = new Manager({
    options, platform: p, logs: new LogStore(), console: () => undefined, isPid1: false, container: 'podman',
    env: {}, uid: 0, conditionEnv: realConditionEnv({}),
  });
  p.onChildExit((e) => m.onChildExit(e.pid, e.code, e.status));
  test.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  return { m, p, settle: async () => { for (let i = 0; i < 20; i++) { p.flush(); await new Promise((r) => setImmediate(r)); } } };
}

test('manager: a service in Slice=lim.slice — the slice unit starts, its limit is written to its cgroup before the service is spawned into it', async () => {
  const r = rig({
    'lim.slice': '[Unit]\nDescription=limited\n[Slice]\nMemoryMax=100M\nTasksMax=50\n',
    'a.service': '[Service]\nExecStart=/bin/sleep 1000\nSlice=lim.slice\nMemoryMax=50M\n',
    'boot.target': '[Unit]\nWants=a.service\nAfter=a.service\n',
  });
  r.m.boot();
  await r.settle();
  assert.equal(r.m.peekRuntime('lim.slice')?.machine.activeState(), 'active', 'the slice unit ran its start job');
  assert.equal(r.m.peekRuntime('a.service')?.machine.activeState(), 'active');
  const rels = r.p.applied.map((a) => a.rel);
  const sliceAt = rels.indexOf('lim.slice'), unitAt = rels.indexOf('lim.slice/a.service');
  assert.ok(sliceAt >= 0 && unitAt > sliceAt, `slice realized before the unit: ${JSON.stringify(rels)}`);
  assert.deepEqual(asMap(r.p.applied[sliceAt]!.writes), { 'unified:memory.max': '104857600', 'unified:pids.max': '50' });
  assert.deepEqual(asMap(r.p.applied[unitAt]!.writes), { 'unified:memory.max': '52428800', 'unified:pids.max': String(Math.floor(32767 * 0.15)) });
  const spawn = r.p.spawns.find((s) => s.req.argv[0] === '/bin/sleep');
  assert.equal(spawn?.req.cgroup, '/sys/fs/cgroup/tsysd/lim.slice/a.service', 'spawned into its cgroup below the slice');
  assert.deepEqual(spawn?.req.cgroupLegacy, [], 'nothing to join on v1 when everything is unified');
  const props = new Map(unitProperties(r.m, 'a.service'));
  assert.equal(props.get('Slice'), 'lim.slice');
  assert.equal(props.get('ControlGroup'), '/lim.slice/a.service');
  assert.equal(props.get('MemoryMax'), '52428800');
  const sp = new Map(unitProperties(r.m, 'lim.slice'));
  assert.equal(sp.get('Slice'), '-.slice');
  assert.equal(sp.get('ActiveState'), 'active');
  assert.equal(new Map(unitProperties(r.m, 'system.slice')).get('ActiveState'), 'active', 'system.slice is perpetual');
});

test('manager in hybrid mode: the process joins the v1 groups; a missing controller is warned about once per manager', async () => {
  const r = rig({
    'a.service': '[Service]\nExecStart=/bin/sleep 1000\nMemoryMax=50M\nCPUQuota=50%\n',
    'b.service': '[Service]\nExecStart=/bin/sleep 1000\nMemoryMax=60M\nCPUWeight=20\n',
    'boot.target': '[Unit]\nWants=a.service b.service\n',
  }, { unified: [], legacy: ['memory', 'pids'], memTotal: MEM_TOTAL, tasksMaxSystem: TASKS_SYSTEM });
  r.m.boot();
  await r.settle();
  const a = r.p.spawns.find((s) => s.req.cgroup.endsWith('/a.service'));
  assert.deepEqual(a?.req.cgroupLegacy, ['/sys/fs/cgroup/memory/tsysd/system.slice/a.service', '/sys/fs/cgroup/pids/tsysd/system.slice/a.service']);
  const aw = r.p.applied.find((x) => x.rel === 'system.slice/a.service');
  assert.deepEqual(asMap(aw!.writes), { 'memory:memory.limit_in_bytes': '52428800' });
  const warnings = r.m.logs.tail('a.service', 50).concat(r.m.logs.tail('b.service', 50)).map((l) => l.text).filter((t) => t.includes("Controller 'cpu'"));
  assert.equal(warnings.length, 1, `warned once: ${JSON.stringify(warnings)}`);
});
