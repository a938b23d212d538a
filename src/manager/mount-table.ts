// The kernel's mount and swap tables as the manager tracks them (systemd's mount_enumerate /
// mount_dispatch_io, swap_enumerate): read /proc/self/mountinfo and /proc/swaps at boot, create a unit for
// every mount point systemd would (a unit file of that name wins, else a synthesized unit with What=,
// Where=, Type=, Options= from the table; -.mount has no default dependencies), and on every POLLPRI
// wake-up re-read both and hand the new view to every machine that follows it (onMountTable), creating
// units for mount points that appeared. The host of a mount unit asks for a fresh read (read()) before
// a mount/umount exit is handled.
// Invariants: no Node imports (the platform reads and watches); every event enters through the crash barrier.
import type { UnitConfig } from '../directives/types';
import { synthesizeUnit } from '../directives/compile';
import { defaultMount, defaultSwap } from '../directives/defaults';
import { unitNameFromPath } from '../unit-file/names';
import { mountPoints, mountUnitsFromMountinfo, parseMountinfo, parseProcSwaps, type MountEntry } from '../units/mount/mountinfo';
import type { MountTableView } from '../units/types';
import type { Manager } from './manager';

export class MountTable {
  private points = new Set<string>();
  private swapSet = new Set<string>();
  private units = new Map<string, MountEntry>();
  private swapUnits = new Map<string, string>();
  private stopWatch: (() => void) | null = null;

  constructor(private readonly m: Manager) {}

  /** Re-read both tables (no dispatch). */
  read(): void {
    const entries = parseMountinfo(this.m.platform.readFile('/proc/self/mountinfo') ?? '');
    this.points = mountPoints(entries);
    this.units = mountUnitsFromMountinfo(entries);
    const swaps = parseProcSwaps(this.m.platform.readFile('/proc/swaps') ?? '');
    this.swapSet = new Set(swaps);
    this.swapUnits = new Map();
    for (const w of swaps) { const n = unitNameFromPath(w, '.swap'); if (n) this.swapUnits.set(n, w); }
  }

  view(): MountTableView { return { mountPoints: this.points, swaps: this.swapSet }; }
  /** The kernel's entry for a mount unit's mount point, as last read (undefined when not mounted). */
  entryFor(name: string): MountEntry | undefined { return this.units.get(name); }
  isMounted(where: string): boolean { this.read(); return this.points.has(where); }
  isSwapOn(what: string): boolean { this.read(); return this.swapSet.has(what); }

  /** A unit for a mount point or swap only the kernel knows of (no unit file): null otherwise. */
  configFor(name: string): UnitConfig | null {
    const e = this.units.get(name);
    if (e) {
      const c = synthesizeUnit(name, 'loaded', '');
      c.mount = { ...defaultMount(), what: e.what, where: e.where, type: e.fstype, options: e.options };
      c.unit.description = e.where === '/' ? 'Root Mount' : e.where;
      if (e.where === '/') c.unit.defaultDependencies = false;
      return c;
    }
    const w = this.swapUnits.get(name);
    if (w) {
      const c = synthesizeUnit(name, 'loaded', '');
      c.swap = { ...defaultSwap(), what: w };
      c.unit.description = w;
      return c;
    }
    return null;
  }

  /** Boot: read, make the units of every mount point and swap, watch for changes. */
  start(): void {
    this.m.guard('mountinfo', '', () => { this.read(); this.dispatch(); });
    const w = this.m.platform.watchMountinfo(() => this.m.guard('mountinfo', '', () => { this.read(); this.dispatch(); }));
    if ('error' in w) this.m.unitLog('', 'warning', `Failed to watch /proc/self/mountinfo: ${w.error}`);
    else this.stopWatch = w;
  }

  stop(): void { if (this.stopWatch) { this.stopWatch(); this.stopWatch = null; } }

  private dispatch(): void {
    const view = this.view();
    for (const name of [...this.units.keys(), ...this.swapUnits.keys()]) {
      const u = this.m.engine.graph.peek(name);
      if (u && u.loadState !== 'loaded') continue;   // a not-found stub from before: left as it is
      this.m.runtimes.get(name);                      // loads the unit (file or synthesized) and its machine
    }
    for (const rt of [...this.m.runtimes.values()]) {
      const mach = rt.machine;
      if (mach.onMountTable) this.m.guard('mountinfo', rt.id, () => mach.onMountTable?.(view));
    }
  }
}
