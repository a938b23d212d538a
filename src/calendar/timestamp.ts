// Timestamps as systemd 252 parses and prints them (time-util.c: parse_timestamp with its forms "now",
// "today", "+5min", "-1h", "… ago", "@epoch", weekday prefixes, local zone abbreviations and IANA zone
// suffixes; format_timestamp in the pretty, µs, UTC and relative styles), with glibc's strptime for the
// date forms. Pure: "now" and the C library state are passed in.
// Invariants: µs since the epoch as bigint; 0 and USEC_INFINITY are "unset" for the formatters (null).
import { fail, type Failure } from './errno';
import { copyTm, type LibcTime, type Tm } from './libc';
import { endsWithNoCase, parseFractionalPart, startsWithNoCase } from './spec';
import { parseSec, USEC_INFINITY, USEC_PER_DAY, USEC_PER_HOUR, USEC_PER_MINUTE, USEC_PER_MONTH, USEC_PER_MSEC, USEC_PER_SEC, USEC_PER_WEEK, USEC_PER_YEAR } from './timespan';
import { USEC_TIMESTAMP_FORMATTABLE_MAX } from './next';
import { isLeap, MON_YDAY } from './tzfile';

const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const pad = (n: number | bigint, w: number): string => String(n).padStart(w, '0');

export function timestampIsSet(t: bigint): boolean { return t > 0n && t !== USEC_INFINITY; }

export type TimestampStyle = 'pretty' | 'us' | 'utc' | 'us+utc' | 'unix';

/** format_timestamp_style with a FORMAT_TIMESTAMP_MAX buffer; null where systemd returns NULL. */
export function formatTimestampStyle(libc: LibcTime, t: bigint, style: TimestampStyle = 'pretty'): string | null {
  const us = style === 'us' || style === 'us+utc';
  const utc = style === 'utc' || style === 'us+utc';
  const l = 38;
  if (!timestampIsSet(t)) return null;
  if (style === 'unix') return `@${t / USEC_PER_SEC}`;
  if (t > USEC_TIMESTAMP_FORMATTABLE_MAX) return '--- XXXX-XX-XX XX:XX:XX';
  const sec = Number(t / USEC_PER_SEC);
  const tm = libc.localtimeOrGmtime(sec, utc);
  if (!tm) return null;
  let buf = `${WEEKDAYS[tm.wday]!} ${pad(tm.year + 1900, 4)}-${pad(tm.mon + 1, 2)}-${pad(tm.mday, 2)} ${pad(tm.hour, 2)}:${pad(tm.min, 2)}:${pad(tm.sec, 2)}`;
  if (us) buf += '.' + pad(t % USEC_PER_SEC, 6);
  const n = buf.length;
  if (utc) buf += ' UTC';
  else if (tm.zone !== '') {
    if (n + 1 + tm.zone.length + 1 > l) {
      if (n + 1 + 6 + 1 > l) return null;
    } else buf += ' ' + tm.zone;
  }
  return buf;
}

