// The cgroup half of RealPlatform (src/platform/real.ts): detecting the unified and legacy hierarchies
// once, creating unit cgroups below the manager's own, applying resource writes, reading accounting,
// killing and removing groups, and remembering which groups got a SIGKILL (children born into them by
// CLONE_INTO_CGROUP die at once, so the spawn path joins them instead; see src/native/spawn.c).
// Invariants: OS errors are returned as data; every cgroup this process created and left empty is removed
// when the process exits (cgroupCleanup), populated ones stay.
import * as fs from 'node:fs';
import * as nodePath from 'node:path';
import createDebug from 'debug';
import {
  detectCgroups, cgroupPids, cgroupIsEmpty, cgroupKill, cgroupPrune, cgroupRemove, detectLegacy, enableUnified, mkUnified, mkLegacy,
  cgroupWrite, cgroupKeyed, cgroupNumber, ioBytes, ownCgroupDir,
} from './cgroup';
import type { CgroupStats, CgroupSupport, ResourceSupport } from './types';

const debug = createDebug('tsysd:platform');

export class RealCgroups {
  private cg: CgroupSupport | null = null;

  constructor(private readonly baseName: string, private readonly killPid: (pid: number, signal: number) => number) {}

  cgroupSupport(): CgroupSupport {
    if (!this.cg) {
      this.cg = detectCgroups(this.baseName);
      debug('cgroups: %o', this.cg);
      // Whatever way the process ends (exit N, a fatal error), the empty cgroups it created go with it.
      if (this.cg.available) process.once('exit', () => this.cgroupCleanup());
    }
    return this.cg;
  }
  /** Remove the empty unit cgroups this process created, then its base directory (populated ones stay).
   *  Returns true when the base is gone. Also runs on process exit. */
  cgroupCleanup(): boolean {
    for (const b of this.legacy?.values() ?? []) cgroupPrune(b);
    if (!this.cg?.available) return true;
    const gone = cgroupPrune(this.cg.base);
    debug('cgroup cleanup of %s: %s', this.cg.base, gone ? 'removed' : 'still populated');
    return gone;
  }
  cgroupCreate(unitName: string): { path: string } | { errno: number; message: string } {
    const s = this.cgroupSupport();
    if (!s.available) return { errno: 95, message: s.reason };
    if (!unitName || unitName.split('/').some((c) => !c || c.startsWith('cgroup.') || c.startsWith('.'))) return { errno: 22, message: 'invalid cgroup name' };
    const p = `${s.base}/${unitName}`;
    try { fs.mkdirSync(p, { recursive: true }); } catch (e) {
      const er = e as NodeJS.ErrnoException;
      return { errno: -(er.errno ?? -5), message: er.message };
    }
    return { path: p };
  }
  cgroupPids(path: string): number[] { return cgroupPids(path); }

