// Test support (not a test file): a fake TimerHost on two manual clocks (monotonic and realtime, which
// can jump apart), the coalescing queues the manager uses, a fake triggered service whose state the test
// drives, and [Timer] configs built through the real directive tables (so defaults and parsing are the
// production ones).
import { compileUnit } from '../../src/directives/compile';
import type { UnitConfig } from '../../src/directives/types';
import { LibcTime } from '../../src/calendar/libc';
import { ClockQueue } from '../../src/units/timer/coalesce';
import type { FixedDelayIdentity } from '../../src/units/timer/fixed-delay';
import type { ConditionEval, StartTriggeredResult, TimerHost, TriggerTarget } from '../../src/units/host';
import type { ActiveState, StateChange, TriggeredPeer } from '../../src/units/types';
import { TimerMachine } from '../../src/units/timer/machine';
import type { SpecifierContext, UnitSource } from '../../src/unit-file/types';

const SPEC_CTX: SpecifierContext = {
  userMode: false, hostname: 'host.example', machineId: 'm'.repeat(32), bootId: 'b'.repeat(32), kernelRelease: '6.1.0',
  architecture: 'x86-64', userName: 'root', uid: 0, groupName: 'root', gid: 0, home: '/root', shell: '/bin/sh',
  runtimeDir: '/run', stateDir: '/var/lib', cacheDir: '/var/cache', logsDir: '/var/log', configDir: '/etc', tmpDir: '/tmp', varTmpDir: '/var/tmp', osRelease: {}, realpath: (p: string) => p,
};

export const SEC = 1_000_000;
export const MIN = 60 * SEC;
export const HOUR = 60 * MIN;
export const DAY = 24 * HOUR;

/** A .timer config compiled from [Timer] lines by the real tables. */
export function timerConfig(lines: string[], id = 'test.timer'): UnitConfig {
  const assignments = lines.map((l, i) => {
    const eq = l.indexOf('=');
    return { section: 'Timer', key: l.slice(0, eq), value: l.slice(eq + 1), file: `/test/${id}`, line: i + 2 };
  });
  const src: UnitSource = {
    requested: id, id, names: [id], type: 'timer', loadState: 'loaded', fragmentPath: `/test/${id}`, dropInPaths: [],
    prefix: id.split('.')[0]!, instance: '', assignments, diagnostics: [], wantsFromDirs: [], requiresFromDirs: [],
  };
  return compileUnit(src, SPEC_CTX);
}

export interface FiredJob { at: { mono: number; rt: number }; env: Record<string, string> }

export class FakeTimerHost implements TimerHost {
  mono = 1000 * SEC;            // the machine has been up 1000 s
  rt: number;
  userspace = 5 * SEC;          // the manager started 5 s after the kernel
  container = true;
  readonly monoQ = new ClockQueue(0);
  readonly rtQ = new ClockQueue(0);
  readonly jobs: FiredJob[] = [];
  readonly logs: string[] = [];
  readonly changes: StateChange[] = [];
  readonly files = new Map<string, number>();     // path → mtime (realtime µs)
  randoms: bigint[] = [];
  stopJob = false;
  refuseJobs = false;
  machine: TimerMachine | null = null;
  trigger: TriggerTarget | null = { id: 'test.service', loaded: true, activeState: 'inactive', inactiveExitMonotonic: 0, inactiveEnterMonotonic: 0 };
  identity: FixedDelayIdentity = { machineId: null, system: true, uid: 0 };
  stamp: string | null = '/var/lib/systemd/timers/stamp-test.timer';

  constructor(readonly zone: LibcTime = new LibcTime(() => null, 'UTC'), realtimeStart = Date.UTC(2024, 2, 30, 12, 0, 0) * 1000) {
    this.rt = realtimeStart;
  }

  // ---- UnitHost ----
  now(): number { return this.mono; }
  realtime(): number { return this.rt; }
  armTimer(): void { throw new Error('timers use armClockTimer'); }
  clearTimer(key: string): void { this.monoQ.clear(key); this.rtQ.clear(key); }
  log(level: string, text: string): void { this.logs.push(`${level}: ${text}`); }
  stateChanged(c: StateChange): void { this.changes.push(c); }
  evaluateConditions(): ConditionEval { return { ok: true, failed: null }; }
  emergencyAction(): void { /* none */ }
  newInvocationId(): string { return '0123456789abcdef0123456789abcdef'; }

