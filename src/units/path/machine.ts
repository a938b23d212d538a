// The path state machine (systemd 252's src/core/path.c): dead → waiting ⇄ running → dead / failed.
// Waiting holds one inotify instance per Path*= spec, watching every existing component of the path
// (parents for creation/moves, the path itself with its type's mask); an event or a satisfied condition
// (PathExists=, PathExistsGlob=, DirectoryNotEmpty=, PathChanged=/PathModified= on the primary watch)
// queues a start job for the triggered unit with TRIGGER_PATH/TRIGGER_UNIT, within TriggerLimit*=.
// When the triggered unit goes inactive again the path re-arms (deferred, as systemd does).
// Invariants: watches exist only in waiting; every state change goes through setState(); specs keep
// systemd's list order (last written first).
import type { PathKind, PathSection, UnitConfig } from '../../directives/types';
import { formatTimespanNumber } from '../../calendar/timespan';
import { RateLimit, UnitBase } from '../base';
import type { InotifyEvent, PathHost } from '../host';
import type { ActiveState, PropValue, ReloadOutcome, StartOutcome, StopOutcome, TriggeredPeer, UnitMachine } from '../types';

export type PathSubState = 'dead' | 'waiting' | 'running' | 'failed';
export type PathResult = 'success' | 'resources' | 'start-limit-hit' | 'unit-start-limit-hit' | 'trigger-limit-hit';

const ACTIVE: Record<PathSubState, ActiveState> = { dead: 'inactive', waiting: 'active', running: 'active', failed: 'failed' };

// inotify(7) bits
export const IN = {
  MODIFY: 0x2, ATTRIB: 0x4, CLOSE_WRITE: 0x8, MOVED_FROM: 0x40, MOVED_TO: 0x80, CREATE: 0x100, DELETE: 0x200,
  DELETE_SELF: 0x400, MOVE_SELF: 0x800, DONT_FOLLOW: 0x02000000,
} as const;

const BASE = IN.DELETE_SELF | IN.MOVE_SELF | IN.ATTRIB;
const CHANGES = BASE | IN.CLOSE_WRITE | IN.CREATE | IN.DELETE | IN.MOVED_FROM | IN.MOVED_TO;
/** path_spec_watch()'s flags_table. */
export const FLAGS: Record<PathKind, number> = {
  PathExists: BASE,
  PathExistsGlob: BASE,
  PathChanged: CHANGES,
  PathModified: CHANGES | IN.MODIFY,
  DirectoryNotEmpty: BASE | IN.CREATE | IN.MOVED_TO,
};
const PARENT_FLAGS = IN.MOVE_SELF | IN.DELETE_SELF | IN.CREATE | IN.MOVED_TO;
const ENOENT = 2, EACCES = 13, ENOTDIR = 20;

interface Spec { kind: PathKind; path: string; watching: boolean; primaryWd: number; previousExists: boolean }

export class PathMachine implements UnitMachine {
  readonly id: string;
  readonly unitType = 'path' as const;
  readonly base: UnitBase;
  cfg: UnitConfig;
  state: PathSubState = 'dead';
  res: PathResult = 'success';
  specs: Spec[];
  readonly triggerLimit: RateLimit;
  private deferPending = false;

  constructor(cfg: UnitConfig, readonly host: PathHost) {
    this.cfg = cfg;
    this.id = cfg.id;
    this.base = new UnitBase(cfg, host);
    this.specs = this.buildSpecs(cfg);
    this.triggerLimit = new RateLimit(this.p.triggerLimitIntervalUs, this.p.triggerLimitBurst);
  }

  private get p(): PathSection {
    if (!this.cfg.path) throw new Error(`${this.id}: no [Path] section`);
    return this.cfg.path;
  }

  private buildSpecs(cfg: UnitConfig): Spec[] {
    return (cfg.path?.specs ?? []).map((s) => ({ kind: s.kind, path: s.path, watching: false, primaryWd: -1, previousExists: false }));
  }

