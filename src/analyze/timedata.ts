// Boot and unit timing as systemd-analyze 252 derives it (src/analyze/analyze-time-data.c): the manager's
// boot timestamps, the container/user-scope rebasing on the userspace start (reverse_offset), per-unit
// activation spans, and the "Startup finished in ..." text of `analyze time`.
// Invariants: pure (no I/O); every input and output time is CLOCK_MONOTONIC microseconds, 0 = never;
// the functions reproduce systemd's arithmetic step for step, so identical timestamps give identical output.
import { formatTimespan } from '../directives/values';

export const USEC_PER_MSEC = 1000;

/** format_timespan(t, USEC_PER_MSEC): how every systemd-analyze verb prints a duration. */
export function fmtMs(us: number): string { return formatTimespan(us, USEC_PER_MSEC); }

/** The manager's boot timestamps (its *TimestampMonotonic properties), µs. */
export interface BootTimesRaw {
  firmware: number; loader: number; kernel: number; initrd: number; userspace: number; finish: number;
  securityStart: number; securityFinish: number; generatorsStart: number; generatorsFinish: number;
  unitsLoadStart: number; unitsLoadFinish: number;
  initrdSecurityStart: number; initrdSecurityFinish: number; initrdGeneratorsStart: number; initrdGeneratorsFinish: number;
  initrdUnitsLoadStart: number; initrdUnitsLoadFinish: number;
}

/** The manager property each BootTimesRaw field comes from. */
export const BOOT_PROPERTIES: Readonly<Record<keyof BootTimesRaw, string>> = {
  firmware: 'FirmwareTimestampMonotonic', loader: 'LoaderTimestampMonotonic', kernel: 'KernelTimestamp',
  initrd: 'InitRDTimestampMonotonic', userspace: 'UserspaceTimestampMonotonic', finish: 'FinishTimestampMonotonic',
  securityStart: 'SecurityStartTimestampMonotonic', securityFinish: 'SecurityFinishTimestampMonotonic',
  generatorsStart: 'GeneratorsStartTimestampMonotonic', generatorsFinish: 'GeneratorsFinishTimestampMonotonic',
  unitsLoadStart: 'UnitsLoadStartTimestampMonotonic', unitsLoadFinish: 'UnitsLoadFinishTimestampMonotonic',
  initrdSecurityStart: 'InitRDSecurityStartTimestampMonotonic', initrdSecurityFinish: 'InitRDSecurityFinishTimestampMonotonic',
  initrdGeneratorsStart: 'InitRDGeneratorsStartTimestampMonotonic', initrdGeneratorsFinish: 'InitRDGeneratorsFinishTimestampMonotonic',
  initrdUnitsLoadStart: 'InitRDUnitsLoadStartTimestampMonotonic', initrdUnitsLoadFinish: 'InitRDUnitsLoadFinishTimestampMonotonic',
};

export interface BootTimes extends BootTimesRaw {
  kernelDone: number;
  /** Subtracted from every unit timestamp (user scope and containers: the userspace start). */
  reverseOffset: number;
}

/** The unit properties acquire_time_data() reads. */
export const UNIT_TIME_PROPERTIES = ['InactiveExitTimestampMonotonic', 'ActiveEnterTimestampMonotonic',
  'ActiveExitTimestampMonotonic', 'InactiveEnterTimestampMonotonic'] as const;

export interface UnitTimesRaw { name: string; activating: number; activated: number; deactivating: number; deactivated: number }
export interface UnitTimes extends UnitTimesRaw { time: number }

export function emptyBootTimesRaw(): BootTimesRaw {
  const o = {} as Record<keyof BootTimesRaw, number>;
  for (const k of Object.keys(BOOT_PROPERTIES) as (keyof BootTimesRaw)[]) o[k] = 0;
  return o;
}

/** Property map (name → decimal string, as `show` prints them) → BootTimesRaw; missing → 0. */
export function bootTimesFromProperties(props: ReadonlyMap<string, string> | Record<string, string>): BootTimesRaw {
  const get = (k: string): string | undefined => (props instanceof Map ? props.get(k) : (props as Record<string, string>)[k]);
  const o = emptyBootTimesRaw();
  for (const [field, prop] of Object.entries(BOOT_PROPERTIES) as [keyof BootTimesRaw, string][]) o[field] = toUsec(get(prop));
  return o;
}

export function toUsec(v: string | undefined): number {
  if (v === undefined || !/^\d+$/.test(v)) return 0;
  return Number(v);
}

