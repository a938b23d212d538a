// The time functions of one process's C library, as glibc 2.36 implements them: tzset, localtime_r,
// gmtime_r, mktime, timegm, and the globals they leave behind (tzname, timezone, daylight, mktime's
// cached offset guess). systemd's calendar and timestamp code is written against these, including their
// quirks (mktime's choice in DST gaps and folds depends on its previous call; localtime_r rewrites
// tzname), so tsysd reproduces them instead of using Intl.
// Pure: zone files come through the ZoneReader given to the constructor.
// Invariants: times are seconds since the epoch (JS numbers, integral); struct tm fields as in C
// (tm_year = year - 1900, tm_mon 0..11); a failed conversion returns null / -1 like the C functions.
import { parseTzif, parsePosixTz, computeChange, emptyRule, MON_YDAY, isLeap, type TzFile, type TzRule } from './tzfile';

export interface Tm {
  sec: number; min: number; hour: number; mday: number; mon: number; year: number;
  wday: number; yday: number; isdst: number; gmtoff: number; zone: string;
}

export function emptyTm(): Tm {
  return { sec: 0, min: 0, hour: 0, mday: 0, mon: 0, year: 0, wday: 0, yday: 0, isdst: 0, gmtoff: 0, zone: '' };
}
export function copyTm(t: Tm): Tm { return { ...t }; }

/** Reads a file by absolute path; null when it cannot be read (or is not a regular file). */
export type ZoneReader = (path: string) => Uint8Array | null;

export const TZDIR = '/usr/share/zoneinfo';
export const TZDEFAULT = '/etc/localtime';

const SECS_PER_DAY = 86400;
const cdiv = (a: number, b: number): number => Math.trunc(a / b);
const cmod = (a: number, b: number): number => a - Math.trunc(a / b) * b;

/** __offtime: T at OFFSET seconds east of UTC into tm fields (no zone fields). */
export function offtime(t: number, offset: number, tp: Tm): boolean {
  let days = cdiv(t, SECS_PER_DAY);
  let rem = cmod(t, SECS_PER_DAY) + offset;
  while (rem < 0) { rem += SECS_PER_DAY; --days; }
  while (rem >= SECS_PER_DAY) { rem -= SECS_PER_DAY; ++days; }
  tp.hour = cdiv(rem, 3600);
  rem = cmod(rem, 3600);
  tp.min = cdiv(rem, 60);
  tp.sec = cmod(rem, 60);
  tp.wday = cmod(4 + days, 7);
  if (tp.wday < 0) tp.wday += 7;
  let y = 1970;
  const DIV = (a: number, b: number): number => cdiv(a, b) - (cmod(a, b) < 0 ? 1 : 0);
  const LEAPS = (yy: number): number => DIV(yy, 4) - DIV(yy, 100) + DIV(yy, 400);
  while (days < 0 || days >= (isLeap(y) ? 366 : 365)) {
    const yg = y + cdiv(days, 365) - (cmod(days, 365) < 0 ? 1 : 0);
    days -= (yg - y) * 365 + LEAPS(yg - 1) - LEAPS(y - 1);
    y = yg;
  }
  tp.year = y - 1900;
  if (tp.year > 2147483647 || tp.year < -2147483648) return false;
  tp.yday = days;
  const ip = MON_YDAY[isLeap(y) ? 1 : 0]!;
  let m = 11;
  while (days < ip[m]!) m--;
  tp.mon = m;
  tp.mday = days - ip[m]! + 1;
  return true;
}

// ---- mktime (glibc time/mktime.c, __mktime_internal) ----

const TM_YEAR_BASE = 1900;
const EPOCH_YEAR = 1970;
const MKTIME_MIN = -(2 ** 62), MKTIME_MAX = 2 ** 62;     // generous: all real inputs stay far inside