  activeState(): ActiveState { return ACTIVE[this.state]; }
  subState(): string { return this.state; }
  result(): string { return this.res; }
  canReload(): boolean { return false; }
  reload(): ReloadOutcome { return 'unsupported'; }
  invocationId(): string { return this.base.invocationId; }
  startLimitHit(): boolean { return this.base.startLimitHit; }
  onChildExit(): void { /* no processes */ }
  onTimer(): void { /* no timers */ }

  reconfigure(cfg: UnitConfig): void {
    const waiting = this.state === 'waiting';
    this.unwatch();
    this.cfg = cfg;
    this.base.reconfigure(cfg);
    const old = new Map(this.specs.map((s) => [`${s.kind}\0${s.path}`, s.previousExists]));
    this.specs = this.buildSpecs(cfg);
    for (const s of this.specs) s.previousExists = old.get(`${s.kind}\0${s.path}`) ?? false;
    this.triggerLimit.intervalUs = this.p.triggerLimitIntervalUs;
    this.triggerLimit.burst = this.p.triggerLimitBurst;
    if (waiting) this.enterWaiting(false, false);
  }

  private setState(ns: PathSubState): void {
    const os = this.state;
    this.state = ns;
    if (ns !== 'waiting' && ns !== 'running') this.unwatch();
    this.base.notifyStateChange(ACTIVE[os], ACTIVE[ns], os, ns, this.res,
      { reloadFailure: false, willAutoRestart: false, skipCondition: false }, () => null);
  }

  private enterDead(f: PathResult): void {
    if (this.res === 'success') this.res = f;
    if (this.res !== 'success') this.host.log('warning', `${this.id}: Failed with result '${this.res}'.`);
    this.setState(this.res !== 'success' ? 'failed' : 'dead');
  }

  // ---- watches (path_spec_watch / path_spec_unwatch) ----

  private unwatch(): void {
    this.specs.forEach((s, i) => { if (s.watching) { this.host.inotifyClose(i); s.watching = false; } });
  }

  /** path_spec_watch(): an error text, or null. */
  private watchSpec(i: number): string | null {
    const s = this.specs[i]!;
    if (s.watching) { this.host.inotifyClose(i); s.watching = false; }
    const o = this.host.inotifyOpen(i);
    if (!o.ok) return `Failed to allocate inotify fd: ${o.error}`;
    s.watching = true;
    let exists = false;
    let oldPrefix: string | null = null;
    let lastErr = '';
    // prefixes "/", "/a", "/a/b", ... then the path itself with its type's flags
    const parts = s.path.split('/').filter((x) => x !== '');
    const prefixes: string[] = ['/'];
    for (let k = 1; k < parts.length; k++) prefixes.push('/' + parts.slice(0, k).join('/'));
    const steps: { path: string; flags: number; full: boolean }[] = [
      ...prefixes.map((p) => ({ path: p, flags: PARENT_FLAGS, full: false })),
      { path: s.path, flags: FLAGS[s.kind], full: true },
    ];
    for (const step of steps) {
      let incomplete = false;
      let wd = -1;
      for (let follow = 0; follow < 2; follow++) {
        const r = this.host.inotifyAddWatch(i, step.path, follow ? step.flags : step.flags | IN.DONT_FOLLOW);
        if ('errno' in r) {
          lastErr = r.error;
          if (r.errno === EACCES || r.errno === ENOENT) { incomplete = true; break; }
          this.unwatchSpec(i);
          return `Failed to add watch on ${step.path}: ${r.error}`;
        }
        wd = r.wd;
      }
      if (incomplete) break;
      exists = true;
      if (oldPrefix !== null) this.host.inotifyAddWatch(i, oldPrefix, IN.MOVE_SELF);
      if (step.full) { s.primaryWd = wd; break; }
      oldPrefix = step.path;
    }
    if (!exists) {
      this.unwatchSpec(i);
      return `Failed to add watch on any of the components of ${s.path}: ${lastErr}`;
    }
    return null;
  }

