// Run-time propagation after a unit's state change (systemd unit_notify's follow-ups): retroactive start
// and stop of dependencies on unexpected changes, OnFailure=/OnSuccess= jobs, and the three deferred
// queues the engine drains while dispatching — stop-when-bound (BindsTo=), start-when-upheld (Upholds=)
// and stop-when-unneeded (StopWhenUnneeded=).
// Invariants: pure decisions over the unit graph; every job goes through the engine's `InternalJob`
// (a transaction like any other, failures logged and dropped); a queue drain clears the queue before it
// acts, so units added meanwhile are seen on the next dispatch round.
import type { Unit } from './graph';
import type { EngineLog, JobMode, JobType } from './types';
import { ATOM, isActiveOrActivating, isInactiveOrDeactivating, isInactiveOrFailed } from './types';

/** Enqueue an internal job (no manual checks); false (logged at `level`) when it cannot be added. */
export type InternalJob = (u: Unit, type: JobType, mode: JobMode, level?: 'warning' | 'debug') => boolean;
type Log = (l: EngineLog) => void;

/** systemd's retroactively_start_dependencies(): requirements u is not ordered After= are started; a
 *  job that cannot be added (not found, masked) is dropped silently, as manager_add_job() there. */
export function retroactivelyStart(u: Unit, job: InternalJob): void {
  const after = u.get('After');
  for (const k of ATOM.retroactiveStartReplace) for (const o of [...u.get(k)]) {
    if (!after.includes(o) && !o.job && !isActiveOrActivating(o.activeState)) job(o, 'start', 'replace', 'debug');
  }
  for (const o of [...u.get('Wants')]) if (!after.includes(o) && !o.job && !isActiveOrActivating(o.activeState)) job(o, 'start', 'fail', 'debug');
  for (const k of ATOM.retroactiveStopOnStart) for (const o of [...u.get(k)]) {
    if (!isInactiveOrDeactivating(o.activeState)) job(o, 'stop', 'replace');
  }
}

export function retroactivelyStop(u: Unit, job: InternalJob): void {
  for (const k of ATOM.retroactiveStopOnStop) for (const o of [...u.get(k)]) if (!isInactiveOrDeactivating(o.activeState)) job(o, 'stop', 'replace');
}

export function startOnFailure(u: Unit, which: 'OnFailure=' | 'OnSuccess=', job: InternalJob, log: Log): void {
  const kind = which === 'OnFailure=' ? 'OnFailure' : 'OnSuccess';
  const targets = [...u.get(kind)];
  if (!targets.length) return;
  log({ level: 'debug', unit: u.id, message: `Triggering ${which} dependencies.` });
  const mode = (which === 'OnFailure=' ? u.config.unit.onFailureJobMode : 'fail') as JobMode;
  for (const o of targets) {
    const r = job(o, 'start', mode);
    if (!r) log({ level: 'warning', unit: u.id, message: `Failed to enqueue ${which} job, ignoring.` });
  }
}

export function dispatchStopWhenBound(queue: Set<Unit>, job: InternalJob, log: Log): void {
  const units = [...queue]; queue.clear();
  for (const u of units) {
    if (u.activeState !== 'active' || u.job) continue;
    for (const o of u.get('BindsTo')) {
      if (o.job || !isInactiveOrFailed(o.activeState)) continue;
      log({ level: 'info', unit: u.id, message: `Unit is bound to inactive unit ${o.id}. Stopping, too.` });
      job(u, 'stop', 'replace');
      break;
    }
  }
}

export function dispatchStartWhenUpheld(queue: Set<Unit>, job: InternalJob, log: Log): void {
  const units = [...queue]; queue.clear();
  for (const u of units) {
    if (isActiveOrActivating(u.activeState) || u.job || u.loadState !== 'loaded') continue;
    for (const o of u.get('UpheldBy')) {
      if (!isActiveOrActivating(o.activeState)) continue;
      log({ level: 'info', unit: u.id, message: `Unit is upheld by active unit ${o.id}, restarting.` });
      job(u, 'start', 'fail');
      break;
    }
  }
}

export function dispatchStopWhenUnneeded(queue: Set<Unit>, job: InternalJob, log: Log): void {
  const units = [...queue]; queue.clear();
  for (const u of units) {
    if (!u.config.unit.stopWhenUnneeded || u.activeState !== 'active' || u.job) continue;
    let needed = false;
    for (const k of ATOM.pinsStopWhenUnneeded) for (const o of u.get(k)) {
      if (o.job || !isInactiveOrFailed(o.activeState) || o.willRestart) needed = true;
    }
    if (needed) continue;
    log({ level: 'info', unit: u.id, message: 'Unit not needed anymore. Stopping.' });
    job(u, 'stop', 'fail');
  }
}
