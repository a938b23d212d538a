// The unit registry and dependency graph. Owns: loading units on demand through an injected loader
// (systemd's load queue: every referenced name becomes a unit, loaded or not-found), explicit edges from
// UnitConfig, .wants/.requires dirs, Sockets=, socket→service Triggers, slices, default dependencies of
// services/sockets/targets/slices/scopes (systemd 252, §3), the target "After every unit it pulls in" rule, and the
// inverse of every edge. Invariants: an edge A -k-> B exists iff B -INVERSE[k]-> A; no self edges; unit
// objects are never replaced (daemon-reload rebuilds edges in place, keeping run-time state).
import type { UnitConfig, UnitType, LoadState, DepKind } from '../directives/types';
import type { ActiveState, DepType, DepOrigin } from './types';
import { INVERSE, EngineError, DEP_TYPES } from './types';
import { synthesizeUnit, splitName, unitTypeOf } from './synth';
import type { Job } from './job';
import { mountUnitsFor, requiresMountsFor, typeDependencies } from '../units/mount/deps';

/** Returns the config for a unit name; null/undefined (or throwing) means "no such file": not-found. */
export type UnitLoader = (name: string) => UnitConfig | null | undefined;

/** container: detect_container() > 0 (swap units then get no default dependencies, as in systemd);
 *  devices: device units are supported (/sys writable), else mounts and swaps get no .device edges. */
export interface GraphOptions { loader: UnitLoader; userMode?: boolean; container?: boolean; devices?: boolean }

const ORIGIN_BIT: Record<DepOrigin, number> = { file: 1, implicit: 2, default: 4, dirs: 8 };
const INVERSE_BIT = 16;

export const SPECIAL = {
  sysinit: 'sysinit.target', basic: 'basic.target', sockets: 'sockets.target', shutdown: 'shutdown.target',
  rootSlice: '-.slice', systemSlice: 'system.slice', appSlice: 'app.slice', journaldSocket: 'systemd-journald.socket',
  dbusSocket: 'dbus.socket', tmpfilesSetup: 'systemd-tmpfiles-setup.service',
} as const;

const JOURNALISH = new Set(['journal', 'journal+console', 'kmsg', 'kmsg+console', 'syslog', 'syslog+console']);

const NONE: readonly Unit[] = [];

/** One adjacency list: small lists use linear search, large ones (hubs such as sysinit.target) an index.
 * Each edge keeps origin bits (ORIGIN_BIT | INVERSE_BIT): Graph.collect() needs to know whether a
 * neighbour names this unit in its own configuration or the edge is only an inverse. */
export class Edges {
  readonly list: Unit[] = [];
  private readonly bits: number[] = [];
  private index: Map<Unit, number> | null = null;
  find(u: Unit): number { return this.index ? (this.index.get(u) ?? -1) : this.list.indexOf(u); }
  bitsOf(u: Unit): number { const i = this.find(u); return i >= 0 ? (this.bits[i] ?? 0) : 0; }
  add(u: Unit, bit: number): void {
    const i = this.find(u);
    if (i >= 0) { this.bits[i] = (this.bits[i] ?? 0) | bit; return; }
    this.list.push(u); this.bits.push(bit);
    if (this.index) this.index.set(u, this.list.length - 1);
    else if (this.list.length > 16) this.index = new Map(this.list.map((x, k) => [x, k] as const));
  }
  remove(u: Unit): void {
    const i = this.find(u);
    if (i < 0) return;
    this.list.splice(i, 1); this.bits.splice(i, 1);
    if (this.index) this.index = new Map(this.list.map((x, k) => [x, k] as const));
  }
}

