// The job engine: turns requests into transactions, installs their jobs, runs the run queue (a job runs
// once no job it is ordered after is pending; stop before start), completes jobs from the manager's
// unit-state reports (unit_notify), and applies run-time propagation: start-failure → `dependency` results,
// BindsTo stop (crash included), PartOf/Requires stop+restart through transactions, StopWhenUnneeded,
// Upholds, OnFailure/OnSuccess, retroactive start/stop on unexpected state changes, job timeouts.
// Pure: time and execution come from the injected EngineHost. Re-entrant calls are queued, never nested.
import { Graph } from './graph';
import type { Unit, UnitLoader } from './graph';
import { Job } from './job';
import type { JobInfo } from './job';
import { Transaction, isConflictingSafe } from './transaction';
import type { CycleInfo } from './transaction';
import type { ActiveState, EngineLog, JobMode, JobResult, RequestedJobType, JobType, EngineErrorCode } from './types';
import { ATOM, EngineError, isActiveOrActivating, isActiveOrReloading, isInactiveOrDeactivating, isInactiveOrFailed } from './types';
import { allowsLateMerge, collapse, isSuperset, jobCompare, mergeAndCollapse, requestedToJobType } from './jobtype';
import type { EmergencyAction } from '../directives/types';

/** What the executor answers when asked to run a job: finished now ('done'), in progress until a state
 * report completes it ('wait'), not possible yet — rerun on this unit's next state change ('again',
 * systemd's -EAGAIN, e.g. start while still stopping), or finished with a result. */
export type RunJobOutcome = 'done' | 'wait' | 'again' | { result: JobResult };

export interface EngineHost {
  /** Perform start/stop/restart(stop phase)/reload on the unit. Not called for verify-active/nop, for
   * jobs the engine can answer itself (already in the target state), or for slices unless runsSlices. */
  runJob(job: JobInfo): RunJobOutcome;
  /** Slice jobs go to runJob too (the manager's slice units realize their cgroups); without it the engine
   *  flips a slice's state itself. */
  runsSlices?: boolean;
  /** Every finished job, with its result (the RPC layer answers `start` from here). */
  jobFinished?(job: JobInfo, result: JobResult): void;
  jobInstalled?(job: JobInfo): void;
  log?(l: EngineLog): void;
  /** Timers for JobTimeoutSec=; times in microseconds. */
  setTimer?(us: number, cb: () => void): unknown;
  clearTimer?(handle: unknown): void;
  /** JobTimeoutAction= and similar unit-requested actions. */
  emergencyAction?(action: EmergencyAction, unit: string, reason: string): void;
  /** With yieldRun, at most runBudget jobs run before the engine hands the rest of the run queue to
   *  `resume`, which the host calls on a later event-loop turn (a boot of 10,000 services then lets the
   *  manager see its first children exec, and close their status pipes, before it spawns the next ones). */
  runBudget?: number;
  yieldRun?(resume: () => void): void;
}

export interface EngineOptions { loader: UnitLoader; userMode?: boolean; container?: boolean; devices?: boolean; host: EngineHost }

export type EnqueueResult =
  | { ok: true; job: JobInfo; jobs: JobInfo[]; cycles: CycleInfo[] }
  | { ok: false; code: EngineErrorCode; message: string; cycles: CycleInfo[] };

export interface EnqueueOptions {
  /** A request from a client (checks RefuseManualStart/Stop, AllowIsolate). */
  manual?: boolean;
  /** Build and verify the transaction but do not install it (tsysd plan). */
  dryRun?: boolean;
  /** Called once with the anchor job's result. */
  onFinished?: (result: JobResult) => void;
}

export interface DryRunJob { unit: string; type: JobType; ignoreOrder: boolean }

export interface StateChangeInfo {
  /** The reload failed although the unit stays active (UNIT_NOTIFY_RELOAD_FAILURE). */
  reloadFailure?: boolean;
  /** The unit is going to auto-restart (suppresses OnFailure/OnSuccess, pins StopWhenUnneeded). */
  willAutoRestart?: boolean;
}

