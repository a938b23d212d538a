// The target state machine: dead ⇄ active (target.c). Start checks Condition*/Assert* like every unit;
// ordering ("active once the jobs it is ordered after have finished") is the engine's job.
// Invariant: every change goes through setState(), which reports it once.
import type { UnitConfig } from '../../directives/types';
import { UnitBase } from '../base';
import type { UnitHost } from '../host';
import type { ActiveState, PropValue, ReloadOutcome, StartOutcome, StopOutcome, UnitMachine } from '../types';

export type TargetSubState = 'dead' | 'active';

export class TargetMachine implements UnitMachine {
  readonly id: string;
  readonly unitType = 'target' as const;
  readonly base: UnitBase;
  state: TargetSubState = 'dead';

  cfg: UnitConfig;

  constructor(cfg: UnitConfig, readonly host: UnitHost) {
    this.cfg = cfg;
    this.id = cfg.id;
    this.base = new UnitBase(cfg, host);
  }

  activeState(): ActiveState { return this.state === 'active' ? 'active' : 'inactive'; }
  subState(): string { return this.state; }
  result(): string { return 'success'; }
  canReload(): boolean { return false; }
  reload(): ReloadOutcome { return 'unsupported'; }

  start(): StartOutcome {
    if (this.state === 'active') return 'noop';
    if (!this.base.testConditions()) return 'condition-failed';
    if (!this.base.testAsserts()) return 'assert-failed';
    this.base.invocationId = this.host.newInvocationId();
    this.setState('active');
    return 'started';
  }

  stop(): StopOutcome {
    if (this.state === 'dead') return 'noop';
    this.setState('dead');
    return 'stopping';
  }

  reconfigure(cfg: UnitConfig): void { this.cfg = cfg; this.base.reconfigure(cfg); }
  resetFailed(): void { /* targets never fail */ }
  onChildExit(): void { /* targets have no processes */ }
  onTimer(): void { /* no timers */ }
  invocationId(): string { return this.base.invocationId; }
  fail(): void { if (this.state !== 'dead') this.setState('dead'); }

  private setState(ns: TargetSubState): void {
    const os = this.state, oa = this.activeState();
    this.state = ns;
    this.base.notifyStateChange(oa, this.activeState(), os, ns, 'success',
      { reloadFailure: false, willAutoRestart: false, skipCondition: false }, () => null);
  }

  properties(): Record<string, PropValue> {
    return { ...this.base.baseProperties(), ActiveState: this.activeState(), SubState: this.state, Result: 'success' };
  }
}
