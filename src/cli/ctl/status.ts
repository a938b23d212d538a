// tsysctl status: systemctl 252's layout (print_status_info): bullet line, Loaded (unit file state,
// preset), Drop-In, Active (since/ago), Condition, TriggeredBy/Triggers, Docs, Listen, Process lines,
// Main PID, Status, Tasks, Memory, CGroup/processes, then the last log lines. Exit: 0 active/reloading,
// 3 otherwise, 4 when a unit could not be found.
import { formatTimespan } from '../../directives/values';
import * as os from 'node:os';
import type { RpcClient } from '../../rpc/client';
import type { LogLine, StatusReply } from '../../rpc/protocol';
import type { CtlOptions } from './args';
import { EXIT, exitStatusText, formatAgo, formatShortTs, formatTimestamp, isRpcError, mangle, type Out } from './common';

export function bullet(a: string): string {
  if (a === 'active') return '●';
  if (a === 'reloading') return '↻';
  if (a === 'failed') return '×';
  if (a === 'activating' || a === 'deactivating') return '●';
  return '○';
}

const label = (l: string): string => `${l.padStart(11)}: `;
const INDENT = ' '.repeat(13);

function since(ts: number, now: number): string {
  return ts ? ` since ${formatTimestamp(ts)}; ${formatAgo(ts, now)}` : '';
}

/** systemctl's warn_unit_file_changed() (stderr). */
export function unitFileChangedWarning(unit: string, o: CtlOptions): string {
  return `Warning: The unit file, source configuration file or drop-ins of ${unit} changed on disk. Run '${o.prog === 'tsysctl' ? 'tsysctl' : 'systemctl'}${o.user ? ' --user' : ''} daemon-reload' to reload units.`;
}

export function formatLogLine(l: LogLine, host: string): string {
  const who = l.pid ? `${l.ident}[${l.pid}]` : l.ident;
  return `${formatShortTs(l.ts)} ${host} ${who}: ${l.message}`;
}

