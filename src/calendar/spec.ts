// Calendar event expressions (systemd.time(7), OnCalendar=): parsing, exactly as systemd 252's
// src/shared/calendarspec.c, plus the C string helpers it shares with timestamp.ts. Pure; the C library
// state (tzname for "… CET" suffixes, zone validity) comes from a LibcTime. The spec's shape, normalisation,
// validation and normalized string form are spec-form.ts (re-exported here).
// Invariant: parseCalendarSpec() returns a normalized, valid spec (spec-form.ts's invariants) or a Failure
// with systemd's errno.
import { fail, type Failure } from './errno';
import type { LibcTime } from './libc';
import { USEC_PER_SEC, calendarSpecValid, newSpec, normalize, type CalendarSpec, type Component } from './spec-form';

export { calendarSpecToString, calendarSpecValid, MAX_YEAR, MIN_YEAR, type CalendarSpec, type Component } from './spec-form';

const COMPONENTS_MAX = 240;
const INT_MAX = 2147483647;

const ch = (s: string, i: number): string => (i < s.length ? s[i]! : '\0');
const isDigit = (c: string): boolean => c >= '0' && c <= '9';
const isSpace = (c: string): boolean => c === ' ' || c === '\t' || c === '\n' || c === '\v' || c === '\f' || c === '\r';

/** ASCII-only lower case (ascii_tolower), unlike String#toLowerCase. */
export function asciiLower(s: string): string { return s.replace(/[A-Z]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 32)); }
export function startsWithNoCase(s: string, i: number, prefix: string): boolean {
  return s.length - i >= prefix.length && asciiLower(s.slice(i, i + prefix.length)) === asciiLower(prefix);
}
/** endswith_no_case: index where SUFFIX starts, or -1. */
export function endsWithNoCase(s: string, suffix: string): number {
  if (suffix.length > s.length) return -1;
  return asciiLower(s.slice(s.length - suffix.length)) === asciiLower(suffix) ? s.length - suffix.length : -1;
}

/** strtoul(p, &e, 10) as glibc: white space, sign, digits, wrap of negatives, ERANGE on overflow. */
export function strtoul(s: string, i: number): { value: bigint; end: number; erange: boolean } {
  let p = i;
  while (isSpace(ch(s, p))) p++;
  let neg = false;
  if (ch(s, p) === '+' || ch(s, p) === '-') { neg = ch(s, p) === '-'; p++; }
  const start = p;
  let v = 0n;
  while (isDigit(ch(s, p))) { v = v * 10n + BigInt(s.charCodeAt(p) - 48); p++; }
  if (p === start) return { value: 0n, end: i, erange: false };
  const MAX = (1n << 64n) - 1n;
  if (v > MAX) return { value: MAX, end: p, erange: true };
  return { value: neg && v !== 0n ? (1n << 64n) - v : v, end: p, erange: false };
}

/** parse_fractional_part_u(&p, digits): returns value and new index, or null (EINVAL). */
export function parseFractionalPart(s: string, i: number, digits: number): { value: number; end: number } | null {
  let val = 0;
  let p = i;
  for (let k = 0; k < digits; k++, p++) {
    if (!isDigit(ch(s, p))) {
      if (k === 0) return null;
      for (; k < digits; k++) val *= 10;
      break;
    }
    val = val * 10 + (s.charCodeAt(p) - 48);
  }
  const c = ch(s, p);
  if (c >= '5' && c <= '9') val++;
  while (isDigit(ch(s, p))) p++;
  return { value: val, end: p };
}

// ---- parsing ----

const DAY_NR: readonly [string, number][] = [
  ['Monday', 0], ['Mon', 0], ['Tuesday', 1], ['Tue', 1], ['Wednesday', 2], ['Wed', 2], ['Thursday', 3], ['Thu', 3],
  ['Friday', 4], ['Fri', 4], ['Saturday', 5], ['Sat', 5], ['Sunday', 6], ['Sun', 6],
];

