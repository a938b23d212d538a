// Typed D-Bus values for systemd's unit properties, from tsysd's one property path: the `show` strings of
// src/manager/props.ts (directive rows + runtime state) converted by the property's D-Bus signature (from
// spec252.ts), with the few structured properties (Exec*, Listen, timestamps, Conditions, LoadError, Job)
// built from their typed sources, and systemd 252's own defaults for what tsysd does not model.
//
// Pure: no I/O. `fromShow` is the one place that turns show strings into typed values.
// Invariants: every returned value marshals with its property's signature (a conversion that fails falls
// back to the default, never to a wrong type); USEC_INFINITY is 2^64-1 as systemd sends it.
import { parseTimespan } from '../../directives/values';
import type { DualTimestamp, ExecStatus, PropValue } from '../../units/types';

export const UINT64_MAX = 0xffffffffffffffffn;
const UINT32_MAX = 0xffffffff;

function isDual(v: PropValue | undefined): v is DualTimestamp {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && 'realtime' in v;
}

function num(s: string, name: string): number | null {
  if (s === '[not set]' || s === 'infinity') return UINT32_MAX;
  if ((name.endsWith('Mode') || name === 'UMask') && /^0[0-7]+$/.test(s)) return parseInt(s, 8);
  if (!/^-?\d+$/.test(s)) return null;
  return Number(s);
}

function big(s: string, name: string): bigint | null {
  if (s === 'infinity' || s === '[not set]') return UINT64_MAX;
  // `show` prints nanosecond counters (CPUUsageNSec) as bare numbers, already in ns.
  const nsec = name.endsWith('NSec');
  if (/^-?\d+$/.test(s)) {
    if (!nsec && name.endsWith('Sec')) return BigInt(s) * 1000000n;
    return BigInt(s);
  }
  if (name.endsWith('Sec')) {
    const t = parseTimespan(s);
    if (t === null) return null;
    return t === Infinity ? UINT64_MAX : BigInt(Math.round(t)) * (nsec ? 1000n : 1n);
  }
  return null;
}

/** A `show` string as a value of D-Bus type `sig`; null when it cannot be converted. */
export function fromShow(name: string, sig: string, s: string): unknown {
  switch (sig) {
    case 's': return s;
    case 'o': return s.startsWith('/') ? s : null;
    case 'b': return s === 'yes' ? true : s === 'no' ? false : null;
    case 'y': case 'q': case 'u': { const n = num(s, name); return n === null || n < 0 ? null : n; }
    case 'n': case 'i': return num(s, name);
    case 't': { const b = big(s, name); return b === null || b < 0n ? null : b; }
    case 'x': return big(s, name);
    case 'd': { const d = Number(s); return Number.isFinite(d) ? d : null; }
    case 'as': return s === '' ? [] : s.split(' ');
    default: return null;
  }
}

/** a(sasbttttuii): ExecStart= & co with the status of their last run. */
export function execTuples(cmds: Array<{ path: string; argv: string[]; ignoreFailure: boolean }>, st: ExecStatus[] | undefined): unknown[] {
  return cmds.map((c, i) => {
    const s = st?.[i];
    return [c.path, c.argv, c.ignoreFailure, BigInt(s?.start.realtime ?? 0), BigInt(s?.start.monotonic ?? 0),
      BigInt(s?.exit.realtime ?? 0), BigInt(s?.exit.monotonic ?? 0), s?.pid ?? 0, s?.code ?? 0, s?.status ?? 0];
  });
}

/** a(sasasttttuii): the *Ex variant, flags instead of ignore_errors. */
export function execExTuples(cmds: Array<{ path: string; argv: string[]; ignoreFailure: boolean; noEnvExpand?: boolean; privileged?: string }>, st: ExecStatus[] | undefined): unknown[] {
  return cmds.map((c, i) => {
    const s = st?.[i];
    const flags = [c.ignoreFailure ? 'ignore-failure' : '', c.noEnvExpand ? 'no-env-expand' : '',
      c.privileged === '+' ? 'privileged' : c.privileged === '!' ? 'no-setuid' : c.privileged === '!!' ? 'ambient' : ''].filter((x) => x);
    return [c.path, c.argv, flags, BigInt(s?.start.realtime ?? 0), BigInt(s?.start.monotonic ?? 0),
      BigInt(s?.exit.realtime ?? 0), BigInt(s?.exit.monotonic ?? 0), s?.pid ?? 0, s?.code ?? 0, s?.status ?? 0];
  });
}

/** `FooTimestamp` / `FooTimestampMonotonic` from the machine's dual timestamps (0 when unset). */
export function timestampValue(name: string, props: Record<string, PropValue>): bigint | null {
  const mono = name.endsWith('Monotonic');
  const base = mono ? name.slice(0, -'Monotonic'.length) : name;
  if (!base.endsWith('Timestamp')) return null;
  const v = props[base];
  if (!isDual(v)) return 0n;
  return BigInt(Math.max(0, Math.round(mono ? v.monotonic : v.realtime)));
}

/** Zero value of a signature (used when neither tsysd nor the defaults know a property). */
export function zero(sig: string): unknown {
  switch (sig[0]) {
    case 's': case 'g': return '';
    case 'o': return '/';
    case 'b': return false;
    case 't': case 'x': return 0n;
    case 'a': return sig.startsWith('a{') ? {} : [];
    case '(': return splitSignature(sig.slice(1, -1)).map(zero);
    default: return 0;
  }
}

/** The complete types of a signature, in order ("bas" → ["b", "as"], "sa(ss)t" → ["s", "a(ss)", "t"]). */
export function splitSignature(sig: string): string[] {
  const out: string[] = [];
  let i = 0;
  const one = (): void => {
    const c = sig[i++];
    if (c === 'a') { one(); return; }
    if (c === '(' || c === '{') {
      const close = c === '(' ? ')' : '}';
      while (i < sig.length && sig[i] !== close) one();
      i++;
    }
  };
  while (i < sig.length) { const start = i; one(); out.push(sig.slice(start, i)); }
  return out;
}