  private unwatchSpec(i: number): void {
    const s = this.specs[i]!;
    if (s.watching) { this.host.inotifyClose(i); s.watching = false; }
  }

  // ---- conditions (path_spec_check_good) ----

  private checkGood(s: Spec, initial: boolean, fromTriggerNotify: boolean): string | null {
    let good = false;
    let trigger: string | null = null;
    switch (s.kind) {
      case 'PathExists': good = this.host.pathExists(s.path); break;
      case 'PathExistsGlob': trigger = this.host.globFirst(s.path); good = trigger !== null; break;
      case 'DirectoryNotEmpty': {
        const k = this.host.dirIsEmpty(s.path);
        good = !(k === -ENOENT || k === -ENOTDIR || k > 0);
        break;
      }
      case 'PathChanged':
      case 'PathModified': {
        const b = this.host.pathExists(s.path);
        good = !initial && !fromTriggerNotify && b !== s.previousExists;
        s.previousExists = b;
        break;
      }
    }
    return good ? (trigger ?? s.path) : null;
  }

  private checkAll(initial: boolean, fromTriggerNotify: boolean): string | null {
    for (const s of this.specs) {
      const t = this.checkGood(s, initial, fromTriggerNotify);
      if (t !== null) return t;
    }
    return null;
  }

  // ---- transitions ----

  private enterRunning(triggerPath: string): void {
    if (this.host.hasStopJob()) return;
    if (!this.triggerLimit.below(this.host.now())) {
      this.host.log('warning', `${this.id}: Trigger limit hit, refusing further activation.`);
      this.enterDead('trigger-limit-hit');
      return;
    }
    if (!this.host.triggerTarget()) {
      this.host.log('error', `${this.id}: Unit to trigger vanished.`);
      this.enterDead('resources');
      return;
    }
    const r = this.host.startTriggered({ TRIGGER_UNIT: this.id, TRIGGER_PATH: triggerPath });
    if (!r.ok) {
      this.host.log('warning', `${this.id}: Failed to queue unit startup job: ${r.error}`);
      this.enterDead('resources');
      return;
    }
    this.setState('running');
    this.unwatch();
  }

  /** path_enter_waiting(). */
  enterWaiting(initial: boolean, fromTriggerNotify: boolean): void {
    const trigger = this.host.triggerTarget();
    if (trigger && trigger.activeState !== 'inactive' && trigger.activeState !== 'failed') {
      this.setState('running');
      this.unwatch();
      return;
    }
    let t = this.checkAll(initial, fromTriggerNotify);
    if (t !== null) { this.host.log('debug', `${this.id}: Got triggered.`); this.enterRunning(t); return; }
    for (let i = 0; i < this.specs.length; i++) {
      const err = this.watchSpec(i);
      if (err) {
        this.host.log('warning', `${this.id}: Failed to enter waiting state: ${err}`);
        this.enterDead('resources');
        return;
      }
    }
    // the file may have appeared or gone while the watches were set up
    t = this.checkAll(false, fromTriggerNotify);
    if (t !== null) { this.host.log('debug', `${this.id}: Got triggered.`); this.enterRunning(t); return; }
    this.setState('waiting');
  }

  start(): StartOutcome {
    if (this.state === 'waiting' || this.state === 'running') return 'noop';
    if (!this.base.testStartLimit()) { this.enterDead('start-limit-hit'); return 'start-limit-hit'; }
    if (!this.base.testConditions()) return 'condition-failed';
    if (!this.base.testAsserts()) return 'assert-failed';
    const trigger = this.host.triggerTarget();
    if (!trigger) { this.host.log('error', `${this.id}: Refusing to start, no unit to trigger.`); return 'refused'; }
    if (!trigger.loaded) { this.host.log('error', `${this.id}: Refusing to start, unit ${trigger.id} to trigger not loaded.`); return 'refused'; }
    this.base.invocationId = this.host.newInvocationId();
    if (this.p.makeDirectory) {
      for (const s of this.specs) {
        if (s.kind === 'PathExists' || s.kind === 'PathExistsGlob') continue;
        const e = this.host.mkdirP(s.path, this.p.directoryMode);
        if (e) this.host.log('warning', `${this.id}: mkdir(${s.path}) failed: ${e}`);
      }
    }
    this.res = 'success';
    this.enterWaiting(true, false);
    return 'started';
  }