type Cursor = { s: string; p: number };
type R = Failure | null;

function skipSpaces(c: Cursor): void { while (ch(c.s, c.p) === ' ') c.p++; }

function parseWeekdays(c: Cursor, spec: CalendarSpec): R {
  let l = -1;
  let first = true;
  for (;;) {
    let i = 0;
    for (; i < DAY_NR.length; i++) {
      const [name, nr] = DAY_NR[i]!;
      if (!startsWithNoCase(c.s, c.p, name)) continue;
      const nx = ch(c.s, c.p + name.length);
      if (!['\0', '-', '.', ',', ' '].includes(nx)) return fail('EINVAL');
      spec.weekdaysBits |= 1 << nr;
      if (l >= 0) {
        if (l > nr) return fail('EINVAL');
        for (let j = l + 1; j < nr; j++) spec.weekdaysBits |= 1 << j;
      }
      c.p += name.length;
      break;
    }
    if (i >= DAY_NR.length) return first ? null : fail('EINVAL');
    const nr = DAY_NR[i]![1];
    if (ch(c.s, c.p) === '\0') return null;
    if (ch(c.s, c.p) === ' ') { skipSpaces(c); return null; }
    if (ch(c.s, c.p) === '.') {
      if (l >= 0) return fail('EINVAL');
      if (ch(c.s, c.p + 1) !== '.') return fail('EINVAL');
      l = nr;
      c.p += 2;
    } else if (ch(c.s, c.p) === '-') {
      if (l >= 0) return fail('EINVAL');
      l = nr;
      c.p += 1;
    } else if (ch(c.s, c.p) === ',') {
      l = -1;
      c.p += 1;
    }
    if (ch(c.s, c.p) === '\0' || ch(c.s, c.p) === ' ') {
      skipSpaces(c);
      return l < 0 ? null : fail('EINVAL');
    }
    first = false;
  }
}

/** parse_one_number: strtoul with "no digits" → EINVAL. */
function parseOneNumber(s: string, i: number): { value: bigint; end: number } | Failure {
  const r = strtoul(s, i);
  if (r.erange) return fail('ERANGE');
  if (r.end === i) return fail('EINVAL');
  return { value: r.value, end: r.end };
}

function parseComponentDecimal(c: Cursor, usec: boolean): number | Failure {
  if (!isDigit(ch(c.s, c.p))) return fail('EINVAL');
  const r = parseOneNumber(c.s, c.p);
  if ('errno' in r) return r;
  let value = r.value;
  let e = r.end;
  if (usec) {
    if ((value * 1000000n) % (1n << 64n) / 1000000n !== value) return fail('ERANGE');
    value *= 1000000n;
    if (ch(c.s, e) === '.' && ch(c.s, e + 1) !== '.') {
      const f = parseFractionalPart(c.s, e + 1, 6);
      if (!f) return fail('EINVAL');
      e = f.end;
      value += BigInt(f.value);
    }
  }
  if (value > BigInt(INT_MAX)) return fail('ERANGE');
  c.p = e;
  return Number(value);
}

function constChain(value: number, chain: Component[]): void { chain.unshift({ start: value, stop: -1, repeat: 0 }); }

function prependComponent(c: Cursor, usec: boolean, out: Component[]): R {
  for (let nesting = 0; ; nesting++) {
    if (nesting > COMPONENTS_MAX) return fail('ENOBUFS');
    const e: Cursor = { s: c.s, p: c.p };
    const start = parseComponentDecimal(e, usec);
    if (typeof start !== 'number') return start;
    let stop = -1, repeat = 0;
    if (ch(e.s, e.p) === '.' && ch(e.s, e.p + 1) === '.') {
      e.p += 2;
      const st = parseComponentDecimal(e, usec);
      if (typeof st !== 'number') return st;
      stop = st;
      repeat = usec ? USEC_PER_SEC : 1;
    }
    if (ch(e.s, e.p) === '/') {
      e.p++;
      const rp = parseComponentDecimal(e, usec);
      if (typeof rp !== 'number') return rp;
      if (rp === 0) return fail('ERANGE');
      repeat = rp;
    } else {
      if (start > INT_MAX - repeat) return fail('ERANGE');
      if (usec && stop >= 0 && start + repeat > stop) return fail('EINVAL');
    }
    if (!['\0', ' ', ',', '-', '~', ':'].includes(ch(e.s, e.p))) return fail('EINVAL');
    out.unshift({ start, stop, repeat });
    c.p = e.p;
    if (ch(c.s, c.p) !== ',') return null;
    c.p += 1;
  }
}

