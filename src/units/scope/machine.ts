// The scope state machine (systemd 252's scope.c): a unit for processes somebody else started. A scope is
// created only transiently (Manager.StartTransientUnit with PIDs=, what `systemd-run --scope` sends);
// starting it moves those processes into the unit (its cgroup, or tracked by pid without cgroups), it is
// active while any of them lives and ends dead once the last is gone. Stopping signals them per KillMode=,
// KillSignal= and SendSIGHUP=, with TimeoutStopSec= before FinalKillSignal=; RuntimeMaxSec= (plus a random
// part of RuntimeRandomizedExtraSec=) stops it with Result=timeout; Abandon() leaves the processes to run
// on without their client (sub-state abandoned, no runtime limit from then on).
//
// Sub-states: dead → running ⇄ abandoned → stop-sigterm → stop-sigkill → dead | failed.
// Invariants: every change goes through setState(), which reports it once and releases what the new state
// forbids (the timer outside running/stop-*, the emptiness watch once dead); the result only moves away
// from success (the first failure wins, as scope_enter_dead/scope_enter_signal).
import type { UnitConfig } from '../../directives/types';
import { defaultScope } from '../../directives/defaults';
import { signalName } from '../../directives/signals';
import { UnitBase } from '../base';
import type { ProcessHost } from '../host';
import type { ActiveState, PropValue, ReloadOutcome, StartOutcome, StopOutcome, UnitMachine } from '../types';

/** What a scope needs beyond a process host. */
export interface ScopeHost extends ProcessHost {
  /** Realize the unit's cgroup with its resource settings (before the processes join it). */
  realizeCgroup(): void;
  /** Move the processes handed over when the scope was created (StartTransientUnit's PIDs=) into the unit:
   *  its cgroup where cgroups are writable, else tracked by pid. How many joined (0: none was alive any
   *  more), an error, or null when nothing was handed over (not a transient scope: it cannot be started). */
  attachPids(): number | { error: string } | null;
  /** Start or stop noticing that the unit's last process is gone (reported as onUnitEmpty). */
  watchEmpty(on: boolean): void;
  /** A uniformly random integer in [0, n) (RuntimeRandomizedExtraSec=). */
  randomBelow(n: number): number;
  /** The live processes of the unit, with their command names. */
  processList(): { pid: number; comm: string }[];
}

export type ScopeSubState = 'dead' | 'running' | 'abandoned' | 'stop-sigterm' | 'stop-sigkill' | 'failed';
export type ScopeResult = 'success' | 'resources' | 'timeout' | 'oom-kill';

const ACTIVE: Record<ScopeSubState, ActiveState> = {
  dead: 'inactive', running: 'active', abandoned: 'active', 'stop-sigterm': 'deactivating', 'stop-sigkill': 'deactivating', failed: 'failed',
};
const TIMER = 'scope';
const SIGHUP = 1;

export class ScopeMachine implements UnitMachine {
  readonly id: string;
  readonly unitType = 'scope' as const;
  readonly base: UnitBase;
  state: ScopeSubState = 'dead';
  res: ScopeResult = 'success';
  cfg: UnitConfig;
  /** Abandon() was called in this activation (the processes are killed with a log line each, as systemd). */
  wasAbandoned = false;

  constructor(cfg: UnitConfig, readonly host: ScopeHost) {
    this.cfg = cfg;
    this.id = cfg.id;
    this.base = new UnitBase(cfg, host);
  }

  private get sc(): NonNullable<UnitConfig['scope']> { return this.cfg.scope ?? defaultScope(); }

  activeState(): ActiveState { return ACTIVE[this.state]; }
  subState(): string { return this.state; }
  result(): string { return this.res; }
  canReload(): boolean { return false; }
  reload(): ReloadOutcome { return 'unsupported'; }
  invocationId(): string { return this.base.invocationId; }

  start(): StartOutcome {
    if (this.state === 'running' || this.state === 'abandoned') return 'noop';
    if (this.state === 'stop-sigterm' || this.state === 'stop-sigkill') return 'again';
    if (this.state === 'failed') return 'refused';   // scope_start(): -EPERM until reset-failed
    if (!this.base.testConditions()) return 'condition-failed';
    if (!this.base.testAsserts()) return 'assert-failed';
    this.base.invocationId = this.host.newInvocationId();
    this.host.realizeCgroup();
    const n = this.host.attachPids();
    if (n === null) {
      this.host.log('error', `${this.id}: Scope units can only be created transiently, refusing to start.`);
      return 'unsupported';
    }
    this.wasAbandoned = false;
    this.res = 'success';
    if (typeof n !== 'number') {
      this.host.log('warning', `${this.id}: Failed to add PIDs to scope's control group: ${n.error}`);
      this.enterDead('resources');
      return 'started';
    }
    if (n === 0) {
      this.host.log('warning', `${this.id}: No PIDs left to attach to the scope's control group, refusing.`);
      this.enterDead('resources');
      return 'started';
    }
    this.host.log('debug', `${this.id}: ${n} ${n === 1 ? 'process' : 'processes'} added.`);
    this.setState('running');
    this.armRuntimeLimit();
    this.host.watchEmpty(true);
    return 'started';
  }

