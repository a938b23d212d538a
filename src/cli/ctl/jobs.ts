// tsysctl job verbs: start stop restart try-restart reload reload-or-restart try-reload-or-restart
// isolate (wait for the job like systemctl unless --no-block), kill, reset-failed, cancel.
// Messages and exit codes follow systemctl 252 (bus-wait-for-jobs.c, systemctl-start-unit.c).
import type { RpcClient } from '../../rpc/client';
import type { JobMode, MethodName } from '../../rpc/protocol';
import type { CtlOptions } from './args';
import { EXIT, exitCodeFor, isRpcError, mangle, parseSignal, type Out } from './common';

const PHRASES: Record<string, string> = {
  'resources': 'of unavailable resources or another system error',
  'protocol': 'the service did not take the steps required by its unit configuration',
  'timeout': 'a timeout was exceeded',
  'exit-code': 'the control process exited with error code',
  'signal': 'a fatal signal was delivered to the control process',
  'core-dump': 'a fatal signal was delivered causing the control process to dump core',
  'watchdog': 'the service failed to send watchdog ping',
  'start-limit-hit': 'start of the service was attempted too often',
  'oom-kill': 'of an out-of-memory (OOM) condition',
};

const JOB_MODES = ['replace', 'fail', 'isolate', 'ignore-dependencies', 'ignore-requirements', 'flush', 'replace-irreversibly'];

/** The text systemctl prints for a finished job with a bad result ('' for done/skipped). */
export function jobFailureText(prog: string, unit: string, result: string, unitResult: string | undefined): string {
  switch (result) {
    case 'done': case 'skipped': return '';
    case 'canceled': return `Job for ${unit} canceled.`;
    case 'timeout': return `Job for ${unit} timed out.`;
    case 'dependency': return `A dependency job for ${unit} failed. See 'journalctl -xe' for details.`;
    case 'invalid': return `${unit} is not active, cannot reload.`;
    case 'assert': return `Assertion failed on job for ${unit}.`;
    case 'unsupported': return `Operation on or unit type of ${unit} not supported on this system.`;
    case 'collected': return `Queued job for ${unit} was garbage collected.`;
    case 'once': return `Unit ${unit} was started already once and can't be started again.`;
    default: {
      const phrase = unitResult ? PHRASES[unitResult] : undefined;
      const see = `See "${prog} status ${unit}" and "journalctl -xeu ${unit}" for details.`;
      return phrase ? `Job for ${unit} failed because ${phrase}.\n${see}` : `Job for ${unit} failed.\n${see}`;
    }
  }
}

export async function runJobVerb(c: RpcClient, o: CtlOptions, out: Out): Promise<number> {
  const verb = o.verb === 'condrestart' ? 'try-restart' : o.verb === 'force-reload' ? 'try-reload-or-restart'
    : o.verb === 'reload-or-try-restart' ? 'try-reload-or-restart' : o.verb;
  if (!JOB_MODES.includes(o.jobMode)) { out.error(`Unknown value for --job-mode=: ${o.jobMode}`); return EXIT.FAILURE; }
  if (o.args.length === 0) { out.error(`Too few arguments.`); return EXIT.FAILURE; }
  const isolate = verb === 'isolate';
  if (isolate && o.args.length > 1) { out.error('Too many arguments.'); return EXIT.FAILURE; }
  const units = o.args.map((a) => (isolate && !/\.[a-z]+$/.test(a) ? `${a}.target` : mangle(a)));
  const mode = (isolate ? 'isolate' : o.jobMode) as JobMode;
  const text = isolate ? 'start' : verb;
  let rc: number = EXIT.OK;
  const reloadChecks = units.map((unit) => c.call('show', { unit, properties: ['NeedDaemonReload'] })
    .then((r) => r.properties.some(([k, v]) => k === 'NeedDaemonReload' && v === 'yes'), () => false));
  // On a terminal, while waiting: systemd's "A start job is running for …" line (progress.ts).
  const onTty = !o.noBlock && !o.quiet && process.stderr.isTTY && process.env.TERM !== 'dumb';
  const JobProgress = onTty ? (require('./progress') as typeof import('./progress')).JobProgress : null;
  const progress = JobProgress
    ? new JobProgress(c, {
      write: (s) => { process.stderr.write(s); },
      columns: () => process.stderr.columns || Number(process.env.COLUMNS) || 80,
      color: process.env.NO_COLOR === undefined && process.env.SYSTEMD_COLORS !== '0',
    })
    : null;
  progress?.start();
  const results = await Promise.allSettled(units.map((unit) => c.call(verb as MethodName & 'start', { unit, mode, wait: !o.noBlock })));
  progress?.stop();
  const needReload = await Promise.all(reloadChecks);
  if (!o.quiet) {
    const { unitFileChangedWarning } = require('./status') as typeof import('./status');
    units.forEach((u, i) => { if (needReload[i]) out.error(unitFileChangedWarning(u, o)); });
  }
  results.forEach((r, i) => {
    const unit = units[i] as string;
    if (r.status === 'fulfilled') return;
    const e = r.reason;
    if (!isRpcError(e)) { out.error(`Failed to ${text} ${unit}: ${(e as Error).message}`); rc = EXIT.FAILURE; return; }
    if (e.code === 3) {   // JOB_FAILED
      const msg = jobFailureText(o.prog, e.data.unit ?? unit, e.data.result ?? 'failed', e.data.unitResult);
      if (msg && !o.quiet) out.error(msg);
      rc = EXIT.FAILURE;
      return;
    }
    if (e.code === 9) { out.error(`${unit} is not active, cannot reload.`); rc = EXIT.FAILURE; return; }
    out.error(`Failed to ${text} ${unit}: ${e.message}`);
    const code = exitCodeFor(e.code);
    if (rc === EXIT.OK || code !== EXIT.FAILURE) rc = code;
  });
  if (verb === 'stop' && !o.quiet) {
    const ok = units.filter((_, i) => results[i]?.status === 'fulfilled');
    for (const u of ok) await warnTriggering(c, u, out);
  }
  return rc;
}