function parseChain(c: Cursor, usec: boolean): Component[] | Failure {
  if (ch(c.s, c.p) === '*') {
    c.p += 1;
    return usec ? [{ start: 0, stop: -1, repeat: USEC_PER_SEC }] : [];
  }
  const out: Component[] = [];
  const t: Cursor = { s: c.s, p: c.p };
  const r = prependComponent(t, usec, out);
  if (r) return r;
  c.p = t.p;
  return out;
}

function fromTimeT(spec: CalendarSpec, time: number, libc: LibcTime): R {
  const tm = libc.gmtime(time);
  if (!tm) return fail('ERANGE');
  if (tm.year > INT_MAX - 1900) return fail('ERANGE');
  spec.utc = true;
  spec.year = [{ start: tm.year + 1900, stop: -1, repeat: 0 }];
  spec.month = [{ start: tm.mon + 1, stop: -1, repeat: 0 }];
  spec.day = [{ start: tm.mday, stop: -1, repeat: 0 }];
  spec.hour = [{ start: tm.hour, stop: -1, repeat: 0 }];
  spec.minute = [{ start: tm.min, stop: -1, repeat: 0 }];
  spec.microsecond = [{ start: tm.sec * USEC_PER_SEC, stop: -1, repeat: 0 }];
  return null;
}

/** parse_date: returns 1 when an @TIMESTAMP ended the expression, 0 otherwise. */
function parseDate(c: Cursor, spec: CalendarSpec, libc: LibcTime): number | Failure {
  const t: Cursor = { s: c.s, p: c.p };
  if (ch(t.s, t.p) === '\0') return 0;
  if (ch(t.s, t.p) === '@') {
    const r = parseOneNumber(t.s, t.p + 1);
    if ('errno' in r) return r;
    // (unsigned long)(time_t)value == value always holds for 64-bit longs: values ≥ 2^63 become negative.
    const time = r.value >= (1n << 63n) ? Number(r.value - (1n << 64n)) : Number(r.value);
    const e = fromTimeT(spec, time, libc);
    if (e) return e;
    c.p = r.end;
    return 1;
  }
  const first = parseChain(t, false);
  if ('errno' in first) return first;
  if (ch(t.s, t.p) === '\0' || ch(t.s, t.p) === ':') return 0;
  if (ch(t.s, t.p) === '~') spec.endOfMonth = true;
  else if (ch(t.s, t.p) !== '-') return fail('EINVAL');
  t.p++;
  const second = parseChain(t, false);
  if ('errno' in second) return second;
  if (ch(t.s, t.p) === '\0' || ch(t.s, t.p) === ' ') {
    skipSpaces(t);
    c.p = t.p;
    spec.month = first;
    spec.day = second;
    return 0;
  } else if (spec.endOfMonth) return fail('EINVAL');
  if (ch(t.s, t.p) === '~') spec.endOfMonth = true;
  else if (ch(t.s, t.p) !== '-') return fail('EINVAL');
  t.p++;
  const third = parseChain(t, false);
  if ('errno' in third) return third;
  if (ch(t.s, t.p) !== '\0' && ch(t.s, t.p) !== ' ') return fail('EINVAL');
  skipSpaces(t);
  c.p = t.p;
  spec.year = first;
  spec.month = second;
  spec.day = third;
  return 0;
}

