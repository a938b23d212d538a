// One unit's resource control at run time: where its cgroup sits (below its slice), applying its settings
// before each spawn (src/exec/resources.ts decides the writes, Platform.cgroupApply performs them), the
// legacy (v1) groups its processes join, its accounting for show/status, and OOM-kill detection (the
// kernel's oom_kill counter of the unit's memory cgroup rose while a process died of SIGKILL).
// Invariants: OS access only through Platform; a controller that is not available is reported once per
// manager ("warn once per controller"), never fatal, as systemd ignores settings of missing controllers.
import type { UnitConfig } from '../directives/types';
import type { CgroupStats, Platform } from '../platform/types';
import { cgroupPathOf, cgroupWrites, sliceOf, slicePath } from './resources';

const WARNED = new Set<string>();

export class UnitResources {
  /** The cgroup path below the manager's base: system.slice/foo.service, or the slice's own path. */
  readonly rel: string;
  readonly slice: string;
  private legacyDirs: string[] = [];
  private oomBase: number | null = null;

  constructor(private readonly p: Platform, private readonly getCfg: () => UnitConfig, userMode: boolean) {
    const cfg = getCfg();
    this.slice = sliceOf(cfg.id, cfg.type, cfg.resource, userMode);
    this.rel = cfg.type === 'slice' ? slicePath(cfg.id).join('/') : cgroupPathOf(cfg.id, this.slice);
  }

  private get cfg(): UnitConfig { return this.getCfg(); }

  /** Apply the unit's settings; returns the legacy cgroup directories a new process must join. */
  apply(log: (text: string) => void): string[] {
    const r = this.cfg.resource;
    if (!this.p.cgroupSupport().available && !r) return [];
    const sup = this.p.resourceSupport();
    const { writes, missing } = cgroupWrites(r, { memTotal: sup.memTotal, tasksMaxSystem: sup.tasksMaxSystem, unified: new Set(sup.unified), legacy: new Set(sup.legacy) },
      { defaultTasksMax: this.cfg.type === 'service' });
    for (const c of missing) {
      if (WARNED.has(c)) continue;
      WARNED.add(c);
      log(`Controller '${c}' is not available (no writable cgroup v2 controller or v1 hierarchy), ignoring its resource settings.`);
    }
    if (writes.length === 0) { this.legacyDirs = []; return []; }
    const join = this.cfg.type !== 'slice' && writes.some((w) => w.hierarchy !== 'unified');
    const res = this.p.cgroupApply(this.rel, writes, join);
    for (const f of res.failed) log(`Failed to set '${f.file}' for ${this.cfg.id}: ${this.p.strerror(f.errno)}`);
    this.legacyDirs = res.legacyDirs;
    if (this.oomBase === null) this.oomBase = this.p.cgroupStats(this.rel).oomKills;
    return res.legacyDirs;
  }

  /** The kernel OOM-killed something in the unit since the last check. */
  oomKilledSinceLastCheck(): boolean {
    if (this.oomBase === null) return false;
    const n = this.p.cgroupStats(this.rel).oomKills;
    if (n === null || n <= this.oomBase) return false;
    this.oomBase = n;
    return true;
  }

  stats(): CgroupStats { return this.p.cgroupStats(this.rel); }

  release(): void {
    if (this.legacyDirs.length > 0 || this.cfg.resource) this.p.cgroupRemoveLegacy(this.rel);
    this.oomBase = null;
  }
}
