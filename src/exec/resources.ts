// Resource control as cgroup file writes, following systemd 252's cgroup_context_apply() (src/core/cgroup.c):
// on the unified hierarchy memory.{min,low,high,max,swap.max}, cpu.weight/cpu.idle, cpu.max, pids.max,
// io.weight, cpuset.{cpus,mems}; on a legacy (v1) hierarchy, as systemd does in hybrid mode,
// memory.limit_in_bytes (MemoryMax=), cpu.shares, cpu.cfs_period_us/cpu.cfs_quota_us, pids.max and
// blkio.weight (MemoryMin/Low/High/SwapMax= and AllowedCPUs=/AllowedMemoryNodes= have no v1 equivalent in
// systemd and are ignored there). A controller available nowhere is reported so the manager can warn once.
// Also the units' cgroup paths: slices nest (system-foo.slice is below system.slice), -.slice is the root.
// Invariant: pure; writes only what the unit sets (plus DefaultTasksMax= where pids is on the unified tree).
import type { ResourceContext, ResourceLimit } from '../directives/types';

export type Hierarchy = 'unified' | 'memory' | 'cpu' | 'pids' | 'blkio' | 'cpuset';
export interface CgroupWrite { hierarchy: Hierarchy; file: string; value: string }

export interface CgroupFacts {
  memTotal: number;            // bytes (percentages of MemoryMax= & co)
  tasksMaxSystem: number;      // min(kernel.pid_max - 1, kernel.threads-max) (percentages of TasksMax=)
  unified: ReadonlySet<string>;   // controllers usable on the unified tree below the manager
  legacy: ReadonlySet<string>;    // v1 hierarchies the manager can create groups in
}

const CPU_PERIOD_DEFAULT_US = 100_000;
export const DEFAULT_TASKS_MAX_PERCENT = 15;

const PAGE = 4096;
/** physical_memory_scale(): whole pages of the machine's memory times the permyriad, page-aligned. */
export function memoryBytes(l: ResourceLimit, total: number): number {
  if (!('percent' in l)) return l.value;
  const pages = Math.floor(total / PAGE), permyriad = Math.round(l.percent * 100);
  return Number((BigInt(pages) * BigInt(permyriad)) / 10000n) * PAGE;
}
/** system_tasks_max_scale(): the permyriad of the system's task limit, rounded down. */
export function tasksValue(l: ResourceLimit, system: number): number {
  if (!('percent' in l)) return l.value;
  return Math.floor((system * Math.round(l.percent * 100)) / 10000);
}
const bytes = memoryBytes;
const v2 = (n: number): string => (n === Infinity ? 'max' : String(n));

/** cgroup_cpu_weight_to_shares() / cgroup_weight_io_to_blkio() of 252. */
export const cpuWeightToShares = (w: number): number => Math.min(262144, Math.max(2, Math.floor((w * 1024) / 100)));
export const ioWeightToBlkio = (w: number): number => Math.min(1000, Math.max(10, Math.floor((w * 500) / 100)));