export class Unit {
  readonly names = new Set<string>();
  /** Effective edges: kind → other units (insertion order) with origin bits. */
  readonly deps = new Map<DepType, Edges>();
  config: UnitConfig;
  perpetual = false;
  /** Run-time state, maintained by the engine from the manager's reports. */
  activeState: ActiveState = 'inactive';
  /** The installed job (at most one per unit, as systemd). */
  job: Job | null = null;
  /** Set while a unit will auto-restart (unit_will_restart), reported by the manager. */
  willRestart = false;
  constructor(readonly id: string, config: UnitConfig) { this.config = config; this.names.add(id); }
  get type(): UnitType { return this.config.type; }
  get loadState(): LoadState { return this.config.loadState; }
  get canStart(): boolean { return this.loadState === 'loaded' && this.config.type !== 'device'; }
  get canStop(): boolean { return !this.perpetual && this.config.type !== 'device'; }
  get canReload(): boolean {
    const svc = this.config.service;
    // a mount reloads by remounting (mount_reload); other non-service types cannot reload
    if (this.config.type === 'mount') return this.loadState === 'loaded';
    return this.loadState === 'loaded' && this.config.type === 'service' && !!svc && (svc.execReload.length > 0 || svc.type === 'notify-reload');
  }
  get defaultDependencies(): boolean { return this.config.unit.defaultDependencies; }
  /** Units this unit has an edge of `kind` to, in insertion order. */
  get(kind: DepType): readonly Unit[] { return this.deps.get(kind)?.list ?? NONE; }
  has(kind: DepType, other: Unit): boolean { const e = this.deps.get(kind); return !!e && e.find(other) >= 0; }
  /** Error that refuses a non-stop job for this unit (bus_unit_validate_load_state), or null. */
  loadStateError(): EngineError | null {
    switch (this.loadState) {
      case 'loaded': return null;
      case 'not-found': return new EngineError('not-found', `Unit ${this.id} not found.`);
      case 'masked': return new EngineError('masked', `Unit ${this.id} is masked.`);
      case 'bad-setting': return new EngineError('bad-setting', `Unit ${this.id} has a bad unit file setting.`);
      case 'error': return new EngineError('load-error', `Unit ${this.id} failed to load properly, please adjust/correct and reload service manager: ${this.config.loadError || 'Invalid argument'}`);
      default: return new EngineError('load-error', `Unit ${this.id} is not loaded properly.`);
    }
  }
}

export class Graph {
  private readonly byName = new Map<string, Unit>();
  private readonly all: Unit[] = [];
  /** Units whose config edges have been added (systemd: load_state left STUB). */
  private readonly processed = new Set<Unit>();
  private pending: Unit[] = [];
  private loader: UnitLoader;
  readonly userMode: boolean;

  readonly container: boolean;
  readonly devices: boolean;
  constructor(opts: GraphOptions) {
    this.loader = opts.loader; this.userMode = opts.userMode ?? false; this.container = opts.container ?? false; this.devices = opts.devices ?? true;
  }

  /** The unit for a name (alias or id), loading it and everything it references on first use. */
  unit(name: string): Unit {
    const u = this.resolve(name);
    this.dispatch();
    return u;
  }
  /** The unit if already known, without loading. */
  peek(name: string): Unit | undefined { return this.byName.get(name); }
  units(): readonly Unit[] { return this.all; }
  get size(): number { return this.all.length; }

  /** Garbage-collect an unreferenced unit (systemd's unit GC, used for finished Accept=yes instances):
   *  refused (false) when it has a job or another unit names it in its own configuration; otherwise its
   *  edges (and their inverses on the neighbours) and its names are dropped. */
  collect(u: Unit): boolean {
    if (u.job || u.perpetual) return false;
    for (const [kind, edges] of u.deps) {
      // Another unit's own configuration names this one (its edge here is not just our inverse): keep it.
      for (const o of edges.list) {
        const b = o.deps.get(INVERSE[kind])?.bitsOf(u) ?? 0;
        if (b !== 0 && (b & INVERSE_BIT) === 0) return false;
      }
    }
    for (const [kind, edges] of u.deps) for (const o of edges.list) o.deps.get(INVERSE[kind])?.remove(u);
    u.deps.clear();
    for (const n of u.names) if (this.byName.get(n) === u) this.byName.delete(n);
    const i = this.all.indexOf(u);
    if (i >= 0) this.all.splice(i, 1);
    this.processed.delete(u);
    this.pending = this.pending.filter((x) => x !== u);
    return true;
  }

  /** daemon-reload: re-read every known unit through the (optionally new) loader, rebuild all edges. */
  reload(loader?: UnitLoader): void {
    if (loader) this.loader = loader;
    const known = [...this.all];
    for (const u of known) u.deps.clear();
    this.processed.clear();
    for (const u of known) {
      u.config = this.load(u.id);
      for (const n of u.config.names) if (!this.byName.has(n)) { this.byName.set(n, u); u.names.add(n); }
      this.pending.push(u);
    }
    this.dispatch();
  }

