// tsysctl state probes: is-active, is-failed, is-enabled, is-system-running [--wait]. Exit codes per
// systemd-semantics.md §7. Fast path: one `unit-states` round trip for is-active/is-failed.
import type { RpcCaller } from '../../rpc/client';
import type { CtlOptions } from './args';
import { EXIT, isRpcError, mangle, type Out } from './common';

export async function runIsActive(c: RpcCaller, o: CtlOptions, out: Out): Promise<number> {
  if (o.args.length === 0) { out.error('Too few arguments.'); return EXIT.FAILURE; }
  const states = await c.call('unit-states', { units: o.args.map((a) => mangle(a)) });
  const failed = o.verb === 'is-failed';
  let hit = false;
  for (const s of states) {
    if (!o.quiet) out.line(s.activeState);
    if (failed ? s.activeState === 'failed' : s.activeState === 'active' || s.activeState === 'reloading') hit = true;
  }
  if (hit) return EXIT.OK;
  return failed ? EXIT.FAILURE : EXIT.PROGRAM_NOT_RUNNING;
}

const ENABLED_OK = new Set(['enabled', 'enabled-runtime', 'static', 'alias', 'indirect', 'generated', 'transient']);

export async function runIsEnabled(c: RpcCaller, o: CtlOptions, out: Out): Promise<number> {
  if (o.args.length === 0) { out.error('Too few arguments.'); return EXIT.FAILURE; }
  let ok = false;
  let rc: number = EXIT.OK;
  for (const a of o.args) {
    const unit = mangle(a);
    try {
      const r = await c.call('get-unit-file-state', { unit });
      if (!o.quiet) out.line(r.state);
      if (ENABLED_OK.has(r.state)) ok = true;
    } catch (e) {
      if (!isRpcError(e)) throw e;
      out.error(`Failed to get unit file state for ${unit}: ${e.code === 1 ? 'No such file or directory' : e.message}`);
      rc = EXIT.FAILURE;
    }
  }
  return ok ? EXIT.OK : (rc || EXIT.FAILURE);
}

export async function runIsSystemRunning(c: RpcCaller, o: CtlOptions, out: Out): Promise<number> {
  let { state } = await c.call('is-system-running', {});
  if (o.wait && (state === 'initializing' || state === 'starting')) {
    await c.call('subscribe', { events: ['manager', 'job', 'unit'] });
    state = await new Promise((resolve) => {
      let busy = false;
      const check = (): void => {
        if (busy) return;
        busy = true;
        c.call('is-system-running', {}).then((r) => {
          busy = false;
          if (r.state !== 'initializing' && r.state !== 'starting') { clearInterval(t); resolve(r.state); }
        }, () => { clearInterval(t); resolve('unknown'); });
      };
      c.onEvent(check);
      const t = setInterval(check, 500);
    });
  }
  if (!o.quiet) out.line(state);
  return state === 'running' ? EXIT.OK : EXIT.FAILURE;
}
