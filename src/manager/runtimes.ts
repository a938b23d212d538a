// The runtime table: one machine + host per unit that has run or is running, created through the unit-type
// registry (src/units/registry.ts) and the host factories (hosts.ts); the pid table that routes reaped
// children to their unit; the lookup of a pid's unit (known pids, then cgroup or session membership); the
// "last process gone" checks after bursts of reaps.
// Invariants: a runtime's id is the unit's canonical id; a pid is in the pid table only while its unit
// waits for it; `version` changes with every insertion or removal (snapshots compare it).
import type { UnitConfig } from '../directives/types';
import type { Platform } from '../platform/types';
import type { UnitMachine } from '../units/types';
import { buildRuntime, type ManagedHost } from './hosts';
import type { Manager } from './manager';
import type { UnitHost } from './unit-host';

export interface UnitRuntime {
  id: string;
  cfg: UnitConfig;
  machine: UnitMachine;
  host: ManagedHost;
  /** realtime µs when this runtime's config was loaded (NeedDaemonReload=). */
  loadedAt: number;
  pids(): number[];
}

export class RuntimeTable {
  private readonly map = new Map<string, UnitRuntime>();
  private readonly pidTable = new Map<number, UnitHost>();
  private ver = 0;
  /** Bumped by every unit state change (noteStateChange): with `version`, says a pid → unit answer is still current. */
  private states = 0;
  private emptyCheckPending = false;

  constructor(private readonly m: Manager, private readonly platform: Platform) {}

  get version(): number { return this.ver; }
  get stateEpoch(): number { return this.states; }
  noteStateChange(): void { this.states++; }
  /** The unit whose main/control pid this is (the pid table only). */
  byPid(pid: number): UnitHost | null { return this.pidTable.get(pid) ?? null; }
  get size(): number { return this.map.size; }
  values(): IterableIterator<UnitRuntime> { return this.map.values(); }
  has(id: string): boolean { return this.map.has(id); }

  /** The runtime of a unit, created (from the engine's current config) when it has none. */
  get(id: string): UnitRuntime {
    const u = this.m.engine.graph.unit(id);
    let rt = this.map.get(u.id);
    if (rt && rt.cfg !== u.config && rt.machine.activeState() === 'inactive' && !this.m.connections.has(u.id)) {
      // A daemon-reload changed the unit: a stopped unit picks up its new configuration (a failed one keeps
      // its result until reset-failed).
      this.drop(rt);
      rt = undefined;
    }
    if (rt) return rt;
    const { host, machine } = buildRuntime(this.m, u.config);
    const created: UnitRuntime = { id: u.id, cfg: u.config, machine, host, loadedAt: this.platform.realtimeUs(), pids: () => host.pids() };
    this.map.set(u.id, created);
    this.ver++;
    return created;
  }

  /** The runtime if the unit has one (never creates). */
  peek(id: string): UnitRuntime | undefined {
    const u = this.m.engine.graph.peek(id);
    return this.map.get(u ? u.id : id);
  }

  drop(rt: UnitRuntime): void {
    rt.host.dispose();
    if (this.map.get(rt.id) === rt) { this.map.delete(rt.id); this.ver++; }
  }

  failed(): string[] {
    const out: string[] = [];
    for (const rt of this.map.values()) if (rt.machine.activeState() === 'failed') out.push(rt.id);
    return out.sort();
  }

  registerPid(pid: number, host: UnitHost): void { this.pidTable.set(pid, host); }

  /** A reaped child: its unit's host, removed from the table (null for pids no unit waits for). */
  takePid(pid: number): UnitHost | null {
    const h = this.pidTable.get(pid);
    if (!h) return null;
    this.pidTable.delete(pid);
    return h;
  }

  /** The unit a pid belongs to: known main/control pids first, then cgroup/session membership. Of the units
   *  whose cgroup holds the pid the deepest wins (a running slice's group contains its services', as
   *  manager_get_unit_by_cgroup walks up from the process's own group). `cgroupOf` replaces the read of
   *  /proc/PID/cgroup (the notify router's per-process cache). */
  findByPid(pid: number, cgroupOf?: (pid: number) => string | null): UnitHost | null {
    const direct = this.pidTable.get(pid);
    if (direct) return direct;
    const cg = cgroupOf ? cgroupOf(pid) : this.platform.procCgroup(pid);   // read once, then matched against each unit's cgroup path
    let best: UnitHost | null = null;
    let bestDepth = -1;
    for (const rt of this.map.values()) {
      const a = rt.machine.activeState();
      if (a === 'inactive' || a === 'failed') continue;
      if (cg !== null && rt.host.procs.cgroup) {
        const depth = rt.host.cgroupMatchDepth(cg);
        if (depth > bestDepth) { best = rt.host; bestDepth = depth; }
      } else if (rt.host.pidInUnit(pid)) return rt.host;
    }
    return best;
  }

  /** After a burst of reaps (orphans of units included), let units whose last process died notice it. */
  scheduleEmptyCheck(): void {
    if (this.emptyCheckPending) return;
    this.emptyCheckPending = true;
    this.platform.soon(() => {
      this.emptyCheckPending = false;
      // Only units waiting for their last process can be waiting on an orphan's exit (the exits of their own
      // main/control processes are delivered directly).
      for (const rt of this.map.values()) {
        if (!rt.host.mayHaveProcesses || rt.host.awaitsOwnExit()) continue;
        const a = rt.machine.activeState();
        if (a === 'deactivating' || a === 'activating') this.m.barrier.guard('child-exit', rt.id, () => rt.host.checkEmpty());
      }
    });
  }
}
