// Shared plumbing of the `tsysd analyze` verbs that talk to a running manager: systemd-analyze's option
// parser (the subset tsysd implements plus --socket and --unit-path), connecting to the control socket,
// and fetching the manager's boot timestamps and per-unit properties over JSON-RPC.
// Invariants: at most WINDOW requests in flight on the connection (the server answers OVERLOADED past
// LIMITS.maxInFlightPerConnection); errors are printed as systemd-analyze prints them and turn into
// exit code 1 through AnalyzeExit; nothing here writes to stdout.
import { RpcClient } from '../../rpc/client';
import type { ManagerInfoReply } from '../../rpc/protocol';
import { parseBoolean, parseTimespan } from '../../directives/values';
import { userSocketPath } from '../ctl/common';
import { bootTimesFromProperties, toUsec, type BootTimesRaw, type Scope, type UnitTimesRaw } from '../../analyze/timedata';

export class AnalyzeExit extends Error { constructor(readonly code: number) { super(`exit ${code}`); } }

export interface AnalyzeOptions {
  user: boolean | null;       // null: whatever the manager is
  socket: string;
  unitPaths: string[];
  fuzz: number;               // µs
  dot: 'all' | 'order' | 'require';
  fromPatterns: string[];
  toPatterns: string[];
  quiet: boolean;
  unit: string;
  /** --offline=yes, or implied by --unit-path: work on unit files instead of a running manager. */
  offline: boolean;
  args: string[];
}

const VALUE_OPTIONS = new Set(['--fuzz', '--from-pattern', '--to-pattern', '--unit', '-U', '--root', '--image', '--unit-path',
  '--socket', '--offline', '--threshold', '--security-policy', '--json', '--iterations', '--base-time', '-H', '--host',
  '-M', '--machine', '--profile', '--recursive-errors']);
export function takesValue(opt: string): boolean { return VALUE_OPTIONS.has(opt); }

/** Parse the options of a verb (systemd-analyze's getopt: options anywhere, `--opt=v` or `--opt v`). */
export function parseAnalyzeArgs(argv: string[]): AnalyzeOptions {
  const o: AnalyzeOptions = { user: null, socket: '', unitPaths: [], fuzz: 0, dot: 'all', fromPatterns: [], toPatterns: [], quiet: false, unit: '', offline: false, args: [] };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] as string;
    if (a === '--') { o.args.push(...argv.slice(i + 1)); break; }
    if (!a.startsWith('-') || a === '-') { o.args.push(a); continue; }
    const eq = a.indexOf('=');
    const name = a.startsWith('--') && eq > 0 ? a.slice(0, eq) : a;
    let value: string | undefined = a.startsWith('--') && eq > 0 ? a.slice(eq + 1) : undefined;
    if (takesValue(name) && value === undefined) {
      value = argv[++i];
      if (value === undefined) usage(`option '${name}' requires an argument`);
    }
    const v = value ?? '';
    switch (name) {
      case '--user': o.user = true; break;
      case '--system': o.user = false; break;
      case '--order': o.dot = 'order'; break;
      case '--require': o.dot = 'require'; break;
      case '--from-pattern': o.fromPatterns.push(v); break;
      case '--to-pattern': o.toPatterns.push(v); break;
      case '--fuzz': {
        const us = parseTimespan(v);
        if (us === null || us === Infinity) fail(`Failed to parse timespan: ${v}`);
        o.fuzz = us as number;
        break;
      }
      case '-q': case '--quiet': o.quiet = true; break;
      case '--no-pager': case '--man': case '--generators': break;
      case '-U': case '--unit': o.unit = v; break;
      case '--unit-path': o.unitPaths.push(v); o.offline = true; break;
      case '--offline': {
        const b = parseBoolean(v);
        if (b === null) usage(`Failed to parse --offline= argument: ${v}`);
        o.offline = b;
        break;
      }
      case '--socket': o.socket = v; break;
      default:
        if (name.startsWith('--man=') || name.startsWith('--generators=')) break;
        usage(`unrecognized option '${a}'`);
    }
  }
  return o;
}

function usage(msg: string): never {
  process.stderr.write(`tsysd analyze: ${msg}\n`);
  throw new AnalyzeExit(1);
}

/** Print systemd-analyze's error line and end with exit code 1. */
export function fail(msg: string): never {
  process.stderr.write(`${msg}\n`);
  throw new AnalyzeExit(1);
}

