// The next elapse of a calendar spec after a given time: systemd 252's find_next() and
// calendar_spec_next_usec(), step for step, over the C library emulation (mktime normalisation decides
// what happens in DST gaps and folds, and at month ends). A spec with its own time zone is evaluated in
// a fork of the C library state with TZ set, as systemd does in a forked child. Pure.
// Invariants: input and output are µs since the epoch as bigint (the formattable range reaches past
// 2^53); the result is strictly after the input; ENOENT = never elapses again.
import { fail, type Failure } from './errno';
import { copyTm, type LibcTime, type Tm } from './libc';
import { calendarSpecToString, MAX_YEAR, type CalendarSpec, type Component } from './spec';

const USEC_PER_SEC = 1_000_000;
export const USEC_TIMESTAMP_FORMATTABLE_MAX = 253402214399000000n;
const MAX_CALENDAR_ITERATIONS = 1000;

function findEndOfMonth(libc: LibcTime, tm: Tm, utc: boolean, day: number): number {
  const t = copyTm(tm);
  t.mon++;
  t.mday = 1 - day;
  if (libc.mktimeOrTimegm(t, utc) < 0 || t.mon !== tm.mon) return -1;
  return t.mday;
}

/** find_matching_component: the earliest value ≥ *val; 1 changed, 0 unchanged, ENOENT none. */
function findMatching(libc: LibcTime, spec: CalendarSpec, c: Component[], tm: Tm, val: number): { r: number; val: number } | null {
  if (c.length === 0) return { r: 0, val };
  const eom = spec.endOfMonth && c === spec.day;
  let d = -1, dSet = false;
  for (const x of c) {
    let start: number, stop: number;
    if (eom) {
      start = findEndOfMonth(libc, tm, spec.utc, x.start);
      stop = findEndOfMonth(libc, tm, spec.utc, x.stop);
      if (stop > 0) { const s = start; start = stop; stop = s; }
    } else { start = x.start; stop = x.stop; }
    if (start >= val) {
      if (!dSet || start < d) { d = start; dSet = true; }
    } else if (x.repeat > 0) {
      const k = start + x.repeat * Math.trunc((val - start + x.repeat - 1) / x.repeat);
      if ((!dSet || k < d) && (stop < 0 || k <= stop)) { d = k; dSet = true; }
    }
  }
  if (!dSet) return null;
  return { r: val !== d ? 1 : 0, val: d };
}

/** tm_within_bounds: 1 in bounds, 0 normalized forward (tm updated), negative error. */
function withinBounds(libc: LibcTime, tm: Tm, utc: boolean): number {
  if (tm.year + 1900 > MAX_YEAR) return -1;
  const t = copyTm(tm);
  if (libc.mktimeOrTimegm(t, utc) < 0) return -1;
  let cmp: number;
  const CMP = (a: number, b: number): number => (a < b ? -1 : a > b ? 1 : 0);
  if ((cmp = CMP(t.year, tm.year)) !== 0) t.mon = 0;
  else if ((cmp = CMP(t.mon, tm.mon)) !== 0) t.mday = 1;
  else if ((cmp = CMP(t.mday, tm.mday)) !== 0) t.hour = 0;
  else if ((cmp = CMP(t.hour, tm.hour)) !== 0) t.min = 0;
  else if ((cmp = CMP(t.min, tm.min)) !== 0) t.sec = 0;
  else cmp = CMP(t.sec, tm.sec);
  if (cmp < 0) return -2;
  if (cmp > 0) Object.assign(tm, t);
  return cmp === 0 ? 1 : 0;
}

function matchesWeekday(libc: LibcTime, bits: number, tm: Tm, utc: boolean): boolean {
  if (bits < 0 || bits >= 127) return true;
  const t = copyTm(tm);
  if (libc.mktimeOrTimegm(t, utc) < 0) return false;
  const k = t.wday === 0 ? 6 : t.wday - 1;
  return (bits & (1 << k)) !== 0;
}

/** Is broken-down time A (+ µs) before B (+ µs), comparing fields from the year down. */
function earlierThan(a: Tm, aUsec: number, b: Tm, bUsec: number): boolean {
  for (const f of ['year', 'mon', 'mday', 'hour', 'min', 'sec'] as const) {
    if (a[f] !== b[f]) return a[f] < b[f];
  }
  return aUsec < bUsec;
}