  // ---- TimerHost ----
  triggerTarget(): TriggerTarget | null { return this.trigger; }
  startTriggered(env: Record<string, string>): StartTriggeredResult {
    if (this.refuseJobs) return { ok: false, error: 'Transaction is destructive.' };
    this.jobs.push({ at: { mono: this.mono, rt: this.rt }, env });
    return { ok: true };
  }
  hasStopJob(): boolean { return this.stopJob; }
  armClockTimer(key: string, clock: 'monotonic' | 'realtime', at: number, accuracy: number): void {
    this.clearTimer(key);
    const q = clock === 'monotonic' ? this.monoQ : this.rtQ;
    q.arm(key, at, accuracy, () => this.machine?.onTimer(key));
  }
  userspaceMonotonic(): number { return this.userspace; }
  inContainer(): boolean { return this.container; }
  libc(): LibcTime { return this.zone; }
  stampPath(): string | null { return this.stamp; }
  fileMtime(path: string): number | null { return this.files.get(path) ?? null; }
  touchFile(path: string, realtimeUs: number | null): void { this.files.set(path, realtimeUs ?? this.rt); }
  randomU64(): bigint { return this.randoms.shift() ?? 0n; }
  fixedDelayIdentity(): FixedDelayIdentity { return this.identity; }

  // ---- test drivers ----
  /** The next wake-up on the monotonic time line (realtime wake-ups mapped through the current offset). */
  nextWake(): number {
    const m = this.monoQ.nextWake();
    const r = this.rtQ.nextWake();
    const rm = r === Infinity ? Infinity : r - this.rt + this.mono;
    return Math.min(m, rm);
  }

  /** Let `us` pass on both clocks, dispatching wake-ups as the manager's event loop would. */
  advance(us: number): void {
    const end = this.mono + us;
    for (;;) {
      const w = this.nextWake();
      if (w > end) break;
      const step = Math.max(0, w - this.mono);
      this.mono += step; this.rt += step;
      for (const fire of [...this.monoQ.due(this.mono), ...this.rtQ.due(this.rt)]) fire();
    }
    this.rt += end - this.mono;
    this.mono = end;
  }

  /** Advance until the next job is queued (or `limit` passes); returns the job. */
  runUntilJob(limit = 400 * DAY): FiredJob | null {
    const n = this.jobs.length;
    const end = this.mono + limit;
    while (this.jobs.length === n) {
      const w = this.nextWake();
      if (w > end) return null;
      this.advance(Math.max(0, w - this.mono));
    }
    return this.jobs[this.jobs.length - 1] ?? null;
  }

  /** The triggered service changes state (as the manager would report through trigger_notify). */
  setTrigger(state: ActiveState): void {
    const t = this.trigger;
    if (!t) return;
    const wasInactive = t.activeState === 'inactive' || t.activeState === 'failed';
    const isInactive = state === 'inactive' || state === 'failed';
    if (wasInactive && !isInactive) t.inactiveExitMonotonic = this.mono;
    if (!wasInactive && isInactive) t.inactiveEnterMonotonic = this.mono;
    t.activeState = state;
    const peer: TriggeredPeer = { id: t.id, activeState: state, phase: isInactive ? 'idle' : 'running', result: 'success', startLimitHit: false, hasJob: false };
    this.machine?.onTriggeredUnitChange(peer);
  }

  /** Run the triggered service for `us` (started now), as a job would. */
  serviceRuns(us: number): void {
    this.setTrigger('activating');
    this.setTrigger('active');
    this.advance(us);
    this.setTrigger('inactive');
  }
}

export function timerRig(lines: string[], host = new FakeTimerHost()): { m: TimerMachine; h: FakeTimerHost } {
  const cfg = timerConfig(lines);
  if (cfg.loadState !== 'loaded') throw new Error(`timer did not load: ${cfg.diagnostics.map((d) => d.message).join('; ')}`);
  const m = new TimerMachine(cfg, host);
  host.machine = m;
  return { m, h: host };
}