function shr(a: number, b: number): number { return Math.floor(a / 2 ** b); }
function leapyear(year: number): boolean {
  return (year & 3) === 0 && (cmod(year, 100) !== 0 || ((cdiv(year, 100)) & 3) === ((-(TM_YEAR_BASE / 100)) & 3));
}
function ydhms_diff(year1: number, yday1: number, hour1: number, min1: number, sec1: number,
  year0: number, yday0: number, hour0: number, min0: number, sec0: number): number {
  const a4 = shr(year1, 2) + shr(TM_YEAR_BASE, 2) - ((year1 & 3) === 0 ? 1 : 0);
  const b4 = shr(year0, 2) + shr(TM_YEAR_BASE, 2) - ((year0 & 3) === 0 ? 1 : 0);
  const a100 = cdiv(a4 + (a4 < 0 ? 1 : 0), 25) - (a4 < 0 ? 1 : 0);
  const b100 = cdiv(b4 + (b4 < 0 ? 1 : 0), 25) - (b4 < 0 ? 1 : 0);
  const a400 = shr(a100, 2), b400 = shr(b100, 2);
  const leaps = (a4 - b4) - (a100 - b100) + (a400 - b400);
  const days = 365 * (year1 - year0) + yday1 - yday0 + leaps;
  return 60 * (60 * (24 * days + hour1 - hour0) + min1 - min0) + sec1 - sec0;
}
function tm_diff(year: number, yday: number, hour: number, min: number, sec: number, tp: Tm): number {
  return ydhms_diff(year, yday, hour, min, sec, tp.year, tp.yday, tp.hour, tp.min, tp.sec);
}
function isdstDiffer(a: number, b: number): boolean { return (!a !== !b) && a >= 0 && b >= 0; }

type Convert = (t: number) => Tm | null;

/** __mktime_internal. Returns [time, canonical tm] or null (EOVERFLOW). `offset` is the cached guess. */
function mktimeInternal(tp: Tm, convert: Convert, offset: { v: number }): { t: number; tm: Tm } | null {
  let remaining = 6;
  let sec = tp.sec;
  const min = tp.min, hour = tp.hour, mday = tp.mday, mon = tp.mon, isdst = tp.isdst;
  let dst2 = 0;
  const monRem = cmod(mon, 12);
  const negMonRem = monRem < 0 ? 1 : 0;
  const monYears = cdiv(mon, 12) - negMonRem;
  const year = tp.year + monYears;
  const monYday = MON_YDAY[leapyear(year) ? 1 : 0]![monRem + 12 * negMonRem]! - 1;
  const yday = monYday + mday;
  const off = offset.v;
  const secRequested = sec;
  if (sec < 0) sec = 0;
  if (sec > 59) sec = 59;
  const negOff = -off;
  const t0 = ydhms_diff(year, yday, hour, min, sec, EPOCH_YEAR - TM_YEAR_BASE, 0, 0, 0, negOff);
  let t = t0, t1 = t0, t2 = t0;
  let tm: Tm | null = null;
  let found = false;
  for (;;) {
    const tc = Math.min(Math.max(t, MKTIME_MIN), MKTIME_MAX);
    tm = convert(tc);
    if (!tm) return null;
    t = tc;
    const dt = tm_diff(year, yday, hour, min, sec, tm);
    if (dt === 0) break;
    if (t === t1 && t !== t2 && (tm.isdst < 0 || (isdst < 0 ? dst2 <= (tm.isdst !== 0 ? 1 : 0) : (isdst !== 0) !== (tm.isdst !== 0)))) {
      found = true;
      break;
    }
    if (--remaining === 0) return null;
    t1 = t2; t2 = t; t += dt; dst2 = tm.isdst !== 0 ? 1 : 0;
  }
  if (!found && isdstDiffer(isdst, tm.isdst)) {
    const stride = 601200, durationMax = 536454000;
    const deltaBound = cdiv(durationMax, 2) + stride;
    let ok = false;
    outer: for (let delta = stride; delta < deltaBound; delta += stride) {
      for (let direction = -1; direction <= 1; direction += 2) {
        const ot = t + delta * direction;
        const otm = convert(ot);
        if (!otm) return null;
        if (!isdstDiffer(isdst, otm.isdst)) {
          const gt = ot + tm_diff(year, yday, hour, min, sec, otm);
          const gtm = convert(gt);
          if (gtm) { t = gt; tm = gtm; ok = true; break outer; }
          return null;
        }
      }
    }
    if (!ok) return null;
  }
  offset.v = t - t0 - negOff;
  if (secRequested !== tm.sec) {
    let adj = sec === 0 && tm.sec === 60 ? 1 : 0;
    adj -= sec;
    adj += secRequested;
    t += adj;
    const ntm = convert(t);
    if (!ntm) return null;
    tm = ntm;
  }
  return { t, tm };
}

