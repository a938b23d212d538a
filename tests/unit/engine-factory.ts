// Test factory for engine tests: builds UnitConfig objects from a compact spec and an Engine whose host
// records every runJob call, lets tests drive unit states by hand, and collects job results. A fake timer
// list stands in for the clock (fire() runs due timers).
import type { UnitConfig, DepKind } from '../../src/directives/types';
import { synthesizeUnit } from '../../src/engine/synth';
import { Engine } from '../../src/engine';
import type { ActiveState, JobInfo, JobResult, EngineLog, RunJobOutcome, StateChangeInfo } from '../../src/engine';

export interface UnitSpec extends Partial<Record<DepKind, string[]>> {
  load?: UnitConfig['loadState'];
  defaultDependencies?: boolean;
  reload?: boolean;                // has ExecReload
  stopWhenUnneeded?: boolean;
  refuseManualStart?: boolean;
  refuseManualStop?: boolean;
  allowIsolate?: boolean;
  ignoreOnIsolate?: boolean;
  jobTimeoutUs?: number;
  wantsDirs?: string[];
  requiresDirs?: string[];
  sockets?: string[];
  service?: string;                // Service= on a socket
  accept?: boolean;
  aliases?: string[];
}

export function makeConfig(name: string, s: UnitSpec): UnitConfig {
  const c = synthesizeUnit(name, s.load ?? 'loaded');
  for (const k of Object.keys(c.unit.deps) as DepKind[]) c.unit.deps[k] = [...(s[k] ?? [])];
  c.unit.defaultDependencies = s.defaultDependencies ?? false;
  c.unit.stopWhenUnneeded = !!s.stopWhenUnneeded;
  c.unit.refuseManualStart = !!s.refuseManualStart;
  c.unit.refuseManualStop = !!s.refuseManualStop;
  c.unit.allowIsolate = !!s.allowIsolate;
  c.unit.ignoreOnIsolate = !!s.ignoreOnIsolate;
  if (s.jobTimeoutUs !== undefined) c.unit.jobTimeoutUs = s.jobTimeoutUs;
  c.wantsFromDirs = [...(s.wantsDirs ?? [])];
  c.requiresFromDirs = [...(s.requiresDirs ?? [])];
  if (c.service) {
    c.service.execStart = [{ path: '/bin/true', argv: ['/bin/true'], ignoreFailure: false, noEnvExpand: false, privileged: '', file: '', line: 0 }];
    if (s.reload) c.service.execReload = [{ path: '/bin/true', argv: ['/bin/true'], ignoreFailure: false, noEnvExpand: false, privileged: '', file: '', line: 0 }];
    c.service.sockets = [...(s.sockets ?? [])];
  }
  if (c.socket) {
    c.socket.listen = [{ kind: 'stream', address: `/run/${name}`, file: '', line: 0 }];
    c.socket.service = s.service ?? '';
    c.socket.accept = !!s.accept;
  }
  if (s.aliases) c.names = [name, ...s.aliases];
  return c;
}

export interface Harness {
  engine: Engine;
  /** runJob calls as "unit/type". */
  calls: string[];
  /** Finished jobs as "unit/type=result" in completion order. */
  finished: string[];
  logs: EngineLog[];
  timers: { at: number; cb: () => void; id: number }[];
  now: number;
  /** Report a state change (old state taken from the engine). */
  set(unit: string, ns: ActiveState, info?: StateChangeInfo): void;
  state(unit: string): ActiveState;
  /** Advance the fake clock by us microseconds, firing due timers. */
  advance(us: number): void;
  result(unit: string): string | undefined;
  /** Pending run-queue resumes (opts.budget: EngineHost.runBudget/yieldRun). */
  resumes: Array<() => void>;
}

/** auto: the executor completes start/stop/restart/reload at once (units go active/inactive). */
export function harness(spec: Record<string, UnitSpec>, opts: { auto?: boolean; fail?: string[]; userMode?: boolean; budget?: number } = {}): Harness {
  const fail = new Set(opts.fail ?? []);
  const h: Harness = {
    engine: undefined as unknown as Engine, calls: [], finished: [], logs: [], timers: [], now: 0, resumes: [],
    set(unit, ns, info) { const old = h.engine.activeState(unit); h.engine.unitStateChanged(unit, old, ns, info); },
    state(unit) { return h.engine.activeState(unit); },
    advance(us) {
      h.now += us;
      for (;;) {
        const due = h.timers.filter((t) => t.at <= h.now).sort((a, b) => a.at - b.at)[0];
        if (!due) break;
        h.timers.splice(h.timers.indexOf(due), 1);
        due.cb();
      }
    },
    result(unit) { const f = [...h.finished].reverse().find((x) => x.startsWith(unit + '/')); return f?.split('=')[1]; },
  };
  let timerId = 0;
  const run = (job: JobInfo): RunJobOutcome => {
    h.calls.push(`${job.unit}/${job.type}`);
    if (!opts.auto) return 'wait';
    if (job.type === 'start') {
      if (fail.has(job.unit)) { h.set(job.unit, 'activating'); h.set(job.unit, 'failed'); return 'wait'; }
      h.set(job.unit, 'activating'); h.set(job.unit, 'active'); return 'wait';
    }
    if (job.type === 'stop' || job.type === 'restart') { h.set(job.unit, 'deactivating'); h.set(job.unit, 'inactive'); return 'wait'; }
    if (job.type === 'reload') { h.set(job.unit, 'reloading'); h.set(job.unit, 'active'); return 'wait'; }
    return 'done';
  };
  h.engine = new Engine({
    userMode: opts.userMode,
    loader: (name) => { const s = spec[name]; return s ? makeConfig(name, s) : null; },
    host: {
      runJob: run,
      jobFinished: (j: JobInfo, r: JobResult) => { h.finished.push(`${j.unit}/${j.type}=${r}`); },
      log: (l) => { h.logs.push(l); },
      setTimer: (us, cb) => { const t = { at: h.now + us, cb, id: ++timerId }; h.timers.push(t); return t; },
      clearTimer: (handle) => { const i = h.timers.indexOf(handle as { at: number; cb: () => void; id: number }); if (i >= 0) h.timers.splice(i, 1); },
      ...(opts.budget ? { runBudget: opts.budget, yieldRun: (resume: () => void) => { h.resumes.push(resume); } } : {}),
    },
  });
  return h;
}
