// Budget and seed for the permanent fuzz tests (tests/unit/fuzz-*.test.ts, tests/e2e/abuse-*.test.ts).
//  * In `npm test` each fuzz loop is deterministic: a fixed seed (derived from the loop's name) and a fixed
//    number of iterations, so a run on a loaded machine tests exactly what a run on an idle one tests, only
//    slower. The counts are chosen so that every fuzz file takes a few seconds on the 2-core machine.
//  * Locally: TSYSD_FUZZ_SECONDS=N runs every loop for N seconds (at least its fixed count) with a random
//    seed; TSYSD_FUZZ_SECONDS=0 runs until interrupted. TSYSD_FUZZ_SEED=S replays a run (the seed and the
//    iteration of a failure are printed in its message).
import { rng } from './random';

export interface Fuzz {
  seed: number;
  /** Uniform [0, 1) from the seeded PRNG. */
  r: () => number;
  /** Integer in [0, n). */
  int: (n: number) => number;
  pick: <T>(xs: readonly T[]) => T;
  /** True for the next iteration: `iterations` of them in `npm test`, more under TSYSD_FUZZ_SECONDS. */
  more: () => boolean;
  iterations: number;
  /** Run `fn`; a thrown error is re-thrown with the seed and the input that caused it. */
  check: (input: unknown, fn: () => void) => void;
}

/** FNV-1a of the loop's name: each loop has its own fixed default seed. */
function nameSeed(name: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < name.length; i++) h = Math.imul(h ^ name.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

export function fuzz(name: string, iterations: number): Fuzz {
  const envSeed = process.env.TSYSD_FUZZ_SEED;
  const env = process.env.TSYSD_FUZZ_SECONDS;
  const timed = env !== undefined && env !== '';
  const ms = !timed ? 0 : Number(env) === 0 ? Infinity : Number(env) * 1000;
  const seed = envSeed !== undefined && envSeed !== '' ? Number(envSeed) >>> 0
    : timed ? (Math.random() * 0x100000000) >>> 0 : nameSeed(name);
  const r = rng(seed);
  const start = Date.now();
  const f: Fuzz = {
    seed, r, iterations: 0,
    int: (n) => Math.floor(r() * n),
    pick: (xs) => xs[Math.floor(r() * xs.length)] as never,
    more: () => { f.iterations++; return f.iterations <= iterations || (timed && Date.now() - start < ms); },
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