/**
 * One process's C-library time state. `fork(tz)` gives what a forked child sees after setenv("TZ", tz)
 * and tzset(): a fresh zone read, the parent's mktime guess, and no effect back on the parent.
 */
export class LibcTime {
  tzname: [string, string] = ['GMT', 'GMT'];
  daylight = false;
  timezone = 0;
  private oldTz: string | null = null;
  private initialized = false;
  private useTzfile = false;
  private file: TzFile | null = null;
  private rules: [TzRule, TzRule] = [emptyRule(), emptyRule()];
  private localtimeOffset = { v: 0 };
  private gmtimeOffset = { v: 0 };

  /**
   * `tz`: the TZ environment variable (undefined = unset). `tzdir`: $TZDIR or the default. `cache`: parsed
   * zone files shared with forks (clear it when the zone files may have changed).
   */
  constructor(private readonly reader: ZoneReader, private tz: string | undefined, private readonly tzdir = TZDIR,
    readonly cache: Map<string, TzFile | null> = new Map()) {}

  /** A copy with TZ replaced, as a forked child calling setenv("TZ", ":" + name) + tzset() sees it. */
  fork(tz: string): LibcTime {
    const c = new LibcTime(this.reader, tz, this.tzdir, this.cache);
    c.tzname = [...this.tzname];
    c.daylight = this.daylight;
    c.timezone = this.timezone;
    c.oldTz = this.oldTz;
    c.initialized = this.initialized;
    c.useTzfile = this.useTzfile;
    c.file = this.file;
    c.rules = [{ ...this.rules[0] }, { ...this.rules[1] }];
    c.localtimeOffset = { v: this.localtimeOffset.v };
    c.gmtimeOffset = { v: this.gmtimeOffset.v };
    c.tzset();
    return c;
  }

  /** Replace TZ (like setenv + the next tzset). */
  setTz(tz: string | undefined): void { this.tz = tz; }

  private tzsetInternal(always: boolean): void {
    if (this.initialized && !always) return;
    this.initialized = true;
    let tz: string | null = this.tz === undefined ? null : this.tz;
    if (tz === '') tz = 'Universal';
    if (tz !== null && tz.startsWith(':')) tz = tz.slice(1);
    if (this.oldTz !== null && tz !== null && tz === this.oldTz) return;
    const file = tz === null ? TZDEFAULT : tz;
    if (tz === null && this.oldTz === TZDEFAULT && this.useTzfile) return;   // __tzfile_read: file unchanged
    this.rules[0].name = ''; this.rules[1].name = '';
    this.oldTz = file;
    this.readFile(file);
    if (this.useTzfile) return;
    if (file === '' || file === TZDEFAULT) {
      this.rules = [emptyRule(), emptyRule()];
      this.rules[0].name = this.rules[1].name = 'UTC';
      this.rules[0].change = this.rules[1].change = -1;
      this.updateVars();
      return;
    }
    this.rules = parsePosixTz(file);
    this.updateVars();
  }

  private readFile(name: string): void {
    this.useTzfile = false;
    this.file = null;
    if (name === '') return;
    const path = name.startsWith('/') ? name : `${this.tzdir}/${name}`;
    let f = this.cache.get(path);
    if (f === undefined) {
      const bytes = this.reader(path);
      f = bytes ? parseTzif(bytes) : null;
      this.cache.set(path, f);
    }
    if (!f) return;
    this.file = f;
    this.tzname = [f.tzname[0], f.tzname[1]];
    this.daylight = f.ruleStdoff !== f.ruleDstoff;
    this.timezone = -f.ruleStdoff;
    this.useTzfile = true;
  }

