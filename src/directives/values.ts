// Value grammar of systemd unit files (systemd 252): booleans, time spans, sizes, signals, exit-status sets,
// octal modes, C-style unescaping and extract_first_word() word splitting, plus the formatters `show` uses.
// Invariants: every parser is pure and total (returns null / an error object, never throws); times are
// microseconds as numbers with Infinity for "infinity"; signal numbers are Linux x86-64 numbers.

// ---------- booleans ----------
const TRUE_WORDS = new Set(['1', 'yes', 'y', 'true', 't', 'on']);
const FALSE_WORDS = new Set(['0', 'no', 'n', 'false', 'f', 'off']);

/** parse_boolean(): case-insensitive; null when not a boolean. */
export function parseBoolean(s: string): boolean | null {
  const l = s.toLowerCase();
  if (TRUE_WORDS.has(l)) return true;
  if (FALSE_WORDS.has(l)) return false;
  return null;
}

// ---------- time spans ----------
export const USEC_PER_SEC = 1_000_000;
const USEC_PER_MINUTE = 60 * USEC_PER_SEC;
const USEC_PER_HOUR = 60 * USEC_PER_MINUTE;
const USEC_PER_DAY = 24 * USEC_PER_HOUR;
const USEC_PER_WEEK = 7 * USEC_PER_DAY;
const USEC_PER_MONTH = 2_629_800 * USEC_PER_SEC;
const USEC_PER_YEAR = 31_557_600 * USEC_PER_SEC;

// Order matters: longest match first among suffixes sharing a prefix (systemd's table order).
const TIME_UNITS: [string, number][] = [
  ['seconds', USEC_PER_SEC], ['second', USEC_PER_SEC], ['sec', USEC_PER_SEC], ['s', USEC_PER_SEC],
  ['minutes', USEC_PER_MINUTE], ['minute', USEC_PER_MINUTE], ['min', USEC_PER_MINUTE],
  ['months', USEC_PER_MONTH], ['month', USEC_PER_MONTH], ['M', USEC_PER_MONTH],
  ['msec', 1000], ['ms', 1000], ['m', USEC_PER_MINUTE],
  ['hours', USEC_PER_HOUR], ['hour', USEC_PER_HOUR], ['hr', USEC_PER_HOUR], ['h', USEC_PER_HOUR],
  ['days', USEC_PER_DAY], ['day', USEC_PER_DAY], ['d', USEC_PER_DAY],
  ['weeks', USEC_PER_WEEK], ['week', USEC_PER_WEEK], ['w', USEC_PER_WEEK],
  ['years', USEC_PER_YEAR], ['year', USEC_PER_YEAR], ['y', USEC_PER_YEAR],
  ['usec', 1], ['us', 1], ['μs', 1], ['µs', 1],
];
const NSEC_UNITS: [string, number][] = [
  ...TIME_UNITS.map(([s, u]): [string, number] => [s, u * 1000]),
  ['nsec', 1], ['ns', 1],
];
const WS = ' \t\n\r';
const isWs = (c: string | undefined): boolean => c !== undefined && WS.includes(c);
const isDigit = (c: string | undefined): boolean => c !== undefined && c >= '0' && c <= '9';

function parseSpan(t: string, defaultUnit: number, units: [string, number][]): number | null {
  let p = 0;
  while (isWs(t[p])) p++;
  if (t.startsWith('infinity', p)) {
    let q = p + 8;
    while (isWs(t[q])) q++;
    return q === t.length ? Infinity : null;
  }
  let total = 0;
  let something = false;
  for (;;) {
    while (isWs(t[p])) p++;
    if (p >= t.length) return something ? total : null;
    if (t[p] === '-') return null;
    let q = p;
    if (t[q] === '+') q++;
    const intStart = q;
    while (isDigit(t[q])) q++;
    const intPart = t.slice(intStart, q);
    let frac = '';
    if (t[q] === '.') {
      q++;
      const fs = q;
      while (isDigit(t[q])) q++;
      frac = t.slice(fs, q);
    } else if (intPart === '') return null;
    let s = q;
    while (isWs(t[s])) s++;
    let mult = defaultUnit;
    let matched = '';
    for (const [suf, m] of units) {
      if (t.startsWith(suf, s)) { mult = m; matched = suf; break; }
    }
    const end = matched ? s + matched.length : s;
    if (end === q && q < t.length && !matched) return null;   // '12.34.56', '5x'
    total += Number(intPart || '0') * mult;
    let k = mult / 10;
    for (const ch of frac) { total += Math.floor((ch.charCodeAt(0) - 48) * k); k /= 10; }
    total = Math.floor(total);
    something = true;
    p = end;
  }
}

/** parse_sec(): time span in µs; a bare number is seconds; Infinity for "infinity"; null on error. */
export function parseTimespan(s: string): number | null { return parseSpan(s, USEC_PER_SEC, TIME_UNITS); }
/** parse_time() with a custom default unit (µs multiplier). */
export function parseTimespanUnit(s: string, defaultUnitUs: number): number | null { return parseSpan(s, defaultUnitUs, TIME_UNITS); }
/** parse_nsec(): nanoseconds, bare number = ns. */
export function parseNsec(s: string): number | null { return parseSpan(s, 1, NSEC_UNITS); }

const FMT_UNITS: [string, number][] = [
  ['y', USEC_PER_YEAR], ['month', USEC_PER_MONTH], ['w', USEC_PER_WEEK], ['d', USEC_PER_DAY],
  ['h', USEC_PER_HOUR], ['min', USEC_PER_MINUTE], ['s', USEC_PER_SEC], ['ms', 1000], ['us', 1],
];

