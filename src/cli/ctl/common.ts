// Shared tsysctl plumbing: finding and connecting to the manager, systemctl's exit codes, unit-name
// mangling, output buffering, timestamp/timespan formatting as systemctl prints them.
// Invariants: nothing here loads node:net or another node:* module when imported (tsysctl's fast path,
// ./fast.ts, uses Out, socketPath and mangle): connect() requires src/rpc/client when it is called.
import { RpcCallError, TRANSPORT_ERROR } from '../../rpc/call-error';
import type { RpcClient } from '../../rpc/client';
import type { CtlOptions } from './args';
import { parseSignal as parseSignalName, signalName } from '../../directives/signals';

// systemctl exit codes (LSB): 0 ok, 1 failure, 3 not running / not implemented, 4 no permission,
// 5 not installed, 6 not configured.
export const EXIT = { OK: 0, FAILURE: 1, INVALIDARGUMENT: 2, PROGRAM_NOT_RUNNING: 3, NOPERMISSION: 4, NOTINSTALLED: 5, NOTCONFIGURED: 6 } as const;

/** RPC error code → systemctl exit code (translate_bus_error_to_exit_status). */
export function exitCodeFor(code: number): number {
  switch (code) {
    case 4: case 7: case 10: case 11: return EXIT.NOPERMISSION;   // access denied, destructive, refuse manual, no isolation
    case 1: case 5: return EXIT.NOTINSTALLED;                     // no such unit / not loaded
    case 8: case 19: return EXIT.PROGRAM_NOT_RUNNING;             // not applicable, unsupported (EXIT_NOTIMPLEMENTED = 3)
    case 6: return EXIT.NOTCONFIGURED;                            // bad setting
    default: return EXIT.FAILURE;
  }
}

export class Out {
  private out: string[] = [];
  private err: string[] = [];
  line(s = ''): void { this.out.push(s + '\n'); }
  raw(s: string): void { this.out.push(s); }
  error(s: string): void { this.err.push(s + '\n'); }
  /** Writes what was buffered, stdout first; `write` replaces process.stdout/stderr (the fast path's
   *  blocking writes: no stream is created). */
  flush(write?: (fd: 1 | 2, text: string) => void): void {
    const w = write ?? ((fd: 1 | 2, text: string): void => { (fd === 1 ? process.stdout : process.stderr).write(text); });
    if (this.out.length) w(1, this.out.join(''));
    if (this.err.length) w(2, this.err.join(''));
    this.out = []; this.err = [];
  }
}

export function socketPath(o: CtlOptions, env: NodeJS.ProcessEnv = process.env): string {
  if (o.socket) return o.socket;
  if (env.TSYSD_SOCKET) return env.TSYSD_SOCKET;
  if (o.user) return userSocketPath(env);
  return '/run/tsysd/control.sock';
}

/** The user manager's default socket, as tsysd computes it (src/manager/options.ts userRuntimeBase). */
export function userSocketPath(env: NodeJS.ProcessEnv = process.env): string {
  const base = env.XDG_RUNTIME_DIR && env.XDG_RUNTIME_DIR.startsWith('/') ? env.XDG_RUNTIME_DIR : `/tmp/tsysd-${process.getuid ? process.getuid() : 0}`;
  return `${base}/tsysd/control.sock`;
}

/** The sockets connect() tries, in order: socketPath(o); then, not root and no explicit socket, --user or
 *  --system, the user manager's (tsysd runs as a user manager by default for non-root users). */
export function socketCandidates(o: CtlOptions): string[] {
  const p = socketPath(o);
  if (!o.socket && !process.env.TSYSD_SOCKET && !o.user && !o.systemExplicit && process.getuid && process.getuid() !== 0) return [p, userSocketPath()];
  return [p];
}

/** Connect or explain like systemctl does when the manager is unreachable. Throws CtlExit on failure. */
export async function connect(o: CtlOptions): Promise<RpcClient> {
  const { RpcClient } = require('../../rpc/client') as typeof import('../../rpc/client');
  const [p = socketPath(o), ...more] = socketCandidates(o);
  try {
    return await RpcClient.connect(p);
  } catch (e) {   // reported if no later candidate connects either (their failures are not)
    for (const alt of more) {
      try { return await RpcClient.connect(alt); } catch { /* next */ }
    }
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' || code === 'ECONNREFUSED' ? 'No such file or directory' : code === 'EACCES' ? 'Permission denied' : (e as Error).message;
    if (o.verb === 'is-system-running') {
      if (!o.quiet) process.stdout.write('offline\n');
      throw new CtlExit(EXIT.PROGRAM_NOT_RUNNING);
    }
    process.stderr.write(`Failed to connect to bus: ${why} (tsysd control socket ${p})\n`);
    throw new CtlExit(EXIT.FAILURE);
  }
}