export class Engine {
  readonly graph: Graph;
  private readonly host: EngineHost;
  private nextJobId = 1;
  private readonly installed = new Map<number, Job>();
  private readonly runQueue: Job[] = [];
  private readonly stopWhenUnneededQueue = new Set<Unit>();
  private readonly stopWhenBoundQueue = new Set<Unit>();
  private readonly startWhenUpheldQueue = new Set<Unit>();
  private readonly waiters = new Map<number, ((r: JobResult) => void)[]>();
  private dispatching = false;
  private budgetUsed = 0;       // jobs run since the last yield (host.runBudget)
  private yielded = false;      // a resume is pending
  /** When true, installed jobs are not run (tsysd plan: build transactions on an idle system). */
  hold = false;
  /** The last dry-run transaction's jobs (for plan). */
  lastDryRun: DryRunJob[] = [];

  constructor(opts: EngineOptions) {
    this.graph = new Graph({ loader: opts.loader, userMode: opts.userMode ?? false, container: opts.container ?? false, devices: opts.devices ?? true });
    this.host = opts.host;
  }

  private log(l: EngineLog): void { this.host.log?.(l); }

  // ---- requests -------------------------------------------------------------------------------------
  /** manager_add_job: build, verify and install a transaction. */
  enqueue(name: string, requested: RequestedJobType, mode: JobMode = 'replace', opts: EnqueueOptions = {}): EnqueueResult {
    const cycles: CycleInfo[] = [];
    try {
      const known = this.graph.peek(name) !== undefined;
      const unit = this.graph.unit(name);
      // D-Bus StopUnit & co. look the unit up without loading it: "Unit X not loaded."
      if (opts.manual && !known && requested !== 'start' && requested !== 'restart' && requested !== 'reload-or-start'
        && requested !== 'reload-or-restart' && requested !== 'verify-active' && unit.loadState !== 'loaded') {
        throw new EngineError('not-found', `Unit ${unit.id} not loaded.`);
      }
      const r = this.addJob(unit, requested, mode, opts, cycles);
      if (!opts.dryRun) this.dispatch();
      return r;
    } catch (e) {
      if (e instanceof EngineError) return { ok: false, code: e.code, message: e.message, cycles };
      throw e;
    }
  }

  private addJob(unit: Unit, requested: RequestedJobType, mode: JobMode, opts: EnqueueOptions, cycles: CycleInfo[]): EnqueueResult & { ok: true } {
    const raw = requestedToJobType(requested, unit.canReload);
    if (opts.manual) {
      const startish = raw === 'start' || raw === 'restart' || raw === 'try-restart' || raw === 'reload-or-start';
      if ((startish && unit.config.unit.refuseManualStart) || (raw === 'stop' && unit.config.unit.refuseManualStop)) {
        throw new EngineError('only-by-dependency', `Operation refused, unit ${unit.id} may be requested by dependency only (it is configured to refuse manual start/stop).`);
      }
    }
    if (mode === 'isolate' && raw !== 'start') throw new EngineError('invalid-mode', 'Isolate is only valid for start.');
    if (mode === 'isolate' && !unit.config.unit.allowIsolate) throw new EngineError('no-isolation', 'Operation refused, unit may not be isolated.');
    if (mode === 'triggering' && raw !== 'stop') throw new EngineError('invalid-mode', "--job-mode=triggering is only valid for stop.");
    const type = collapse(raw, unit.activeState);
    const tr = new Transaction(this.graph, () => this.nextJobId++, (l) => this.log(l), mode === 'replace-irreversibly', () => this.installed.values());
    try {
      tr.addJobAndDependencies(type, unit, null, true, false, mode === 'ignore-dependencies' || mode === 'ignore-requirements', mode === 'ignore-dependencies');
      if (mode === 'isolate') tr.addIsolateJobs();
      if (mode === 'triggering') tr.addTriggeringJobs(unit);
      tr.activate(mode);
    } finally { cycles.push(...tr.cycles); }
    const anchor = tr.anchor!;
    const finals = tr.finalJobs();
    if (opts.dryRun) {
      this.lastDryRun = finals.map((j) => ({ unit: j.unit.id, type: j.type, ignoreOrder: j.ignoreOrder }));
      return { ok: true, job: anchor.info(), jobs: finals.map((j) => j.info()), cycles };
    }
    const applied = this.apply(finals, mode, anchor);
    const a = applied.get(anchor) ?? anchor;
    this.log({ level: 'debug', unit: unit.id, message: `Enqueued job ${a.name} as ${a.id}` });
    if (opts.onFinished) this.whenFinished(a.id, opts.onFinished);
    return { ok: true, job: a.info(), jobs: [...applied.values()].map((j) => j.info()), cycles };
  }

