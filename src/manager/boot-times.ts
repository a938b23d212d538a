// The manager's boot timestamps, as systemd's Manager properties name them (UserspaceTimestamp,
// FinishTimestamp, UnitsLoadStart/FinishTimestamp; the firmware/loader/kernel/initrd/security/generator
// ones stay 0: tsysd runs none of those phases). Read by `show` (api.ts) and so by `tsysd analyze`.
// Invariants: userspace is the manager process's start (Node's start-up counts as userspace, like
// systemd's main()); finish is set once, when the boot job queue first drains; the target is the unit
// the manager booted ('' when none).
import type { Platform } from '../platform/types';
import type { DualTimestamp } from '../units/types';
import { formatTimestamp } from './props';

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
  const now = dualNow(p);
  const up = Math.round(process.uptime() * 1e6);
  const userspace = now.monotonic > up ? { realtime: now.realtime - up, monotonic: now.monotonic - up } : now;
  return { userspace, finish: ZERO, unitsLoadStart: ZERO, unitsLoadFinish: ZERO, target: '' };
}

const PHASES = ['Firmware', 'Loader', 'Kernel', 'InitRD', 'Userspace', 'Finish', 'SecurityStart', 'SecurityFinish',
  'GeneratorsStart', 'GeneratorsFinish', 'UnitsLoadStart', 'UnitsLoadFinish', 'InitRDSecurityStart',
  'InitRDSecurityFinish', 'InitRDGeneratorsStart', 'InitRDGeneratorsFinish', 'InitRDUnitsLoadStart', 'InitRDUnitsLoadFinish'];

/** `show` lines in systemd's Manager property order (KernelTimestamp has no Monotonic twin there: it
 *  is monotonic already). */
export function bootTimestampProperties(b: BootTimestamps): [string, string][] {
  const known: Record<string, DualTimestamp> = {
    Userspace: b.userspace, Finish: b.finish, UnitsLoadStart: b.unitsLoadStart, UnitsLoadFinish: b.unitsLoadFinish,
  };
  const out: [string, string][] = [];
  for (const ph of PHASES) {
    const t = known[ph] ?? ZERO;
    out.push([`${ph}Timestamp`, formatTimestamp(t.realtime)]);
    out.push([`${ph}TimestampMonotonic`, String(t.monotonic)]);
  }
  return out;
}