  /** Effective dependency lists of a unit (kind → sorted unit ids), as systemd's dump shows them. */
  effectiveDeps(u: Unit, kinds: readonly DepType[] = DEP_TYPES): Record<string, string[]> {
    const out: Record<string, string[]> = {};
    for (const k of kinds) out[k] = [...u.get(k)].map((x) => x.id).sort();
    return out;
  }

  addDep(a: Unit, kind: DepType, b: Unit, origin: DepOrigin): void {
    if (a === b) return;
    const bit = ORIGIN_BIT[origin];
    let m = a.deps.get(kind);
    if (!m) { m = new Edges(); a.deps.set(kind, m); }
    m.add(b, bit);
    const inv = INVERSE[kind];
    let mi = b.deps.get(inv);
    if (!mi) { mi = new Edges(); b.deps.set(inv, mi); }
    mi.add(a, bit | INVERSE_BIT);
  }

  private load(name: string): UnitConfig {
    let c: UnitConfig | null | undefined;
    try { c = this.loader(name); } catch { c = null; }
    if (!c) c = synthesizeUnit(name, 'not-found');
    // Slices need no file (systemd synthesizes them); -.slice and system.slice are perpetual.
    // Device units need no file either (udev provides them); they load and just never start by us.
    // A start job on a device no one provides ends after DefaultDeviceTimeoutSec= (90 s), systemd's
    // JobRunningTimeoutSec= of device units.
    if (c.type === 'device' && c.loadState === 'not-found') c = { ...synthesizeUnit(name, 'loaded'), unit: { ...c.unit, defaultDependencies: false, jobTimeoutUs: 90_000_000 } };
    if (c.type === 'slice' && c.loadState === 'not-found') {
      c = { ...synthesizeUnit(name, 'loaded'), unit: { ...c.unit, defaultDependencies: !(name === SPECIAL.rootSlice || name === SPECIAL.systemSlice) } };
    }
    return c;
  }

  private resolve(name: string): Unit {
    const known = this.byName.get(name);
    if (known) return known;
    const c = this.load(name);
    const byId = this.byName.get(c.id);
    if (byId) { this.byName.set(name, byId); byId.names.add(name); return byId; }
    const u = new Unit(c.id, c);
    if (c.id === SPECIAL.rootSlice || (!this.userMode && c.id === SPECIAL.systemSlice)) { u.perpetual = true; u.activeState = 'active'; }
    // mount_load_root_mount(): the system manager's -.mount can never be stopped (its state is mountinfo's).
    if (!this.userMode && c.id === '-.mount') u.perpetual = true;
    this.byName.set(c.id, u);
    if (name !== c.id) { this.byName.set(name, u); u.names.add(name); }
    for (const n of c.names) if (!this.byName.has(n)) { this.byName.set(n, u); u.names.add(n); }
    this.all.push(u);
    this.pending.push(u);
    return u;
  }

  private add(a: Unit, kind: DepType, name: string, origin: DepOrigin): void {
    if (!name || a.names.has(name)) return;
    this.addDep(a, kind, this.resolve(name), origin);
  }

  /** Drain the load queue, then apply the target default-ordering rule to every unit loaded now. */
  private dispatch(): void {
    // Load queue and target-deps queue are LIFO, as systemd's LIST_PREPEND/LIST_POP queues.
    // The target-deps queue is then processed in load order (observed on 252).
    const loaded: Unit[] = [];
    for (let u = this.pending.pop(); u; u = this.pending.pop()) { this.addConfigEdges(u); loaded.push(u); }
    for (const u of loaded) this.addTargetDefaults(u);
  }

  private addConfigEdges(u: Unit): void {
    this.processed.add(u);
    this.addConfigEdgesInner(u);
    // target_add_default_dependencies at the target's own load: only pulled-in units loaded already.
    if (u.type === 'target' && u.loadState === 'loaded' && u.defaultDependencies) {
      for (const k of ['Requires', 'Requisite', 'Wants', 'BindsTo', 'PartOf', 'Upholds'] as const) {
        for (const o of [...u.get(k)]) if (this.processed.has(o)) this.targetAfter(u, o);
      }
    }
  }