/** Colours as systemd decides them: $SYSTEMD_COLORS, else $NO_COLOR, else a tty with TERM not dumb. */
export function colorsEnabled(env: NodeJS.ProcessEnv = process.env, tty = !!process.stdout.isTTY): boolean {
  const sc = env.SYSTEMD_COLORS;
  if (sc !== undefined && sc !== '') return !['0', 'no', 'false', 'off', 'n', 'f'].includes(sc.toLowerCase());
  if (env.NO_COLOR !== undefined) return false;
  return tty && env.TERM !== 'dumb';
}

export function socketFor(o: AnalyzeOptions, env: NodeJS.ProcessEnv = process.env): string {
  if (o.socket) return o.socket;
  if (env.TSYSD_SOCKET) return env.TSYSD_SOCKET;
  if (o.user) return userSocketPath(env);
  return '/run/tsysd/control.sock';
}

/** Connect like systemd-analyze's acquire_bus(); on failure print its message and exit 1. A non-root
 *  user without --system falls back to their user manager, like tsysctl. */
export async function connectManager(o: AnalyzeOptions): Promise<RpcClient> {
  const p = socketFor(o);
  try { return await RpcClient.connect(p); } catch (e0) {
    if (!o.socket && !process.env.TSYSD_SOCKET && o.user === null && process.getuid && process.getuid() !== 0) {
      try { return await RpcClient.connect(userSocketPath()); } catch { /* report the first error */ }
    }
    const code = (e0 as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' || code === 'ECONNREFUSED' ? 'No such file or directory' : code === 'EACCES' ? 'Permission denied' : (e0 as Error).message;
    fail(`Failed to connect to bus: ${why} (tsysd control socket ${p})`);
  }
}

/** Run `fn` over `items` with at most `window` calls in flight; results in input order. */
export async function mapWindow<T, R>(items: readonly T[], window: number, fn: (x: T) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(window, items.length) }, () => worker()));
  return out;
}

export const WINDOW = 32;

export interface ManagerBoot { raw: BootTimesRaw; scope: Scope; bootTarget: string; info: ManagerInfoReply; props: Map<string, string> }

export async function fetchManagerBoot(c: RpcClient): Promise<ManagerBoot> {
  const [info, show] = await Promise.all([c.call('manager-info', {}), c.call('show', { all: true })]);
  const props = new Map(show.properties);
  return {
    raw: bootTimesFromProperties(props), scope: info.userMode ? 'user' : 'system',
    bootTarget: props.get('BootTarget') || 'default.target', info, props,
  };
}

export interface UnitProps { name: string; props: Map<string, string> }

/** Every unit the manager has loaded (ListUnits: list-units --all), with the asked properties. */
export async function fetchUnitProps(c: RpcClient, properties: string[]): Promise<UnitProps[]> {
  const list = await c.call('list-units', { all: true });
  return mapWindow(list, WINDOW, async (u) => {
    try {
      const r = await c.call('show', { unit: u.unit, properties, all: true });
      return { name: u.unit, props: new Map(r.properties) };
    } catch {
      return { name: u.unit, props: new Map<string, string>() };   // collected meanwhile: no data, like a vanished unit
    }
  });
}

export function unitTimesRaw(u: UnitProps): UnitTimesRaw {
  return {
    name: u.name,
    activating: toUsec(u.props.get('InactiveExitTimestampMonotonic')),
    activated: toUsec(u.props.get('ActiveEnterTimestampMonotonic')),
    deactivating: toUsec(u.props.get('ActiveExitTimestampMonotonic')),
    deactivated: toUsec(u.props.get('InactiveEnterTimestampMonotonic')),
  };
}

export function depList(u: UnitProps | undefined, prop: string): string[] {
  return (u?.props.get(prop) ?? '').split(' ').filter(Boolean);
}

/** Run a verb body with a connected client; AnalyzeExit → its code; the client is always closed. */
export async function runWithManager(o: AnalyzeOptions, body: (c: RpcClient) => Promise<number>): Promise<number> {
  let c: RpcClient | null = null;
  try {
    c = await connectManager(o);
    return await body(c);
  } catch (e) {
    if (e instanceof AnalyzeExit) return e.code;
    const msg = e instanceof Error ? e.message : String(e);
    process.stderr.write(`${msg}\n`);
    return 1;
  } finally {
    c?.close();
  }
}

/** Parse args for a verb, turning usage errors into their exit code. */
export function parseOrExit(argv: string[]): AnalyzeOptions | number {
  try { return parseAnalyzeArgs(argv); } catch (e) {
    if (e instanceof AnalyzeExit) return e.code;
    throw e;
  }
}