export function renderStatus(s: StatusReply, nowUs: number, host: string): string[] {
  const out: string[] = [];
  out.push(`${bullet(s.activeState)} ${s.id}${s.description && s.description !== s.id ? ` - ${s.description}` : ''}`);
  // Loaded
  if (s.loadState !== 'loaded' && s.loadError) out.push(`${label('Loaded')}${s.loadState} (Reason: ${s.loadError})`);
  else {
    const parts: string[] = [];
    if (s.fragmentPath) parts.push(s.fragmentPath);
    if (s.unitFileState) parts.push(s.unitFileState);
    if (s.unitFileState && s.unitFilePreset) parts.push(`preset: ${s.unitFilePreset}`);
    out.push(`${label('Loaded')}${s.loadState}${parts.length ? ` (${parts.join('; ')})` : ''}`);
  }
  if (s.transient) out.push(`${label('Transient')}yes`);
  // Drop-In, grouped by directory
  const byDir = new Map<string, string[]>();
  for (const p of s.dropInPaths) {
    const i = p.lastIndexOf('/');
    const dir = p.slice(0, i);
    byDir.set(dir, [...(byDir.get(dir) ?? []), p.slice(i + 1)]);
  }
  let firstDir = true;
  for (const [dir, files] of byDir) {
    out.push(`${firstDir ? label('Drop-In') : INDENT}${dir}`);
    out.push(`${INDENT}└─${files.join(', ')}`);
    firstDir = false;
  }
  // Active
  const ts = s.activeState === 'active' || s.activeState === 'reloading' ? s.activeEnterTs
    : s.activeState === 'inactive' || s.activeState === 'failed' ? s.inactiveEnterTs
      : s.activeState === 'activating' ? s.inactiveExitTs : s.activeExitTs;
  const showResult = s.result && s.result !== 'success';
  const sub = s.subState && s.subState !== s.activeState ? ` (${s.subState})` : '';
  out.push(`${label('Active')}${s.activeState}${sub}${showResult ? ` (Result: ${s.result})` : ''}${since(ts, nowUs)}`);
  // systemctl 252: how long it was active, for a unit that stopped
  if ((s.activeState === 'inactive' || s.activeState === 'failed') && s.activeEnterTs > 0 && s.activeExitTs > 0 && s.activeExitTs >= s.activeEnterTs) {
    out.push(`${label('Duration')}${formatTimespan(s.activeExitTs - s.activeEnterTs, 1000)}`);
  }
  if (!s.conditionResult && s.conditionTs) {
    out.push(`${label('Condition')}start condition failed at ${formatTimestamp(s.conditionTs)}; ${formatAgo(s.conditionTs, nowUs)}`);
    if (s.failedCondition) out.push(`${INDENT}└─ ${s.failedCondition} was not met`);
  }
  // TriggeredBy: the trigger's state glyph (○ inactive, × failed), checked with the real systemctl 252;
  // Triggers: a black circle whatever the state (only its colour follows it).
  s.triggeredBy.forEach((t, i) => out.push(`${i ? INDENT : label('TriggeredBy')}${bullet(t.activeState)} ${t.unit}`));
  if (s.timer) out.push(`${label('Trigger')}${timerTriggerLine(s.timer)}`);
  // systemctl 252 order (print_status_info): TriggeredBy, Trigger (timers), Triggers, then Docs, Listen.
  s.triggers.forEach((t, i) => out.push(`${i ? INDENT : label('Triggers')}● ${t.unit}`));
  s.documentation.forEach((d, i) => out.push(`${i ? INDENT : label('Docs')}${d}`));
  s.listen.forEach((l, i) => out.push(`${i ? INDENT : label('Listen')}${l.address} (${l.type})`));
  if (s.accept) out.push(`${label('Accepted')}${s.accept.accepted}; Connected: ${s.accept.connected};${s.accept.refused ? ` Refused: ${s.accept.refused}` : ''}`);
  // systemctl 252: main_pid is ExecMainPID (MainPID > 0 only says it runs); every exited command gets a
  // Process line, and one that is the main process with ExecMainStart == its start and ExecMainExit == its
  // start (sic) hides the Main PID line; the control process is not repeated either.
  let mainPid = s.execMainPid || s.mainPid;
  let controlPid = s.controlPid;
  for (const e of s.execs) {
    if (!e.code) continue;
    out.push(`${label('Process')}${e.pid} ${e.kind}=${e.argv.join(' ')} (code=${e.code}, ${exitStatusText(e.code, e.status)})`);
    if (mainPid === e.pid && (s.execMainStartTs ?? 0) === e.startTs && (s.execMainExitTs ?? 0) === e.startTs) mainPid = 0;
    if (e.pid === controlPid) controlPid = 0;
  }
  const running = s.mainPid > 0;
  const mainText = mainPid > 0 ? `${mainPid}${running ? (s.mainComm ? ` (${s.mainComm})` : '')
    : s.execMainCode ? ` (code=${s.execMainCode}, ${exitStatusText(s.execMainCode, s.execMainStatus)})` : ''}` : '';
  const controlText = controlPid > 0 ? `${controlPid}${s.controlComm ? ` (${s.controlComm})` : ''}` : '';
  if (mainText) out.push(`${label('Main PID')}${mainText}${controlText ? `; Control PID: ${controlText}` : ''}`);
  else if (controlText) out.push(`${label('Cntrl PID')}${controlText}`);
  if (s.statusText) out.push(`${label('Status')}"${s.statusText}"`);
  if (s.tasks !== null && s.tasks !== undefined) out.push(`${label('Tasks')}${s.tasks}${s.tasksMax !== null && s.tasksMax !== undefined ? ` (limit: ${s.tasksMax})` : ''}`);
  if (s.memoryBytes !== null && s.memoryBytes !== undefined) out.push(`${label('Memory')}${formatBytes(s.memoryBytes)}${s.memoryMax ? ` (max: ${formatBytes(s.memoryMax)})` : ''}`);
  if (s.cpuNSec !== null && s.cpuNSec !== undefined) out.push(`${label('CPU')}${formatTimespan(Math.floor(s.cpuNSec / 1000), 1000)}`);
  if (s.cgroup || s.processes.length) {
    out.push(`${label('CGroup')}${(s.cgroup.startsWith('/sys/fs/cgroup/') ? s.cgroup.slice('/sys/fs/cgroup'.length) : s.cgroup) || `/${s.id}`}`);
    s.processes.forEach((p, i) => out.push(`${INDENT}${i === s.processes.length - 1 ? '└─' : '├─'}${p.pid} ${p.cmdline}`));
  }
  if (s.logs.length) {
    out.push('');
    for (const l of s.logs) out.push(formatLogLine(l, host));
  }
  return out;
}

