// The manager's boot timestamps, as systemd's Manager properties name them (UserspaceTimestamp,
// FinishTimestamp, UnitsLoadStart/FinishTimestamp; the firmware/loader/kernel/initrd/security/generator
// ones stay 0: tsysd runs none of those phases). Served as Manager properties (src/dbus/systemd/manager-iface.ts),
// which `show` prints (and so `tsysd analyze` reads).
// Invariants: userspace is when the manager's lifecycle was created (Node's own start-up before that is not
// counted); finish is set once, when boot is over (the phase leaves 'starting'); the target is the unit the
// manager booted ('' when none). Pure: times come from the Platform clock, no Node imports.
import type { Platform } from '../platform/types';
import type { DualTimestamp } from '../units/types';

export interface BootTimestamps {
  userspace: DualTimestamp;
  finish: DualTimestamp;
  unitsLoadStart: DualTimestamp;
  unitsLoadFinish: DualTimestamp;
  target: string;
}

const ZERO: DualTimestamp = { realtime: 0, monotonic: 0 };

export function dualNow(p: Platform): DualTimestamp { return { realtime: p.realtimeUs(), monotonic: p.monotonicUs() }; }

export function newBootTimestamps(p: Platform): BootTimestamps {
  return { userspace: dualNow(p), finish: ZERO, unitsLoadStart: ZERO, unitsLoadFinish: ZERO, target: '' };
}
