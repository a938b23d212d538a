// The device state machine: dead ⇄ plugged (tentative unused). There is no udev in a container, so a
// device is "plugged" when its node exists (/dev/console, /dev/null, a /sys path, a network interface);
// the host reports presence (onPresence). A start job for a device nobody provides keeps waiting and ends
// by the job timeout (DefaultDeviceTimeoutSec=, 90 s: the engine's job timer), which fails BindsTo=/
// Requires= dependents with 'dependency', as under systemd; where /sys is read-only (a container) device
// units are unsupported and such a job fails at once with 'unsupported', as systemd's does. Stopping a device unit is a no-op (systemd: the
// job waits; devices are never stopped by the manager).
import type { UnitConfig } from '../../directives/types';
import { UnitBase } from '../base';
import type { UnitHost } from '../host';
import type { ActiveState, PropValue, ReloadOutcome, StartOutcome, StopOutcome, UnitMachine } from '../types';
import { unitNamePathUnescape } from '../../unit-file/names';

export type DeviceSubState = 'dead' | 'tentative' | 'plugged';
/** systemd's DefaultDeviceTimeoutSec= (JobRunningTimeoutSec= of device units). */
export const DEFAULT_DEVICE_TIMEOUT_US = 90_000_000;

export interface DeviceHost extends UnitHost {
  /** The device behind this path exists now. */
  deviceExists(path: string): boolean;
  /** device_supported(): /sys is writable (not a container's read-only /sys). */
  devicesSupported(): boolean;
}

/** "dev-console.device" → "/dev/console"; "sys-subsystem-net-devices-eth0.device" → "/sys/subsystem/net/devices/eth0". */
export function devicePath(id: string): string | null {
  return unitNamePathUnescape(id.slice(0, -'.device'.length));
}

export class DeviceMachine implements UnitMachine {
  readonly id: string;
  readonly unitType = 'device' as const;
  cfg: UnitConfig;
  readonly base: UnitBase;
  state: DeviceSubState = 'dead';

  constructor(cfg: UnitConfig, readonly host: DeviceHost) { this.cfg = cfg; this.id = cfg.id; this.base = new UnitBase(cfg, host); }

  activeState(): ActiveState { return this.state === 'plugged' ? 'active' : this.state === 'tentative' ? 'activating' : 'inactive'; }
  subState(): string { return this.state; }
  result(): string { return 'success'; }
  canReload(): boolean { return false; }
  reload(): ReloadOutcome { return 'unsupported'; }
  reconfigure(cfg: UnitConfig): void { this.cfg = cfg; this.base.reconfigure(cfg); }

  private setState(ns: DeviceSubState): void {
    const os = this.state, oa = this.activeState();
    this.state = ns;
    if (os !== ns) this.base.notifyStateChange(oa, this.activeState(), os, ns, 'success', { reloadFailure: false, willAutoRestart: false, skipCondition: false }, () => null);
  }

  /** Coldplug and re-checks: the node (dis)appeared. */
  onPresence(present: boolean): void { this.setState(present ? 'plugged' : 'dead'); }

  start(): StartOutcome {
    if (this.state === 'plugged') return 'noop';
    const p = devicePath(this.id);
    // plugged now: the job completes from this state report, so units bound to the device see it active
    if (p && this.host.deviceExists(p)) { this.setState('plugged'); return 'started'; }
    // unit_start(): an unsupported type fails the job at once (a container: BindsTo= dependents fail fast)
    if (!this.host.devicesSupported()) return 'unsupported';
    return 'started';   // wait for a device that never comes: the job timeout ends it
  }

  stop(): StopOutcome { return 'noop'; }
  resetFailed(): void { /* devices never fail */ }
  invocationId(): string { return this.base.invocationId; }
  fail(): void { this.setState('dead'); }
  onChildExit(): void { /* no processes */ }
  onTimer(): void { /* no timers */ }

  properties(): Record<string, PropValue> {
    return { ...this.base.baseProperties(), ActiveState: this.activeState(), SubState: this.state, Result: 'success', SysFSPath: '' };
  }
}
