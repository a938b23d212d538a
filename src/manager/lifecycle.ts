// The manager's own life, as one state machine: initializing → starting → running | degraded (| maintenance)
// → stopping → exited. setPhase() owns every transition and its side effects: READY=1 to the supervisor
// above us (once, when boot is over), the shutdown progress lines, the manager events, resolving `exited`.
// The boot job, the orderly shutdown (every unit's stop job installed at once, so the run queue stops them
// in reverse dependency order), a second shutdown request (kill what is left), and the final exit live here.
// Invariants: 'exited' is final and entered exactly once (releaseAll() runs once); nothing but setPhase()
// writes `phase`; every time comes from the platform's clock; no Node imports.
import type { Engine } from '../engine';
import type { Platform, TimerHandle } from '../platform/types';
import type { RpcEvent, SystemState } from '../rpc/protocol';
import type { LogLevel } from '../units/host';
import type { UnitMachine } from '../units/types';
import { dualNow, newBootTimestamps, type BootTimestamps } from './boot-times';

/** A unit as the lifecycle sees it. */
export interface UnitView { readonly id: string; readonly machine: UnitMachine; pids(): number[] }

export type Phase = 'initializing' | 'starting' | 'running' | 'degraded' | 'maintenance' | 'stopping' | 'exited';

/** What the lifecycle needs from the manager. */
export interface LifecycleHost {
  readonly platform: Platform;
  readonly engine: Engine;
  console(line: string): void;
  log(level: LogLevel, text: string): void;
  emit(e: RpcEvent): void;
  /** Every unit that has a machine. */
  machines(): Iterable<UnitView>;
  /** Changes whenever a unit gets or loses its machine (lets scans keep a snapshot). */
  machinesVersion(): number;
  /** The boot target to start, or null (with the reason logged by the host) when there is none. */
  bootTarget(): string | null;
  /** $NOTIFY_SOCKET of our own supervisor ('' = none). */
  readonly parentNotifySocket: string;
  /** Close everything the manager owns (listeners, connections, notify socket, runtime files). Runs once. */
  releaseAll(): void;
  defer(fn: () => void): void;
}

const SHUTDOWN_REPORT_US = 5_000_000;

function assertNever(x: never): never { throw new Error(`unexpected phase ${String(x)}`); }

export class Lifecycle {
  private current: Phase = 'initializing';
  exitCode = 0;
  /** Id of the boot target's start job while it runs (0 = none). */
  private bootJob = 0;
  private bootFailed = false;
  private readySent = false;
  private ticker: TimerHandle | null = null;
  private stopStartedUs = 0;
  private resolveExit: ((code: number) => void) | null = null;
  readonly exited: Promise<number>;
  /** UserspaceTimestamp, FinishTimestamp, UnitsLoad*, the boot target (show, tsysd analyze). */
  readonly bootTimes: BootTimestamps;

  constructor(private readonly h: LifecycleHost) {
    this.exited = new Promise((r) => { this.resolveExit = r; });
    this.bootTimes = newBootTimestamps(h.platform);
  }

  get phase(): Phase { return this.current; }
  get stopping(): boolean { return this.current === 'stopping' || this.current === 'exited'; }

  /** The state `is-system-running` prints (systemd's SystemState: no 'exited', the manager says stopping). */
  systemState(): SystemState { return this.current === 'exited' ? 'stopping' : this.current; }

  /** The one place that changes the phase. */
  setPhase(next: Phase): void {
    const prev = this.current;
    if (prev === next || prev === 'exited') return;
    if (prev === 'stopping' && next !== 'exited') return;
    this.current = next;
    switch (next) {
      case 'initializing':
      case 'starting':
      case 'maintenance':
        break;
      case 'running':
      case 'degraded':
        if (prev === 'starting') this.sendReadyToParent(next);
        if (prev === 'starting' && !this.bootTimes.finish.monotonic) this.bootTimes.finish = dualNow(this.h.platform);
        break;
      case 'stopping':
        this.stopStartedUs = this.h.platform.monotonicUs();
        this.h.emit({ type: 'manager', what: 'stopping', ts: this.h.platform.realtimeUs() });
        this.armTicker();
        break;
      case 'exited':
        if (this.ticker !== null) { this.h.platform.clearTimer(this.ticker); this.ticker = null; }
        this.h.emit({ type: 'manager', what: 'exiting', ts: this.h.platform.realtimeUs() });
        break;
      default:
        assertNever(next);
    }
  }