/** format_timestamp_relative. */
export function formatTimestampRelative(t: bigint, now: bigint): string | null {
  if (!timestampIsSet(t)) return null;
  let d: bigint, s: string;
  if (now > t) { d = now - t; s = 'ago'; } else { d = t - now; s = 'left'; }
  const pl = (n: bigint, one: string, many: string): string => (n === 1n ? one : many);
  if (d >= USEC_PER_YEAR) {
    const years = d / USEC_PER_YEAR, months = (d % USEC_PER_YEAR) / USEC_PER_MONTH;
    return `${years} ${pl(years, 'year', 'years')} ${months} ${pl(months, 'month', 'months')} ${s}`;
  }
  if (d >= USEC_PER_MONTH) {
    const months = d / USEC_PER_MONTH, days = (d % USEC_PER_MONTH) / USEC_PER_DAY;
    return `${months} ${pl(months, 'month', 'months')} ${days} ${pl(days, 'day', 'days')} ${s}`;
  }
  if (d >= USEC_PER_WEEK) {
    const weeks = d / USEC_PER_WEEK, days = (d % USEC_PER_WEEK) / USEC_PER_DAY;
    return `${weeks} ${pl(weeks, 'week', 'weeks')} ${days} ${pl(days, 'day', 'days')} ${s}`;
  }
  if (d >= 2n * USEC_PER_DAY) return `${d / USEC_PER_DAY} days ${s}`;
  if (d >= 25n * USEC_PER_HOUR) return `1 day ${(d - USEC_PER_DAY) / USEC_PER_HOUR}h ${s}`;
  if (d >= 6n * USEC_PER_HOUR) return `${d / USEC_PER_HOUR}h ${s}`;
  if (d >= USEC_PER_HOUR) return `${d / USEC_PER_HOUR}h ${(d % USEC_PER_HOUR) / USEC_PER_MINUTE}min ${s}`;
  if (d >= 5n * USEC_PER_MINUTE) return `${d / USEC_PER_MINUTE}min ${s}`;
  if (d >= USEC_PER_MINUTE) return `${d / USEC_PER_MINUTE}min ${(d % USEC_PER_MINUTE) / USEC_PER_SEC}s ${s}`;
  if (d >= USEC_PER_SEC) return `${d / USEC_PER_SEC}s ${s}`;
  if (d >= USEC_PER_MSEC) return `${d / USEC_PER_MSEC}ms ${s}`;
  if (d > 0n) return `${d}us ${s}`;
  return 'now';
}

// ---- glibc strptime, the conversions systemd uses (C locale) ----

const isSpace = (c: string | undefined): boolean => c !== undefined && ' \t\n\v\f\r'.includes(c);

function dayOfTheWeek(tm: Tm): void {
  const corrYear = 1900 + tm.year - (tm.mon < 2 ? 1 : 0);
  const q = (a: number, b: number): number => Math.trunc(a / b);
  const c4 = q(corrYear, 4);
  const wday = -473 + 365 * (tm.year - 70) + c4 - q(c4, 25) + ((c4 % 25) < 0 ? 1 : 0) + q(q(c4, 25), 4)
    + MON_YDAY[0]![tm.mon]! + tm.mday - 1;
  tm.wday = ((wday % 7) + 7) % 7;
}

/** strptime(s, fmt, tm): index after the match, or -1. Mutates tm like glibc (also on failure). */
export function strptime(s: string, fmt: string, tm: Tm): number {
  let rp = 0;
  let wantXday = false, haveWday = false, haveMon = false;
  const getNumber = (from: number, to: number, n: number): number | null => {
    while (isSpace(s[rp])) rp++;
    if (!(s[rp]! >= '0' && s[rp]! <= '9')) return null;
    let val = 0;
    do { val = val * 10 + (s.charCodeAt(rp++) - 48); } while (--n > 0 && val * 10 <= to && s[rp]! >= '0' && s[rp]! <= '9');
    if (val < from || val > to) return null;
    return val;
  };
  for (let f = 0; f < fmt.length;) {
    const fc = fmt[f]!;
    if (isSpace(fc)) { while (isSpace(s[rp])) rp++; f++; continue; }
    if (fc !== '%') { if (s[rp] !== fc) return -1; rp++; f++; continue; }
    const conv = fmt[f + 1];
    f += 2;
    let v: number | null;
    switch (conv) {
      case 'y':
        if ((v = getNumber(0, 99, 2)) === null) return -1;
        tm.year = v >= 69 ? v : v + 100; wantXday = true; break;
      case 'Y':
        if ((v = getNumber(0, 9999, 4)) === null) return -1;
        tm.year = v - 1900; wantXday = true; break;
      case 'm':
        if ((v = getNumber(1, 12, 2)) === null) return -1;
        tm.mon = v - 1; haveMon = true; wantXday = true; break;
      case 'd':
        if ((v = getNumber(1, 31, 2)) === null) return -1;
        tm.mday = v; wantXday = true; break;
      case 'H':
        if ((v = getNumber(0, 23, 2)) === null) return -1;
        tm.hour = v; break;
      case 'M':
        if ((v = getNumber(0, 59, 2)) === null) return -1;
        tm.min = v; break;
      case 'S':
        if ((v = getNumber(0, 61, 2)) === null) return -1;
        tm.sec = v; break;
      case 'b': {
        let best = -1, bestEnd = -1;
        for (let cnt = 0; cnt < 12; cnt++) {
          for (const name of [MONTHS[cnt]!, MONTHS[cnt]!.slice(0, 3)]) {
            if (startsWithNoCase(s, rp, name) && rp + name.length > bestEnd) { bestEnd = rp + name.length; best = cnt; }
          }
        }
        if (best < 0) return -1;
        rp = bestEnd; tm.mon = best; haveMon = true; wantXday = true; break;
      }
      default: return -1;
    }
  }
  if (wantXday && !haveWday) {
    if (haveMon || (tm.mon >= 0 && tm.mon <= 11)) dayOfTheWeek(tm);
  }
  if (wantXday && (haveMon || (tm.mon >= 0 && tm.mon <= 11))) tm.yday = MON_YDAY[isLeap(1900 + tm.year) ? 1 : 0]![tm.mon]! + tm.mday - 1;
  return rp;
}