  private updateVars(): void {
    this.daylight = this.rules[0].offset !== this.rules[1].offset;
    this.timezone = -this.rules[0].offset;
    this.tzname = [this.rules[0].name, this.rules[1].name];
  }

  tzset(): void {
    this.tzsetInternal(true);
    if (!this.useTzfile) this.tzname = [this.rules[0].name, this.rules[1].name];
  }

  /** __tz_compute for the POSIX-rule case. */
  private tzCompute(timer: number, tm: Tm, useLocaltime: boolean): void {
    computeChange(this.rules[0], 1900 + tm.year);
    computeChange(this.rules[1], 1900 + tm.year);
    if (!useLocaltime) return;
    const r0 = this.rules[0], r1 = this.rules[1];
    const isdst = r0.change > r1.change ? (timer < r1.change || timer >= r0.change) : (timer >= r0.change && timer < r1.change);
    tm.isdst = isdst ? 1 : 0;
    tm.zone = this.tzname[tm.isdst]!;
    tm.gmtoff = this.rules[tm.isdst]!.offset;
  }

  /** __tzfile_compute. Returns leap correction and hit count. */
  private tzfileCompute(timer: number, useLocaltime: boolean, tp: Tm): { corr: number; hit: number } {
    const f = this.file!;
    if (useLocaltime) {
      let n0: string | null = null, n1: string | null = null;
      const nt = f.transitions.length;
      let typeI: number;
      if (nt === 0 || timer < f.transitions[0]!) {
        let i = 0;
        while (i < f.types.length && f.types[i]!.isdst) { if (n1 === null) n1 = f.types[i]!.abbr; ++i; }
        if (i === f.types.length) i = 0;
        n0 = f.types[i]!.abbr;
        if (n1 === null) {
          for (let j = i; j < f.types.length; j++) if (f.types[j]!.isdst) { n1 = f.types[j]!.abbr; break; }
        }
        typeI = i;
      } else if (timer >= f.transitions[nt - 1]! && f.tzspec !== null && offtime(timer, 0, tp)) {
        this.rules = parsePosixTz(f.tzspec);
        this.updateVars();
        this.tzCompute(timer, tp, true);
        return this.leapsAt(timer);
      } else {
        // i: the first transition after TIMER (nt when none); transitions[0] <= timer holds here
        let lo = 1, hi = nt;
        while (lo < hi) { const mid = (lo + hi) >> 1; if (f.transitions[mid]! > timer) hi = mid; else lo = mid + 1; }
        const i = lo;
        const cur = f.types[f.typeIdx[i - 1]!]!;
        if (cur.isdst) n1 = cur.abbr; else n0 = cur.abbr;
        for (let j = i; j < nt; j++) {
          const t = f.types[f.typeIdx[j]!]!;
          if (t.isdst) { if (n1 === null) { n1 = t.abbr; if (n0 !== null) break; } }
          else if (n0 === null) { n0 = t.abbr; if (n1 !== null) break; }
        }
        if (n0 === null) n0 = n1;
        typeI = f.typeIdx[i - 1]!;
      }
      const info = f.types[typeI]!;
      this.daylight = f.ruleStdoff !== f.ruleDstoff;
      this.timezone = -f.ruleStdoff;
      if (n0 === null) n0 = f.types[0]!.abbr;
      if (n1 === null) n1 = n0;
      this.tzname = [n0, n1];
      tp.isdst = info.isdst ? 1 : 0;
      tp.zone = info.abbr;
      tp.gmtoff = info.offset;
    }
    return this.leapsAt(timer);
  }