  // ---- boot -----------------------------------------------------------------------------------------
  boot(): void {
    this.setPhase('starting');
    const target = this.h.bootTarget();
    if (target) {
      this.bootTimes.target = target;
      this.bootTimes.unitsLoadStart = dualNow(this.h.platform);
      const r = this.h.engine.enqueue(target, 'start', 'replace');
      this.bootTimes.unitsLoadFinish = dualNow(this.h.platform);
      if (!r.ok) {
        this.h.log('error', `Failed to start default target ${target}: ${r.message}`);
        this.h.console(`tsysd: failed to start ${target}: ${r.message} (the control socket keeps serving)`);
        this.bootFailed = true;
      } else {
        this.bootJob = r.job.id;
        this.h.engine.whenFinished(r.job.id, (res) => {
          if (res !== 'done') {
            this.bootFailed = true;
            this.h.console(`tsysd: boot target ${target} finished with result '${res}'; the system is degraded.`);
          }
        });
      }
    }
    this.recompute();
  }

  /** A job finished (the boot job's end is noticed here, after its whenFinished callback). */
  jobFinished(id: number): void {
    if (id === this.bootJob) this.bootJob = 0;
  }

  /** Recompute running/degraded/maintenance/starting from the jobs and the units (after every change). */
  recompute(): void {
    const p = this.current;
    if (p === 'initializing' || p === 'stopping' || p === 'exited') return;
    if (this.bootJob !== 0 || (p === 'starting' && this.h.engine.jobCount() > 0)) { this.setPhase('starting'); return; }
    let failed = false;
    let rescue = false;
    for (const m of this.h.machines()) {
      const a = m.machine.activeState();
      if (a === 'failed') failed = true;
      if ((m.id === 'rescue.target' || m.id === 'emergency.target') && a === 'active') rescue = true;
    }
    this.setPhase(rescue ? 'maintenance' : this.bootFailed || failed ? 'degraded' : 'running');
  }

  /** Like systemd as PID 1 of a container: tell our own supervisor that boot is done. */
  private sendReadyToParent(state: 'running' | 'degraded'): void {
    const ns = this.h.parentNotifySocket;
    if (!ns || this.readySent) return;
    this.readySent = true;
    if (!ns.startsWith('/') && !ns.startsWith('@')) { this.h.log('warning', `NOTIFY_SOCKET=${ns}: only path and abstract sockets are supported`); return; }
    const msg = `READY=1\nSTATUS=${state === 'degraded' ? 'Startup finished (degraded)' : 'Startup finished'}\nMAINPID=${this.h.platform.pid()}\n`;
    const r = this.h.platform.sendDatagram(ns, Buffer.from(msg));
    if (r < 0) this.h.log('warning', `Failed to notify ${ns}: ${this.h.platform.strerror(-r)}`);
  }

