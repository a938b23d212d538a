// Job execution for the engine and what follows a unit's state change: the engine asks runJob() to start,
// stop or reload a unit (the machine answers with a StartOutcome/...); jobFinished() prints systemd's
// status lines (Manager.statusLine: only while booting or shutting down) and tells subscribers;
// applyStateChange() turns a machine's report into status lines,
// events, engine job completion, trigger notifications (sockets, timers, paths follow the units they
// trigger) and Accept=yes connection bookkeeping.
// Invariants: reports are applied in the order machines made them (the manager's deferred queue); the
// console verbs come from the unit-type registry; no unit class is named here.
import type { UnitConfig } from '../directives/types';
import { shellMaybeQuote } from '../directives/values';
import type { JobInfo, JobResult, JobType, RunJobOutcome } from '../engine';
import { reloadJobOutcome, startJobOutcome, stopJobOutcome, type JobOutcome } from '../units/jobs';
import { statusVerbs } from '../units/registry';
import { isInactiveOrFailed, statusKind, triggerPhaseOf, type StateChange, type StatusKind } from '../units/types';
import type { Manager } from './manager';
import type { UnitRuntime } from './runtimes';

export function describe(cfg: UnitConfig): string {
  const d = cfg.unit.description;
  return d && d !== cfg.id ? `${cfg.id} - ${d}` : cfg.id;
}

export function toRpcJob(j: JobInfo): { id: number; unit: string; type: 'start' | 'stop' | 'restart' | 'try-restart' | 'reload' | 'reload-or-start' | 'verify-active' | 'nop'; state: 'waiting' | 'running' } {
  const t = j.type === 'try-reload' ? 'reload' : j.type;
  return { id: j.id, unit: j.unit, type: t, state: j.state };
}

/** systemd 252's console line and log message when a start job ends other than done (job_done_messages
 *  and job_done_message_format's generic_finished_start_job): [status word, format, log priority]; the
 *  journal's MESSAGE_ID is UNIT_FAILED for each (job_done_mid). A start job that is done
 *  prints the unit's own "Started"/"Finished"/"Reached target" line when its state changes (applyStateChange);
 *  canceled, skipped, invalid and collected jobs have no word and print nothing. */
const START_JOB_DONE: Partial<Record<JobResult, readonly [string, string, number]>> = {
  timeout: [' TIME ', 'Timed out starting %s.', 3],
  failed: ['FAILED', 'Failed to start %s.', 3],
  dependency: ['DEPEND', 'Dependency failed for %s.', 4],
  assert: ['ASSERT', 'Assertion failed for %s.', 4],
  unsupported: ['UNSUPP', 'Starting of %s unsupported.', 4],
  once: [' ONCE ', 'Unit %s has been started before and cannot be started again.', 3],
};

/** The jobs under which a unit's begin and done lines are printed: starting/started, stopping/stopped. */
const STARTING_JOBS: ReadonlySet<JobType> = new Set<JobType>(['start', 'restart', 'try-restart', 'reload-or-start']);
const STOPPING_JOBS: ReadonlySet<JobType> = new Set<JobType>(['stop', 'restart', 'try-restart']);

export class JobRunner {
  constructor(private readonly m: Manager) {}

  run(job: JobInfo): RunJobOutcome {
    const m = this.m;
    const rt = m.runtimes.get(job.unit);
    const machine = rt.machine;
    const map = (o: JobOutcome): RunJobOutcome => (o === 'retry' ? 'again' : o);
    switch (job.type) {
      case 'start': {
        if (m.life.stopping && !allowedDuringShutdown(job.unit)) return { result: 'canceled' };
        const o = machine.start();
        if (o === 'condition-failed') m.unitLog(job.unit, 'info', `${describe(rt.cfg)} was skipped because of an unmet condition check.`);
        return map(startJobOutcome(o));
      }
      case 'stop': case 'restart':
        return map(stopJobOutcome(machine.stop({ restart: job.type === 'restart' })));
      case 'reload': case 'try-reload': case 'reload-or-start':
        return map(reloadJobOutcome(machine.reload()));
      default:
        return 'done';
    }
  }