  private addConfigEdgesInner(u: Unit): void {
    const c = u.config;
    if (c.type === 'slice') this.addSliceEdges(u);
    if (c.loadState !== 'loaded') return;
    if (c.depOrder) for (const d of c.depOrder) this.add(u, d.kind, d.name, 'file');
    else for (const k of Object.keys(c.unit.deps) as DepKind[]) for (const n of c.unit.deps[k]) this.add(u, k, n, 'file');
    for (const n of c.wantsFromDirs) this.add(u, 'Wants', n, 'dirs');
    for (const n of c.requiresFromDirs) this.add(u, 'Requires', n, 'dirs');
    const sys = !this.userMode;
    if (c.type === 'service' && c.service) {
      for (const n of c.service.sockets) { this.add(u, 'Wants', n, 'file'); this.add(u, 'After', n, 'file'); this.add(u, 'TriggeredBy', n, 'file'); }
      if (c.service.type === 'dbus' && c.service.busName) { this.add(u, 'Requires', SPECIAL.dbusSocket, 'file'); this.add(u, 'After', SPECIAL.dbusSocket, 'file'); }
    }
    if (c.type === 'socket' && c.socket) {
      const s = c.socket;
      const nonAccept = !s.accept || s.listen.length === 0 || s.listen.some((l) => l.kind !== 'stream' && l.kind !== 'seqpacket');
      if (nonAccept) {
        const { prefix, instance } = splitName(u.id);
        const svc = s.service || `${prefix}${instance ? '@' + instance : ''}.service`;
        this.add(u, 'Before', svc, 'implicit'); this.add(u, 'Triggers', svc, 'implicit');
      }
    }
    if (c.type === 'service' || c.type === 'socket') {
      // Exec dependencies (unit_add_exec_dependencies), system manager only.
      // 'inherit' stdout means the manager default (DefaultStandardOutput=journal) unless stdin is a tty;
      // 'inherit' stderr means whatever stdout is.
      const ttyIn = c.exec.standardInput.startsWith('tty');
      const out = c.exec.standardOutput === 'inherit' ? (ttyIn ? 'tty' : 'journal') : c.exec.standardOutput;
      const err = c.exec.standardError === 'inherit' ? out : c.exec.standardError;
      if (sys && c.type === 'service' && (JOURNALISH.has(out) || JOURNALISH.has(err))) this.add(u, 'After', SPECIAL.journaldSocket, 'file');
      // State/Cache/LogsDirectory= need a writable /var: ordered after systemd-remount-fs.service.
      if (sys && (c.exec.stateDirectory.length || c.exec.cacheDirectory.length || c.exec.logsDirectory.length)) this.add(u, 'After', 'systemd-remount-fs.service', 'file');
      if (sys && c.exec.privateTmp) { this.add(u, 'After', 'tmp.mount', 'file'); this.add(u, 'Wants', 'tmp.mount', 'file'); this.add(u, 'After', SPECIAL.tmpfilesSetup, 'file'); }
      // Default slice (unit_set_default_slice).
      const { prefix, instance } = splitName(u.id);
      const base = sys ? 'system' : 'app';
      // Slice= wins; instances of templated services go to system-<escaped prefix>.slice (unit_set_default_slice).
      const slice = c.resource?.slice || (instance && c.type === 'service' ? `${base}-${prefix.replace(/-/g, '\\x2d')}.slice` : `${base}.slice`);
      this.add(u, 'Requires', slice, 'file'); this.add(u, 'After', slice, 'file');
    }
    // A scope's slice (unit_set_default_slice, unit_add_slice_dependencies): Slice=, else the manager's own.
    if (c.type === 'scope') { const slice = c.resource?.slice || `${sys ? 'system' : 'app'}.slice`; this.add(u, 'Requires', slice, 'file'); this.add(u, 'After', slice, 'file'); }
    if (c.type === 'timer' || c.type === 'path') {
      // timer/path_add_trigger_dependencies: Unit=, else the same-name service.
      const { prefix, instance } = splitName(u.id);
      const set = c.raw?.[c.type === 'timer' ? 'Timer.Unit' : 'Path.Unit'] ?? [];
      const trg = set[set.length - 1] || `${prefix}${instance ? '@' + instance : ''}.service`;
      this.add(u, 'Before', trg, 'implicit'); this.add(u, 'Triggers', trg, 'implicit');
    }
    this.addMountEdges(u);
    if (!c.unit.defaultDependencies) return;
    switch (c.type) {
      case 'service':
        if (sys) { this.add(u, 'Requires', SPECIAL.sysinit, 'default'); this.add(u, 'After', SPECIAL.sysinit, 'default'); }
        else { this.add(u, 'Requires', SPECIAL.basic, 'default'); }
        this.add(u, 'After', SPECIAL.basic, 'default');
        this.add(u, 'Conflicts', SPECIAL.shutdown, 'default'); this.add(u, 'Before', SPECIAL.shutdown, 'default');
        break;
      case 'socket':
        this.add(u, 'Before', SPECIAL.sockets, 'default');
        if (sys) { this.add(u, 'Requires', SPECIAL.sysinit, 'default'); this.add(u, 'After', SPECIAL.sysinit, 'default'); }
        this.add(u, 'Conflicts', SPECIAL.shutdown, 'default'); this.add(u, 'Before', SPECIAL.shutdown, 'default');
        break;
      case 'timer':
      case 'path': {
        // timer_add_default_dependencies / path_add_default_dependencies (timers.target, paths.target).
        this.add(u, 'Before', c.type === 'timer' ? 'timers.target' : 'paths.target', 'default');
        if (sys && c.type === 'timer' && (c.raw?.['Timer.OnCalendar'] ?? []).some((v) => v !== '')) {
          this.add(u, 'After', 'time-sync.target', 'default'); this.add(u, 'After', 'time-set.target', 'default');
        }
        if (sys) { this.add(u, 'Requires', SPECIAL.sysinit, 'default'); this.add(u, 'After', SPECIAL.sysinit, 'default'); }
        this.add(u, 'Conflicts', SPECIAL.shutdown, 'default'); this.add(u, 'Before', SPECIAL.shutdown, 'default');
        break;
      }
      case 'target':
      case 'slice':
      case 'scope':   // scope_add_default_dependencies(): unloaded on shutdown
        if (u.id !== SPECIAL.shutdown) { this.add(u, 'Conflicts', SPECIAL.shutdown, 'default'); this.add(u, 'Before', SPECIAL.shutdown, 'default'); }
        break;
      default: break;
    }
  }