function findNext(libc: LibcTime, spec: CalendarSpec, tm: Tm, usecIn: number): { tm: Tm; usec: number } | Failure {
  const c = copyTm(tm);
  let tmUsec = usecIn;
  const utc = spec.utc;
  let keepDst = false;
  const ORDER = ['mon', 'mday', 'hour', 'min', 'sec'] as const;
  /** Reset FROM and every smaller field (month 0, day 1, the rest 0). */
  const zero = (from: typeof ORDER[number]): void => {
    for (let i = ORDER.indexOf(from); i < ORDER.length; i++) {
      const f = ORDER[i]!;
      if (f === 'mday') c.mday = 1; else c[f] = 0;
    }
    tmUsec = 0;
  };
  for (let iteration = 0; iteration < MAX_CALENDAR_ITERATIONS; iteration++) {
    libc.mktimeOrTimegm(c, utc);
    if (!keepDst) c.isdst = spec.dst;

    let m = findMatching(libc, spec, spec.year, { ...c, year: c.year + 1900 }, c.year + 1900);
    if (!m) return fail('ENOENT');
    c.year = m.val - 1900;
    if (m.r > 0) zero('mon');
    if (withinBounds(libc, c, utc) <= 0) return fail('ENOENT');

    m = findMatching(libc, spec, spec.month, { ...c, mon: c.mon + 1 }, c.mon + 1);
    let r: number;
    if (m) { c.mon = m.val - 1; if (m.r > 0) zero('mday'); }
    if (!m || (r = withinBounds(libc, c, utc)) < 0) { c.year++; zero('mon'); continue; }
    if (r === 0) continue;

    m = findMatching(libc, spec, spec.day, c, c.mday);
    if (m) { c.mday = m.val; if (m.r > 0) zero('hour'); }
    if (!m || (r = withinBounds(libc, c, utc)) < 0) { c.mon++; zero('mday'); continue; }
    if (r === 0) continue;

    if (!matchesWeekday(libc, spec.weekdaysBits, c, utc)) { c.mday++; zero('hour'); continue; }

    m = findMatching(libc, spec, spec.hour, c, c.hour);
    if (m) { c.hour = m.val; if (m.r > 0) zero('min'); }
    if (!m || (r = withinBounds(libc, c, utc)) < 0) { c.mday++; zero('hour'); continue; }
    if (r === 0) continue;

    m = findMatching(libc, spec, spec.minute, c, c.min);
    if (m) { c.min = m.val; if (m.r > 0) zero('sec'); }
    if (!m || (r = withinBounds(libc, c, utc)) < 0) { c.hour++; zero('min'); continue; }
    if (r === 0) continue;

    const sv = c.sec * USEC_PER_SEC + tmUsec;
    m = findMatching(libc, spec, spec.microsecond, { ...c, sec: sv }, sv);
    const nv = m ? m.val : sv;
    tmUsec = nv % USEC_PER_SEC;
    c.sec = Math.trunc(nv / USEC_PER_SEC);
    if (!m || (r = withinBounds(libc, c, utc)) < 0) { c.min++; c.sec = 0; tmUsec = 0; continue; }
    if (r === 0) continue;

    // Debian's 252 carries systemd's fix for zones with negative DST (PR #36897, Europe/Dublin): a result
    // that normalisation moved before the starting point is retried one hour later, and from then on the
    // normalized tm_isdst is kept instead of the spec's.
    if (earlierThan(c, tmUsec, tm, usecIn)) { c.hour++; keepDst = true; continue; }
    return { tm: c, usec: tmUsec };
  }
  return fail('EDEADLK');
}

/** Receives systemd's log_warning() text for a calculation that did not terminate. */
export type CalendarWarn = (message: string) => void;

function nextImpl(libc: LibcTime, spec: CalendarSpec, usec: bigint, warn?: CalendarWarn): bigint | Failure {
  if (usec > USEC_TIMESTAMP_FORMATTABLE_MAX) return fail('EINVAL');
  usec++;
  const t = Number(usec / 1000000n);
  const tm = libc.localtimeOrGmtime(t, spec.utc);
  if (!tm) return fail('EINVAL');
  const r = findNext(libc, spec, tm, Number(usec % 1000000n));
  if ('errno' in r) {
    if (r.errno === 'EDEADLK') warn?.(`Infinite loop in calendar calculation: ${calendarSpecToString(spec, libc)}`);
    return r;
  }
  const tt = libc.mktimeOrTimegm(r.tm, spec.utc);
  if (tt < 0) return fail('EINVAL');
  return BigInt(tt) * 1000000n + BigInt(r.usec);
}

/** calendar_spec_next_usec: the first elapse strictly after USEC. */
export function calendarNextUsec(libc: LibcTime, spec: CalendarSpec, usec: bigint, warn?: CalendarWarn): bigint | Failure {
  if (spec.timezone === null || spec.timezone === '') return nextImpl(libc, spec, usec, warn);
  // systemd's forked child has closed its log, so its warning never shows
  return nextImpl(libc.fork(':' + spec.timezone), spec, usec);
}

/** The same for µs as JS numbers (the timer machine's unit); null = never (or an error). */
export function calendarNext(libc: LibcTime, spec: CalendarSpec, usec: number, warn?: CalendarWarn): number | null {
  const r = calendarNextUsec(libc, spec, BigInt(Math.max(0, Math.floor(usec))), warn);
  return typeof r === 'bigint' ? Number(r) : null;
}
