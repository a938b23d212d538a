// Time spans as systemd 252 parses and prints them (src/basic/time-util.c: parse_time, parse_sec,
// format_timespan), over the full usec_t range. Pure.
// Invariants: values are µs as bigint; USEC_INFINITY (2^64-1) means "infinity"; parse failures carry
// systemd's errno (EINVAL for syntax, ERANGE for overflow and negative values).
import { fail, type Failure } from './errno';

export const USEC_INFINITY = (1n << 64n) - 1n;
export const USEC_PER_SEC = 1000000n;
export const USEC_PER_MSEC = 1000n;
export const USEC_PER_MINUTE = 60n * USEC_PER_SEC;
export const USEC_PER_HOUR = 60n * USEC_PER_MINUTE;
export const USEC_PER_DAY = 24n * USEC_PER_HOUR;
export const USEC_PER_WEEK = 7n * USEC_PER_DAY;
export const USEC_PER_MONTH = 2629800n * USEC_PER_SEC;
export const USEC_PER_YEAR = 31557600n * USEC_PER_SEC;

const MULTIPLIERS: readonly [string, bigint][] = [
  ['seconds', USEC_PER_SEC], ['second', USEC_PER_SEC], ['sec', USEC_PER_SEC], ['s', USEC_PER_SEC],
  ['minutes', USEC_PER_MINUTE], ['minute', USEC_PER_MINUTE], ['min', USEC_PER_MINUTE],
  ['months', USEC_PER_MONTH], ['month', USEC_PER_MONTH], ['M', USEC_PER_MONTH],
  ['msec', USEC_PER_MSEC], ['ms', USEC_PER_MSEC], ['m', USEC_PER_MINUTE],
  ['hours', USEC_PER_HOUR], ['hour', USEC_PER_HOUR], ['hr', USEC_PER_HOUR], ['h', USEC_PER_HOUR],
  ['days', USEC_PER_DAY], ['day', USEC_PER_DAY], ['d', USEC_PER_DAY],
  ['weeks', USEC_PER_WEEK], ['week', USEC_PER_WEEK], ['w', USEC_PER_WEEK],
  ['years', USEC_PER_YEAR], ['year', USEC_PER_YEAR], ['y', USEC_PER_YEAR],
  ['usec', 1n], ['us', 1n], ['\u03bcs', 1n], ['\u00b5s', 1n],
];

const WS = ' \t\n\r';
const isWs = (c: string | undefined): boolean => c !== undefined && WS.includes(c);
const isDigit = (c: string | undefined): boolean => c !== undefined && c >= '0' && c <= '9';

/** parse_time(t, default_unit). */
export function parseTime(t: string, defaultUnit: bigint): bigint | Failure {
  let p = 0;
  while (isWs(t[p])) p++;
  if (t.startsWith('infinity', p)) {
    let s = p + 8;
    while (isWs(t[s])) s++;
    if (s < t.length) return fail('EINVAL');
    return USEC_INFINITY;
  }
  let r = 0n;
  let something = false;
  for (;;) {
    let multiplier = defaultUnit;
    while (isWs(t[p])) p++;
    if (p >= t.length) {
      if (!something) return fail('EINVAL');
      break;
    }
    if (t[p] === '-') return fail('ERANGE');
    // strtoll(p, &e, 10): white space (already skipped here), an optional '+', digits
    let q = p;
    while (isWs(t[q])) q++;
    if (t[q] === '+') q++;
    const digitsStart = q;
    let l = 0n;
    while (isDigit(t[q])) { l = l * 10n + BigInt(t.charCodeAt(q) - 48); q++; }
    const e = q === digitsStart ? p : q;
    if (l > (1n << 63n) - 1n) return fail('ERANGE');
    if (t[e] === '.') {
      p = e + 1;
      while (isDigit(t[p])) p++;
    } else if (e === p) return fail('EINVAL');
    else p = e;
    let ws = p;
    while (isWs(t[ws])) ws++;
    let s = ws;
    for (const [suffix, mult] of MULTIPLIERS) {
      if (t.startsWith(suffix, ws)) { multiplier = mult; s = ws + suffix.length; break; }
    }
    if (s === p && p < t.length) return fail('EINVAL');
    p = s;
    if (l >= USEC_INFINITY / multiplier) return fail('ERANGE');
    let k = l * multiplier;
    if (k >= USEC_INFINITY - r) return fail('ERANGE');
    r += k;
    something = true;
    if (t[e] === '.') {
      let m = multiplier / 10n;
      let b = e + 1;
      for (; isDigit(t[b]); b++, m /= 10n) {
        k = BigInt(t.charCodeAt(b) - 48) * m;
        if (k >= USEC_INFINITY - r) return fail('ERANGE');
        r += k;
      }
      if (b === e + 1) return fail('EINVAL');
    }
  }
  return r;
}

export function parseSec(t: string): bigint | Failure { return parseTime(t, USEC_PER_SEC); }

const FORMAT_TABLE: readonly [string, bigint][] = [
  ['y', USEC_PER_YEAR], ['month', USEC_PER_MONTH], ['w', USEC_PER_WEEK], ['d', USEC_PER_DAY],
  ['h', USEC_PER_HOUR], ['min', USEC_PER_MINUTE], ['s', USEC_PER_SEC], ['ms', USEC_PER_MSEC], ['us', 1n],
];

/** format_timespan(buf, FORMAT_TIMESPAN_MAX, t, accuracy). */
export function formatTimespan(t: bigint, accuracy = 0n, bufLen = 64): string {
  if (t === USEC_INFINITY) return 'infinity'.slice(0, bufLen - 1);
  if (t <= 0n) return '0';
  let out = '';
  let l = bufLen;
  let something = false;
  for (const [suffix, unit] of FORMAT_TABLE) {
    if (t <= 0n) break;
    if (t < accuracy && something) break;
    if (t < unit) continue;
    if (l <= 1) break;
    const a = t / unit;
    let b = t % unit;
    let piece = '';
    let done = false;
    if (t < USEC_PER_MINUTE && b > 0n) {
      let j = 0;
      for (let cc = unit; cc > 1n; cc /= 10n) j++;
      for (let cc = accuracy; cc > 1n; cc /= 10n) { b /= 10n; j--; }
      if (j > 0) {
        piece = `${out.length > 0 ? ' ' : ''}${a}.${String(b).padStart(j, '0')}${suffix}`;
        t = 0n;
        done = true;
      }
    }
    if (!done) {
      piece = `${out.length > 0 ? ' ' : ''}${a}${suffix}`;
      t = b;
    }
    // snprintf into the l bytes left: at most l-1 characters land
    const n = Math.min(piece.length, l - 1);
    out += piece.slice(0, n);
    l -= n;
    something = true;
  }
  return out;
}

/** The number forms used elsewhere in tsysd (µs as number, Infinity = infinity). */
export function parseSecNumber(t: string): number | null {
  const r = parseSec(t);
  if (typeof r !== 'bigint') return null;
  return r === USEC_INFINITY ? Infinity : Number(r);
}
export function formatTimespanNumber(us: number, accuracy = 0): string {
  if (us === Infinity) return 'infinity';
  return formatTimespan(BigInt(Math.max(0, Math.round(us))), BigInt(accuracy));
}