/** Thrown to end the program with a code after output was written. */
export class CtlExit extends Error { constructor(readonly code: number) { super(`exit ${code}`); } }

export function isRpcError(e: unknown): e is RpcCallError { return e instanceof RpcCallError; }
export function isTransportError(e: unknown): boolean { return e instanceof RpcCallError && e.code === TRANSPORT_ERROR; }

const UNIT_TYPES = ['service', 'socket', 'target', 'device', 'mount', 'automount', 'swap', 'timer', 'path', 'slice', 'scope'];
export function hasUnitSuffix(name: string): boolean {
  const dot = name.lastIndexOf('.');
  return dot > 0 && UNIT_TYPES.includes(name.slice(dot + 1));
}
/** systemctl's name mangling: no suffix → `.service`; globs are left alone when `glob` is true. */
export function mangle(name: string, glob = false): string {
  if (glob && /[*?[]/.test(name)) return name;
  if (name.startsWith('/')) return name;
  return hasUnitSuffix(name) ? name : `${name}.service`;
}

/** add-wants/add-requires TARGET: mangled with a .target suffix. */
export function mangleTarget(a: string): string { return a.startsWith('/') || hasUnitSuffix(a) ? a : `${a}.target`; }

export { globMatch } from '../../rpc/util';

// ----------------------------------------------------------------- time formatting (time-util.c)

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const p2 = (n: number): string => String(n).padStart(2, '0');

function tzName(d: Date): string {
  try {
    const parts = new Intl.DateTimeFormat('en-US', { timeZoneName: 'short' }).formatToParts(d);
    const tz = parts.find((x) => x.type === 'timeZoneName')?.value ?? 'UTC';
    return tz === 'GMT' ? 'UTC' : tz;
  } catch { return 'UTC'; }
}

/** `Sun 2026-11-22 01:34:40 UTC` (local time), '' for 0. */
export function formatTimestamp(us: number): string {
  if (!us) return '';
  const d = new Date(Math.floor(us / 1000));
  return `${DAYS[d.getDay()]} ${d.getFullYear()}-${p2(d.getMonth() + 1)}-${p2(d.getDate())} ${p2(d.getHours())}:${p2(d.getMinutes())}:${p2(d.getSeconds())} ${tzName(d)}`;
}

/** journal short format prefix: `Nov 22 01:34:40`. */
export function formatShortTs(us: number): string {
  const d = new Date(Math.floor(us / 1000));
  return `${MONTHS[d.getMonth()]} ${p2(d.getDate())} ${p2(d.getHours())}:${p2(d.getMinutes())}:${p2(d.getSeconds())}`;
}

const USEC = { s: 1e6, min: 60e6, h: 3600e6, d: 86400e6, w: 7 * 86400e6, month: 2629800e6, y: 31557600e6 };

/** format_timestamp_relative: `5s ago`, `1min 3s ago`, `2h 5min ago`, `3 days ago`. */
export function formatAgo(us: number, nowUs = Date.now() * 1000): string {
  if (!us) return '';
  let d = nowUs - us;
  const suffix = d >= 0 ? 'ago' : 'left';
  d = Math.abs(d);
  const f = Math.floor;
  if (d >= USEC.y) {
    const y = f(d / USEC.y); const m = f((d % USEC.y) / USEC.month);
    return `${y} ${y > 1 ? 'years' : 'year'} ${m} ${m > 1 ? 'months' : 'month'} ${suffix}`;
  }
  if (d >= USEC.month) { const m = f(d / USEC.month); const dd = f((d % USEC.month) / USEC.d); return `${m} ${m > 1 ? 'months' : 'month'} ${dd} ${dd > 1 ? 'days' : 'day'} ${suffix}`; }
  if (d >= USEC.w) { const w = f(d / USEC.w); const dd = f((d % USEC.w) / USEC.d); return `${w} ${w > 1 ? 'weeks' : 'week'} ${dd} ${dd > 1 ? 'days' : 'day'} ${suffix}`; }
  if (d >= 2 * USEC.d) return `${f(d / USEC.d)} days ${suffix}`;
  if (d >= 25 * USEC.h) return `1 day ${f((d - USEC.d) / USEC.h)}h ${suffix}`;
  if (d >= 6 * USEC.h) return `${f(d / USEC.h)}h ${suffix}`;
  if (d >= USEC.h) return `${f(d / USEC.h)}h ${f((d % USEC.h) / USEC.min)}min ${suffix}`;
  if (d >= 5 * USEC.min) return `${f(d / USEC.min)}min ${suffix}`;
  if (d >= USEC.min) return `${f(d / USEC.min)}min ${f((d % USEC.min) / USEC.s)}s ${suffix}`;
  if (d >= USEC.s) return `${f(d / USEC.s)}s ${suffix}`;
  if (d >= 1000) return `${f(d / 1000)}ms ${suffix}`;
  if (d > 0) return `${f(d)}us ${suffix}`;
  return 'now';
}

/** Parse --since: 'YYYY-MM-DD [HH:MM[:SS]]', 'today', 'yesterday', 'now', '-5min', '@epoch'. Returns µs or null. */
export function parseSince(v: string, nowMs = Date.now()): number | null {
  if (v === 'now') return nowMs * 1000;
  if (v === 'today' || v === 'yesterday') {
    const d = new Date(nowMs); d.setHours(0, 0, 0, 0);
    return (d.getTime() - (v === 'yesterday' ? 86400000 : 0)) * 1000;
  }
  if (v.startsWith('@')) { const n = Number(v.slice(1)); return Number.isFinite(n) ? n * 1e6 : null; }
  const rel = /^([+-])?\s*(\d+)\s*(us|ms|s|sec|m|min|h|hour|hours|d|day|days|w|week|weeks)( ago)?$/.exec(v.trim());
  if (rel) {
    const mult: Record<string, number> = { us: 1, ms: 1e3, s: 1e6, sec: 1e6, m: 60e6, min: 60e6, h: 3600e6, hour: 3600e6, hours: 3600e6, d: 86400e6, day: 86400e6, days: 86400e6, w: 604800e6, week: 604800e6, weeks: 604800e6 };
    const sign = rel[1] === '+' && !rel[4] ? 1 : -1;
    return nowMs * 1000 + sign * Number(rel[2]) * (mult[rel[3] as string] ?? 1e6);
  }
  const m = /^(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2})(?::(\d{2}))?)?$/.exec(v.trim());
  if (m) {
    const d = new Date(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4] ?? 0), Number(m[5] ?? 0), Number(m[6] ?? 0));
    return d.getTime() * 1000;
  }
  return null;
}

