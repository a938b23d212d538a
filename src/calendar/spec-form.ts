// The calendar spec as data (systemd 252 calendarspec.c): the CalendarSpec/Component shapes, normalisation
// (two-digit years, ranges cut to their last repetition, chains sorted and deduplicated), validation of each
// chain's bounds, and calendar_spec_to_string's normalized form. Parsing is spec.ts.
// Invariants: pure; after normalize() a chain is sorted by (start, stop, repeat) without duplicates; an
// empty chain means "*"; microsecond chains hold µs within the minute; stop < 0 means "no range end".
import type { LibcTime } from './libc';

export interface Component { start: number; stop: number; repeat: number }

export interface CalendarSpec {
  weekdaysBits: number;          // bit 0 = Monday … bit 6 = Sunday; -1 = any
  endOfMonth: boolean;
  utc: boolean;
  dst: number;                   // -1 unknown, 0/1 = the local zone's tzname[0]/[1] was given
  timezone: string | null;
  year: Component[];
  month: Component[];
  day: Component[];
  hour: Component[];
  minute: Component[];
  microsecond: Component[];
}

const BITS_WEEKDAYS = 127;
export const MIN_YEAR = 1970;
export const MAX_YEAR = 2199;
export const USEC_PER_SEC = 1_000_000;

export function newSpec(): CalendarSpec {
  return { weekdaysBits: 0, endOfMonth: false, utc: false, dst: -1, timezone: null,
    year: [], month: [], day: [], hour: [], minute: [], microsecond: [] };
}

function cmpComp(a: Component, b: Component): number {
  return a.start - b.start || a.stop - b.stop || a.repeat - b.repeat;
}

function normalizeChain(c: Component[]): Component[] {
  for (const i of c) {
    if (i.stop > i.start && i.repeat > 0) i.stop -= (i.stop - i.start) % i.repeat;
    if ((i.stop > i.start && i.repeat > 0 && i.start + i.repeat > i.stop) || i.start === i.stop) {
      i.repeat = 0;
      i.stop = -1;
    }
  }
  if (c.length <= 1) return c;
  const b = [...c].sort(cmpComp);
  const out: Component[] = [];
  for (const x of b) if (out.length === 0 || cmpComp(out[out.length - 1]!, x) !== 0) out.push(x);
  return out;
}

function fixYear(c: Component[]): void {
  for (const x of c) {
    if (x.start >= 0 && x.start < 70) x.start += 2000;
    if (x.stop >= 0 && x.stop < 70) x.stop += 2000;
    if (x.start >= 70 && x.start < 100) x.start += 1900;
    if (x.stop >= 70 && x.stop < 100) x.stop += 1900;
  }
}

export function normalize(c: CalendarSpec): void {
  if (c.timezone === 'UTC') { c.utc = true; c.timezone = null; }
  if (c.weekdaysBits <= 0 || c.weekdaysBits >= BITS_WEEKDAYS) c.weekdaysBits = -1;
  if (c.endOfMonth && c.day.length === 0) c.endOfMonth = false;
  fixYear(c.year);
  c.year = normalizeChain(c.year);
  c.month = normalizeChain(c.month);
  c.day = normalizeChain(c.day);
  c.hour = normalizeChain(c.hour);
  c.minute = normalizeChain(c.minute);
  c.microsecond = normalizeChain(c.microsecond);
}

function chainValid(c: Component[], from: number, to: number, endOfMonth: boolean): boolean {
  for (const x of c) {
    // systemd recurses with the already reduced bound, so each further end-of-month element loses 3 more days
    if (endOfMonth) to -= 3;
    if (x.start < from || x.start > to) return false;
    if (x.repeat > to - from) return false;
    if (x.stop >= 0) {
      if (x.stop < from || x.stop > to) return false;
      if (x.start + x.repeat > x.stop) return false;
    } else {
      if (endOfMonth && x.start - x.repeat < from) return false;
      if (!endOfMonth && x.start + x.repeat > to) return false;
    }
  }
  return true;
}

export function calendarSpecValid(c: CalendarSpec): boolean {
  if (c.weekdaysBits > BITS_WEEKDAYS) return false;
  return chainValid(c.year, MIN_YEAR, MAX_YEAR, false) && chainValid(c.month, 1, 12, false)
    && chainValid(c.day, 1, 31, c.endOfMonth) && chainValid(c.hour, 0, 23, false)
    && chainValid(c.minute, 0, 59, false) && chainValid(c.microsecond, 0, 60 * USEC_PER_SEC - 1, false);
}

// ---- formatting ----

const DAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];

function formatWeekdays(bits: number): string {
  let out = '';
  let l = -1, x = 0;
  let needComma = false;
  for (x = 0; x < 7; x++) {
    if (bits & (1 << x)) {
      if (l < 0) {
        if (needComma) out += ','; else needComma = true;
        out += DAYS[x]!;
        l = x;
      }
    } else if (l >= 0) {
      if (x > l + 1) { out += x > l + 2 ? '..' : ','; out += DAYS[x - 1]!; }
      l = -1;
    }
  }
  if (l >= 0 && x > l + 1) { out += x > l + 2 ? '..' : ','; out += DAYS[x - 1]!; }
  return out;
}

const pad = (n: number, w: number): string => { const s = String(n); return s.length >= w ? s : '0'.repeat(w - s.length) + s; };

function formatChain(space: number, c: Component[], usec: boolean): string {
  const d = usec ? USEC_PER_SEC : 1;
  if (c.length === 0 || (usec && c.some((x) => x.start === 0 && x.stop < 0 && x.repeat === USEC_PER_SEC))) return '*';
  const parts = c.map((x) => {
    let s = pad(Math.trunc(x.start / d), space);
    if (x.start % d > 0) s += '.' + pad(x.start % d, 6);
    if (x.stop > 0) s += '..' + pad(Math.trunc(x.stop / d), space);
    if (x.stop % d > 0) s += '.' + pad(x.stop % d, 6);
    if (x.repeat > 0 && !(x.stop > 0 && x.repeat === d)) s += '/' + String(Math.trunc(x.repeat / d));
    if (x.repeat % d > 0) s += '.' + pad(x.repeat % d, 6);
    return s;
  });
  return parts.join(',');
}

/** calendar_spec_to_string. */
export function calendarSpecToString(c: CalendarSpec, libc: LibcTime): string {
  let s = '';
  if (c.weekdaysBits > 0 && c.weekdaysBits <= BITS_WEEKDAYS) s += formatWeekdays(c.weekdaysBits) + ' ';
  s += formatChain(4, c.year, false) + '-' + formatChain(2, c.month, false) + (c.endOfMonth ? '~' : '-')
    + formatChain(2, c.day, false) + ' ' + formatChain(2, c.hour, false) + ':' + formatChain(2, c.minute, false)
    + ':' + formatChain(2, c.microsecond, true);
  if (c.utc) s += ' UTC';
  else if (c.timezone !== null) s += ' ' + c.timezone;
  else if (c.dst === 0 || c.dst === 1) {
    libc.tzset();
    const n = libc.tzname[c.dst]!;
    if (n !== '') s += ' ' + n;
  }
  return s;
}