// ---- parse_timestamp ----

const DAY_NR: readonly [string, number][] = [
  ['Sunday', 0], ['Sun', 0], ['Monday', 1], ['Mon', 1], ['Tuesday', 2], ['Tue', 2], ['Wednesday', 3], ['Wed', 3],
  ['Thursday', 4], ['Thu', 4], ['Friday', 5], ['Fri', 5], ['Saturday', 6], ['Sat', 6],
];

function parseTimestampImpl(libc: LibcTime, input: string, now: bigint, withTz: boolean): bigint | Failure {
  let t = input;
  if (t.startsWith('@') && !withTz) return parseSec(t.slice(1));
  let ret = now;
  let plus = 0n, minus = 0n;
  let utc = false, dst = -1;
  let tzn: string | null = null;
  let fromTm = true;
  if (!withTz) {
    if (t === 'now') fromTm = false;
    else if (t.startsWith('+')) { const r = parseSec(t.slice(1)); if (typeof r !== 'bigint') return r; plus = r; fromTm = false; }
    else if (t.startsWith('-')) { const r = parseSec(t.slice(1)); if (typeof r !== 'bigint') return r; minus = r; fromTm = false; }
    else if (t.endsWith(' ago')) { const r = parseSec(t.slice(0, -4)); if (typeof r !== 'bigint') return r; minus = r; fromTm = false; }
    else if (t.endsWith(' left')) { const r = parseSec(t.slice(0, -5)); if (typeof r !== 'bigint') return r; plus = r; fromTm = false; }
    if (fromTm) {
      const u = endsWithNoCase(t, ' UTC');
      if (u >= 0) { utc = true; t = t.slice(0, u); }
      else {
        libc.tzset();
        let j = 0, e = -1;
        for (j = 0; j <= 1; j++) {
          const n = libc.tzname[j]!;
          if (n === '') continue;
          e = endsWithNoCase(t, n);
          if (e < 0 || e === 0 || t[e - 1] !== ' ') continue;
          break;
        }
        if (j === 0 || j === 1) { tzn = libc.tzname[j]!; t = t.slice(0, e - 1); dst = j; }
      }
    }
  }
  if (fromTm) {
    const x = Number(ret / USEC_PER_SEC);
    let xUsec = 0;
    const base = libc.localtimeOrGmtime(x, utc);
    if (!base) return fail('EINVAL');
    let tm: Tm = base;
    tm.isdst = dst;
    if (!withTz && tzn !== null) tm.zone = tzn;
    let weekday = -1;
    let done = false;
    if (t === 'today') { tm.sec = tm.min = tm.hour = 0; done = true; }
    else if (t === 'yesterday') { tm.mday--; tm.sec = tm.min = tm.hour = 0; done = true; }
    else if (t === 'tomorrow') { tm.mday++; tm.sec = tm.min = tm.hour = 0; done = true; }
    if (!done) {
      for (const [name, nr] of DAY_NR) {
        if (!startsWithNoCase(t, 0, name)) continue;
        if (t[name.length] !== ' ') continue;
        weekday = nr;
        t = t.slice(name.length + 1);
        break;
      }
      const copy = copyTm(tm);
      const forms: [string, boolean, 'usec' | 'sec0' | 'hms0'][] = [
        ['%y-%m-%d %H:%M:%S', true, 'usec'], ['%Y-%m-%d %H:%M:%S', true, 'usec'], ['%b %d %H:%M:%S', true, 'usec'],
        ['%y-%m-%d %H:%M', false, 'sec0'], ['%Y-%m-%d %H:%M', false, 'sec0'],
        ['%y-%m-%d', false, 'hms0'], ['%Y-%m-%d', false, 'hms0'],
        ['%H:%M:%S', true, 'usec'], ['%H:%M', false, 'sec0'],
      ];
      let matched = false;
      for (const [fmt, allowUsec, post] of forms) {
        tm = copyTm(copy);
        const k = strptime(t, fmt, tm);
        if (k < 0) continue;
        if (allowUsec && t[k] === '.') {
          const f = parseFractionalPart(t, k + 1, 6);
          if (!f) return fail('EINVAL');
          if (f.end < t.length) return fail('EINVAL');
          xUsec = f.value;
          matched = true;
          break;
        }
        if (k < t.length) continue;
        if (post === 'sec0') tm.sec = 0;
        else if (post === 'hms0') tm.sec = tm.min = tm.hour = 0;
        matched = true;
        break;
      }
      if (!matched) return fail('EINVAL');
    }
    if (weekday >= 0 && tm.wday !== weekday) return fail('EINVAL');
    const xx = libc.mktimeOrTimegm(tm, utc);
    if (xx < 0) return fail('EINVAL');
    ret = BigInt(xx) * USEC_PER_SEC + BigInt(xUsec);
    if (ret > USEC_TIMESTAMP_FORMATTABLE_MAX) return fail('EINVAL');
  }
  if (ret + plus > USEC_INFINITY) return fail('EINVAL');
  ret += plus;
  if (ret > USEC_TIMESTAMP_FORMATTABLE_MAX) return fail('EINVAL');
  if (ret >= minus) ret -= minus;
  else return fail('EINVAL');
  return ret;
}

/**
 * parse_timestamp: a trailing IANA zone name is evaluated in a fork of the C library state.
 * `fromArgv`: the string is a command-line argument of systemd-analyze. systemd 252 names the forked
 * child with rename_process(), which overwrites the argv area, so the child then parses an empty string
 * with TZ=":" and every zone-suffixed timestamp given on its command line fails with EINVAL. The analyze
 * verbs reproduce that; everything else gets the documented behaviour.
 */
export function parseTimestamp(libc: LibcTime, t: string, now: bigint, fromArgv = false): bigint | Failure {
  const last = t.lastIndexOf(' ');
  let tz: string | null = null;
  if (last >= 0 && libc.timezoneIsValid(t.slice(last + 1))) tz = t.slice(last + 1);
  if (tz === null || endsWithNoCase(t, ' UTC') >= 0) return parseTimestampImpl(libc, t, now, false);
  if (fromArgv) return fail('EINVAL');
  const child = libc.fork(':' + tz);
  const withTz = tz !== child.tzname[0] && tz !== child.tzname[1];
  return parseTimestampImpl(child, withTz ? t.slice(0, last) : t, now, withTz);
}