/** `exited`/`killed` code and status as systemctl prints them: `status=1/FAILURE`, `signal=TERM`. */
export function exitStatusText(code: string, status: number): string {
  if (code === 'killed' || code === 'dumped') return `signal=${signalName(status)}`;
  // systemctl names only the libc and systemd classes here (EXIT_STATUS_LIBC|EXIT_STATUS_SYSTEMD), not
  // LSB's 2..7: the real systemctl 252 prints `status=3`, checked over tsysd's D-Bus face.
  const names: Record<number, string> = {
    0: 'SUCCESS', 1: 'FAILURE', 200: 'CHDIR', 203: 'EXEC', 217: 'USER', 226: 'NAMESPACE',
  };
  const n = names[status];
  return n ? `status=${status}/${n}` : `status=${status}`;
}

export { signalName };
/** 'TERM', 'SIGTERM', 'term', '15', 'RTMIN+3' → number, or null (systemctl kill -s; case-insensitive). */
export function parseSignal(s: string): number | null { return parseSignalName(s.toUpperCase()); }

/** Print left-aligned columns separated by one space (last column unpadded), like systemd's table. */
export function columns(rows: string[][], rightAlign: ReadonlySet<number> = new Set()): string[] {
  const widths: number[] = [];
  for (const r of rows) r.forEach((c, i) => { widths[i] = Math.max(widths[i] ?? 0, [...c].length); });
  return rows.map((r) => r.map((c, i) => {
    const w = widths[i] ?? 0;
    if (rightAlign.has(i)) return c.padStart(w);
    return i === r.length - 1 ? c : c + ' '.repeat(Math.max(0, w - [...c].length));
  }).join(' ').replace(/\s+$/, ''));
}
