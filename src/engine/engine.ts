// The job engine: turns requests into transactions, installs their jobs, runs the run queue (a job runs
// once no job it is ordered after is pending; stop before start), completes jobs from the manager's
// unit-state reports (unit_notify), and applies run-time propagation: start-failure → `dependency` results,
// BindsTo stop (crash included), PartOf/Requires stop+restart through transactions, StopWhenUnneeded,
// Upholds, OnFailure/OnSuccess, retroactive start/stop on unexpected state changes, job timeouts.
// Pure: time and execution come from the injected EngineHost. Re-entrant calls are queued, never nested.
// This file owns the job tables, transactions' installation, the run queue and its budget, finishing jobs
// (result propagation to dependents, waiters) and JobTimeoutSec=; run.ts decides what running a job and a
// state report mean for it, propagation.ts the run-time propagation (retroactive jobs, OnFailure/OnSuccess,
// BindsTo/Upholds/StopWhenUnneeded queues).
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
import {
  dispatchStartWhenUpheld, dispatchStopWhenBound, dispatchStopWhenUnneeded, retroactivelyStart, retroactivelyStop,
  startOnFailure, type InternalJob,
} from './propagation';
import { runJobOutcome, stateReportOutcome, type RunEffects } from './run';

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
    this.runEffects = { host: this.host, slice: (u, to) => this.slice(u, to), log: this.logFn };
  }

  private log(l: EngineLog): void { this.host.log?.(l); }
  private readonly logFn = (l: EngineLog): void => this.log(l);
  private readonly internalJobFn: InternalJob = (u, type, mode, level) => this.internalJob(u, type, mode, level);
  private readonly runEffects: RunEffects;

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
        if (this.stopWhenBoundQueue.size) { progress = true; dispatchStopWhenBound(this.stopWhenBoundQueue, this.internalJobFn, this.logFn); }
        if (this.startWhenUpheldQueue.size) { progress = true; dispatchStartWhenUpheld(this.startWhenUpheldQueue, this.internalJobFn, this.logFn); }
        if (this.stopWhenUnneededQueue.size) { progress = true; dispatchStopWhenUnneeded(this.stopWhenUnneededQueue, this.internalJobFn, this.logFn); }
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

  /** job_run_and_invalidate (the per-type decision is runJobOutcome, run.ts) */
  private runJob(j: Job): void {
    if (this.blockers(j).length) return;   // stays waiting; re-queued when a blocker finishes
    const outcome = runJobOutcome(j, this.runEffects);
    if (outcome === null) return;
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
      if (j.state === 'waiting') this.addToRunQueue(j);
      const r = stateReportOutcome(j, ns, !!info.reloadFailure);
      unexpected = r.unexpected;
      if (r.finish !== null) this.finish(j, r.finish, true, false);
    }
    if (unexpected) {
      if (isInactiveOrFailed(os) && isActiveOrActivating(ns)) retroactivelyStart(u, this.internalJobFn);
      else if (isActiveOrActivating(os) && isInactiveOrDeactivating(ns)) retroactivelyStop(u, this.internalJobFn);
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

  private startOnFailure(u: Unit, which: 'OnFailure=' | 'OnSuccess='): void { startOnFailure(u, which, this.internalJobFn, this.logFn); }

  private internalJob(u: Unit, type: JobType, mode: JobMode, level: 'warning' | 'debug' = 'warning'): boolean {
    try { this.addJob(u, type, mode, {}, []); return true; } catch (e) {
      if (!(e instanceof EngineError)) throw e;
      this.log({ level, unit: u.id, message: `Failed to enqueue ${type} job, ignoring: ${e.message}` });
      return false;
    }
  }
}