  private legacy: Map<string, string> | null = null;
  private rs: ResourceSupport | null = null;
  private unifiedCtl = new Set<string>();
  resourceSupport(): ResourceSupport {
    if (this.rs) return this.rs;
    const cg = this.cgroupSupport();
    this.legacy = detectLegacy(this.baseName);
    if (this.legacy.size > 0 && !cg.available) process.once('exit', () => this.cgroupCleanup());
    const own = ownCgroupDir();
    this.unifiedCtl = cg.available && 'dir' in own ? enableUnified(own.dir, cg.base) : new Set();
    const meminfo = /^MemTotal:\s+(\d+) kB/m.exec(fs.readFileSync('/proc/meminfo', 'utf8'));
    const num = (p: string): number => { try { return Number(fs.readFileSync(p, 'utf8').trim()); } catch { return Infinity; } };
    this.rs = {
      unified: [...this.unifiedCtl], legacy: [...this.legacy.keys()], memTotal: meminfo ? Number(meminfo[1]) * 1024 : 0,
      tasksMaxSystem: Math.min(num('/proc/sys/kernel/pid_max') - 1, num('/proc/sys/kernel/threads-max')),
    };
    debug('resource control: %o', this.rs);
    return this.rs;
  }
  cgroupApply(rel: string, writes: { hierarchy: string; file: string; value: string }[], join: boolean): { legacyDirs: string[]; failed: { file: string; errno: number }[] } {
    this.resourceSupport();
    const failed: { file: string; errno: number }[] = [];
    const dirs = new Map<string, string>();
    const legacyDir = (h: string): string | null => {
      const base = this.legacy?.get(h);
      if (!base) return null;
      let d = dirs.get(h);
      if (!d) { d = mkLegacy(h, base, rel); dirs.set(h, d); }
      return d;
    };
    // A joining unit gets a group in every v1 hierarchy tsysd can write (as systemd realizes its controllers):
    // accounting for show/status, and the limits of the slices above it.
    if (join) for (const h of this.legacy?.keys() ?? []) legacyDir(h);
    for (const w of writes) {
      const dir = w.hierarchy === 'unified' ? mkUnified(this.cgroupSupport().base, rel, this.unifiedCtl) : legacyDir(w.hierarchy);
      if (!dir) { failed.push({ file: w.file, errno: 95 }); continue; }
      const r = cgroupWrite(dir, w.file, w.value);
      if (r < 0) failed.push({ file: w.file, errno: -r });
    }
    return { legacyDirs: join ? [...dirs.values()] : [], failed };
  }
  cgroupStats(rel: string): CgroupStats {
    const v2 = this.cg?.available ? nodePath.join(this.cg.base, rel) : '';
    const l = (h: string): string | null => { const b = this.legacy?.get(h); return b ? nodePath.join(b, rel) : null; };
    const pick = <T>(...xs: (T | null)[]): T | null => { for (const x of xs) if (x !== null) return x; return null; };
    const mem = l('memory'), pids = l('pids'), acct = l('cpuacct'), blk = l('blkio');
    const cpuUsec = v2 && this.unifiedCtl.has('cpu') ? cgroupKeyed(`${v2}/cpu.stat`, 'usage_usec') : (v2 ? cgroupKeyed(`${v2}/cpu.stat`, 'usage_usec') : null);
    const io = pick(v2 && this.unifiedCtl.has('io') ? ioBytes(`${v2}/io.stat`, true) : null, blk ? ioBytes(`${blk}/blkio.throttle.io_service_bytes`, false) : null);
    return {
      memoryCurrent: pick(v2 && this.unifiedCtl.has('memory') ? cgroupNumber(`${v2}/memory.current`) : null, mem ? cgroupNumber(`${mem}/memory.usage_in_bytes`) : null),
      tasksCurrent: pick(v2 && this.unifiedCtl.has('pids') ? cgroupNumber(`${v2}/pids.current`) : null, pids ? cgroupNumber(`${pids}/pids.current`) : null),
      cpuUsageNSec: pick(acct ? cgroupNumber(`${acct}/cpuacct.usage`) : null, cpuUsec !== null ? cpuUsec * 1000 : null),
      ioReadBytes: io?.read ?? null, ioWriteBytes: io?.write ?? null,
      oomKills: pick(v2 && this.unifiedCtl.has('memory') ? cgroupKeyed(`${v2}/memory.events`, 'oom_kill') : null, mem ? cgroupKeyed(`${mem}/memory.oom_control`, 'oom_kill') : null),
    };
  }
  cgroupRemoveLegacy(rel: string): void {
    for (const b of this.legacy?.values() ?? []) cgroupRemove(nodePath.join(b, rel));
  }
  /** Cgroups (and their subtrees) that got a SIGKILL through cgroupKill (maybe via cgroup.kill): the
   *  kernel's CLONE_INTO_CGROUP kills children born into them (see src/native/spawn.c). */
  private readonly killedCgroups = new Set<string>();
  wasCgroupKilled(path: string): boolean {
    if (this.killedCgroups.size === 0) return false;
    for (let p = path; p.length > 1; p = p.slice(0, Math.max(1, p.lastIndexOf('/')))) if (this.killedCgroups.has(p)) return true;
    return false;
  }
  cgroupKill(path: string, signal: number, exclude: readonly number[] = []): number[] {
    if (signal === 9) this.killedCgroups.add(path);
    return cgroupKill(path, signal, (p, s) => this.killPid(p, s), exclude);
  }
  cgroupIsEmpty(path: string): boolean { return cgroupIsEmpty(path); }
  cgroupRemove(path: string): number { return cgroupRemove(path); }
}
