// Time zone data as glibc 2.36 reads it: the TZif file format (tzfile(5), v1 and v2+ with the POSIX TZ
// footer) and POSIX TZ strings ("CET-1CEST,M3.5.0,M10.5.0/3"), including glibc's rule-change arithmetic
// (compute_change, which keys the rule year on the UTC year). Pure: bytes in, tables out.
// Invariants: times are seconds since the epoch as JS numbers (exact far beyond year 9999); offsets are
// seconds east of UTC; a parse failure returns null (glibc then falls back to the TZ string or UTC).

export interface TtInfo { offset: number; isdst: boolean; abbr: string; isstd: boolean; isgmt: boolean }
export interface Leap { transition: number; change: number }

/** One TZif file as glibc keeps it after __tzfile_read. */
export interface TzFile {
  transitions: number[];
  typeIdx: number[];
  types: TtInfo[];
  leaps: Leap[];
  tzspec: string | null;
  /** tzname/daylight/timezone as __tzfile_read leaves them. */
  tzname: [string, string];
  ruleStdoff: number;
  ruleDstoff: number;
}

function be32(b: Uint8Array, o: number): number {
  return ((b[o]! << 24) | (b[o + 1]! << 16) | (b[o + 2]! << 8) | b[o + 3]!);
}
function be64(b: Uint8Array, o: number): number {
  const hi = be32(b, o);
  const lo = be32(b, o + 4) >>> 0;
  return Number((BigInt(hi) << 32n) + BigInt(lo));
}
function cstr(b: Uint8Array, start: number, end: number): string {
  let e = start;
  while (e < end && b[e] !== 0) e++;
  let s = '';
  for (let i = start; i < e; i++) s += String.fromCharCode(b[i]!);
  return s;
}

/** __tzfile_read's parse (without the stat cache). Null where glibc would "lose". */
export function parseTzif(b: Uint8Array): TzFile | null {
  let pos = 0;
  let width = 4;
  const HDR = 44;
  for (;;) {
    if (b.length < pos + HDR) return null;
    if (b[pos] !== 0x54 || b[pos + 1] !== 0x5a || b[pos + 2] !== 0x69 || b[pos + 3] !== 0x66) return null;
    const version = b[pos + 4]!;
    const isgmtcnt = be32(b, pos + 20) >>> 0, isstdcnt = be32(b, pos + 24) >>> 0, leapcnt = be32(b, pos + 28) >>> 0;
    const timecnt = be32(b, pos + 32) >>> 0, typecnt = be32(b, pos + 36) >>> 0, charcnt = be32(b, pos + 40) >>> 0;
    if (isstdcnt > typecnt || isgmtcnt > typecnt) return null;
    pos += HDR;
    if (width === 4 && version !== 0) {
      width = 8;
      pos += timecnt * 5 + typecnt * 6 + charcnt + leapcnt * 8 + isstdcnt + isgmtcnt;
      continue;
    }
    const need = timecnt * (width + 1) + typecnt * 6 + charcnt + leapcnt * (width + 4) + isstdcnt + isgmtcnt;
    if (b.length < pos + need) return null;
    const transitions: number[] = [];
    for (let i = 0; i < timecnt; i++) transitions.push(width === 4 ? be32(b, pos + i * 4) : be64(b, pos + i * 8));
    pos += timecnt * width;
    const typeIdx: number[] = [];
    for (let i = 0; i < timecnt; i++) { const t = b[pos + i]!; if (t >= typecnt) return null; typeIdx.push(t); }
    pos += timecnt;
    const raw: { offset: number; isdst: number; idx: number }[] = [];
    for (let i = 0; i < typecnt; i++) {
      const offset = be32(b, pos), isdst = b[pos + 4]!, idx = b[pos + 5]!;
      if (isdst > 1 || idx > charcnt) return null;
      raw.push({ offset, isdst, idx });
      pos += 6;
    }
    const namesStart = pos;
    pos += charcnt;
    const leaps: Leap[] = [];
    for (let i = 0; i < leapcnt; i++) {
      const transition = width === 4 ? be32(b, pos) : be64(b, pos);
      pos += width;
      leaps.push({ transition, change: be32(b, pos) });
      pos += 4;
    }
    const isstd: boolean[] = [], isgmt: boolean[] = [];
    for (let i = 0; i < isstdcnt; i++) isstd.push(b[pos++] !== 0);
    for (let i = 0; i < isgmtcnt; i++) isgmt.push(b[pos++] !== 0);
    let tzspec: string | null = null;
    if (width === 8) {
      if (b[pos] !== 0x0a) tzspec = null;
      else {
        let e = pos + 1;
        while (e < b.length && b[e] !== 0x0a) e++;
        tzspec = cstr(b, pos + 1, e);
        // glibc reads up to the end of file minus the trailing newline; a missing final newline loses it.
        if (e >= b.length) tzspec = null;
      }
      if (tzspec === '') tzspec = null;
    }
    const types: TtInfo[] = raw.map((r, i) => ({
      offset: r.offset, isdst: r.isdst === 1, abbr: cstr(b, namesStart + r.idx, namesStart + charcnt),
      isstd: isstd[i] ?? false, isgmt: isgmt[i] ?? false,
    }));
    if (types.length === 0) return null;
    // tzname: the abbreviations of each flavour transitioned to latest.
    let n0: string | null = null, n1: string | null = null;
    for (let i = timecnt; i > 0;) {
      const t = types[typeIdx[--i]!]!;
      if (t.isdst) { if (n1 === null) { n1 = t.abbr; if (n0 !== null) break; } }
      else if (n0 === null) { n0 = t.abbr; if (n1 !== null) break; }
    }
    if (n0 === null) n0 = cstr(b, namesStart, namesStart + charcnt);
    if (n1 === null) n1 = n0;
    let ruleStdoff = 0, ruleDstoff = 0;
    if (timecnt === 0) ruleStdoff = ruleDstoff = types[0]!.offset;
    else {
      let stdSet = false, dstSet = false;
      for (let i = timecnt - 1; i >= 0; i--) {
        const t = types[typeIdx[i]!]!;
        if (!stdSet && !t.isdst) { stdSet = true; ruleStdoff = t.offset; }
        else if (!dstSet && t.isdst) { dstSet = true; ruleDstoff = t.offset; }
        if (stdSet && dstSet) break;
      }
      if (!dstSet) ruleDstoff = ruleStdoff;
    }
    return { transitions, typeIdx, types, leaps, tzspec, tzname: [n0, n1], ruleStdoff, ruleDstoff };
  }
}

