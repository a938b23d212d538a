// Timer coalescing as systemd's event loop does it (sd-event: one wake-up per clock, at sleep_between()
// of the earliest deadline and the earliest deadline-plus-accuracy, aligned to a per-boot perturbation
// within the minute / 10 s / 1 s / 250 ms; every source whose time has come is dispatched on that wake-up).
// Pure: the manager owns one ClockQueue per clock and programs the platform's wake-up from nextWake().
// Invariants: times are µs on the queue's clock; Infinity = never; an armed key has exactly one entry.

const MINUTE = 60_000_000, SEC = 1_000_000, MSEC = 1000;

/** sd-event's sleep_between(a, b): a wake-up time in [a, b], as late and as aligned as possible. */
export function sleepBetween(a: number, b: number, perturb: number): number {
  if (a <= 0) return 0;
  if (a === Infinity) return Infinity;
  if (b <= a + 1) return a;
  for (const step of [MINUTE, 10 * SEC, SEC, 250 * MSEC]) {
    let c = Math.floor(b / step) * step + (perturb % step);
    if (c >= b) {
      if (c < step) return b;
      c -= step;
    }
    if (c >= a) return c;
  }
  return b;
}

/** initialize_perturb(): (qword0 ^ qword1) % 1 min of the boot id (16 bytes, little-endian qwords). */
export function perturbFromId(id: Uint8Array | null): number {
  if (!id || id.length !== 16) return 0;
  let q0 = 0n, q1 = 0n;
  for (let i = 7; i >= 0; i--) { q0 = (q0 << 8n) | BigInt(id[i]!); q1 = (q1 << 8n) | BigInt(id[8 + i]!); }
  return Number((q0 ^ q1) % 60_000_000n);
}

interface Entry { at: number; accuracy: number; fire: () => void }

export class ClockQueue {
  private readonly entries = new Map<string, Entry>();
  constructor(readonly perturb: number) {}

  arm(key: string, at: number, accuracy: number, fire: () => void): void {
    this.entries.set(key, { at, accuracy: Math.max(0, accuracy), fire });
  }
  clear(key: string): boolean { return this.entries.delete(key); }
  has(key: string): boolean { return this.entries.has(key); }
  get size(): number { return this.entries.size; }

  /** The wake-up event_arm_timer() would program: sleep_between(earliest, earliest latest). */
  nextWake(): number {
    let a = Infinity, b = Infinity;
    for (const e of this.entries.values()) {
      if (e.at < a) a = e.at;
      const latest = e.at + e.accuracy;
      if (latest < b) b = latest;
    }
    if (a === Infinity) return Infinity;
    return sleepBetween(a, Math.max(a, b), this.perturb);
  }

  /** Remove and return (earliest first) every entry due at `now`; the caller runs their fire(). */
  due(now: number): (() => void)[] {
    const out: [number, () => void][] = [];
    for (const [k, e] of this.entries) if (e.at <= now) { out.push([e.at, e.fire]); this.entries.delete(k); }
    return out.sort((x, y) => x[0] - y[0]).map((x) => x[1]);
  }
}
