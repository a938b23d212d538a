// Budget and seed for the permanent fuzz tests (tests/unit/fuzz-*.test.ts, tests/e2e/abuse-*.test.ts).
//  * In `npm test` each fuzz loop runs for its small default budget (a few seconds; all fuzz + abuse tests
//    stay well under two minutes together on the 2-core machine).
//  * Locally: TSYSD_FUZZ_SECONDS=N runs every loop for N seconds instead; TSYSD_FUZZ_SECONDS=0 runs until
//    interrupted. TSYSD_FUZZ_SEED=S replays a run (the seed of a failing run is printed in the failure).
// The seed is random per run unless given, so CI explores new inputs every time and any failure can be
// replayed exactly.
import { rng } from './random';

export interface Fuzz {
  seed: number;
  /** Uniform [0, 1) from the seeded PRNG. */
  r: () => number;
  /** Integer in [0, n). */
  int: (n: number) => number;
  pick: <T>(xs: readonly T[]) => T;
  /** True while the budget lasts (and at least `minIterations` iterations ran). */
  more: () => boolean;
  iterations: number;
  /** Run `fn`; a thrown error is re-thrown with the seed and the input that caused it. */
  check: (input: unknown, fn: () => void) => void;
}

export function fuzz(name: string, defaultMs: number, minIterations = 100): Fuzz {
  const envSeed = process.env.TSYSD_FUZZ_SEED;
  const seed = envSeed !== undefined && envSeed !== '' ? Number(envSeed) >>> 0 : (Math.random() * 0x100000000) >>> 0;
  const env = process.env.TSYSD_FUZZ_SECONDS;
  const ms = env === undefined || env === '' ? defaultMs : Number(env) === 0 ? Infinity : Number(env) * 1000;
  const r = rng(seed);
  const start = Date.now();
  const f: Fuzz = {
    seed, r, iterations: 0,
    int: (n) => Math.floor(r() * n),
    pick: (xs) => xs[Math.floor(r() * xs.length)] as never,
    more: () => { f.iterations++; return f.iterations <= minIterations || Date.now() - start < ms; },
    check: (input, fn) => {
      try { fn(); } catch (e) {
        const shown = typeof input === 'string' ? JSON.stringify(input.length > 2000 ? input.slice(0, 2000) + '…' : input) : describeInput(input);
        const err = new Error(`fuzz ${name} failed (replay with TSYSD_FUZZ_SEED=${seed}, iteration ${f.iterations}) on input ${shown}: ${(e as Error).message}`);
        err.stack = `${err.message}\n${(e as Error).stack ?? ''}`;
        throw err;
      }
    },
  };
  return f;
}

function describeInput(x: unknown): string {
  if (Buffer.isBuffer(x)) return `<${x.length} bytes> ${JSON.stringify(x.subarray(0, 400).toString('latin1'))}`;
  try { const s = JSON.stringify(x); return s.length > 2000 ? s.slice(0, 2000) + '…' : s; } catch { return String(x); }
}
