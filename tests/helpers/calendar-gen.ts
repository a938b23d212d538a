// Random calendar expressions for the differential test against `systemd-analyze calendar`: the whole
// systemd.time(7) grammar (weekday lists and ranges, dates and times with *, lists, ranges, repetitions,
// `~`, fractional seconds, shorthands, @epoch, UTC / local abbreviations / IANA zones) plus a share of
// near-misses (out-of-range values, reversed ranges, stray characters) that must fail the same way.
// Deterministic for a given seed (mulberry32).

export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const ZONES = ['Europe/Berlin', 'America/New_York', 'Asia/Tokyo', 'Australia/Lord_Howe', 'Pacific/Auckland',
  'Europe/Dublin', 'America/Sao_Paulo', 'Asia/Kolkata', 'Pacific/Chatham', 'Africa/Casablanca', 'Foo/Bar', 'EST5EDT'];
const ABBREVS = ['CET', 'CEST', 'EST', 'EDT', 'GMT', 'IST', 'AEDT', 'JST', 'NZDT', 'cet'];
const DAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];
const LONG_DAYS = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];
const WORDS = ['minutely', 'hourly', 'daily', 'monthly', 'weekly', 'yearly', 'annually', 'anually', 'quarterly',
  'semiannually', 'semi-annually', 'biannually', 'bi-annually', 'Daily', 'HOURLY'];

export function makeGenerator(seed: number): () => string {
  const r = rng(seed);
  const int = (lo: number, hi: number): number => lo + Math.floor(r() * (hi - lo + 1));
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
  const chance = (p: number): boolean => r() < p;
  const num = (lo: number, hi: number, padTo: number): string => {
    const n = int(lo, hi);
    return chance(0.5) ? String(n).padStart(padTo, '0') : String(n);
  };
  const caseMix = (s: string): string => (chance(0.15) ? s.toUpperCase() : chance(0.15) ? s.toLowerCase() : s);

  const weekdays = (): string => {
    const items: string[] = [];
    const n = int(1, 3);
    for (let i = 0; i < n; i++) {
      const d = (): string => caseMix(chance(0.2) ? pick(LONG_DAYS) : pick(DAYS));
      if (chance(0.35)) items.push(`${d()}${chance(0.8) ? '..' : '-'}${d()}`);
      else items.push(d());
    }
    let s = items.join(',');
    if (chance(0.05)) s += ',';
    return s;
  };
  // one chain element: n | n..m | n/r | n..m/r
  const elem = (lo: number, hi: number, padTo: number, slop: number): string => {
    const a = (): string => num(Math.max(0, lo - slop), hi + slop, padTo);
    const k = r();
    if (k < 0.5) return a();
    if (k < 0.7) return `${a()}..${a()}`;
    if (k < 0.85) return `${a()}/${int(1, Math.max(1, Math.floor((hi - lo) / 2) + slop))}`;
    return `${a()}..${a()}/${int(1, Math.max(1, Math.floor((hi - lo) / 3) + slop))}`;
  };
  const chain = (lo: number, hi: number, padTo: number, slop = 1): string => {
    if (chance(0.3)) return '*';
    const n = chance(0.75) ? 1 : int(2, 3);
    return Array.from({ length: n }, () => elem(lo, hi, padTo, slop)).join(',');
  };
  const seconds = (): string => {
    if (chance(0.25)) return '*';
    const frac = (): string => (chance(0.3) ? `.${String(int(0, 999999)).padStart(int(1, 7), '0').slice(0, int(1, 7))}` : '');
    const one = (): string => {
      const k = r();
      const v = (): string => `${num(0, chance(0.05) ? 61 : 59, 2)}${frac()}`;
      if (k < 0.55) return v();
      if (k < 0.7) return `${v()}..${v()}`;
      if (k < 0.9) return `${v()}/${int(1, 30)}${chance(0.2) ? `.${int(1, 9)}` : ''}`;
      return `${v()}..${v()}/${int(1, 20)}`;
    };
    return chance(0.8) ? one() : `${one()},${one()}`;
  };
  const year = (): string => {
    if (chance(0.4)) return '*';
    const two = chance(0.25);
    const y = (): string => (two ? num(0, 99, 2) : String(int(1968, 2205)));
    const k = r();
    if (k < 0.5) return y();
    if (k < 0.7) return `${y()}..${y()}`;
    if (k < 0.85) return `${y()}/${int(1, 10)}`;
    return `${y()},${y()}`;
  };
  const date = (): string => {
    const eom = chance(0.15);
    const day = eom ? chain(1, 28, 2, 2) : chain(1, 31, 2, 1);
    const md = `${chain(1, 12, 2, 1)}${eom ? '~' : '-'}${day}`;
    return chance(0.6) ? `${year()}-${md}` : md;
  };
  const time = (): string => {
    const h = chain(0, 23, 2, 1), m = chain(0, 59, 2, 1);
    return chance(0.65) ? `${h}:${m}:${seconds()}` : `${h}:${m}`;
  };
  const suffix = (): string => {
    const k = r();
    if (k < 0.75) return '';
    if (k < 0.85) return pick([' UTC', ' utc', ' Utc']);
    if (k < 0.92) return ' ' + pick(ABBREVS);
    return ' ' + pick(ZONES);
  };
  const mutate = (s: string): string => {
    const chars = ' ,.-~:/*0123456789aMS';
    const i = int(0, s.length);
    const k = r();
    if (k < 0.4) return s.slice(0, i) + pick([...chars]) + s.slice(i);
    if (k < 0.8) return s.slice(0, i) + s.slice(i + 1);
    return s + pick(['  ', ' x', ',', ':', '-', '..']);
  };
  return () => {
    const k = r();
    let s: string;
    if (k < 0.06) s = caseMix(pick(WORDS));
    else if (k < 0.09) s = `@${int(0, 4102444800)}`;
    else {
      const parts: string[] = [];
      const hasWd = chance(0.3), hasDate = chance(0.7), hasTime = chance(0.8) || (!hasWd && !hasDate);
      if (hasWd) parts.push(weekdays());
      if (hasDate) parts.push(date());
      if (hasTime) parts.push(time());
      s = parts.join(chance(0.05) ? '  ' : ' ');
    }
    s += suffix();
    if (chance(0.06)) s = mutate(s);
    return s;
  };
}