  /** transaction_apply: install jobs (merging into or canceling installed ones), queue them. */
  private apply(jobs: Job[], mode: JobMode, _anchor: Job): Map<Job, Job> {
    if (mode === 'isolate' || mode === 'flush') {
      const units = new Set(jobs.map((j) => j.unit));
      for (const j of [...this.installed.values()]) {
        if (j.unit.config.unit.ignoreOnIsolate || units.has(j.unit)) continue;
        this.finish(j, 'canceled', false, false);
      }
    }
    const out = new Map<Job, Job>();
    for (const j of jobs) {
      j.subjects = []; j.objects = []; j.marker = null;
      const inst = this.install(j);
      out.set(j, inst);
      this.addToRunQueue(inst);
      this.startTimer(inst);
    }
    return out;
  }

  private install(j: Job): Job {
    const u = j.unit;
    if (j.type === 'nop') {   // systemd keeps nop jobs in a slot of their own (unit->nop_job)
      j.installed = true;
      this.installed.set(j.id, j);
      this.host.jobInstalled?.(j.info());
      return j;
    }
    const uj = u.job;
    if (uj) {
      if (isConflictingSafe(uj.type, j.type)) this.finish(uj, 'canceled', false, false);
      else {
        const t = mergeAndCollapse(uj.type, j.type, u.activeState) ?? uj.type;
        const late = allowsLateMerge(j.type) && isSuperset(uj.type, j.type);
        uj.type = t;
        uj.irreversible ||= j.irreversible;
        uj.ignoreOrder ||= j.ignoreOrder;
        if (!(uj.state === 'waiting' || late)) uj.state = 'waiting';
        return uj;
      }
    }
    u.job = j;
    j.installed = true;
    this.installed.set(j.id, j);
    this.log({ level: 'debug', unit: u.id, message: `Installed new job ${j.name} as ${j.id}` });
    this.host.jobInstalled?.(j.info());
    return j;
  }

  private startTimer(j: Job): void {
    const us = j.unit.config.unit.jobTimeoutUs;
    if (!this.host.setTimer || j.timer !== null || !(us > 0) || us === Infinity) return;
    j.timer = this.host.setTimer(us, () => {
      j.timer = null;
      if (!j.installed) return;
      this.log({ level: 'warning', unit: j.unit.id, message: `Job ${j.name} timed out.` });
      const action = j.unit.config.unit.jobTimeoutAction;
      this.finish(j, 'timeout', true, false);
      if (action !== 'none') this.host.emergencyAction?.(action, j.unit.id, 'job timed out');
      this.dispatch();
    });
  }

  /** Cancel an installed job (systemctl cancel). */
  cancelJob(id: number): boolean {
    const j = this.installed.get(id);
    if (!j) return false;
    this.finish(j, 'canceled', true, false);
    this.dispatch();
    return true;
  }