/** format_timespan(t, accuracy) — accuracy 0 (default) is how systemctl show prints *USec properties
 *  (`1min 30s`, `1.500000s`, `infinity`, `0`); the unit dump uses accuracy 1 s (`1s`). */
export function formatTimespan(us: number, accuracy = 0): string {
  if (us === Infinity || us >= 2 ** 64 - 1) return 'infinity';
  if (us <= 0) return '0';
  let t = Math.floor(us);
  const parts: string[] = [];
  for (const [suffix, unit] of FMT_UNITS) {
    if (t <= 0) break;
    if (t < accuracy && parts.length) break;
    if (t < unit) continue;
    const a = Math.floor(t / unit);
    let b = t % unit;
    if (t < USEC_PER_MINUTE && b > 0) {
      let j = 0;
      for (let cc = unit; cc > 1; cc /= 10) j++;
      for (let cc = accuracy; cc > 1; cc /= 10) { b = Math.floor(b / 10); j--; }
      if (j > 0) {
        parts.push(`${a}.${String(b).padStart(j, '0')}${suffix}`);
        t = 0;
        break;
      }
    }
    parts.push(`${a}${suffix}`);
    t = b;
  }
  return parts.join(' ');
}

// ---------- sizes ----------
const SIZE_SUFFIXES = ['E', 'P', 'T', 'G', 'M', 'K', 'B', ''];

/** parse_size(): "1G 512M", "1.5K"; base 1024 or 1000; null on error. */
export function parseSize(t: string, base: 1024 | 1000 = 1024): number | null {
  const mults = [6, 5, 4, 3, 2, 1, 0, 0].map((e) => base ** e);
  let p = 0;
  let total = 0;
  let start = 0;
  do {
    while (isWs(t[p])) p++;
    if (t[p] === '-') return null;
    let q = p;
    while (isDigit(t[q])) q++;
    const intPart = t.slice(p, q);
    let frac = '';
    if (t[q] === '.') {
      q++;
      const fs = q;
      while (isDigit(t[q])) q++;
      frac = t.slice(fs, q);
    }
    if (intPart === '' && frac === '') return null;
    while (isWs(t[q])) q++;
    let i = start;
    for (; i < SIZE_SUFFIXES.length; i++) if (t.startsWith(SIZE_SUFFIXES[i]!, q)) break;
    if (i >= SIZE_SUFFIXES.length) return null;
    const m = mults[i]!;
    total += Number(intPart || '0') * m + Math.floor(Number('0.' + (frac || '0')) * m);
    p = q + SIZE_SUFFIXES[i]!.length;
    start = i + 1;
  } while (p < t.length);
  return total;
}

// ---------- signals: src/directives/signals.ts (the one table) ----------
import { parseSignal } from './signals';
export { SIGNALS, SIGRTMIN, SIGRTMAX, parseSignal, signalName } from './signals';

// ---------- exit statuses ----------
export { EXIT_STATUS_NAMES } from './exit-codes';
import { EXIT_STATUS_NAMES } from './exit-codes';

/** exit_status_from_string(): name or 0..255; null when invalid. */
export function parseExitStatus(s: string): number | null {
  if (Object.prototype.hasOwnProperty.call(EXIT_STATUS_NAMES, s)) return EXIT_STATUS_NAMES[s]!;
  if (/^[0-9]+$/.test(s)) { const n = Number(s); return n <= 255 ? n : null; }
  return null;
}

/** config_parse_set_status(): words are exit statuses first, then signals; bad words are reported one by one. */
export function parseExitStatusSet(s: string): { statuses: number[]; signals: number[]; bad: string[] } {
  const statuses: number[] = []; const signals: number[] = []; const bad: string[] = [];
  for (const w of s.split(/[ \t\n\r]+/).filter((x) => x !== '')) {
    const st = parseExitStatus(w);
    if (st !== null) { if (!statuses.includes(st)) statuses.push(st); continue; }
    const sg = parseSignal(w);
    if (sg !== null) { if (!signals.includes(sg)) signals.push(sg); continue; }
    bad.push(w);
  }
  return { statuses, signals, bad };
}

// ---------- integers / modes ----------
/** parse_mode(): octal 0..07777. */
export function parseMode(s: string): number | null {
  const t = s.trim();
  if (!/^[+]?[0-7]+$/.test(t)) return null;
  const n = parseInt(t, 8);
  return n <= 0o7777 ? n : null;
}

/** safe_atou(): unsigned 32-bit decimal (leading whitespace allowed, no sign). */
export function parseUnsigned(s: string, max = 0xffffffff): number | null {
  const t = s.replace(/^[ \t\n\r]+/, '');
  if (!/^[+]?[0-9]+$/.test(t)) return null;
  const n = Number(t);
  return n <= max ? n : null;
}

/** safe_atoi(): signed 32-bit decimal. */
export function parseInt32(s: string): number | null {
  const t = s.replace(/^[ \t\n\r]+/, '');
  if (!/^[+-]?[0-9]+$/.test(t)) return null;
  const n = Number(t);
  return n >= -2147483648 && n <= 2147483647 ? n : null;
}

// Word splitting and C unescaping live in values-words.ts; re-exported here for one import point.
export { cUnescape, extractFirstWord, extractWordWarn, splitWords, type ExtractFlags, type ExtractResult } from './values-words';

/** systemd's shell_maybe_quote(s, 0): "…" with \ before " \ ` $ when s has a character a shell would mind. */
export function shellMaybeQuote(s: string): string {
  // eslint-disable-next-line no-control-regex
  if (!/[\x00-\x20\x7f-\uffff"\\`$*?['()<>|&;!]/.test(s)) return s;
  return `"${s.replace(/["\\`$]/g, (c) => `\\${c}`)}"`;
}
