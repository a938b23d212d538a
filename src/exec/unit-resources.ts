// One unit's resource control at run time: where its cgroup sits (below its slice), applying its settings
// before each spawn (src/exec/resources.ts decides the writes, Platform.cgroupApply performs them), the
// legacy (v1) groups its processes join, its accounting for show/status, and OOM-kill detection (the
// kernel's oom_kill counter of the unit's memory cgroup rose while a process died of SIGKILL).
// Invariants: OS access only through Platform; a controller that is not available is reported once per
// manager ("warn once per controller"), never fatal, as systemd ignores settings of missing controllers.
// The slices above the unit are realized first, with their own settings (unit_realize_cgroup() realizes
// the parent slices before the unit), so a limit on system-foo.slice bounds every instance in it.
import type { UnitConfig } from '../directives/types';
import type { CgroupStats, Platform } from '../platform/types';
import { cgroupPathOf, cgroupWrites, sliceOf, slicePath } from './resources';
import { isExtrinsicMount } from '../units/mount/deps';

/** Controllers already warned about, per manager (its Platform). */
const WARNED = new WeakMap<Platform, Set<string>>();

export class UnitResources {
  /** The cgroup path below the manager's base: system.slice/foo.service, or the slice's own path. */
  readonly rel: string;
  readonly slice: string;
  private legacyDirs: string[] = [];
  /** Whether this unit's group exists in v1 hierarchies: known after apply(); 'unknown' (remove in every
   *  hierarchy) before, e.g. for a unit started by an earlier manager. Stopping 1,000 plain services
   *  otherwise tries ~10 rmdirs each for groups that were never made. */
  private legacyState: 'none' | 'made' | 'unknown' = 'unknown';
  private oomBase: number | null = null;

  constructor(private readonly p: Platform, private readonly getCfg: () => UnitConfig, userMode: boolean,
    private readonly configOf: (id: string) => UnitConfig | null = () => null) {
    const cfg = getCfg();
    this.slice = sliceOf(cfg.id, cfg.type, cfg.resource, userMode, isExtrinsicMount(cfg));
    this.rel = cfg.type === 'slice' ? slicePath(cfg.id).join('/') : cgroupPathOf(cfg.id, this.slice);
  }

  private get cfg(): UnitConfig { return this.getCfg(); }

  /** Apply the unit's settings (after its slices'); returns the legacy cgroup directories a new process
   *  must join. */
  apply(log: (text: string) => void): string[] {
    const r = this.cfg.resource;
    if (!this.p.cgroupSupport().available && !r) return [];
    const sup = this.p.resourceSupport();
    const facts = { memTotal: sup.memTotal, tasksMaxSystem: sup.tasksMaxSystem, unified: new Set(sup.unified), legacy: new Set(sup.legacy) };
    const warn = (missing: string[]): void => {
      let seen = WARNED.get(this.p);
      if (!seen) WARNED.set(this.p, seen = new Set());
      for (const c of missing) {
        if (seen.has(c)) continue;
        seen.add(c);
        log(`Controller '${c}' is not available (no writable cgroup v2 controller or v1 hierarchy), ignoring its resource settings.`);
      }
    };
    // The parent slices, outermost first (a slice unit realizes its own settings as the last step).
    const parents = this.cfg.type === 'slice' ? slicePath(this.cfg.id).slice(0, -1) : slicePath(this.slice);
    let parentsLegacy = false;
    parents.forEach((sl, i) => {
      const sr = this.configOf(sl)?.resource;
      if (!sr) return;
      const s = cgroupWrites(sr, facts, { defaultTasksMax: false });
      warn(s.missing);
      if (s.writes.length === 0) return;
      if (s.writes.some((w) => w.hierarchy !== 'unified')) parentsLegacy = true;
      const res = this.p.cgroupApply(parents.slice(0, i + 1).join('/'), s.writes, false);
      for (const f of res.failed) log(`Failed to set '${f.file}' for ${sl}: ${this.p.strerror(f.errno)}`);
    });
    const { writes, missing } = cgroupWrites(r, facts, { defaultTasksMax: this.cfg.type === 'service' });
    warn(missing);
    // On v1 hierarchies a process is only bounded by a slice's limit when it sits below it: it joins them.
    const join = this.cfg.type !== 'slice' && (parentsLegacy || writes.some((w) => w.hierarchy !== 'unified'));
    if (writes.length === 0 && !join) {
      this.legacyDirs = [];
      if (this.legacyState === 'unknown') this.legacyState = 'none';   // not 'made' → 'none': release() still owes the rmdir
      return [];
    }
    if (join || writes.some((w) => w.hierarchy !== 'unified')) this.legacyState = 'made';
    else if (this.legacyState === 'unknown') this.legacyState = 'none';
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
    if (this.legacyDirs.length > 0 || (this.cfg.resource && this.legacyState !== 'none')) this.p.cgroupRemoveLegacy(this.rel);
    this.legacyState = 'none';
    this.oomBase = null;
  }
}