/** The writes for a unit's cgroup (or a slice's), and the controllers a setting needed but none offers. */
export function cgroupWrites(r: ResourceContext | undefined, f: CgroupFacts, opts: { defaultTasksMax: boolean }):
  { writes: CgroupWrite[]; missing: string[] } {
  const writes: CgroupWrite[] = [];
  const missing = new Set<string>();
  const where = (ctl: 'memory' | 'cpu' | 'pids' | 'io' | 'cpuset'): Hierarchy | null => {
    if (f.unified.has(ctl)) return 'unified';
    const legacy = ctl === 'io' ? 'blkio' : ctl;
    if (ctl !== 'cpuset' && f.legacy.has(legacy)) return legacy as Hierarchy;
    missing.add(ctl);
    return null;
  };
  const w = (h: Hierarchy | null, file: string, value: string): void => { if (h) writes.push({ hierarchy: h, file, value }); };
  if (r) {
    const mem = [r.memoryMin, r.memoryLow, r.memoryHigh, r.memoryMax, r.memorySwapMax];
    if (mem.some((x) => x !== null)) {
      const h = where('memory');
      if (h === 'unified') {
        if (r.memoryMin) w(h, 'memory.min', v2(bytes(r.memoryMin, f.memTotal)));
        if (r.memoryLow) w(h, 'memory.low', v2(bytes(r.memoryLow, f.memTotal)));
        if (r.memoryHigh) w(h, 'memory.high', v2(bytes(r.memoryHigh, f.memTotal)));
        if (r.memoryMax) w(h, 'memory.max', v2(bytes(r.memoryMax, f.memTotal)));
        if (r.memorySwapMax) w(h, 'memory.swap.max', v2(bytes(r.memorySwapMax, f.memTotal)));
      } else if (h && r.memoryMax) {
        const b = bytes(r.memoryMax, f.memTotal);
        w(h, 'memory.limit_in_bytes', b === Infinity ? '-1' : String(b));
      }
    }
    if (r.cpuWeight !== null || r.cpuQuotaPercent !== null) {
      const h = where('cpu');
      const period = r.cpuQuotaPeriodUs ?? CPU_PERIOD_DEFAULT_US;
      const quota = r.cpuQuotaPercent === null ? null : Math.max(1000, Math.floor((r.cpuQuotaPercent * period) / 100));
      if (h === 'unified') {
        if (r.cpuWeight === 'idle') w(h, 'cpu.idle', '1');
        else if (r.cpuWeight !== null) w(h, 'cpu.weight', String(r.cpuWeight));
        if (quota !== null) w(h, 'cpu.max', `${quota} ${period}`);
      } else if (h) {
        if (typeof r.cpuWeight === 'number') w(h, 'cpu.shares', String(cpuWeightToShares(r.cpuWeight)));
        if (quota !== null) { w(h, 'cpu.cfs_period_us', String(period)); w(h, 'cpu.cfs_quota_us', String(quota)); }
      }
    }
    if (r.ioWeight !== null) {
      const h = where('io');
      if (h === 'unified') w(h, 'io.weight', `default ${r.ioWeight}`);
      else if (h) w(h, 'blkio.weight', String(ioWeightToBlkio(r.ioWeight)));
    }
    if (r.allowedCPUs || r.allowedMemoryNodes) {
      const h = where('cpuset');
      if (r.allowedCPUs) w(h, 'cpuset.cpus', r.allowedCPUs);
      if (r.allowedMemoryNodes) w(h, 'cpuset.mems', r.allowedMemoryNodes);
    }
  }
  const tasks = r?.tasksMax ?? null;
  if (tasks !== null || (opts.defaultTasksMax && f.unified.has('pids'))) {
    const h = tasks !== null ? where('pids') : 'unified';
    const l: ResourceLimit = tasks ?? { percent: DEFAULT_TASKS_MAX_PERCENT };
    const n = tasksValue(l, f.tasksMaxSystem);
    w(h, 'pids.max', v2(n));
  }
  return { writes, missing: [...missing] };
}

/** The unit's cgroup path below the manager's base (systemd: /system.slice/system-foo.slice/foo@1.service). */
export function cgroupPathOf(unit: string, slice: string): string {
  const parts = slicePath(slice);
  return [...parts, unit].join('/');
}

/** system-foo-bar.slice → [system.slice, system-foo.slice, system-foo-bar.slice]; -.slice → []. */
export function slicePath(slice: string): string[] {
  if (!slice || slice === '-.slice') return [];
  const base = slice.slice(0, -'.slice'.length);
  const parts = base.split('-');
  const out: string[] = [];
  for (let i = 1; i <= parts.length; i++) out.push(`${parts.slice(0, i).join('-')}.slice`);
  return out;
}

/** unit_set_default_slice(): system.slice (app.slice for the user manager), system-<prefix>.slice for
 *  instances of templated services, -.slice for extrinsic mounts (/, /usr, API file systems); the unit's
 *  own Slice= wins; slices sit in their parent. */
export function sliceOf(unit: string, type: string, r: ResourceContext | undefined, userMode: boolean, extrinsicMount = false): string {
  if (type === 'slice') {
    if (unit === '-.slice') return '';
    const base = unit.slice(0, -'.slice'.length);
    const dash = base.lastIndexOf('-');
    return dash > 0 ? `${base.slice(0, dash)}.slice` : '-.slice';
  }
  if (r?.slice) return r.slice;
  if (extrinsicMount) return '-.slice';
  const root = userMode ? 'app' : 'system';
  const at = unit.indexOf('@');
  if (at > 0 && type === 'service') return `${root}-${escapeDash(unit.slice(0, at))}.slice`;
  return `${root}.slice`;
}
const escapeDash = (p: string): string => p.replace(/-/g, '\\x2d');
