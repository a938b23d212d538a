// The slice state machine: dead ⇄ active (slice.c). A slice has no processes; starting it realizes its
// cgroup with its resource settings (the units in it nest below), stopping it is done once the units
// below are stopped (their Requires=+After= on the slice order that). -.slice and system.slice are never
// stopped by anything but shutdown (the engine keeps them perpetual).
// Invariant: every change goes through setState(), which reports it once.
import type { UnitConfig } from '../../directives/types';
import { UnitBase } from '../base';
import type { UnitHost } from '../host';
import type { ActiveState, PropValue, ReloadOutcome, StartOutcome, StopOutcome, UnitMachine } from '../types';

/** What a slice needs beyond the common host: its cgroup made and configured. */
export interface SliceHost extends UnitHost {
  realizeCgroup(): void;
  /** -.slice (and system.slice of the system manager): active from the start, never stopped. */
  perpetual(): boolean;
}

export type SliceSubState = 'dead' | 'active';

export class SliceMachine implements UnitMachine {
  readonly id: string;
  readonly unitType = 'slice' as const;
  readonly base: UnitBase;
  state: SliceSubState = 'dead';
  cfg: UnitConfig;

  constructor(cfg: UnitConfig, readonly host: SliceHost) {
    this.cfg = cfg;
    this.id = cfg.id;
    this.base = new UnitBase(cfg, host);
    if (host.perpetual()) this.state = 'active';   // the engine holds these active without a job
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
    this.host.realizeCgroup();
    this.setState('active');
    return 'started';
  }

  stop(): StopOutcome {
    if (this.state === 'dead' || this.host.perpetual()) return 'noop';
    this.setState('dead');
    return 'stopping';
  }

  reconfigure(cfg: UnitConfig): void {
    this.cfg = cfg;
    this.base.reconfigure(cfg);
    if (this.state === 'active') this.host.realizeCgroup();   // set-property/daemon-reload: new limits apply at once
  }
  resetFailed(): void { /* slices never fail */ }
  onChildExit(): void { /* no processes of its own */ }
  onTimer(): void { /* no timers */ }
  invocationId(): string { return this.base.invocationId; }
  fail(): void { if (this.state !== 'dead') this.setState('dead'); }

  private setState(ns: SliceSubState): void {
    const os = this.state, oa = this.activeState();
    this.state = ns;
    this.base.notifyStateChange(oa, this.activeState(), os, ns, 'success',
      { reloadFailure: false, willAutoRestart: false, skipCondition: false }, () => null);
  }

  properties(): Record<string, PropValue> {
    return { ...this.base.baseProperties(), ActiveState: this.activeState(), SubState: this.state, Result: 'success' };
  }
}
