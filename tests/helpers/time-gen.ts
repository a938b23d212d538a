// Random timestamps and time spans for the differential tests against `systemd-analyze timestamp` and
// `systemd-analyze timespan`. Only forms whose result does not depend on the exact moment of the call
// (absolute dates, "today"/"yesterday"/"tomorrow", bare times of day, @epoch); relative forms ("now",
// "+5min", "… ago") are covered by unit tests with a fixed clock. Deterministic for a given seed.
import { rng, ZONES } from './calendar-gen';

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sunday', 'Monday', 'Saturday', 'mon', 'FRI'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec', 'January', 'march', 'DEC'];

export function makeTimestampGenerator(seed: number): () => string {
  const r = rng(seed);
  const int = (lo: number, hi: number): number => lo + Math.floor(r() * (hi - lo + 1));
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
  const chance = (p: number): boolean => r() < p;
  const p2 = (n: number): string => (chance(0.85) ? String(n).padStart(2, '0') : String(n));
  const time = (secs: boolean): string => {
    let s = `${p2(int(0, chance(0.03) ? 24 : 23))}:${p2(int(0, chance(0.03) ? 60 : 59))}`;
    if (secs) s += `:${p2(int(0, chance(0.05) ? 61 : 59))}`;
    if (secs && chance(0.2)) s += `.${String(int(0, 9999999)).slice(0, int(1, 8))}`;
    return s;
  };
  const date = (): string => {
    const y = chance(0.2) ? p2(int(0, 99)) : String(int(1965, 2300));
    return `${y}-${p2(int(1, chance(0.03) ? 13 : 12))}-${p2(int(1, chance(0.05) ? 32 : 31))}`;
  };
  return () => {
    const k = r();
    let s: string;
    if (k < 0.08) s = pick(['today', 'yesterday', 'tomorrow']);
    else if (k < 0.14) s = `@${int(0, 4102444800)}${chance(0.3) ? `.${int(0, 999999)}` : ''}`;
    else if (k < 0.24) s = time(chance(0.5));
    else if (k < 0.32) s = `${pick(MONTHS)} ${p2(int(1, 31))} ${time(true)}`;
    else {
      s = date();
      const t = r();
      if (t < 0.4) s += ' ' + time(true);
      else if (t < 0.7) s += ' ' + time(false);
      if (chance(0.25)) s = `${pick(DAYS)} ${s}`;
    }
    const z = r();
    if (z < 0.12) s += pick([' UTC', ' utc']);
    else if (z < 0.2) s += ' ' + pick(['CET', 'CEST', 'EST', 'EDT', 'GMT', 'IST', 'NZDT', 'JST']);
    else if (z < 0.3) s += ' ' + pick(ZONES);
    if (chance(0.04)) s = s.replace(/[0-9]/, 'x');
    return s;
  };
}

const UNITS = ['', 's', 'sec', 'second', 'seconds', 'm', 'min', 'minute', 'minutes', 'h', 'hr', 'hour', 'hours',
  'd', 'day', 'days', 'w', 'week', 'weeks', 'M', 'month', 'months', 'y', 'year', 'years', 'ms', 'msec', 'us',
  'usec', '\u00b5s', '\u03bcs', 'x', 'mins'];

export function makeTimespanGenerator(seed: number): () => string {
  const r = rng(seed);
  const int = (lo: number, hi: number): number => lo + Math.floor(r() * (hi - lo + 1));
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
  const chance = (p: number): boolean => r() < p;
  return () => {
    if (chance(0.03)) return pick(['infinity', ' infinity ', 'infinity s', '-1s', '', '  ', '.5', '5.', '1.2.3', '+3s', '18446744073709551615us', '584555y', '9223372036854775808']);
    const n = int(1, 4);
    const parts: string[] = [];
    for (let i = 0; i < n; i++) {
      let num = String(chance(0.1) ? int(0, 99999999) : int(0, 999));
      if (chance(0.2)) num += `.${String(int(0, 999999)).slice(0, int(1, 7))}`;
      parts.push(`${num}${chance(0.15) ? ' ' : ''}${pick(UNITS)}`);
    }
    return parts.join(chance(0.8) ? ' ' : '');
  };
}