  /** Mount/swap/automount edges, and After= (+ Requires= for file-based ones) on the mount units of the
   * paths a unit requires mounts for (src/units/mount/deps.ts). A mount unit that does not exist is not
   * created here (systemd garbage-collects such stubs). */
  private addMountEdges(u: Unit): void {
    const c = u.config;
    for (const d of typeDependencies(c, { userMode: this.userMode, container: this.container, devices: this.devices })) this.add(u, d.kind, d.name, d.origin);
    for (const n of mountUnitsFor(requiresMountsFor(c, this.userMode), u.id)) {
      let m = this.byName.get(n);
      if (!m) {
        let cfg: UnitConfig | null | undefined;
        try { cfg = this.loader(n); } catch { cfg = null; }
        if (!cfg || cfg.loadState !== 'loaded') continue;
        m = this.resolve(n);
      }
      if (m === u || m.loadState !== 'loaded') continue;
      this.addDep(u, 'After', m, 'implicit');
      if (m.config.fragmentPath) this.addDep(u, 'Requires', m, 'implicit');
    }
  }

  private addSliceEdges(u: Unit): void {
    if (u.id === SPECIAL.rootSlice) return;
    const base = u.id.slice(0, -'.slice'.length);
    const dash = base.lastIndexOf('-');
    const parent = dash > 0 ? `${base.slice(0, dash)}.slice` : SPECIAL.rootSlice;
    this.add(u, 'Requires', parent, 'implicit'); this.add(u, 'After', parent, 'implicit');
  }

  /** target_add_default_dependencies / manager_dispatch_target_deps_queue: a target is ordered after the
   * units it pulls in, when both are loaded with DefaultDependencies=yes and no reverse ordering exists. */
  private addTargetDefaults(u: Unit): void {
    if (u.loadState !== 'loaded' || !u.defaultDependencies) return;
    for (const k of ['RequiredBy', 'RequisiteOf', 'WantedBy', 'BoundBy', 'UpheldBy'] as const) for (const t of [...u.get(k)]) if (t.type === 'target') this.targetAfter(t, u);
  }

  private targetAfter(t: Unit, o: Unit): void {
    if (t.loadState !== 'loaded' || o.loadState !== 'loaded') return;
    if (!t.defaultDependencies || !o.defaultDependencies) return;
    if (t.has('Before', o)) return;
    this.addDep(t, 'After', o, 'default');
  }
}

export { unitTypeOf };