  finished(job: JobInfo, result: JobResult): void {
    const m = this.m;
    const rt = m.runtimes.peek(job.unit);
    const unitResult = rt ? rt.machine.result() : 'success';
    const done = rt && job.type === 'start' ? START_JOB_DONE[result] : undefined;
    if (rt && done) {
      const text = done[1].replace('%s', describe(rt.cfg));
      m.statusLine(`[${done[0]}] ${text}`);
      if (result === 'failed') m.statusLine(`See 'systemctl status ${shellMaybeQuote(rt.id)}' for details.`);
      m.unitStatus(rt.id, 'failed', done[2], text, unitResult);
    }
    m.emit({ type: 'job', phase: 'removed', job: toRpcJob(job), result, unitResult });
    // systemd also runs trigger_notify when a job goes away: a timer or path whose service was skipped
    // (condition) or refused never sees a state change, yet must re-arm.
    if (rt) {
      const a = rt.machine.activeState(), sub = rt.machine.subState();
      this.notifyTriggering(rt, { unit: rt.id, oldActive: a, newActive: a, oldSub: sub, newSub: sub, result: unitResult,
        flags: { reloadFailure: false, willAutoRestart: false, skipCondition: false } }, (t) => t === 'timer' || t === 'path');
    }
    m.life.jobFinished(job.id);
    m.jobQueueMaybeIdle();
    m.life.recompute();
  }

  /** A machine's state report, applied after the call stack that made it. */
  applyStateChange(c: StateChange): void {
    const m = this.m;
    const rt = m.runtimes.peek(c.unit);
    const desc = rt ? describe(rt.cfg) : c.unit;
    const kind = c.flags.quiet ? null : this.statusOf(c);
    if (kind) {
      const verbs = statusVerbs(rt?.cfg.type ?? 'service');
      const text = kind === 'starting' ? `Starting ${desc}...` : kind === 'stopping' ? `Stopping ${desc}...`
        : `${rt ? (kind === 'started' ? verbs.started(rt.cfg) : verbs.stopped(rt.cfg)) : kind === 'started' ? 'Started' : 'Stopped'} ${desc}.`;
      // status_vprintf(): "[  OK  ] " before a done line, as many spaces before a begin line (an empty status)
      m.statusLine(kind === 'started' || kind === 'stopped' ? `[  OK  ] ${text}` : `         ${text}`);
      m.unitStatus(c.unit, kind, 6, text);
    }
    m.emit({ type: 'unit', unit: c.unit, loadState: rt?.cfg.loadState ?? 'loaded', activeState: c.newActive, subState: c.newSub, result: c.result, ts: m.platform.realtimeUs() });
    m.engine.unitStateChanged(c.unit, c.oldActive, c.newActive, { reloadFailure: c.flags.reloadFailure, willAutoRestart: c.flags.willAutoRestart });
    if (rt) this.notifyTriggering(rt, c);
    if (isInactiveOrFailed(c.newActive)) m.unitStopped(c.unit, c.newActive);
    m.life.recompute();
  }

  /** The status message of a state change, as systemd emits them from jobs (job_emit_start_message,
   *  job_emit_done_message): only while a job of the matching kind is installed on the unit. A unit changing
   *  state with none (a mount found at boot, a service whose process exits, the wait before an automatic
   *  restart) prints and logs nothing, as in systemd 252 (podman: no "Mounted" lines for the mounts it finds
   *  at boot). A stop that ends failed is a stop job done (unit_notify): "[  OK  ] Stopped X." (podman), while
   *  a start that times out into stop-sigterm and fails, under its start job, prints only the job's line. */
  private statusOf(c: StateChange): StatusKind | null {
    const job = this.m.engine.graph.peek(c.unit)?.job?.type;
    if (job === undefined) return null;
    const kind = statusKind(c.oldActive, c.newActive, c.result);
    if (kind === 'starting' || kind === 'started') return STARTING_JOBS.has(job) ? kind : null;
    if (kind === 'stopping' || kind === 'stopped') return STOPPING_JOBS.has(job) ? kind : null;
    return null;
  }

  /** trigger_notify: the units that trigger this one (socket, timer, path) learn its new state. */
  private notifyTriggering(rt: UnitRuntime, c: StateChange, only?: (type: string) => boolean): void {
    const m = this.m;
    const u = m.engine.graph.peek(rt.id);
    if (!u) return;
    const by = u.get('TriggeredBy');
    if (by.length === 0) return;
    const machine = rt.machine;
    const peer = {
      id: rt.id,
      activeState: c.newActive,
      phase: machine.triggerPhase ? machine.triggerPhase(c.newSub) : triggerPhaseOf(c.newActive),
      result: c.result,
      startLimitHit: c.result === 'start-limit-hit' || (c.newActive === 'failed' && (machine.startLimitHit?.() ?? false)),
      hasJob: !!u.job,
    };
    for (const s of by) {
      if (only && !only(s.type)) continue;
      const srt = m.runtimes.peek(s.id);
      if (srt?.machine.onTriggeredUnitChange) m.barrier.guard('deferred', srt.id, () => srt.machine.onTriggeredUnitChange?.(peer));
    }
  }
}

function allowedDuringShutdown(unit: string): boolean {
  return unit === 'shutdown.target' || unit.startsWith('systemd-') || unit.endsWith('.target');
}