/** systemctl's warn_triggering_units(): after stopping X, name the active units that can start it again. */
async function warnTriggering(c: RpcClient, unit: string, out: Out): Promise<void> {
  try {
    const { properties } = await c.call('show', { unit, properties: ['TriggeredBy'] });
    const by = (properties.find(([k]) => k === 'TriggeredBy')?.[1] ?? '').split(' ').filter(Boolean);
    if (!by.length) return;
    const states = await c.call('unit-states', { units: by });
    const active = states.filter((s) => s.activeState === 'active' || s.activeState === 'reloading').map((s) => s.unit);
    if (!active.length) return;
    out.error(`Warning: Stopping ${unit}, but it can still be activated by:`);
    for (const a of active) out.error(`  ${a}`);
  } catch { /* best effort, like systemctl */ }
}

export async function runKill(c: RpcClient, o: CtlOptions, out: Out): Promise<number> {
  if (o.args.length === 0) { out.error('Too few arguments.'); return EXIT.FAILURE; }
  const signal = o.signal ? parseSignal(o.signal) : 15;
  if (signal === null) { out.error(`Failed to parse signal string ${o.signal}.`); return EXIT.FAILURE; }
  const whom = o.killWhom || 'all';
  if (whom !== 'all' && whom !== 'main' && whom !== 'control') { out.error(`Unknown --kill-whom= value: ${whom}`); return EXIT.FAILURE; }
  let rc: number = EXIT.OK;
  for (const a of o.args) {
    const unit = mangle(a);
    try { await c.call('kill', { unit, signal, whom }); } catch (e) {
      if (!isRpcError(e)) throw e;
      out.error(`Failed to kill unit ${unit}: ${e.message}`);
      rc = EXIT.FAILURE;
    }
  }
  return rc;
}

export async function runResetFailed(c: RpcClient, o: CtlOptions, out: Out): Promise<number> {
  const units = o.args.length ? o.args.map((a) => mangle(a)) : [undefined];
  let rc: number = EXIT.OK;
  for (const unit of units) {
    try { await c.call('reset-failed', unit ? { unit } : {}); } catch (e) {
      if (!isRpcError(e)) throw e;
      out.error(`Failed to reset failed state of unit ${unit ?? ''}: ${e.message}`);
      rc = EXIT.FAILURE;
    }
  }
  return rc;
}

export async function runCancel(c: RpcClient, o: CtlOptions, out: Out): Promise<number> {
  let ids = o.args.map(Number);
  if (ids.some((n) => !Number.isInteger(n) || n <= 0)) { out.error(`Failed to parse job id "${o.args.find((a) => !/^\d+$/.test(a))}"`); return EXIT.FAILURE; }
  if (ids.length === 0) ids = (await c.call('list-jobs', {})).map((j) => j.id);
  let rc: number = EXIT.OK;
  for (const job of ids) {
    try { await c.call('cancel', { job }); } catch (e) {
      if (!isRpcError(e)) throw e;
      out.error(`Failed to cancel job ${job}: ${e.message}`);
      rc = EXIT.FAILURE;
    }
  }
  return rc;
}
