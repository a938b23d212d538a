// The automount state machine (systemd 252 automount.c): dead → waiting ⇄ running → dead/failed.
// tsysd does not speak the kernel's autofs protocol, so an automount whose conditions pass fails the way
// systemd's does where autofs cannot be set up (no /dev/autofs, no CAP_SYS_ADMIN — every unprivileged
// container): Result=resources. A mount point that is already mounted refuses the start, as in systemd.
// Documented difference: on a privileged host systemd would arm the automount; tsysd fails it.
import type { UnitConfig } from '../../directives/types';
import { UnitBase } from '../base';
import type { UnitHost } from '../host';
import type { ActiveState, PropValue, ReloadOutcome, StartOutcome, StopOutcome, UnitMachine } from '../types';
import { mountWhere } from '../mount/deps';

export type AutomountSubState = 'dead' | 'waiting' | 'running' | 'failed';

export interface AutomountHost extends UnitHost {
  isMounted(where: string): boolean;
  /** automount_supported(): the kernel's autofs device exists (never in a container). */
  autofsAvailable(): boolean;
}

export class AutomountMachine implements UnitMachine {
  readonly id: string;
  readonly unitType = 'automount' as const;
  cfg: UnitConfig;
  readonly base: UnitBase;
  state: AutomountSubState = 'dead';
  res: 'success' | 'resources' | 'start-limit-hit' | 'mount-start-limit-hit' | 'unmounted' = 'success';

  constructor(cfg: UnitConfig, readonly host: AutomountHost) {
    this.cfg = cfg; this.id = cfg.id; this.base = new UnitBase(cfg, host);
  }

  activeState(): ActiveState { return this.state === 'waiting' || this.state === 'running' ? 'active' : this.state === 'failed' ? 'failed' : 'inactive'; }
  subState(): string { return this.state; }
  result(): string { return this.res; }
  canReload(): boolean { return false; }
  reload(): ReloadOutcome { return 'unsupported'; }
  reconfigure(cfg: UnitConfig): void { this.cfg = cfg; this.base.reconfigure(cfg); }

  private setState(ns: AutomountSubState): void {
    const os = this.state, oa = this.activeState();
    this.state = ns;
    if (os !== ns) this.base.notifyStateChange(oa, this.activeState(), os, ns, this.res, { reloadFailure: false, willAutoRestart: false, skipCondition: false }, () => null);
  }

  start(): StartOutcome {
    if (this.state === 'waiting' || this.state === 'running') return 'noop';
    if (!this.base.testConditions()) return 'condition-failed';
    if (!this.base.testAsserts()) return 'assert-failed';
    // unit_start(): an unsupported type is refused after the conditions (skipped beats unsupported)
    if (!this.host.autofsAvailable()) return 'unsupported';
    if (!this.base.testStartLimit()) { this.res = 'start-limit-hit'; this.setState('failed'); return 'start-limit-hit'; }
    const where = mountWhere(this.cfg);
    if (this.host.isMounted(where)) { this.host.log('error', `${this.id}: Path ${where} is already a mount point, refusing start.`); return 'refused'; }
    this.base.invocationId = this.host.newInvocationId();
    this.res = 'resources';
    this.host.log('error', `${this.id}: Failed to initialize automounter: autofs is not supported by tsysd`);
    this.host.log('warning', `${this.id}: Failed with result 'resources'.`);
    this.setState('failed');
    return 'started';
  }

  stop(): StopOutcome {
    if (this.state === 'dead' || this.state === 'failed') return 'noop';
    this.res = 'success';
    this.setState('dead');
    return 'stopping';
  }

  resetFailed(): void { if (this.state === 'failed') this.setState('dead'); this.res = 'success'; this.base.resetStartLimit(); }
  invocationId(): string { return this.base.invocationId; }
  fail(result: 'resources'): void { this.res = result; this.setState('failed'); }
  onChildExit(): void { /* no processes */ }
  onTimer(): void { /* no timers */ }

  properties(): Record<string, PropValue> {
    return { ...this.base.baseProperties(), ActiveState: this.activeState(), SubState: this.state, Result: this.res,
      Where: mountWhere(this.cfg), ExtraOptions: this.cfg.automount?.extraOptions ?? '', DirectoryMode: `0${(this.cfg.automount?.directoryMode ?? 0o755).toString(8)}`,
      TimeoutIdleUSec: this.cfg.automount?.timeoutIdleUs ?? 0 };
  }
}