/** systemd's format_bytes() (IEC factors, one digit below the point, "B" under 1 KiB): 252.0K, 50.0M. */
export function formatBytes(n: number): string {
  const t = BigInt(Math.max(0, Math.floor(n)));
  const suffixes = ['E', 'P', 'T', 'G', 'M', 'K'];
  for (let i = 0; i < suffixes.length; i++) {
    const f = 1024n ** BigInt(suffixes.length - i);
    if (t < f) continue;
    const dec = i !== suffixes.length - 1 ? ((t / (f / 1024n)) * 10n / 1024n) % 10n : ((t * 10n) / f) % 10n;
    return `${t / f}.${dec}${suffixes[i]}`;
  }
  return `${t}B`;
}

export async function runStatus(c: RpcClient, o: CtlOptions, out: Out): Promise<number> {
  const host = os.hostname();
  const lines = o.lines ?? 10;
  if (o.args.length === 0) {
    const [{ state }, units, jobs] = await Promise.all([c.call('is-system-running', {}), c.call('list-units', { all: true }), c.call('list-jobs', {})]);
    const failed = units.filter((u) => u.activeState === 'failed').length;
    out.line(`● ${host}`);
    out.line(`${label('State').slice(2)}${state}`);
    out.line(`${label('Units').slice(2)}${units.length} loaded (incl. loaded aliases)`);
    out.line(`${label('Jobs').slice(2)}${jobs.length} queued`);
    out.line(`${label('Failed').slice(2)}${failed} units`);
    return EXIT.OK;
  }
  let rc: number = EXIT.OK;
  let anyInactive = false;
  let first = true;
  for (const a of o.args) {
    const unit = mangle(a);
    let s: StatusReply;
    try { s = await c.call('status', { unit, lines }); } catch (e) {
      if (!isRpcError(e)) throw e;
      if (e.code === 1) { out.error(`Unit ${unit} could not be found.`); rc = EXIT.NOPERMISSION; continue; }
      out.error(`Failed to get status of ${unit}: ${e.message}`); rc = EXIT.FAILURE; continue;
    }
    s.logs = lines === 0 ? [] : s.logs.slice(-lines);
    if (s.loadState === 'not-found' && s.activeState === 'inactive') {   // systemctl: show_one() → rc 4
      out.error(`Unit ${unit} could not be found.`); rc = EXIT.NOPERMISSION; continue;
    }
    if (!first) out.line();
    first = false;
    for (const l of renderStatus(s, Date.now() * 1000, host)) out.line(l);
    if (s.needDaemonReload) out.error(unitFileChangedWarning(s.id, o));
    if (s.activeState !== 'active' && s.activeState !== 'reloading') anyInactive = true;
  }
  if (rc) return rc;
  return anyInactive ? EXIT.PROGRAM_NOT_RUNNING : EXIT.OK;
}

/** `Trigger: Sat 2026-12-05 16:11:20 UTC; 2s left` or `n/a` (calc_next_elapse, format_timestamp in our zone). */
function timerTriggerLine(t: { nextRealtime: number; nextMonotonic: number }): string {
  const { calcNextElapse } = require('./timers') as typeof import('./timers');
  const { configureTimeFromEnv } = require('../zone-reader') as typeof import('../zone-reader');
  const { processTime } = require('../../calendar/env') as typeof import('../../calendar/env');
  const { formatTimestampStyle, formatTimestampRelative } = require('../../calendar/timestamp') as typeof import('../../calendar/timestamp');
  configureTimeFromEnv();
  const now = { realtime: Math.round((performance.timeOrigin + performance.now()) * 1000), monotonic: Number(process.hrtime.bigint() / 1000n) };
  const next = calcNextElapse(now, t);
  if (!Number.isFinite(next) || next <= 0) return 'n/a';
  const n = BigInt(Math.floor(next));
  return `${formatTimestampStyle(processTime(), n) ?? 'n/a'}; ${formatTimestampRelative(n, BigInt(now.realtime)) ?? 'n/a'}`;
}