function parseCalendarTime(c: Cursor, spec: CalendarSpec): R {
  const t: Cursor = { s: c.s, p: c.p };
  let h: Component[] = [], m: Component[] = [], s: Component[] = [];
  if (ch(t.s, t.p) === '\0') {
    constChain(0, h); constChain(0, m); constChain(0, s);
  } else {
    const hh = parseChain(t, false);
    if ('errno' in hh) return hh;
    h = hh;
    if (ch(t.s, t.p) !== ':') return fail('EINVAL');
    t.p++;
    const mm = parseChain(t, false);
    if ('errno' in mm) return mm;
    m = mm;
    if (ch(t.s, t.p) === '\0') constChain(0, s);
    else {
      if (ch(t.s, t.p) !== ':') return fail('EINVAL');
      t.p++;
      const ss = parseChain(t, true);
      if ('errno' in ss) return ss;
      s = ss;
      if (ch(t.s, t.p) !== '\0') return fail('EINVAL');
    }
  }
  c.p = t.p;
  spec.hour = h;
  spec.minute = m;
  spec.microsecond = s;
  return null;
}

/** calendar_spec_from_string. */
export function parseCalendarSpec(input: string, libc: LibcTime): CalendarSpec | Failure {
  const c = newSpec();
  let p = input;
  const utc = endsWithNoCase(p, ' UTC');
  if (utc >= 0) {
    c.utc = true;
    p = p.slice(0, utc);
  } else {
    libc.tzset();
    let j = 0, e = -1;
    for (j = 0; j <= 1; j++) {
      const n = libc.tzname[j]!;
      if (n === '') continue;
      e = endsWithNoCase(p, n);
      if (e < 0) continue;
      if (e === 0) continue;
      if (p[e - 1] !== ' ') continue;
      break;
    }
    if (j === 0 || j === 1) {
      p = p.slice(0, e - 1);
      c.dst = j;
    } else {
      const last = p.lastIndexOf(' ');
      if (last >= 0 && libc.timezoneIsValid(p.slice(last + 1))) {
        c.timezone = p.slice(last + 1);
        p = p.slice(0, last);
      }
    }
  }
  // C strings end at the first NUL
  const nul = p.indexOf('\0');
  if (nul >= 0) p = p.slice(0, nul);
  if (p === '') return fail('EINVAL');
  const lc = asciiLower(p);
  const set = (month: number[] | null, day: number | null, hour: boolean, minute: boolean): void => {
    if (month) for (const m of month) constChain(m, c.month);
    if (day !== null) constChain(day, c.day);
    if (hour) constChain(0, c.hour);
    if (minute) constChain(0, c.minute);
    constChain(0, c.microsecond);
  };
  if (lc === 'minutely') set(null, null, false, false);
  else if (lc === 'hourly') set(null, null, false, true);
  else if (lc === 'daily') set(null, null, true, true);
  else if (lc === 'monthly') set(null, 1, true, true);
  else if (lc === 'annually' || lc === 'yearly' || lc === 'anually') set([1], 1, true, true);
  else if (lc === 'weekly') { c.weekdaysBits = 1; set(null, null, true, true); }
  else if (lc === 'quarterly') set([1, 4, 7, 10], 1, true, true);
  else if (lc === 'biannually' || lc === 'bi-annually' || lc === 'semiannually' || lc === 'semi-annually') set([1, 7], 1, true, true);
  else {
    const cur: Cursor = { s: p, p: 0 };
    const w = parseWeekdays(cur, c);
    if (w) return w;
    const d = parseDate(cur, c, libc);
    if (typeof d !== 'number') return d;
    if (d === 0) {
      const t = parseCalendarTime(cur, c);
      if (t) return t;
    }
    if (cur.p < p.length) return fail('EINVAL');
  }
  normalize(c);
  if (!calendarSpecValid(c)) return fail('EINVAL');
  return c;
}
