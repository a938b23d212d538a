// Job execution for the engine and what follows a unit's state change: the engine asks runJob() to start,
// stop or reload a unit (the machine answers with a StartOutcome/...); jobFinished() prints systemd's
// status lines (Manager.statusLine: only while booting or shutting down) and tells subscribers;
// applyStateChange() turns a machine's report into status lines,
// events, engine job completion, trigger notifications (sockets, timers, paths follow the units they
// trigger) and Accept=yes connection bookkeeping.
// Invariants: reports are applied in the order machines made them (the manager's deferred queue); the
// console verbs come from the unit-type registry; no unit class is named here.
import type { UnitConfig } from '../directives/types';
import type { JobInfo, JobResult, RunJobOutcome } from '../engine';
import { reloadJobOutcome, startJobOutcome, stopJobOutcome, type JobOutcome } from '../units/jobs';
import { statusVerbs } from '../units/registry';
import { isInactiveOrFailed, statusKind, triggerPhaseOf, type StateChange } from '../units/types';
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
    if (rt && job.type === 'start' && result !== 'done' && result !== 'canceled') {
      if (result === 'dependency') m.statusLine(`[DEPEND] Dependency failed for ${describe(rt.cfg)}.`);
      else m.statusLine(`[FAILED] Failed to start ${describe(rt.cfg)}.`);
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
    const kind = c.flags.quiet ? null : statusKind(c.oldActive, c.newActive, c.result);
    if (kind) {
      const verbs = statusVerbs(rt?.cfg.type ?? 'service');
      if (kind === 'starting') m.statusLine(`Starting ${desc}...`);
      else if (kind === 'started') m.statusLine(`[  OK  ] ${rt ? verbs.started(rt.cfg) : 'Started'} ${desc}.`);
      else if (kind === 'stopping') m.statusLine(`Stopping ${desc}...`);
      else if (kind === 'stopped') m.statusLine(`[  OK  ] ${rt ? verbs.stopped(rt.cfg) : 'Stopped'} ${desc}.`);
      else m.statusLine(`[FAILED] ${c.unit} failed (Result: ${c.result}).`);
    }
    m.emit({ type: 'unit', unit: c.unit, loadState: rt?.cfg.loadState ?? 'loaded', activeState: c.newActive, subState: c.newSub, result: c.result, ts: m.platform.realtimeUs() });
    m.engine.unitStateChanged(c.unit, c.oldActive, c.newActive, { reloadFailure: c.flags.reloadFailure, willAutoRestart: c.flags.willAutoRestart });
    if (rt) this.notifyTriggering(rt, c);
    if (isInactiveOrFailed(c.newActive)) m.unitStopped(c.unit, c.newActive);
    m.life.recompute();
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
