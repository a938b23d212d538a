// tsysd dependency engine — public API (pure: no Node imports; time and execution are injected).
//
// Graph (graph.ts):
//   new Engine({ loader: (name) => UnitConfig | null, userMode?, host }) ; engine.graph: Graph
//   graph.unit(name): Unit            load on demand (aliases resolve to the same Unit); unknown → not-found
//   graph.peek(name) / graph.units() / graph.reload(loader?)   (engine.reload(loader?) for daemon-reload)
//   unit.get(kind: DepType): Iterable<Unit>   effective edges: explicit + inverse + .wants/.requires dirs +
//     Sockets=, socket→service Triggers/TriggeredBy, slices, default dependencies (systemd 252).
//   graph.effectiveDeps(unit, kinds?) → { Requires: [...], After: [...], ... } (sorted ids)
// Transactions (transaction.ts, systemd transaction.c order):
//   engine.enqueue(name, type: RequestedJobType, mode: JobMode = 'replace', { manual?, dryRun?, onFinished? })
//     → { ok: true, job: JobInfo (anchor), jobs: JobInfo[] (installed/merged), cycles }
//     | { ok: false, code: EngineErrorCode, message: systemd's text, cycles }
//   types start stop restart try-restart reload try-reload reload-or-start verify-active
//   (+ reload-or-restart, try-reload-or-restart as systemctl maps them); modes replace fail isolate
//   ignore-dependencies ignore-requirements flush replace-irreversibly triggering.
// Run queue (engine.ts; per-job decisions run.ts, propagation propagation.ts): installed jobs run when
//   nothing they are ordered after is pending (stop first).
//   host.runJob(job) → 'done' | 'wait' | 'again' | { result }  ('again' = not now, rerun on the unit's
//   next state change). runJob gets start/stop/reload and 'restart' for the stop phase of a restart
//   (the engine turns it into a start once the unit is inactive). verify-active, nop, starts of active
//   units, stops of inactive ones, BindsTo checks and slices are handled by the engine itself. The
//   manager then reports
//   engine.unitStateChanged(name, oldActive, newActive, { reloadFailure?, willAutoRestart? }) and the
//   engine completes jobs and applies run-time propagation (BindsTo, PartOf/Requires via transactions,
//   StopWhenUnneeded, Upholds, OnFailure/OnSuccess, start-failure → 'dependency').
//   host.jobFinished(job, result); engine.whenFinished(id, cb); engine.listJobs(); engine.cancelJob(id)
//   JobTimeoutSec= through host.setTimer/clearTimer (microseconds). engine.hold = true keeps installed jobs
//   from running (plan); engine.dispatch() runs queues (called by every entry point already).
//   engine.blockingJobs(id) lists the jobs a job waits for; engine.activeState(name) the engine's view.
//   PropagatesReloadTo= is applied inside the reload transaction (try-reload jobs); callers must not
//   re-propagate. OnFailure/OnSuccess, Upholds, StopWhenUnneeded, BindsTo stops are enqueued by the engine.
// Plan (plan.ts): planTransaction(engine, units, type, mode) → PlanResult (the `tsysd plan --json` object).
// compileUnit() sets UnitConfig.depOrder (src/directives/dep-order.ts) so [Unit] edges are added in
//   file order as systemd does; without it edges are added kind by kind (only rare orderings differ).
export { Engine } from './engine';
export type { EngineHost, EngineOptions, EnqueueResult, EnqueueOptions, RunJobOutcome, StateChangeInfo } from './engine';
export { Graph, Unit, SPECIAL } from './graph';
export type { UnitLoader } from './graph';
export type { JobInfo } from './job';
export type { CycleInfo } from './transaction';
export * from './types';
export * from './jobtype';
export { synthesizeUnit } from './synth';
export { planTransaction } from './plan';
export type { PlanResult, PlanOptions } from './plan';
