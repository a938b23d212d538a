// Per-unit rate limiting as journald-rate-limit.c: one group per unit, five pools by priority (emerg..crit,
// err, warning, notice+info, debug); in each pool at most `burst` messages per `interval`, the burst scaled
// by free disk space (x1 at 1 MiB or less, then (log2(available) - 16) / 4: x2 at 16 MiB, x3 at 256 MiB,
// x4 at 4 GiB). When the interval of a pool that dropped messages ends, the next message passes and the
// caller writes "Suppressed N messages from UNIT" (MESSAGE_ID=a596d6fe7bfa4994828e72309e95d61e).
// Pure (clock passed in). Memory is bounded: at most MAX_GROUPS groups, the least recently used is evicted.
export const DEFAULT_RATE_LIMIT_INTERVAL_US = 30_000_000;
export const DEFAULT_RATE_LIMIT_BURST = 10_000;
export const SD_MESSAGE_JOURNAL_DROPPED = 'a596d6fe7bfa4994828e72309e95d61e';

const PRIORITY_POOL = [0, 0, 0, 1, 2, 3, 3, 4];
const MAX_GROUPS = 2047;

interface Pool { begin: number; num: number; suppressed: number }

export function burstModulate(burst: number, available: number): number {
  const k = available > 0 ? Math.floor(Math.log2(available)) : 0;
  if (k <= 20) return burst;
  return Math.floor((burst * (k - 16)) / 4);
}

export class RateLimiter {
  private readonly groups = new Map<string, Pool[]>();

  /**
   * 0: suppress the message; 1: let it pass; 1 + n: let it pass, n messages were suppressed before it.
   * intervalUs or burst 0 disable limiting (RateLimitIntervalSec=0 / RateLimitBurst=0).
   */
  test(unit: string, intervalUs: number, burst: number, level: number, available: number, nowUs: number): number {
    let g = this.groups.get(unit);
    if (g) { this.groups.delete(unit); this.groups.set(unit, g); }   // most recently used last
    else {
      if (this.groups.size >= MAX_GROUPS) {
        const oldest = this.groups.keys().next();
        if (!oldest.done) this.groups.delete(oldest.value);
      }
      g = Array.from({ length: 5 }, () => ({ begin: 0, num: 0, suppressed: 0 }));
      this.groups.set(unit, g);
    }
    if (intervalUs === 0 || burst === 0) return 1;
    const b = burstModulate(burst, available);
    const p = g[PRIORITY_POOL[level & 7]!]!;
    if (p.begin <= 0) { p.suppressed = 0; p.num = 1; p.begin = nowUs; return 1; }
    if (p.begin + intervalUs < nowUs) {
      const s = p.suppressed;
      p.suppressed = 0; p.num = 1; p.begin = nowUs;
      return 1 + s;
    }
    if (p.num < b) { p.num++; return 1; }
    p.suppressed++;
    return 0;
  }

  /** Units whose pools hold suppressed messages (for a flush on shutdown). */
  pendingSuppressed(): Array<{ unit: string; count: number }> {
    const out: Array<{ unit: string; count: number }> = [];
    for (const [unit, g] of this.groups) {
      const n = g.reduce((a, p) => a + p.suppressed, 0);
      if (n > 0) out.push({ unit, count: n });
    }
    return out;
  }
}
