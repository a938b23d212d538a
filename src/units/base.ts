// Shared bookkeeping of every unit machine (systemd's unit.c parts): state-change timestamps, start rate
// limit, Condition/Assert checks with their results, invocation id, Success/FailureAction, and the one
// report to the host per state change.
// Invariants: notifyStateChange() is the only place that calls host.stateChanged(); timestamps follow
// unit_notify(): Inactive{Exit,Enter}, Active{Enter,Exit}, StateChange.
import type { EmergencyAction, UnitConfig } from '../directives/types';
import type { UnitHost } from './host';
import {
  isActiveOrReloading, isInactiveOrFailed, NO_TIMESTAMP,
  type ActiveState, type DualTimestamp, type PropValue, type StateChangeFlags,
} from './types';

/** ratelimit_below(): `burst` events per `intervalUs`; interval or burst 0 disables. */
export class RateLimit {
  private begin = 0;
  private num = 0;
  constructor(public intervalUs: number, public burst: number) {}
  below(now: number): boolean {
    if (this.intervalUs === 0 || this.burst === 0) return true;
    if (this.begin === 0 || now - this.begin > this.intervalUs) { this.begin = now; this.num = 0; }
    if (this.num < this.burst) { this.num++; return true; }
    this.num++;
    return false;
  }
  reset(): void { this.begin = 0; this.num = 0; }
}

export class UnitBase {
  readonly startLimit: RateLimit;
  cfg: UnitConfig;
  stateChangeTs: DualTimestamp = NO_TIMESTAMP;
  inactiveExitTs: DualTimestamp = NO_TIMESTAMP;
  activeEnterTs: DualTimestamp = NO_TIMESTAMP;
  activeExitTs: DualTimestamp = NO_TIMESTAMP;
  inactiveEnterTs: DualTimestamp = NO_TIMESTAMP;
  conditionTs: DualTimestamp = NO_TIMESTAMP;
  assertTs: DualTimestamp = NO_TIMESTAMP;
  conditionResult = false;
  assertResult = false;
  startLimitHit = false;
  invocationId = '';

  constructor(cfg: UnitConfig, private readonly h: UnitHost) {
    this.cfg = cfg;
    this.startLimit = new RateLimit(cfg.unit.startLimitIntervalUs, cfg.unit.startLimitBurst);
  }

  ts(): DualTimestamp { return { realtime: this.h.realtime(), monotonic: this.h.now() }; }

  /** daemon-reload: new configuration, runtime state (counters, timestamps) kept. */
  reconfigure(cfg: UnitConfig): void {
    this.cfg = cfg;
    this.startLimit.intervalUs = cfg.unit.startLimitIntervalUs;
    this.startLimit.burst = cfg.unit.startLimitBurst;
  }

  /** unit_test_condition(); records ConditionResult/ConditionTimestamp. */
  testConditions(): boolean {
    const list = this.cfg.unit.conditions.filter(c => !c.assert);
    this.conditionTs = this.ts();
    const r = list.length === 0 ? { ok: true, failed: null } : this.h.evaluateConditions(list);
    this.conditionResult = r.ok;
    if (!r.ok && r.failed) {
      this.h.log('info', `${this.cfg.id}: Condition${r.failed.kind}=${r.failed.trigger ? '|' : ''}${r.failed.negate ? '!' : ''}${r.failed.value} was not met`);
    }
    return r.ok;
  }

  /** unit_test_assert(); records AssertResult/AssertTimestamp. */
  testAsserts(): boolean {
    const list = this.cfg.unit.conditions.filter(c => c.assert);
    this.assertTs = this.ts();
    const r = list.length === 0 ? { ok: true, failed: null } : this.h.evaluateConditions(list);
    this.assertResult = r.ok;
    if (!r.ok && r.failed) {
      this.h.log('notice', `${this.cfg.id}: Assertion failed: Assert${r.failed.kind}=${r.failed.trigger ? '|' : ''}${r.failed.negate ? '!' : ''}${r.failed.value}`);
    }
    return r.ok;
  }

  /** unit_test_start_limit(): false when the limit is hit (StartLimitAction is run here). */
  testStartLimit(): boolean {
    if (this.startLimit.below(this.h.now())) { this.startLimitHit = false; return true; }
    this.h.log('warning', `${this.cfg.id}: Start request repeated too quickly.`);
    this.startLimitHit = true;
    this.runAction(this.cfg.unit.startLimitAction, null, `unit ${this.cfg.id} failed (start limit hit)`);
    return false;
  }

  resetStartLimit(): void { this.startLimit.reset(); this.startLimitHit = false; }

  runAction(action: EmergencyAction, status: number | null, reason: string): void {
    if (action === 'none') return;
    this.h.emergencyAction(action, status, reason);
  }

  /**
   * unit_notify(): timestamps, Success/FailureAction, then host.stateChanged.
   * exitStatus() gives the status for the actions (main process exit code, null when unknown).
   */
  notifyStateChange(oldActive: ActiveState, newActive: ActiveState, oldSub: string, newSub: string,
    result: string, flags: StateChangeFlags, exitStatus: () => number | null): void {
    const t = this.ts();
    if (oldActive !== newActive || oldSub !== newSub) this.stateChangeTs = t;
    if (isInactiveOrFailed(oldActive) && !isInactiveOrFailed(newActive)) this.inactiveExitTs = t;
    else if (!isInactiveOrFailed(oldActive) && isInactiveOrFailed(newActive)) this.inactiveEnterTs = t;
    if (!isActiveOrReloading(oldActive) && isActiveOrReloading(newActive)) this.activeEnterTs = t;
    else if (isActiveOrReloading(oldActive) && !isActiveOrReloading(newActive)) this.activeExitTs = t;
    if (oldSub !== newSub) this.h.log('debug', `${this.cfg.id}: Changed ${oldSub} -> ${newSub}`);
    this.h.stateChanged({ unit: this.cfg.id, oldActive, newActive, oldSub, newSub, result, flags });
    if (oldActive !== 'failed' && newActive === 'failed') {
      const u = this.cfg.unit;
      this.runAction(u.failureAction, u.failureActionExitStatus >= 0 ? u.failureActionExitStatus : exitStatus() ?? 255, `unit ${this.cfg.id} failed`);
    } else if (!isInactiveOrFailed(oldActive) && newActive === 'inactive') {
      const u = this.cfg.unit;
      this.runAction(u.successAction, u.successActionExitStatus >= 0 ? u.successActionExitStatus : exitStatus(), `unit ${this.cfg.id} succeeded`);
    }
  }

  baseProperties(): Record<string, PropValue> {
    return {
      Id: this.cfg.id,
      InvocationID: this.invocationId,
      StateChangeTimestamp: this.stateChangeTs,
      InactiveExitTimestamp: this.inactiveExitTs,
      ActiveEnterTimestamp: this.activeEnterTs,
      ActiveExitTimestamp: this.activeExitTs,
      InactiveEnterTimestamp: this.inactiveEnterTs,
      ConditionResult: this.conditionResult,
      AssertResult: this.assertResult,
      ConditionTimestamp: this.conditionTs,
      AssertTimestamp: this.assertTs,
    };
  }
}
