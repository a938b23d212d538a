// [Service] directive table (systemd.service(5), systemd 252). Exec/kill/sandbox/resource rows shared with
// [Socket] live in their own tables. Invariants: Timeout*Sec= "0" means infinity; TimeoutSec= sets start and
// stop; Sockets= also adds Wants= and After= on each socket (as systemd does at parse time).
import type { ExitStatusSet, UnitConfig } from './types';
import {
  custom, pBool, pEnum, pSec, pTimeout, pUnsigned, scalar, unenforced, splitValue, showRows, type Row, type SectionName, type Parsed,
} from './row';
import { execRow } from './table-exec';
import { parseExitStatusSet } from './values';
import { unitNameIsValid } from './table-unit';
import { execList, execListEx, statusSet, usec, yn } from './show-format';

const S: SectionName[] = ['Service'];

function svc(c: UnitConfig): NonNullable<UnitConfig['service']> {
  if (!c.service) throw new Error('service section on a non-service unit');
  return c.service;
}

/** D-Bus well-known name validation (service_name_is_valid). */
export function busNameIsValid(n: string): boolean {
  if (n.length === 0 || n.length > 255) return false;
  if (n.startsWith(':')) return /^:[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)+$/.test(n);
  return /^[A-Za-z_-][A-Za-z0-9_-]*(\.[A-Za-z_-][A-Za-z0-9_-]*)+$/.test(n);
}

function statusRow(key: string, field: 'restartPreventExitStatus' | 'restartForceExitStatus' | 'successExitStatus'): Row {
  return custom(key, S, true, (v, ctx) => {
    const r = parseExitStatusSet((splitValue(v, 'escape') ?? []).join(' '));
    for (const b of r.bad) ctx.warn(`Failed to parse value, ignoring: ${b}`);
    const cur: ExitStatusSet = svc(ctx.cfg)[field];
    for (const s of r.statuses) if (!cur.statuses.includes(s)) cur.statuses.push(s);
    for (const s of r.signals) if (!cur.signals.includes(s)) cur.signals.push(s);
  }, (c) => { svc(c)[field] = { statuses: [], signals: [] }; });
}

const TIMEOUT_MSG = (v: string, k: string): string => `Failed to parse ${k}= parameter, ignoring: ${v}`;
const SERVICE_TYPES = ['simple', 'exec', 'forking', 'oneshot', 'dbus', 'notify', 'notify-reload', 'idle'] as const;
const RESTARTS = ['no', 'on-success', 'on-failure', 'on-abnormal', 'on-watchdog', 'on-abort', 'always'] as const;
const FAILURE_MODES = ['terminate', 'abort', 'kill'] as const;

const pBusName = (v: string): Parsed<string> => busNameIsValid(v) ? { ok: true, value: v } : { ok: false, message: `Invalid bus name, ignoring: ${v}` };