  listJobs(): JobInfo[] { return [...this.installed.values()].sort((a, b) => a.id - b.id).map((j) => j.info()); }
  /** Number of installed jobs (O(1); for hot paths that only need to know whether the queue is empty). */
  jobCount(): number { return this.installed.size; }
  /** Is any installed job of this type (O(jobs), no sorting or copying)? */
  hasJobOfType(type: JobType): boolean { for (const j of this.installed.values()) if (j.type === type) return true; return false; }
  getJob(id: number): JobInfo | null { return this.installed.get(id)?.info() ?? null; }
  /** Call cb with the job's result when it finishes (immediately never: jobs finish asynchronously). */
  whenFinished(id: number, cb: (r: JobResult) => void): void {
    const l = this.waiters.get(id);
    if (l) l.push(cb); else this.waiters.set(id, [cb]);
  }
  /** Jobs that block this one (for `list-jobs --before/--after` style output). */
  blockingJobs(id: number): JobInfo[] {
    const j = this.installed.get(id);
    return j ? this.blockers(j).map((b) => b.info()) : [];
  }

  /** daemon-reload: re-read all units, keep run-time state and installed jobs. */
  reload(loader?: UnitLoader): void { this.graph.reload(loader); this.dispatch(); }

  activeState(name: string): ActiveState { return this.graph.peek(name)?.activeState ?? 'inactive'; }
  /** Whether the orderly shutdown stops the unit: a stoppable unit, and for a mount one that conflicts with
   *  umount.target (systemd unmounts only those; /, /usr, /etc and API file systems stay, mount_is_extrinsic). */
  stoppedAtShutdown(name: string): boolean {
    const u = this.graph.peek(name);
    if (!u) return true;
    return u.canStop && (u.type !== 'mount' || u.get('Conflicts').some((o) => o.id === 'umount.target'));
  }
  hasJob(name: string): boolean { return !!this.graph.peek(name)?.job; }

  // ---- run queue ------------------------------------------------------------------------------------
  private addToRunQueue(j: Job): void {
    if (j.inRunQueue || !j.installed || j.state !== 'waiting') return;
    j.inRunQueue = true;
    this.runQueue.push(j);
  }

  private blockers(j: Job): Job[] {
    const out: Job[] = [];
    if (j.ignoreOrder || j.type === 'nop') return out;
    for (const o of j.unit.get('After')) if (o.job && jobCompare(j, o.job, 'after') > 0) out.push(o.job);
    for (const o of j.unit.get('Before')) if (o.job && jobCompare(j, o.job, 'before') > 0) out.push(o.job);
    return out;
  }

  /** Run everything runnable and the propagation queues until quiescent. Called by every entry point. */
  dispatch(): void {
    if (this.dispatching || this.hold) return;
    this.dispatching = true;
    try {
      for (let progress = true; progress;) {
        progress = false;
        while (this.runQueue.length) {
          if (this.overBudget()) break;
          const j = this.runQueue.shift()!;
          j.inRunQueue = false;
          if (j.installed && j.state === 'waiting') this.runJob(j);
          progress = true;
        }
        if (this.stopWhenBoundQueue.size) { progress = true; this.dispatchStopWhenBound(); }
        if (this.startWhenUpheldQueue.size) { progress = true; this.dispatchStartWhenUpheld(); }
        if (this.stopWhenUnneededQueue.size) { progress = true; this.dispatchStopWhenUnneeded(); }
      }
    } finally { this.dispatching = false; }
  }

  /** True (and a resume scheduled) when this turn's budget of run jobs is spent (EngineHost.runBudget). */
  private overBudget(): boolean {
    const host = this.host, budget = host.runBudget;
    if (!budget || !host.yieldRun) return false;
    if (this.budgetUsed++ < budget) return false;
    if (!this.yielded) {
      this.yielded = true;
      host.yieldRun(() => { this.yielded = false; this.budgetUsed = 0; this.dispatch(); });
    }
    return true;
  }