// ---- POSIX TZ strings (tzset.c) ----

export interface TzRule {
  name: string;
  type: 'J0' | 'J1' | 'M';
  m: number; n: number; d: number;
  secs: number;
  offset: number;
  change: number;
  computedFor: number;
}

export function emptyRule(): TzRule {
  return { name: '', type: 'J0', m: 0, n: 0, d: 0, secs: 0, offset: 0, change: 0, computedFor: 0 };
}

const isDigit = (c: string | undefined): boolean => c !== undefined && c >= '0' && c <= '9';
const isAlpha = (c: string | undefined): boolean => c !== undefined && ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'));

/** sscanf("%hu%n:%hu%n:%hu%n"): up to three numbers; returns values parsed and characters consumed. */
function scanHms(s: string, i: number): { vals: number[]; consumed: number } {
  const vals: number[] = [];
  let consumed = 0;
  let p = i;
  for (let k = 0; k < 3; k++) {
    if (k > 0) { if (s[p] !== ':') break; p++; }
    // %hu skips white space and accepts a sign
    while (s[p] === ' ' || s[p] === '\t') p++;
    let sign = 1;
    if (s[p] === '+' || s[p] === '-') { if (s[p] === '-') sign = -1; p++; }
    if (!isDigit(s[p])) break;
    let v = 0;
    while (isDigit(s[p])) { v = v * 10 + (s.charCodeAt(p) - 48); p++; }
    vals.push(((sign * v) % 65536 + 65536) % 65536);
    consumed = p - i;
  }
  return { vals, consumed };
}

function computeOffset(ss: number, mm: number, hh: number): number {
  return Math.min(ss, 59) + Math.min(mm, 59) * 60 + Math.min(hh, 24) * 3600;
}