export const SERVICE_ROWS: Row[] = [
  scalar('PIDFile', S, (v) => ({ ok: true, value: v.startsWith('/') ? v : `/run/${v}` }), (c, v) => { svc(c).pidFile = v; },
    { specifiers: true, empty: 'reset', reset: (c) => { svc(c).pidFile = ''; } }),
  execRow('ExecCondition', S, (c) => c.service?.execCondition ?? null, (c, v) => { svc(c).execCondition = v; }),
  execRow('ExecStartPre', S, (c) => c.service?.execStartPre ?? null, (c, v) => { svc(c).execStartPre = v; }),
  execRow('ExecStart', S, (c) => c.service?.execStart ?? null, (c, v) => { svc(c).execStart = v; }),
  execRow('ExecStartPost', S, (c) => c.service?.execStartPost ?? null, (c, v) => { svc(c).execStartPost = v; }),
  execRow('ExecReload', S, (c) => c.service?.execReload ?? null, (c, v) => { svc(c).execReload = v; }),
  execRow('ExecStop', S, (c) => c.service?.execStop ?? null, (c, v) => { svc(c).execStop = v; }),
  execRow('ExecStopPost', S, (c) => c.service?.execStopPost ?? null, (c, v) => { svc(c).execStopPost = v; }),
  scalar('RestartSec', S, pSec, (c, v) => { svc(c).restartUs = v; }),
  scalar('TimeoutSec', S, pTimeout(TIMEOUT_MSG), (c, v) => { svc(c).timeoutStartUs = v; svc(c).timeoutStopUs = v; }),
  scalar('TimeoutStartSec', S, pTimeout(TIMEOUT_MSG), (c, v) => { svc(c).timeoutStartUs = v; }),
  scalar('TimeoutStopSec', S, pTimeout((v) => `Failed to parse time value, ignoring: ${v}`), (c, v) => { svc(c).timeoutStopUs = v; }),
  scalar('TimeoutAbortSec', S, pTimeout((v, k) => `Failed to parse ${k}= setting, ignoring: ${v}`), (c, v) => { svc(c).timeoutAbortUs = v; },
    { empty: 'reset', reset: () => undefined }),
  scalar('TimeoutStartFailureMode', S, pEnum(FAILURE_MODES, 'timeout failure mode'), (c, v) => { svc(c).timeoutStartFailureMode = v; }),
  scalar('TimeoutStopFailureMode', S, pEnum(FAILURE_MODES, 'timeout failure mode'), (c, v) => { svc(c).timeoutStopFailureMode = v; }),
  scalar('RuntimeMaxSec', S, pSec, (c, v) => { svc(c).runtimeMaxUs = v; }),
  unenforced('RuntimeRandomizedExtraSec', S, pSec),
  scalar('WatchdogSec', S, pSec, (c, v) => { svc(c).watchdogUs = v === Infinity ? 0 : v; }),
  scalar('Type', S, pEnum(SERVICE_TYPES, 'service type'), (c, v) => { svc(c).type = v; }),
  scalar('ExitType', S, pEnum(['main', 'cgroup'] as const, 'service exit type'), (c, v) => { svc(c).exitType = v; }),
  scalar('Restart', S, pEnum(RESTARTS, 'service restart specifier'), (c, v) => { svc(c).restart = v; }),
  unenforced('PermissionsStartOnly', S, pBool),
  unenforced('RootDirectoryStartOnly', S, pBool),
  scalar('RemainAfterExit', S, pBool, (c, v) => { svc(c).remainAfterExit = v; }),
  scalar('GuessMainPID', S, pBool, (c, v) => { svc(c).guessMainPID = v; }),
  statusRow('RestartPreventExitStatus', 'restartPreventExitStatus'),
  statusRow('RestartForceExitStatus', 'restartForceExitStatus'),
  statusRow('SuccessExitStatus', 'successExitStatus'),
  unenforced('NonBlocking', S, pBool),
  scalar('BusName', S, pBusName, (c, v) => { svc(c).busName = v; }, { specifiers: true, spec: 'p' }),
  scalar('FileDescriptorStoreMax', S, pUnsigned, (c, v) => { svc(c).fileDescriptorStoreMax = v; }),
  scalar('NotifyAccess', S, pEnum(['none', 'main', 'exec', 'all'] as const, 'notify access specifier'), (c, v) => { svc(c).notifyAccess = v; }),
  custom('Sockets', S, true, (v, ctx) => {
    for (const w of splitValue(v, 'escape') ?? []) {
      const e = ctx.expand(w);
      if (!e.ok) { ctx.warn(`Failed to resolve unit specifiers in '${w}', ignoring: ${e.error}`); continue; }
      if (!e.value.endsWith('.socket')) { ctx.warn(`Unit must be of type socket, ignoring: ${e.value}`); continue; }
      if (!unitNameIsValid(e.value)) { ctx.warn(`Failed to add dependency on ${e.value}, ignoring: Invalid argument`); continue; }
      const s = svc(ctx.cfg);
      if (!s.sockets.includes(e.value)) s.sockets.push(e.value);
      for (const k of ['Wants', 'After'] as const) if (!ctx.cfg.unit.deps[k].includes(e.value)) ctx.cfg.unit.deps[k].push(e.value);
    }
  }, () => undefined, { empty: 'ignore' }),
  unenforced('USBFunctionDescriptors', S, (v, k) => v.startsWith('/') ? { ok: true, value: v } : { ok: false, message: `${k}= path is not absolute, ignoring: ${v}` }, false, { empty: 'reset', specifiers: true }),
  unenforced('USBFunctionStrings', S, (v, k) => v.startsWith('/') ? { ok: true, value: v } : { ok: false, message: `${k}= path is not absolute, ignoring: ${v}` }, false, { empty: 'reset', specifiers: true }),
  unenforced('OOMPolicy', S, pEnum(['continue', 'stop', 'kill'] as const, 'OOM policy')),
];