  /** job_run_and_invalidate */
  private runJob(j: Job): void {
    if (this.blockers(j).length) return;   // stays waiting; re-queued when a blocker finishes
    const u = j.unit;
    j.state = 'running';
    const s = u.activeState;
    let outcome: RunJobOutcome;
    switch (j.type) {
      case 'verify-active':
        if (isActiveOrReloading(s)) outcome = 'done';
        else if (s === 'activating') { j.state = 'waiting'; return; }
        else outcome = { result: 'skipped' };
        break;
      case 'nop': outcome = 'done'; break;
      case 'start':
        if (isActiveOrReloading(s)) { outcome = 'done'; break; }
        // a device cannot be started (CanStart=no) but its start job waits for it to appear (unit_start: -EBADR)
        if (!u.canStart && u.type !== 'device') { outcome = { result: 'failed' }; break; }
        if (!this.verifyDeps(u)) { outcome = { result: 'dependency' }; break; }
        outcome = u.type === 'slice' && !this.host.runsSlices ? this.slice(u, 'active') : this.host.runJob(j.info());
        break;
      case 'stop': case 'restart':
        if (isInactiveOrFailed(s) && j.type === 'stop') { outcome = 'done'; break; }
        if (isInactiveOrFailed(s)) { outcome = 'done'; break; }   // restart of an inactive unit: straight to start
        outcome = u.type === 'slice' && !this.host.runsSlices ? this.slice(u, 'inactive') : this.host.runJob(j.info());
        break;
      case 'reload':
        if (s !== 'active' && s !== 'reloading') {
          this.log({ level: 'warning', unit: u.id, message: 'Unit cannot be reloaded because it is inactive.' });
          outcome = { result: 'invalid' }; break;
        }
        outcome = this.host.runJob(j.info());
        break;
      default: outcome = { result: 'invalid' };
    }
    if (!j.installed) return;   // finished re-entrantly through unitStateChanged
    if (outcome === 'wait') return;
    if (outcome === 'again') { j.state = 'waiting'; return; }
    this.finish(j, outcome === 'done' ? 'done' : outcome.result, true, outcome === 'done');
  }

  private slice(u: Unit, to: ActiveState): RunJobOutcome {
    const old = u.activeState;
    this.unitStateChanged(u.id, old, to);
    return 'done';
  }

  /** unit_verify_deps: a BindsTo= target that is not active refuses the start. */
  private verifyDeps(u: Unit): boolean {
    for (const o of u.get('BindsTo')) {
      if (!isActiveOrReloading(o.activeState)) {
        this.log({ level: 'info', unit: u.id, message: `Bound to unit ${o.id}, but unit isn't active.` });
        return false;
      }
    }
    return true;
  }

  /** job_finish_and_invalidate */
  private finish(j: Job, result: JobResult, recursive: boolean, already: boolean): void {
    if (!j.installed) return;
    const u = j.unit;
    const t = j.type;
    j.result = result;
    this.log({ level: 'debug', unit: u.id, message: `Job ${j.id} ${j.name} finished, result=${result}` });
    if (result === 'done' && t === 'restart') {
      j.type = 'start'; j.state = 'waiting';
      this.addToRunQueue(j);
      this.requeueNeighbours(u);
      return;
    }
    j.installed = false;
    if (u.job === j) u.job = null;
    this.installed.delete(j.id);
    if (j.timer !== null) { this.host.clearTimer?.(j.timer); j.timer = null; }
    const info = j.info();
    this.host.jobFinished?.(info, result);
    const ws = this.waiters.get(j.id);
    if (ws) { this.waiters.delete(j.id); for (const w of ws) w(result); }
    if (result !== 'done' && recursive) {
      if (t === 'start' || t === 'verify-active') this.failDependents(u, ATOM.propagateStartFailure);
      else if (t === 'stop') this.failDependents(u, ATOM.propagateStopFailure);
    }
    if (t === 'start' && result === 'done' && !isActiveOrReloading(u.activeState)) this.failDependents(u, ATOM.propagateInactiveStartAsFailure);
    if (!already && (result === 'timeout' || result === 'dependency')) {
      this.log({ level: 'notice', unit: u.id, message: `Job ${j.name} failed with result '${result}'.` });
      this.startOnFailure(u, 'OnFailure=');
    }
    this.requeueNeighbours(u);
    this.stopWhenUnneededQueue.add(u);
    for (const k of ATOM.addStopWhenUnneededQueue) for (const o of u.get(k)) this.stopWhenUnneededQueue.add(o);
  }