  private leapsAt(timer: number): { corr: number; hit: number } {
    const leaps = this.file?.leaps ?? [];
    let i = leaps.length;
    do { if (i-- === 0) return { corr: 0, hit: 0 }; } while (timer < leaps[i]!.transition);
    const corr = leaps[i]!.change;
    let hit = 0;
    if (timer === leaps[i]!.transition && leaps[i]!.change > (i === 0 ? 0 : leaps[i - 1]!.change)) {
      hit = 1;
      while (i > 0 && leaps[i]!.transition === leaps[i - 1]!.transition + 1 && leaps[i]!.change === leaps[i - 1]!.change + 1) { ++hit; --i; }
    }
    return { corr, hit };
  }

  /** __tz_convert. */
  private convert(timer: number, useLocaltime: boolean): Tm | null {
    this.tzsetInternal(false);
    const tp = emptyTm();
    let lc = { corr: 0, hit: 0 };
    if (this.useTzfile) lc = this.tzfileCompute(timer, useLocaltime, tp);
    else {
      if (!offtime(timer, 0, tp)) return null;
      this.tzCompute(timer, tp, useLocaltime);
    }
    if (!useLocaltime) { tp.isdst = 0; tp.zone = 'GMT'; tp.gmtoff = 0; }
    if (!offtime(timer, tp.gmtoff - lc.corr, tp)) return null;
    tp.sec += lc.hit;
    return tp;
  }

  localtime(t: number): Tm | null { return this.convert(t, true); }
  gmtime(t: number): Tm | null { return this.convert(t, false); }

  /** mktime(3): normalizes *tm in place on success; returns -1 on failure (tm untouched). */
  mktime(tm: Tm): number {
    this.tzset();
    const r = mktimeInternal(tm, (t) => this.localtime(t), this.localtimeOffset);
    if (!r) return -1;
    Object.assign(tm, r.tm);
    return r.t;
  }

  timegm(tm: Tm): number {
    tm.isdst = 0;
    const r = mktimeInternal(tm, (t) => this.gmtime(t), this.gmtimeOffset);
    if (!r) return -1;
    Object.assign(tm, r.tm);
    return r.t;
  }

  mktimeOrTimegm(tm: Tm, utc: boolean): number { return utc ? this.timegm(tm) : this.mktime(tm); }
  localtimeOrGmtime(t: number, utc: boolean): Tm | null { return utc ? this.gmtime(t) : this.localtime(t); }

  /** systemd's in_utc_timezone(). */
  inUtcTimezone(): boolean { this.tzset(); return this.timezone === 0 && !this.daylight; }

  /** systemd's verify_timezone(): a valid name whose file under /usr/share/zoneinfo starts with TZif. */
  timezoneIsValid(name: string): boolean {
    if (name === '') return false;
    if (name === 'UTC') return true;
    if (name.startsWith('/')) return false;
    let slash = false;
    for (const c of name) {
      if (!/[0-9A-Za-z\-_+/]/.test(c)) return false;
      if (c === '/') { if (slash) return false; slash = true; } else slash = false;
    }
    if (slash) return false;
    if (name.length >= 4096) return false;
    const path = `${TZDIR}/${name}`;
    const hit = this.validCache.get(path);
    if (hit !== undefined) return hit;
    const b = this.reader(path);
    const ok = b !== null && b.length >= 4 && b[0] === 0x54 && b[1] === 0x5a && b[2] === 0x69 && b[3] === 0x66;
    this.validCache.set(path, ok);
    return ok;
  }
  private get validCache(): Map<string, boolean> {
    let m = validCaches.get(this.cache);
    if (!m) { m = new Map(); validCaches.set(this.cache, m); }
    return m;
  }
}

/** Validity answers per zone cache (so forks share them and clearing the cache is one call). */
const validCaches = new WeakMap<Map<string, TzFile | null>, Map<string, boolean>>();

/** Forget parsed zone files and validity answers (after /usr/share/zoneinfo or /etc/localtime changed). */
export function clearZoneCache(libc: LibcTime): void {
  libc.cache.clear();
  validCaches.delete(libc.cache);
}
