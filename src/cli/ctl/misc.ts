// tsysctl manager verbs: daemon-reload, daemon-reexec, show/set/unset-environment, poweroff/halt/reboot/
// exit [CODE], and logs / `journalctl -u UNIT [-n N] [-f] [--since]` (journal short format, follow through
// `subscribe`). Owner: H6.
import * as os from 'node:os';
import type { RpcClient } from '../../rpc/client';
import type { LogLine } from '../../rpc/protocol';
import type { CtlOptions } from './args';
import { EXIT, isRpcError, mangle, parseSince, type Out } from './common';
import { formatLogLine } from './status';

async function simple(_c: RpcClient, _o: CtlOptions, out: Out, fn: () => Promise<unknown>, what: string): Promise<number> {
  try { await fn(); return EXIT.OK; } catch (e) {
    if (!isRpcError(e)) throw e;
    out.error(`Failed to ${what}: ${e.message}`);
    return EXIT.FAILURE;   // systemctl: log_error_errno() → EXIT_FAILURE (only job verbs translate bus errors)
  }
}

const VALID_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

export async function runManagerVerb(c: RpcClient, o: CtlOptions, out: Out): Promise<number> {
  switch (o.verb) {
    case 'daemon-reload': return simple(c, o, out, () => c.call('daemon-reload', {}), 'reload daemon');
    case 'daemon-reexec': return simple(c, o, out, () => c.call('daemon-reexec', {}), 'reexecute daemon');
    case 'show-environment': {
      const { environment } = await c.call('show-environment', {});
      for (const e of environment) out.line(e);
      return EXIT.OK;
    }
    case 'set-environment': {
      if (!o.args.length) { out.error('Too few arguments.'); return EXIT.FAILURE; }
      for (const a of o.args) {
        const eq = a.indexOf('=');
        if (eq <= 0 || !VALID_NAME.test(a.slice(0, eq))) { out.error(`Not a valid environment variable assignment: ${a}`); return EXIT.FAILURE; }
      }
      return simple(c, o, out, () => c.call('set-environment', { assignments: o.args }), 'set environment');
    }
    case 'unset-environment': {
      if (!o.args.length) { out.error('Too few arguments.'); return EXIT.FAILURE; }
      for (const a of o.args) if (!VALID_NAME.test(a.split('=')[0] ?? '')) { out.error(`Not a valid environment variable name: ${a}`); return EXIT.FAILURE; }
      return simple(c, o, out, () => c.call('unset-environment', { names: o.args.map((a) => a.split('=')[0] as string) }), 'unset environment');
    }
    case 'poweroff': case 'halt': case 'reboot': {
      const v = o.verb;
      return simple(c, o, out, () => c.call(v, {}), `start ${v}.target`);
    }
    case 'exit': {
      let code = 0;
      if (o.args.length) {
        code = Number(o.args[0]);
        if (!Number.isInteger(code) || code < 0 || code > 255) { out.error(`Invalid exit code: ${o.args[0]}`); return EXIT.FAILURE; }
      }
      return simple(c, o, out, () => c.call('exit', { code }), 'start exit.target');
    }
    default: return EXIT.FAILURE;
  }
}

/** logs / journalctl: print matching lines; with -f keep following until interrupted. */
export async function runLogs(c: RpcClient, o: CtlOptions, out: Out): Promise<number> {
  const host = os.hostname();
  const fmt = (l: LogLine): string => (o.output === 'cat' ? l.message : o.noHostname ? formatLogLine(l, '').replace(/^(\S+ \S+ \S+) /, '$1') : formatLogLine(l, host));
  const units = [...o.units, ...(o.prog === 'journalctl' ? [] : o.args)].map((u) => mangle(u));
  let since: number | undefined;
  if (o.since) {
    const s = parseSince(o.since);
    if (s === null) { out.error(`Failed to parse timestamp: ${o.since}`); return EXIT.FAILURE; }
    since = s;
  }
  const lines = o.lines ?? (o.follow ? 10 : undefined);
  const buffered: LogLine[] = [];
  let live: ((l: LogLine) => void) | null = null;
  if (o.follow) {
    c.onEvent((e) => { if (e.type === 'log') { if (live) live(e.line); else buffered.push(e.line); } });
    await c.call('subscribe', { events: ['log'], ...(units.length ? { units } : {}) });
  }
  const fetch = async (unit: string | undefined): Promise<LogLine[]> => (await c.call('logs', {
    ...(unit ? { unit } : {}), ...(lines !== undefined ? { lines } : {}), ...(since !== undefined ? { since } : {}),
  })).lines;
  let got: LogLine[] = units.length ? (await Promise.all(units.map(fetch))).flat() : await fetch(undefined);
  got.sort((a, b) => a.seq - b.seq);
  if (lines !== undefined) got = lines === 0 ? [] : got.slice(-lines);
  if (!got.length && !o.follow && !o.quiet) out.line('-- No entries --');
  let lastSeq = 0;
  for (const l of got) { out.line(fmt(l)); lastSeq = Math.max(lastSeq, l.seq); }
  if (!o.follow) return EXIT.OK;
  out.flush();
  for (const l of buffered) if (l.seq > lastSeq) { process.stdout.write(fmt(l) + '\n'); lastSeq = l.seq; }
  live = (l) => { if (l.seq > lastSeq) { lastSeq = l.seq; process.stdout.write(fmt(l) + '\n'); } };
  process.stdout.on('error', () => process.exit(0));
  return new Promise<number>((resolve) => {
    const done = (): void => resolve(EXIT.OK);
    process.once('SIGINT', done);
    process.once('SIGTERM', done);
    c.call('is-system-running', {}).catch(() => undefined);
    // the manager closing the connection ends the follow
    const t = setInterval(() => { c.call('is-system-running', {}).catch(() => { clearInterval(t); resolve(EXIT.OK); }); }, 5000);
  });
}