  private failDependents(u: Unit, kinds: readonly ('RequiredBy' | 'RequisiteOf' | 'BoundBy' | 'ConflictedBy')[]): void {
    const seen = new Set<Unit>();
    for (const k of kinds) for (const o of [...u.get(k)]) {
      if (seen.has(o)) continue;
      seen.add(o);
      const oj = o.job;
      if (!oj || !(oj.type === 'start' || oj.type === 'verify-active')) continue;
      this.finish(oj, 'dependency', true, false);
    }
  }

  private requeueNeighbours(u: Unit): void {
    for (const o of u.get('After')) if (o.job) this.addToRunQueue(o.job);
    for (const o of u.get('Before')) if (o.job) this.addToRunQueue(o.job);
  }

  // ---- state reports --------------------------------------------------------------------------------
  /** unit_notify: the manager reports a unit's ActiveState change. */
  unitStateChanged(name: string, os: ActiveState, ns: ActiveState, info: StateChangeInfo = {}): void {
    const u = this.graph.unit(name);
    u.activeState = ns;
    u.willRestart = !!info.willAutoRestart;
    let unexpected = true;
    const j = u.job;
    if (j) {
      unexpected = false;
      if (j.state === 'waiting') this.addToRunQueue(j);
      switch (j.type) {
        case 'start': case 'verify-active':
          if (isActiveOrReloading(ns)) this.finish(j, 'done', true, false);
          else if (j.state === 'running' && ns !== 'activating') {
            unexpected = true;
            if (isInactiveOrFailed(ns)) this.finish(j, ns === 'failed' ? 'failed' : 'done', true, false);
          }
          break;
        case 'reload': case 'reload-or-start': case 'try-reload':
          if (j.state === 'running') {
            if (ns === 'active') this.finish(j, info.reloadFailure ? 'failed' : 'done', true, false);
            else if (ns !== 'activating' && ns !== 'reloading') {
              unexpected = true;
              if (isInactiveOrFailed(ns)) this.finish(j, ns === 'failed' ? 'failed' : 'done', true, false);
            }
          }
          break;
        case 'stop': case 'restart': case 'try-restart':
          if (isInactiveOrFailed(ns)) this.finish(j, 'done', true, false);
          else if (j.state === 'running' && ns !== 'deactivating') { unexpected = true; this.finish(j, 'failed', true, false); }
          break;
        default: break;
      }
    }
    if (unexpected) {
      if (isInactiveOrFailed(os) && isActiveOrActivating(ns)) this.retroactivelyStart(u);
      else if (isActiveOrActivating(os) && isInactiveOrDeactivating(ns)) this.retroactivelyStop(u);
    }
    if (ns !== os && ns === 'failed' && !info.willAutoRestart) this.startOnFailure(u, 'OnFailure=');
    if (ns === 'inactive' && os !== 'failed' && os !== 'inactive' && os !== 'maintenance' && !info.willAutoRestart) this.startOnFailure(u, 'OnSuccess=');
    // FailureAction=/SuccessAction= are run by the unit machines (src/units/base.ts), which know the exit status.
    // queues: maybe unneeded now, maybe bound units must stop, maybe an upheld unit must start
    this.stopWhenUnneededQueue.add(u);
    for (const k of ATOM.addStopWhenUnneededQueue) for (const o of u.get(k)) this.stopWhenUnneededQueue.add(o);
    this.stopWhenBoundQueue.add(u);
    for (const o of u.get('BoundBy')) this.stopWhenBoundQueue.add(o);
    this.startWhenUpheldQueue.add(u);
    for (const o of u.get('Upholds')) this.startWhenUpheldQueue.add(o);
    this.dispatch();
  }