  stop(): StopOutcome {
    if (this.state === 'stop-sigterm' || this.state === 'stop-sigkill') return 'stopping';
    if (this.state === 'dead' || this.state === 'failed') return 'noop';
    this.enterSignal('stop-sigterm', 'success');
    return 'stopping';
  }

  /** Abandon(): the client no longer watches the processes; false when the scope is not running. */
  abandon(): boolean {
    if (this.state !== 'running' && this.state !== 'abandoned') return false;
    this.wasAbandoned = true;
    this.setState('abandoned');
    return true;
  }

  resetFailed(): void {
    if (this.state === 'failed') this.setState('dead');
    this.res = 'success';
  }

  reconfigure(cfg: UnitConfig): void {
    this.cfg = cfg;
    this.base.reconfigure(cfg);
  }

  onChildExit(): void { /* a process of the scope re-parented to the manager: the host checks emptiness after it */ }

  onUnitEmpty(): void {
    // scope_notify_cgroup_empty_event()
    if (this.state === 'running' || this.state === 'abandoned' || this.state === 'stop-sigterm' || this.state === 'stop-sigkill') this.enterDead('success');
  }

  onTimer(key: string): void {
    if (key !== TIMER) return;
    switch (this.state) {
      case 'running':
        this.host.log('warning', `${this.id}: Scope reached runtime time limit. Stopping.`);
        this.enterSignal('stop-sigterm', 'timeout');
        break;
      case 'stop-sigterm':
        if (this.cfg.kill.sendSIGKILL) {
          this.host.log('warning', `${this.id}: Stopping timed out. Killing.`);
          this.enterSignal('stop-sigkill', 'timeout');
        } else {
          this.host.log('warning', `${this.id}: Stopping timed out. Skipping SIGKILL.`);
          this.enterDead('timeout');
        }
        break;
      case 'stop-sigkill':
        this.host.log('warning', `${this.id}: Still around after SIGKILL. Ignoring.`);
        this.enterDead('timeout');
        break;
      default: break;
    }
  }

  fail(result: 'resources'): void {
    if (this.state === 'dead' || this.state === 'failed') { this.res = result; this.setState('failed'); return; }
    this.host.signalOthers(this.cfg.kill.finalKillSignal, [], false);
    this.enterDead(result);
  }

  /** scope_running_timeout(): ActiveEnterTimestamp + RuntimeMaxSec= + a random part of the extra. */
  private armRuntimeLimit(): void {
    const max = this.sc.runtimeMaxUs;
    if (!Number.isFinite(max)) return;
    const extra = this.sc.runtimeRandomizedExtraUs;
    const delta = extra > 0 ? this.host.randomBelow(extra) : 0;
    this.host.armTimer(TIMER, this.base.activeEnterTs.monotonic + max + delta);
  }

  /** scope_enter_signal(): unit_kill_context() for a unit without main or control process. */
  private enterSignal(st: 'stop-sigterm' | 'stop-sigkill', f: ScopeResult): void {
    if (this.res === 'success') this.res = f;
    const k = this.cfg.kill;
    const term = st === 'stop-sigterm';
    let wait = false;
    if (k.killMode === 'control-group' || (k.killMode === 'mixed' && !term)) {
      const sig = term ? k.killSignal : k.finalKillSignal;
      // KILL_TERMINATE_AND_LOG: nobody watches an abandoned scope's processes, so each kill is logged
      if (this.wasAbandoned && term) for (const p of this.host.processList()) this.host.log('notice', `${this.id}: Killing process ${p.pid} (${p.comm}) with signal SIG${signalName(sig)}.`);
      const n = this.host.signalOthers(sig, [], true);
      if (n > 0) {
        wait = true;
        if (term && k.sendSIGHUP) this.host.signalOthers(SIGHUP, [], false);
      }
    }
    if (wait) {
      const t = this.sc.timeoutStopUs;
      if (Number.isFinite(t)) this.host.armTimer(TIMER, this.host.now() + t); else this.host.clearTimer(TIMER);
      this.setState(st);
    } else if (term) this.enterSignal('stop-sigkill', 'success');
    else this.enterDead('success');
  }

  /** scope_enter_dead(). */
  private enterDead(f: ScopeResult): void {
    if (this.res === 'success') this.res = f;
    if (this.res === 'success') this.host.log('info', `${this.id}: Deactivated successfully.`);
    else this.host.log('warning', `${this.id}: Failed with result '${this.res}'.`);
    this.setState(this.res === 'success' ? 'dead' : 'failed');
  }

  private setState(ns: ScopeSubState): void {
    const os = this.state, oa = this.activeState();
    this.state = ns;
    if (ns !== 'running' && ns !== 'stop-sigterm' && ns !== 'stop-sigkill') this.host.clearTimer(TIMER);
    if (ns === 'dead' || ns === 'failed') this.host.watchEmpty(false);
    if (os === ns) return;
    this.base.notifyStateChange(oa, this.activeState(), os, ns, this.res,
      { reloadFailure: false, willAutoRestart: false, skipCondition: false }, () => null);
  }

  properties(): Record<string, PropValue> {
    return { ...this.base.baseProperties(), ActiveState: this.activeState(), SubState: this.state, Result: this.res, Controller: '' };
  }
}
