// E2E: resource control on a real cgroup. tsysd runs as PID 1 of a private PID namespace (it only creates
// cgroups below its own --cgroup-name groups; the harness removes them afterwards). On this machine (and
// CI) cgroups are hybrid: memory, pids and cpu are v1 hierarchies, so the limits land in
// memory.limit_in_bytes / pids.max / cpu.cfs_quota_us of <v1 mount>/<own>/<name>/system.slice/<unit>, as
// systemd 252 writes them in hybrid mode; on a unified host the v2 files (memory.max, pids.max, cpu.max).
// Checked: the files hold the unit's values and its process is in them; a memory hog with MemoryMax=50M is
// OOM-killed and the unit ends Result=oom-kill (systemd 252 detects that through memory.events on v2; on v1
// tsysd reads memory.oom_control's oom_kill counter, where systemd would only see status=9/KILL); a fork
// bomb with TasksMax=100 gets 99 children (100 tasks) and EAGAIN, and `stop` leaves no process; a slice's
// TasksMax= bounds the units in it. Skipped, with the reason, when no memory+pids controller is writable.
import { after, before, describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { cgroupPrune, detectCgroups, detectLegacy, legacyHierarchies, ownCgroupDir } from '../../src/platform/cgroup';
import { hasUnshare, startDaemon, testCgroupName, waitFor, type Daemon } from '../helpers/daemon';
import { fixture } from '../fixtures/build';

/** Where each controller's files of the daemon's units live: the unified base when the controller is
 *  enabled there, else the v1 hierarchy. */
function probeControllers(): { dirs: Map<string, (name: string) => string>; reason: string } {
  const dirs = new Map<string, (name: string) => string>();
  const name = testCgroupName();
  const cg = detectCgroups(name);
  if (cg.available) cgroupPrune(cg.base);
  const legacy = detectLegacy(name);
  for (const b of legacy.values()) cgroupPrune(b);
  const own = ownCgroupDir();
  const unifiedCtl = 'dir' in own ? (() => { try { return fs.readFileSync(path.join(own.dir, 'cgroup.controllers'), 'utf8').trim().split(/\s+/); } catch { return []; } })() : [];
  for (const c of ['memory', 'pids', 'cpu']) {
    if (cg.available && unifiedCtl.includes(c) && 'dir' in own) dirs.set(c, (n) => path.join(own.dir, n));
    else if (legacy.has(c)) { const h = legacyHierarchies().get(c); if (h) dirs.set(c, (n) => path.join(h.own, n)); }
  }
  const missing = ['memory', 'pids'].filter((c) => !dirs.has(c));
  return { dirs, reason: missing.length ? `no writable cgroup controller ${missing.join(', ')} (neither delegated on cgroup v2 nor a writable v1 hierarchy)` : '' };
}

const probe = hasUnshare() ? probeControllers() : { dirs: new Map<string, (name: string) => string>(), reason: 'unshare --pid is not available' };
const skip = probe.reason || false;
const HOG = skip ? '' : fixture('hog');
const v1 = (c: string): boolean => { const d = probe.dirs.get(c); return !!d && !d('x').startsWith(ownCgroupDir().mount + '/'); };

describe('resource control on a real cgroup', { skip, timeout: 240000 }, () => {
  let d: Daemon;
  const file = (c: string, rel: string, f: string): string => path.join(probe.dirs.get(c)!(d.cgroupName), rel, f);
  const read = (c: string, rel: string, f: string): string => { try { return fs.readFileSync(file(c, rel, f), 'utf8').trim(); } catch { return ''; } };
  const show = async (unit: string, props: string): Promise<Record<string, string>> => {
    const r = await d.ctl(['show', '-p', props, unit]);
    return Object.fromEntries(r.stdout.trim().split('\n').map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));
  };
  const out = (n: string): string => path.join(d.dir, `${n}.out`);
  const unit = (n: string, body: string): void => {
    fs.writeFileSync(out(n), '');
    fs.writeFileSync(path.join(d.unitDir, `${n}.service`), `[Service]\nStandardOutput=file:${out(n)}\n${body}\n`);
  };

  before(async () => { d = await startDaemon({ units: {} }); });
  after(async () => { await d.stop(); });

  it('MemoryMax=, TasksMax=, CPUQuota= are written to the unit cgroup the service runs in; status shows them', async () => {
    unit('lim', 'ExecStart=/bin/sleep 600\nMemoryMax=50M\nTasksMax=100\nCPUQuota=20%\nCPUWeight=50');
    await d.ctl(['daemon-reload']);
    const r = await d.ctl(['start', 'lim.service']);
    assert.equal(r.code, 0, r.stderr);
    const rel = 'system.slice/lim.service';
    const pid = Number((await show('lim.service', 'MainPID')).MainPID);
    assert.ok(pid > 0);
    assert.equal(read('memory', rel, v1('memory') ? 'memory.limit_in_bytes' : 'memory.max'), '52428800');
    assert.equal(read('pids', rel, 'pids.max'), '100');
    if (probe.dirs.has('cpu')) {
      if (v1('cpu')) { assert.equal(read('cpu', rel, 'cpu.cfs_quota_us'), '20000'); assert.equal(read('cpu', rel, 'cpu.shares'), '512'); }
      else assert.equal(read('cpu', rel, 'cpu.max'), '20000 100000');
    }
    // The kernel sees the service's process inside those groups (pids are the test namespace's view).
    const inner = fs.readFileSync(file('memory', rel, 'cgroup.procs'), 'utf8').trim().split('\n').filter(Boolean);
    assert.equal(inner.length, 1, `one process in the memory group: ${inner.join(',')}`);
    const st = await d.ctl(['status', 'lim.service']);
    assert.match(st.stdout, /Tasks: 1 \(limit: 100\)/);
    assert.match(st.stdout, /Memory: \S+ \(max: 50\.0M\)/);
    const p = await show('lim.service', 'MemoryMax,TasksMax,TasksCurrent,CPUQuotaPerSecUSec,ControlGroup,Slice');
    assert.deepEqual(p, { MemoryMax: '52428800', TasksMax: '100', TasksCurrent: '1', CPUQuotaPerSecUSec: '200ms', ControlGroup: '/system.slice/lim.service', Slice: 'system.slice' });
    await d.ctl(['stop', 'lim.service']);
  });

  it('a memory hog with MemoryMax=50M is OOM-killed: Result=oom-kill, unit failed', async () => {
    unit('hog', `ExecStart=${HOG} mem 400\nMemoryMax=50M`);
    await d.ctl(['daemon-reload']);
    await d.ctl(['start', 'hog.service']);
    assert.ok(await waitFor(async () => (await show('hog.service', 'ActiveState')).ActiveState === 'failed', 60000), 'the hog unit fails');
    const p = await show('hog.service', 'Result,ExecMainStatus');
    assert.equal(p.Result, 'oom-kill');
    assert.equal(p.ExecMainStatus, '9');
    const text = fs.readFileSync(out('hog'), 'utf8');
    assert.ok(!text.includes('allocated 400 MiB') && !text.includes('allocated 60 MiB'), `stopped below the limit: ${text}`);
    const st = await d.ctl(['status', '-n', '20', 'hog.service']);
    assert.match(st.stdout, /Failed with result 'oom-kill'|killed by the OOM killer/);
  });

  it('a fork bomb with TasksMax=100 stays at 100 tasks and stop cleans it up', async () => {
    unit('bomb', `ExecStart=${HOG} fork 1000\nTasksMax=100`);
    await d.ctl(['daemon-reload']);
    await d.ctl(['start', 'bomb.service']);
    assert.ok(await waitFor(() => fs.readFileSync(out('bomb'), 'utf8').includes('forked='), 30000), 'the bomb reports');
    assert.equal(fs.readFileSync(out('bomb'), 'utf8').trim(), 'forked=99 err=EAGAIN');
    const rel = 'system.slice/bomb.service';
    assert.equal(read('pids', rel, 'pids.current'), '100');
    assert.equal((await show('bomb.service', 'TasksCurrent')).TasksCurrent, '100');
    const r = await d.ctl(['stop', 'bomb.service']);
    assert.equal(r.code, 0, r.stderr);
    assert.ok(await waitFor(() => { const c = read('pids', rel, 'pids.current'); return c === '' || c === '0'; }, 20000), 'no task left');
  });

  it('a slice bounds the units in it: lim.slice TasksMax=20, an instance in it forks 19', async () => {
    fs.writeFileSync(path.join(d.unitDir, 'lim.slice'), '[Unit]\nDescription=Limited\n[Slice]\nTasksMax=20\n');
    unit('sl', `ExecStart=${HOG} fork 100\nSlice=lim.slice`);
    await d.ctl(['daemon-reload']);
    await d.ctl(['start', 'sl.service']);
    assert.ok(await waitFor(() => fs.readFileSync(out('sl'), 'utf8').includes('forked='), 30000));
    assert.equal(fs.readFileSync(out('sl'), 'utf8').trim(), 'forked=19 err=EAGAIN');
    assert.equal(read('pids', 'lim.slice', 'pids.max'), '20');
    const s = await show('lim.slice', 'ActiveState,Slice,TasksMax');
    assert.deepEqual(s, { ActiveState: 'active', Slice: '-.slice', TasksMax: '20' });
    assert.equal((await show('sl.service', 'ControlGroup')).ControlGroup, '/lim.slice/sl.service');
    await d.ctl(['stop', 'sl.service']);
  });
});
