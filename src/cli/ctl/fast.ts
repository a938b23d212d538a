// tsysctl's fast path for the read-only probes `is-active`, `is-failed`, `is-enabled` and
// `is-system-running` (without --wait), run by the bundle's loader (dist/bundle/tsysctl.js, tools/bundle.js)
// before it reads the 590 KB bundle: no node:net, no stream, no code cache, so a probe against a running
// manager costs no more than a bare `node -e 0` (issue 20; the figures are in tools/bundle.js).
// Owns only: which argv shapes are served here (FAST_VERBS and a few options, fastOptions()), and the
// blocking transport (one connection through tsysctl_native, src/platform/ctl-native.ts). The
// verbs are ./query.ts's, the options' defaults ./args.ts's, the sockets to try and the output ./common.ts's: the same code
// as the full CLI. Everything else goes to the full CLI (`full()`) with nothing printed yet: any other
// argv, a parse error, no addon, no connection (its messages, the user-manager retry), a transport error
// or any error a verb does not handle itself; these verbs only read, so asking again is harmless.
// Invariant: nothing imported here loads a node:* module (the full CLI's startup costs ~10 ms more).
import { defaults, progName, type CtlOptions } from './args';
import { Out, socketCandidates } from './common';
import { runIsActive, runIsEnabled, runIsSystemRunning } from './query';
import { RpcCallError } from '../../rpc/call-error';
import type { RpcCaller } from '../../rpc/client';
import type { ErrorData, MethodName, ParamsOf, ResultOf } from '../../rpc/protocol';
import { loadCtlNative, type CtlNative } from '../../platform/ctl-native';

type Runner = (c: RpcCaller, o: CtlOptions, out: Out) => Promise<number>;
const FAST_VERBS: Record<string, Runner> = {
  'is-active': runIsActive, 'is-failed': runIsActive, 'is-enabled': runIsEnabled, 'is-system-running': runIsSystemRunning,
};

/** The argv shapes served here, recognized without ./args.ts's option tables (compiling them is a third of
 *  what this path may cost): a FAST_VERBS verb, its units, and only these options, each exactly as
 *  parseArgs reads it: -q/--quiet, --socket PATH/--socket=PATH, --user, --system, --no-pager. Anything else,
 *  valid or not (bundled flags, --, --wait, --root...), is the full CLI's. */
export function fastOptions(argv: string[], prog: string): CtlOptions | null {
  if (prog !== 'tsysctl' && prog !== 'systemctl') return null;     // journalctl, the SysV aliases
  const o = defaults(prog);
  const positional: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] as string;
    if (a === '-q' || a === '--quiet') o.quiet = true;
    else if (a === '--socket' && i + 1 < argv.length) o.socket = argv[++i] as string;
    else if (a.startsWith('--socket=')) o.socket = a.slice('--socket='.length);
    else if (a === '--user') o.user = true;
    else if (a === '--system') { o.user = false; o.systemExplicit = true; }
    else if (a === '--no-pager') o.noPager = true;
    else if (a.startsWith('-')) return null;
    else positional.push(a);
  }
  o.verb = positional[0] ?? '';
  o.args = positional.slice(1);
  return Object.hasOwn(FAST_VERBS, o.verb) ? o : null;
}

/** Thrown by a call the fast path cannot complete (transport failure, a reply it does not understand). */
class NotHere extends Error {}

/** RpcCaller over one blocking connection: each call is a round trip made at once; the promise it returns
 *  is already settled. */
class BlockingClient {
  private nextId = 1;
  constructor(private readonly native: CtlNative, private readonly fd: number) {}

  call<M extends MethodName>(method: M, params: ParamsOf<M>): Promise<ResultOf<M>> {
    const id = this.nextId++;
    const text = this.native.request(this.fd, JSON.stringify({ jsonrpc: '2.0', id, method, params }) + '\n');
    if (typeof text === 'number') return Promise.reject(new NotHere(`request: errno ${-text}`));
    for (const line of text.split('\n')) {
      if (!line) continue;
      let m: { id?: unknown; result?: unknown; error?: { code: number; message: string; data?: ErrorData } };
      try { m = JSON.parse(line) as typeof m; } catch { continue; }
      if (m === null || typeof m !== 'object' || m.id !== id) continue;
      if (m.error) return Promise.reject(new RpcCallError(m.error.code, m.error.message, m.error.data ?? {}));
      return Promise.resolve(m.result as ResultOf<M>);
    }
    return Promise.reject(new NotHere(`no reply to ${method}`));
  }

  onEvent(): void { throw new NotHere('events are not served by the fast path'); }
}

/** The fd of the first of paths that accepts a connection, or -1. */
function connectFirst(native: CtlNative, paths: string[]): number {
  for (const p of paths) {
    const fd = native.connect(p);
    if (fd >= 0) return fd;
  }
  return -1;
}

/** Serves argv here when it can, then exits with the verb's code; otherwise calls full() (at once, or after
 *  a failed connection or call, before anything was printed). nativeDir: where tsysctl_native.node is. */
export function runFast(argv: string[], argv1: string | undefined, nativeDir: string, full: () => void): void {
  const o = fastOptions(argv, progName(argv1));
  const run = o ? FAST_VERBS[o.verb] : undefined;
  const native = o && run ? loadCtlNative(nativeDir) : null;
  const fd = o && native ? connectFirst(native, socketCandidates(o)) : -1;
  if (!o || !run || !native || fd < 0) { full(); return; }
  const out = new Out();
  run(new BlockingClient(native, fd), o, out).then((code) => {
    native.close(fd);
    // a closed stdout (EPIPE) ends us quietly with the verb's code, as the full CLI does
    out.flush((stream, text) => { native.write(stream, text); });
    native.exit(code);
  }, () => {
    native.close(fd);
    full();
  });
}