/** __tzset_parse_tz: fills two rules (names, offsets, change rules). */
export function parsePosixTz(tz: string): [TzRule, TzRule] {
  const r: [TzRule, TzRule] = [emptyRule(), emptyRule()];
  let p = 0;
  const parseName = (w: 0 | 1): boolean => {
    let q = p;
    while (isAlpha(tz[q])) q++;
    let start = p, len = q - p;
    if (len < 3) {
      q = p;
      if (tz[q++] !== '<') return false;
      start = q;
      while (isAlpha(tz[q]) || isDigit(tz[q]) || tz[q] === '+' || tz[q] === '-') q++;
      len = q - start;
      if (tz[q++] !== '>' || len < 3) return false;
    }
    r[w].name = tz.slice(start, start + len);
    p = q;
    return true;
  };
  const parseOffset = (w: 0 | 1): boolean => {
    const c = tz[p];
    if (w === 0 && (c === undefined || (c !== '+' && c !== '-' && !isDigit(c)))) return false;
    let sign = -1;
    if (c === '-' || c === '+') { sign = c === '-' ? 1 : -1; p++; }
    const { vals, consumed } = scanHms(tz, p);
    if (vals.length > 0) r[w].offset = sign * computeOffset(vals[2] ?? 0, vals[1] ?? 0, vals[0]!);
    else if (w === 0) { r[0].offset = 0; return false; }
    else r[1].offset = r[0].offset + 3600;
    p += consumed;
    return true;
  };
  const parseRule = (w: 0 | 1): boolean => {
    const rule = r[w];
    if (tz[p] === ',') p++;
    const c = tz[p];
    if (c === 'J' || isDigit(c)) {
      rule.type = c === 'J' ? 'J1' : 'J0';
      if (rule.type === 'J1') { p++; if (!isDigit(tz[p])) return false; }
      let q = p, d = 0;
      while (isDigit(tz[q])) { d = d * 10 + (tz.charCodeAt(q) - 48); q++; }
      if (q === p || d > 365) return false;
      if (rule.type === 'J1' && d === 0) return false;
      rule.d = d;
      p = q;
    } else if (c === 'M') {
      const m = /^M(\d+)\.(\d+)\.(\d+)/.exec(tz.slice(p));
      if (!m) return false;
      rule.type = 'M';
      rule.m = Number(m[1]) % 65536; rule.n = Number(m[2]) % 65536; rule.d = Number(m[3]) % 65536;
      if (rule.m < 1 || rule.m > 12 || rule.n < 1 || rule.n > 5 || rule.d > 6) return false;
      p += m[0].length;
    } else if (c === undefined) {
      rule.type = 'M';
      if (w === 0) { rule.m = 3; rule.n = 2; rule.d = 0; } else { rule.m = 11; rule.n = 1; rule.d = 0; }
    } else return false;
    const e = tz[p];
    if (e !== undefined && e !== '/' && e !== ',') return false;
    if (e === '/') {
      p++;
      if (tz[p] === undefined) return false;
      const neg = tz[p] === '-';
      if (neg) p++;
      const { vals, consumed } = scanHms(tz, p);
      p += consumed;
      const hh = vals[0] ?? 2, mm = vals[1] ?? 0, ss = vals[2] ?? 0;
      rule.secs = (neg ? -1 : 1) * (hh * 3600 + mm * 60 + ss);
    } else rule.secs = 7200;
    rule.computedFor = -1;
    return true;
  };
  if (parseName(0) && parseOffset(0)) {
    if (p < tz.length) {
      if (parseName(1)) {
        parseOffset(1);
        // glibc would consult TZDEFRULES (posixrules) when no rule follows; we use the built-in US default
        // that parse_rule supplies for an empty rule, which is what posixrules holds on Debian.
      }
      if (parseRule(0)) parseRule(1);
    } else {
      r[1].name = r[0].name;
      r[1].offset = r[0].offset;
    }
  }
  return r;
}

const SECSPERDAY = 86400;
export const MON_YDAY: readonly (readonly number[])[] = [
  [0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334, 365],
  [0, 31, 60, 91, 121, 152, 182, 213, 244, 274, 305, 335, 366],
];
export function isLeap(y: number): boolean { return y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0); }

/** compute_change: when in YEAR the rule's change happens (C integer division throughout). */
export function computeChange(rule: TzRule, year: number): void {
  if (year !== -1 && rule.computedFor === year) return;
  const q = (a: number, b: number): number => Math.trunc(a / b);
  let t = 0;
  if (year > 1970) {
    t = ((year - 1970) * 365 + (q(year - 1, 4) - q(1970, 4)) - (q(year - 1, 100) - q(1970, 100))
      + (q(year - 1, 400) - q(1970, 400))) * SECSPERDAY;
  }
  const leap = isLeap(year) ? 1 : 0;
  switch (rule.type) {
    case 'J1':
      t += (rule.d - 1) * SECSPERDAY;
      if (rule.d >= 60 && leap) t += SECSPERDAY;
      break;
    case 'J0':
      t += rule.d * SECSPERDAY;
      break;
    case 'M': {
      const myday = MON_YDAY[leap]!;
      t += myday[rule.m - 1]! * SECSPERDAY;
      const m1 = (rule.m + 9) % 12 + 1;
      const yy0 = rule.m <= 2 ? year - 1 : year;
      const yy1 = q(yy0, 100), yy2 = yy0 % 100;
      let dow = (q(26 * m1 - 2, 10) + 1 + yy2 + q(yy2, 4) + q(yy1, 4) - 2 * yy1) % 7;
      if (dow < 0) dow += 7;
      let d = rule.d - dow;
      if (d < 0) d += 7;
      for (let i = 1; i < rule.n; i++) {
        if (d + 7 >= myday[rule.m]! - myday[rule.m - 1]!) break;
        d += 7;
      }
      t += d * SECSPERDAY;
      break;
    }
  }
  rule.change = t - rule.offset + rule.secs;
  rule.computedFor = year;
}