  /** systemd's retroactively_start_dependencies(): requirements u is not ordered After= are started; a
   *  job that cannot be added (not found, masked) is dropped silently, as manager_add_job() there. */
  private retroactivelyStart(u: Unit): void {
    const after = u.get('After');
    for (const k of ATOM.retroactiveStartReplace) for (const o of [...u.get(k)]) {
      if (!after.includes(o) && !o.job && !isActiveOrActivating(o.activeState)) this.internalJob(o, 'start', 'replace', 'debug');
    }
    for (const o of [...u.get('Wants')]) if (!after.includes(o) && !o.job && !isActiveOrActivating(o.activeState)) this.internalJob(o, 'start', 'fail', 'debug');
    for (const k of ATOM.retroactiveStopOnStart) for (const o of [...u.get(k)]) {
      if (!isInactiveOrDeactivating(o.activeState)) this.internalJob(o, 'stop', 'replace');
    }
  }

  private retroactivelyStop(u: Unit): void {
    for (const k of ATOM.retroactiveStopOnStop) for (const o of [...u.get(k)]) if (!isInactiveOrDeactivating(o.activeState)) this.internalJob(o, 'stop', 'replace');
  }

  private startOnFailure(u: Unit, which: 'OnFailure=' | 'OnSuccess='): void {
    const kind = which === 'OnFailure=' ? 'OnFailure' : 'OnSuccess';
    const targets = [...u.get(kind)];
    if (!targets.length) return;
    this.log({ level: 'debug', unit: u.id, message: `Triggering ${which} dependencies.` });
    const mode = (which === 'OnFailure=' ? u.config.unit.onFailureJobMode : 'fail') as JobMode;
    for (const o of targets) {
      const r = this.internalJob(o, 'start', mode);
      if (!r) this.log({ level: 'warning', unit: u.id, message: `Failed to enqueue ${which} job, ignoring.` });
    }
  }

  private internalJob(u: Unit, type: JobType, mode: JobMode, level: 'warning' | 'debug' = 'warning'): boolean {
    try { this.addJob(u, type, mode, {}, []); return true; } catch (e) {
      if (!(e instanceof EngineError)) throw e;
      this.log({ level, unit: u.id, message: `Failed to enqueue ${type} job, ignoring: ${e.message}` });
      return false;
    }
  }

  private dispatchStopWhenBound(): void {
    const units = [...this.stopWhenBoundQueue]; this.stopWhenBoundQueue.clear();
    for (const u of units) {
      if (u.activeState !== 'active' || u.job) continue;
      for (const o of u.get('BindsTo')) {
        if (o.job || !isInactiveOrFailed(o.activeState)) continue;
        this.log({ level: 'info', unit: u.id, message: `Unit is bound to inactive unit ${o.id}. Stopping, too.` });
        this.internalJob(u, 'stop', 'replace');
        break;
      }
    }
  }

  private dispatchStartWhenUpheld(): void {
    const units = [...this.startWhenUpheldQueue]; this.startWhenUpheldQueue.clear();
    for (const u of units) {
      if (isActiveOrActivating(u.activeState) || u.job || u.loadState !== 'loaded') continue;
      for (const o of u.get('UpheldBy')) {
        if (!isActiveOrActivating(o.activeState)) continue;
        this.log({ level: 'info', unit: u.id, message: `Unit is upheld by active unit ${o.id}, restarting.` });
        this.internalJob(u, 'start', 'fail');
        break;
      }
    }
  }

  private dispatchStopWhenUnneeded(): void {
    const units = [...this.stopWhenUnneededQueue]; this.stopWhenUnneededQueue.clear();
    for (const u of units) {
      if (!u.config.unit.stopWhenUnneeded || u.activeState !== 'active' || u.job) continue;
      let needed = false;
      for (const k of ATOM.pinsStopWhenUnneeded) for (const o of u.get(k)) {
        if (o.job || !isInactiveOrFailed(o.activeState) || o.willRestart) needed = true;
      }
      if (needed) continue;
      this.log({ level: 'info', unit: u.id, message: 'Unit not needed anymore. Stopping.' });
      this.internalJob(u, 'stop', 'fail');
    }
  }
}