// How `systemctl show` prints these rows (org.freedesktop.systemd1.Service; order in show-layout.ts).
showRows(SERVICE_ROWS, {
  PIDFile: { PIDFile: (c) => svc(c).pidFile },
  ExecCondition: { ExecCondition: (c) => execList(c.service?.execCondition), ExecConditionEx: (c) => execListEx(c.service?.execCondition) },
  ExecStartPre: { ExecStartPre: (c) => execList(c.service?.execStartPre), ExecStartPreEx: (c) => execListEx(c.service?.execStartPre) },
  ExecStart: { ExecStart: (c) => execList(c.service?.execStart), ExecStartEx: (c) => execListEx(c.service?.execStart) },
  ExecStartPost: { ExecStartPost: (c) => execList(c.service?.execStartPost), ExecStartPostEx: (c) => execListEx(c.service?.execStartPost) },
  ExecReload: { ExecReload: (c) => execList(c.service?.execReload), ExecReloadEx: (c) => execListEx(c.service?.execReload) },
  ExecStop: { ExecStop: (c) => execList(c.service?.execStop), ExecStopEx: (c) => execListEx(c.service?.execStop) },
  ExecStopPost: { ExecStopPost: (c) => execList(c.service?.execStopPost), ExecStopPostEx: (c) => execListEx(c.service?.execStopPost) },
  RestartSec: { RestartUSec: (c) => usec(svc(c).restartUs) },
  TimeoutSec: { TimeoutStartUSec: (c) => usec(svc(c).timeoutStartUs), TimeoutStopUSec: (c) => usec(svc(c).timeoutStopUs) },
  TimeoutStartSec: { TimeoutStartUSec: (c) => usec(svc(c).timeoutStartUs) },
  TimeoutStopSec: { TimeoutStopUSec: (c) => usec(svc(c).timeoutStopUs) },
  TimeoutAbortSec: { TimeoutAbortUSec: (c) => usec(svc(c).timeoutAbortUs) },
  TimeoutStartFailureMode: { TimeoutStartFailureMode: (c) => svc(c).timeoutStartFailureMode },
  TimeoutStopFailureMode: { TimeoutStopFailureMode: (c) => svc(c).timeoutStopFailureMode },
  RuntimeMaxSec: { RuntimeMaxUSec: (c) => usec(svc(c).runtimeMaxUs) },
  RuntimeRandomizedExtraSec: { RuntimeRandomizedExtraUSec: () => usec(0) },
  WatchdogSec: { WatchdogUSec: (c) => usec(svc(c).watchdogUs) },
  Type: { Type: (c) => svc(c).type },
  ExitType: { ExitType: (c) => svc(c).exitType },
  Restart: { Restart: (c) => svc(c).restart },
  RootDirectoryStartOnly: { RootDirectoryStartOnly: () => 'no' },
  RemainAfterExit: { RemainAfterExit: (c) => yn(svc(c).remainAfterExit) },
  GuessMainPID: { GuessMainPID: (c) => yn(svc(c).guessMainPID) },
  RestartPreventExitStatus: { RestartPreventExitStatus: (c) => statusSet(svc(c).restartPreventExitStatus) },
  RestartForceExitStatus: { RestartForceExitStatus: (c) => statusSet(svc(c).restartForceExitStatus) },
  SuccessExitStatus: { SuccessExitStatus: (c) => statusSet(svc(c).successExitStatus) },
  BusName: { BusName: (c) => svc(c).busName },
  FileDescriptorStoreMax: { FileDescriptorStoreMax: (c) => String(svc(c).fileDescriptorStoreMax) },
  NotifyAccess: { NotifyAccess: (c) => svc(c).notifyAccess },
  USBFunctionDescriptors: { USBFunctionDescriptors: () => '' },
  USBFunctionStrings: { USBFunctionStrings: () => '' },
  OOMPolicy: { OOMPolicy: (c) => c.raw?.['Service.OOMPolicy']?.at(-1) ?? 'stop' },
}, [
  'PermissionsStartOnly', 'NonBlocking', 'Sockets',
]);