export type Scope = 'system' | 'user';

export class BootNotFinished extends Error {
  constructor(readonly finish: number, scope: Scope, tool = 'tsysctl') {
    super(`Bootup is not yet finished (org.freedesktop.systemd1.Manager.FinishTimestampMonotonic=${finish}).\n` +
      `Please try again later.\n` +
      `Hint: Use '${tool}${scope === 'system' ? '' : ' --user'} list-jobs' to see active jobs`);
  }
}

function subtract(a: number, b: number): number {
  // systemd asserts a >= b; a timestamp older than the offset cannot happen there. Clamp instead of dying.
  return a > 0 ? Math.max(a - b, 0) : a;
}

/** acquire_boot_times(): throws BootNotFinished while FinishTimestamp is 0. */
export function acquireBootTimes(raw: BootTimesRaw, scope: Scope): BootTimes {
  const t: BootTimes = { ...raw, kernelDone: 0, reverseOffset: 0 };
  if (t.finish <= 0) throw new BootNotFinished(t.finish, scope);
  if (scope === 'system' && t.securityStart > 0) {
    // Set when systemd is not running in a container: kernel and initrd phases are real.
    t.kernelDone = t.initrd > 0 ? t.initrd : t.userspace;
  } else {
    // User instances and containers: rebase everything on the userspace start.
    t.reverseOffset = t.userspace;
    t.firmware = t.loader = t.kernel = t.initrd = t.userspace = t.securityStart = t.securityFinish = 0;
    t.finish = subtract(t.finish, t.reverseOffset);
    t.generatorsStart = subtract(t.generatorsStart, t.reverseOffset);
    t.generatorsFinish = subtract(t.generatorsFinish, t.reverseOffset);
    t.unitsLoadStart = subtract(t.unitsLoadStart, t.reverseOffset);
    t.unitsLoadFinish = subtract(t.unitsLoadFinish, t.reverseOffset);
  }
  return t;
}

/** acquire_time_data(): units in ListUnits order; those never activated (InactiveExit 0) are dropped. */
export function acquireTimeData(boot: BootTimes, units: readonly UnitTimesRaw[]): UnitTimes[] {
  const out: UnitTimes[] = [];
  for (const u of units) {
    const t: UnitTimes = {
      name: u.name,
      activating: subtract(u.activating, boot.reverseOffset),
      activated: subtract(u.activated, boot.reverseOffset),
      deactivating: subtract(u.deactivating, boot.reverseOffset),
      deactivated: subtract(u.deactivated, boot.reverseOffset),
      time: 0,
    };
    if (t.activated >= t.activating) t.time = t.activated - t.activating;
    else if (t.deactivated >= t.activating) t.time = t.deactivated - t.activating;
    else t.time = 0;
    if (t.activating === 0) continue;
    out.push(t);
  }
  return out;
}

/** What pretty_boot_time() knows about default.target: its Id (null: lookup failed) and
 *  ActiveEnterTimestampMonotonic (null: could not be read). */
export interface TargetTime { id: string | null; activated: number | null }

/** pretty_boot_time(): the text `analyze time` prints (and the plot's caption). */
export function prettyBootTime(t: BootTimes, target: TargetTime): string {
  let text = 'Startup finished in ';
  if (t.firmware > 0) text += `${fmtMs(t.firmware - t.loader)} (firmware) + `;
  if (t.loader > 0) text += `${fmtMs(t.loader)} (loader) + `;
  if (t.kernelDone > 0) text += `${fmtMs(t.kernelDone)} (kernel) + `;
  if (t.initrd > 0) text += `${fmtMs(t.userspace - t.initrd)} (initrd) + `;
  text += `${fmtMs(t.finish - t.userspace)} (userspace) `;
  if (t.kernelDone > 0) text += `= ${fmtMs(t.firmware + t.finish)} `;
  const activated = target.activated;
  if (target.id !== null && activated !== null && activated > 0) {
    const base = t.userspace > 0 ? t.userspace : t.reverseOffset;
    text += `\n${target.id} reached after ${fmtMs(activated - base)} in userspace.`;
  } else if (target.id !== null && activated === 0) {
    text += `\n${target.id} was never reached.`;
  } else if (target.id !== null && activated === null) {
    text += `\nCould not get time to reach ${target.id}.`;
  } else if (target.id === null) {
    text += '\ncould not find default.target.';
  }
  return text;
}