  // ---- shutdown -------------------------------------------------------------------------------------
  /** Orderly shutdown: stop every unit in reverse dependency order (not the perpetual ones, devices, nor the
   *  mounts systemd leaves mounted: those without Conflicts=umount.target), then exit with `code`. A second request
   *  while stopping kills what is left at once. */
  shutdown(why: string, code: number): void {
    if (this.stopping) {
      this.h.log('notice', 'Shutdown already in progress; forcing remaining units down.');
      this.forceDown();
      return;
    }
    this.exitCode = code;
    this.setPhase('stopping');
    this.h.console(`tsysd: ${why}: stopping all units.`);
    const e = this.h.engine;
    for (const j of e.listJobs()) if (j.type !== 'stop') e.cancelJob(j.id);
    // Install every stop job before any runs, so the run queue orders them all (reverse of start order).
    // Every unit that is not stopped gets its own stop job, so the stop propagation to units that require it
    // would only rebuild (and re-verify) the same jobs once per unit: 'ignore-requirements' skips that and
    // keeps the ordering (After=/Before=) between the jobs.
    e.hold = true;
    try {
      for (const m of this.h.machines()) {
        const a = m.machine.activeState();
        if (a === 'inactive' || a === 'failed' || !e.stoppedAtShutdown(m.id)) continue;
        const r = e.enqueue(m.id, 'stop', 'ignore-requirements');
        if (!r.ok) this.h.log('warning', `Failed to stop ${m.id}: ${r.message}`);
      }
    } finally {
      e.hold = false;
    }
    e.dispatch();
    this.h.defer(() => this.checkShutdownDone());
  }

  private armTicker(): void {
    this.ticker = this.h.platform.setTimer(SHUTDOWN_REPORT_US, () => {
      this.ticker = null;
      if (this.current !== 'stopping') return;
      const waiting: string[] = [];
      for (const m of this.h.machines()) {
        const a = m.machine.activeState();
        if (a !== 'inactive' && a !== 'failed') waiting.push(m.id);
      }
      const s = Math.round((this.h.platform.monotonicUs() - this.stopStartedUs) / 1e6);
      if (waiting.length) this.h.console(`tsysd: still waiting for ${waiting.length} unit(s) to stop (${s}s): ${waiting.slice(0, 10).join(', ')}${waiting.length > 10 ? ', ...' : ''}`);
      this.armTicker();
    });
  }

  /** SIGKILL every process of every unit that is not stopped yet. */
  forceDown(): void {
    for (const m of this.h.machines()) {
      const a = m.machine.activeState();
      if (a === 'inactive' || a === 'failed') continue;
      for (const pid of m.pids()) this.h.platform.kill(pid, 9);
    }
  }

  /** Called whenever a unit stopped during the shutdown: exit once nothing is busy and no stop job is left. */
  checkShutdownDone(): void {
    if (this.current !== 'stopping') return;
    if (this.anyBusy() || this.h.engine.hasJobOfType('stop')) return;
    this.finalExit(this.exitCode);
  }

  /** Some unit is not inactive/failed yet and still has a job or processes. The scan resumes at the unit found busy last time (units seldom
   *  leave the stopped states during a shutdown), and "none busy" is only answered after a full pass, so
   *  1,000 units stopping cost O(n), not O(n²). */
  private anyBusy(): boolean {
    const v = this.h.machinesVersion();
    if (v !== this.scanVersion) { this.scan = [...this.h.machines()]; this.scanVersion = v; this.cursor = 0; }
    const list = this.scan;
    for (let k = 0; k < list.length; k++) {
      const i = (this.cursor + k) % list.length;
      const u = list[i] as UnitView;
      const a = u.machine.activeState();
      // Still up but nothing left to wait for (perpetual, a device, or a stop that failed — e.g. umount
      // refused in an unprivileged container — with no job and no process): systemd goes on too.
      if (a !== 'inactive' && a !== 'failed' && (this.h.engine.hasJob(u.id) || u.pids().length > 0)) { this.cursor = i; return true; }
    }
    return false;
  }
  private scan: UnitView[] = [];
  private scanVersion = -1;
  private cursor = 0;

  /** Release everything and resolve `exited` with `code` (immediate exits come straight here). */
  finalExit(code: number): void {
    if (this.current === 'exited') return;
    this.exitCode = code;
    this.h.releaseAll();
    this.setPhase('exited');
    const r = this.resolveExit;
    this.resolveExit = null;
    r?.(code);
  }
}
