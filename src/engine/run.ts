// What running a job and a unit's state report mean for one job (systemd job_run_and_invalidate's
// per-type cases, unit_verify_deps, and unit_notify's job completion switch). The engine (engine.ts) owns
// the queue, installation, finishing and timeouts; this file only decides.
// Invariants: pure; runJobOutcome() moves the job to 'running' (or back to 'waiting') and calls the host's
// runJob only for start/stop/restart/reload work the engine cannot answer itself; stateReportOutcome()
// never finishes a job itself, it returns the result the engine finishes it with.
import type { Unit } from './graph';
import type { Job } from './job';
import type { ActiveState, EngineLog, JobResult } from './types';
import { isActiveOrReloading, isInactiveOrFailed } from './types';
import type { EngineHost, RunJobOutcome } from './engine';

/** The effects runJobOutcome() may need: the host, the engine's own slice flip, and logging. */
export interface RunEffects {
  host: EngineHost;
  slice: (u: Unit, to: ActiveState) => RunJobOutcome;
  log: (l: EngineLog) => void;
}

/** job_run_and_invalidate's decision for a runnable job: its outcome, or null when it stays waiting. */
export function runJobOutcome(j: Job, fx: RunEffects): RunJobOutcome | null {
  const u = j.unit;
  j.state = 'running';
  const s = u.activeState;
  let outcome: RunJobOutcome;
  switch (j.type) {
    case 'verify-active':
      if (isActiveOrReloading(s)) outcome = 'done';
      else if (s === 'activating') { j.state = 'waiting'; return null; }
      else outcome = { result: 'skipped' };
      break;
    case 'nop': outcome = 'done'; break;
    case 'start':
      if (isActiveOrReloading(s)) { outcome = 'done'; break; }
      // a device cannot be started (CanStart=no) but its start job waits for it to appear (unit_start: -EBADR)
      if (!u.canStart && u.type !== 'device') { outcome = { result: 'failed' }; break; }
      if (!verifyDeps(u, fx.log)) { outcome = { result: 'dependency' }; break; }
      outcome = u.type === 'slice' && !fx.host.runsSlices ? fx.slice(u, 'active') : fx.host.runJob(j.info());
      break;
    case 'stop': case 'restart':
      if (isInactiveOrFailed(s) && j.type === 'stop') { outcome = 'done'; break; }
      if (isInactiveOrFailed(s)) { outcome = 'done'; break; }   // restart of an inactive unit: straight to start
      outcome = u.type === 'slice' && !fx.host.runsSlices ? fx.slice(u, 'inactive') : fx.host.runJob(j.info());
      break;
    case 'reload':
      if (s !== 'active' && s !== 'reloading') {
        fx.log({ level: 'warning', unit: u.id, message: 'Unit cannot be reloaded because it is inactive.' });
        outcome = { result: 'invalid' }; break;
      }
      outcome = fx.host.runJob(j.info());
      break;
    default: outcome = { result: 'invalid' };
  }
  return outcome;
}

/** unit_verify_deps: a BindsTo= target that is not active refuses the start. */
function verifyDeps(u: Unit, log: (l: EngineLog) => void): boolean {
  for (const o of u.get('BindsTo')) {
    if (!isActiveOrReloading(o.activeState)) {
      log({ level: 'info', unit: u.id, message: `Bound to unit ${o.id}, but unit isn't active.` });
      return false;
    }
  }
  return true;
}

/** unit_notify's job switch: what the unit's new active state means for its installed job — the result to
 *  finish it with (null: it stays) and whether the change was unexpected (retroactive propagation). */
export function stateReportOutcome(j: Job, ns: ActiveState, reloadFailure: boolean): { finish: JobResult | null; unexpected: boolean } {
  let unexpected = false;
  let finish: JobResult | null = null;
  switch (j.type) {
    case 'start': case 'verify-active':
      if (isActiveOrReloading(ns)) finish = 'done';
      else if (j.state === 'running' && ns !== 'activating') {
        unexpected = true;
        if (isInactiveOrFailed(ns)) finish = ns === 'failed' ? 'failed' : 'done';
      }
      break;
    case 'reload': case 'reload-or-start': case 'try-reload':
      if (j.state === 'running') {
        if (ns === 'active') finish = reloadFailure ? 'failed' : 'done';
        else if (ns !== 'activating' && ns !== 'reloading') {
          unexpected = true;
          if (isInactiveOrFailed(ns)) finish = ns === 'failed' ? 'failed' : 'done';
        }
      }
      break;
    case 'stop': case 'restart': case 'try-restart':
      if (isInactiveOrFailed(ns)) finish = 'done';
      else if (j.state === 'running' && ns !== 'deactivating') { unexpected = true; finish = 'failed'; }
      break;
    default: break;
  }
  return { finish, unexpected };
}