  stop(): StopOutcome {
    if (this.state === 'dead' || this.state === 'failed') return 'noop';
    this.enterDead('success');
    return 'stopping';
  }

  resetFailed(): void {
    if (this.state === 'failed') this.setState('dead');
    this.res = 'success';
    this.base.resetStartLimit();
  }

  fail(result: 'resources'): void {
    if (this.state === 'failed') return;
    this.enterDead(result);
  }

  /** path_dispatch_io(): one read's worth of events from the inotify instance of spec `index`. */
  onInotify(index: number, events: InotifyEvent[]): void {
    if (this.state !== 'waiting' && this.state !== 'running') return;
    const s = this.specs[index];
    if (!s || !s.watching) return;
    const changed = (s.kind === 'PathChanged' || s.kind === 'PathModified') && events.some((e) => e.wd === s.primaryWd);
    if (changed) this.enterRunning(s.path);
    else this.enterWaiting(false, false);
  }

  /** The inotify instance of spec `index` failed (read error): systemd enters failed (resources). */
  onInotifyError(index: number, error: string): void {
    if (this.state !== 'waiting' && this.state !== 'running') return;
    this.host.log('error', `${this.id}: Failed to read inotify event for ${this.specs[index]?.path ?? '?'}: ${error}`);
    this.enterDead('resources');
  }

  /** path_trigger_notify(): deferred to a later turn, then re-evaluated against the current state. */
  onTriggeredUnitChange(peer: TriggeredPeer): void {
    this.triggerNotify(peer.activeState, peer.startLimitHit, peer.hasJob, false);
  }

  private triggerNotify(active: ActiveState, startLimitHit: boolean, hasJob: boolean, onDefer: boolean): void {
    if (this.state !== 'waiting' && this.state !== 'running') return;
    if (startLimitHit) { this.enterDead('unit-start-limit-hit'); return; }
    if (hasJob) return;
    const inactive = active === 'inactive' || active === 'failed';
    if (this.state === 'running' && inactive) {
      if (!onDefer) this.host.log('debug', `${this.id}: Got notified about unit deactivation.`);
    } else if (this.state === 'waiting' && !inactive) {
      if (!onDefer) this.host.log('debug', `${this.id}: Got notified about unit activation.`);
    } else return;
    if (onDefer) { this.enterWaiting(false, true); return; }
    if (this.deferPending) return;
    this.deferPending = true;
    this.host.defer(() => {
      this.deferPending = false;
      const t = this.host.triggerTarget();
      if (!t) {
        if (this.state === 'waiting' || this.state === 'running') {
          this.host.log('error', `${this.id}: Unit to trigger vanished.`);
          this.enterDead('resources');
        }
        return;
      }
      this.triggerNotify(t.activeState, t.startLimitHit ?? false, t.hasJob ?? false, true);
    });
  }

  properties(): Record<string, PropValue> {
    const p = this.cfg.path;
    return {
      ...this.base.baseProperties(),
      ActiveState: this.activeState(), SubState: this.state, Result: this.res,
      Unit: this.host.triggerTarget()?.id ?? '',
      Paths: this.specs.map((s) => `${s.path} (${s.kind})`).join('\n'),
      MakeDirectory: p?.makeDirectory ?? false,
      DirectoryMode: (p?.directoryMode ?? 0o755).toString(8).padStart(4, '0'),
      TriggerLimitIntervalUSec: formatTimespanNumber(p?.triggerLimitIntervalUs ?? 2_000_000),
      TriggerLimitBurst: p?.triggerLimitBurst ?? 200,
    };
  }
}
