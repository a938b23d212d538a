// showProperties: the configuration properties of `systemctl show` (systemd 252 names, D-Bus vtable order,
// value formats) for a UnitConfig. Order: type interface (Service/Socket), exec, kill, then Unit — as
// `systemctl show` prints them. Runtime properties (MainPID, ActiveState, ...) appear at their systemd
// positions with "unit at rest" values; the manager passes `runtime` to override any single-valued property.
// Invariants: pure; every property is returned (empty ones too) — the caller hides empty values unless
// --all / -p; repeated keys (ExecStart=, Listen=) are one tuple per entry, as systemctl prints them.
import { ALL_CAPS_252 } from './show-fill';
import type { ExecCommand, ListenKind, UnitConfig } from './types';
import { formatTimespan } from './values';
import { RLIMITS } from './table-exec';
import { cgroupProps } from './show-resource';
import { calendarSpecToString, parseCalendarSpec } from '../calendar/spec';
import { processTime } from '../calendar/env';

export type Runtime = Partial<Record<string, string>>;
type Props = [string, string][];

const yn = (b: boolean): string => (b ? 'yes' : 'no');
const octal = (n: number): string => n.toString(8).padStart(4, '0');
const usec = (n: number): string => formatTimespan(n);

/** `{ path=... ; argv[]=... ; ignore_errors=no ; start_time=[n/a] ; stop_time=[n/a] ; pid=0 ; code=(null) ; status=0/0 }` */
export function formatExecCommand(c: ExecCommand): string {
  return `{ path=${c.path} ; argv[]=${c.argv.join(' ')} ; ignore_errors=${yn(c.ignoreFailure)} ; start_time=[n/a] ; stop_time=[n/a] ; pid=0 ; code=(null) ; status=0/0 }`;
}
/** The *Ex variant: flags instead of ignore_errors. */
export function formatExecCommandEx(c: ExecCommand): string {
  const flags = [c.ignoreFailure ? 'ignore-failure' : '', c.noEnvExpand ? 'no-env-expand' : '',
    c.privileged === '+' ? 'privileged' : c.privileged === '!' ? 'no-setuid' : c.privileged === '!!' ? 'ambient' : ''].filter((x) => x).join(' ');
  return `{ path=${c.path} ; argv[]=${c.argv.join(' ')} ; flags=${flags} ; start_time=[n/a] ; stop_time=[n/a] ; pid=0 ; code=(null) ; status=0/0 }`;
}

function execProps(p: Props, name: string, list: ExecCommand[], ex: boolean): void {
  if (!list.length) { p.push([name, '']); if (ex) p.push([`${name}Ex`, '']); return; }
  for (const c of list) p.push([name, formatExecCommand(c)]);
  if (ex) for (const c of list) p.push([`${name}Ex`, formatExecCommandEx(c)]);
}

/** Listen kinds as systemctl names them (`Listen=ADDR (Stream)`, list-sockets TYPE). */
export const LISTEN_NAMES: Record<ListenKind, string> = {
  stream: 'Stream', datagram: 'Datagram', seqpacket: 'SequentialPacket', fifo: 'FIFO', special: 'Special',
  netlink: 'Netlink', mqueue: 'MessageQueue',
};

function rt(runtime: Runtime, k: string, dflt: string): [string, string] {
  return [k, runtime[k] ?? dflt];
}

function statusSet(s: { statuses: number[]; signals: number[] }): string {
  return [...s.statuses.map(String), ...s.signals.map(String)].join(' ');
}

function serviceProps(cfg: UnitConfig, r: Runtime): Props {
  const s = cfg.service;
  if (!s) return [];
  const p: Props = [
    ['Type', s.type], ['ExitType', s.exitType], ['Restart', s.restart], ['PIDFile', s.pidFile], ['NotifyAccess', s.notifyAccess],
    ['RestartUSec', usec(s.restartUs)], ['TimeoutStartUSec', usec(s.timeoutStartUs)], ['TimeoutStopUSec', usec(s.timeoutStopUs)],
    ['TimeoutAbortUSec', usec(s.timeoutAbortUs)], ['TimeoutStartFailureMode', s.timeoutStartFailureMode],
    ['TimeoutStopFailureMode', s.timeoutStopFailureMode], ['RuntimeMaxUSec', usec(s.runtimeMaxUs)],
    ['RuntimeRandomizedExtraUSec', usec(0)], ['WatchdogUSec', usec(s.watchdogUs)],
    rt(r, 'WatchdogTimestamp', ''), rt(r, 'WatchdogTimestampMonotonic', '0'),
    ['RootDirectoryStartOnly', 'no'], ['RemainAfterExit', yn(s.remainAfterExit)], ['GuessMainPID', yn(s.guessMainPID)],
    ['RestartPreventExitStatus', statusSet(s.restartPreventExitStatus)], ['RestartForceExitStatus', statusSet(s.restartForceExitStatus)],
    ['SuccessExitStatus', statusSet(s.successExitStatus)],
    rt(r, 'MainPID', '0'), rt(r, 'ControlPID', '0'), ['BusName', s.busName], ['FileDescriptorStoreMax', String(s.fileDescriptorStoreMax)],
    rt(r, 'NFileDescriptorStore', '0'), rt(r, 'StatusText', ''), rt(r, 'StatusErrno', '0'), rt(r, 'Result', 'success'),
    rt(r, 'ReloadResult', 'success'), rt(r, 'CleanResult', 'success'), ['USBFunctionDescriptors', ''], ['USBFunctionStrings', ''],
    rt(r, 'UID', '[not set]'), rt(r, 'GID', '[not set]'), rt(r, 'NRestarts', '0'), ['OOMPolicy', cfg.raw?.['Service.OOMPolicy']?.at(-1) ?? 'stop'],
    rt(r, 'ExecMainStartTimestamp', ''), rt(r, 'ExecMainStartTimestampMonotonic', '0'), rt(r, 'ExecMainExitTimestamp', ''),
    rt(r, 'ExecMainExitTimestampMonotonic', '0'), rt(r, 'ExecMainPID', '0'), rt(r, 'ExecMainCode', '0'), rt(r, 'ExecMainStatus', '0'),
  ];
  execProps(p, 'ExecCondition', s.execCondition, true);
  execProps(p, 'ExecStartPre', s.execStartPre, true);
  execProps(p, 'ExecStart', s.execStart, true);
  execProps(p, 'ExecStartPost', s.execStartPost, true);
  execProps(p, 'ExecReload', s.execReload, true);
  execProps(p, 'ExecStop', s.execStop, true);
  execProps(p, 'ExecStopPost', s.execStopPost, true);
  return p;
}

function socketProps(cfg: UnitConfig, r: Runtime): Props {
  const k = cfg.socket;
  if (!k) return [];
  const p: Props = [
    ['BindIPv6Only', k.bindIPv6Only], ['Backlog', String(k.backlog)], ['TimeoutUSec', usec(k.timeoutUs)], ['BindToDevice', k.bindToDevice],
    ['SocketUser', k.socketUser], ['SocketGroup', k.socketGroup], ['SocketMode', octal(k.socketMode)], ['DirectoryMode', octal(k.directoryMode)],
    ['Accept', yn(k.accept)], ['FlushPending', 'no'], ['Writable', yn(k.writable)], ['KeepAlive', yn(k.keepAlive)],
    ['KeepAliveTimeUSec', usec(k.keepAliveTimeUs)], ['KeepAliveIntervalUSec', usec(k.keepAliveIntervalUs)],
    ['KeepAliveProbes', String(k.keepAliveProbes)], ['DeferAcceptUSec', '0'], ['NoDelay', yn(k.noDelay)], ['Priority', '-1'],
    ['ReceiveBuffer', String(k.receiveBuffer)], ['SendBuffer', String(k.sendBuffer)], ['IPTOS', '-1'], ['IPTTL', '-1'], ['PipeSize', '0'],
    ['FreeBind', yn(k.freeBind)], ['Transparent', yn(k.transparent)], ['Broadcast', 'no'], ['PassCredentials', yn(k.passCredentials)],
    ['PassSecurity', yn(k.passSecurity)], ['PassPacketInfo', 'no'], ['Timestamping', k.timestamping], ['RemoveOnStop', yn(k.removeOnStop)],
  ];
  if (k.listen.length) for (const l of k.listen) p.push(['Listen', `${l.address} (${LISTEN_NAMES[l.kind]})`]);
  else p.push(['Listen', '']);
  p.push(['Symlinks', k.symlinks.join(' ')], ['Mark', '-1'], ['MaxConnections', String(k.maxConnections)],
    ['MaxConnectionsPerSource', String(k.maxConnectionsPerSource)], ['MessageQueueMaxMessages', '0'], ['MessageQueueMessageSize', '0'],
    ['TCPCongestion', ''], ['ReusePort', yn(k.reusePort)], ['SmackLabel', ''], ['SmackLabelIPIn', ''], ['SmackLabelIPOut', ''],
    rt(r, 'ControlPID', '0'), rt(r, 'Result', 'success'), rt(r, 'NConnections', '0'), rt(r, 'NAccepted', '0'), rt(r, 'NRefused', '0'),
    ['FileDescriptorName', k.fileDescriptorName || cfg.id], ['SocketProtocol', '0'],
    ['TriggerLimitIntervalUSec', usec(k.triggerLimitIntervalUs)], ['TriggerLimitBurst', String(k.triggerLimitBurst)],
    rt(r, 'UID', '[not set]'), rt(r, 'GID', '[not set]'));
  execProps(p, 'ExecStartPre', k.execStartPre, false);
  execProps(p, 'ExecStartPost', k.execStartPost, false);
  execProps(p, 'ExecStopPre', k.execStopPre, false);
  execProps(p, 'ExecStopPost', k.execStopPost, false);
  return p;
}

/** The triggered unit of a timer/path as configured (Unit=, else the same-name service). */
function triggerUnitOf(cfg: UnitConfig, unit: string): string {
  if (unit) return unit;
  const dot = cfg.id.lastIndexOf('.');
  return `${cfg.id.slice(0, dot)}.service`;
}

function normalizedCalendar(expr: string): string {
  const spec = parseCalendarSpec(expr, processTime());
  return 'errno' in spec ? expr : calendarSpecToString(spec, processTime());
}

/** Repeated entries (one `Key=value` line each), from a runtime value joined with newlines. */
function entries(p: Props, key: string, r: Runtime, dflt: string[]): void {
  const v = r[key];
  const list = v !== undefined ? (v === '' ? [] : v.split('\n')) : dflt;
  // an empty array property prints nothing at all, not even with -p or --all
  for (const e of list) p.push([key, e]);
}

function timerProps(cfg: UnitConfig, r: Runtime): Props {
  const t = cfg.timer;
  if (!t) return [];
  const p: Props = [rt(r, 'Unit', triggerUnitOf(cfg, t.unit))];
  entries(p, 'TimersMonotonic', r, t.values.filter((v) => v.base !== 'OnCalendar')
    .map((v) => `{ ${v.base.replace(/Sec$/, 'USec')}=${usec(v.valueUs)} ; next_elapse=0 }`));
  entries(p, 'TimersCalendar', r, t.values.filter((v) => v.base === 'OnCalendar')
    .map((v) => `{ OnCalendar=${normalizedCalendar(v.calendar)} ; next_elapse=(null) }`));
  p.push(['OnClockChange', yn(t.onClockChange)], ['OnTimezoneChange', yn(t.onTimezoneChange)],
    rt(r, 'NextElapseUSecRealtime', ''), rt(r, 'NextElapseUSecMonotonic', 'infinity'), rt(r, 'LastTriggerUSec', ''),
    rt(r, 'LastTriggerUSecMonotonic', '0'), rt(r, 'Result', 'success'), ['AccuracyUSec', usec(t.accuracyUs)],
    ['RandomizedDelayUSec', usec(t.randomizedDelayUs)], ['FixedRandomDelay', yn(t.fixedRandomDelay)], ['Persistent', yn(t.persistent)],
    ['WakeSystem', yn(t.wakeSystem)], ['RemainAfterElapse', yn(t.remainAfterElapse)]);
  return p;
}

function pathProps(cfg: UnitConfig, r: Runtime): Props {
  const k = cfg.path;
  if (!k) return [];
  const p: Props = [rt(r, 'Unit', triggerUnitOf(cfg, k.unit))];
  entries(p, 'Paths', {}, k.specs.map((s) => `${s.path} (${s.kind})`));
  p.push(['MakeDirectory', yn(k.makeDirectory)], ['DirectoryMode', octal(k.directoryMode)], rt(r, 'Result', 'success'),
    ['TriggerLimitIntervalUSec', usec(k.triggerLimitIntervalUs)], ['TriggerLimitBurst', String(k.triggerLimitBurst)]);
  return p;
}

const DEFAULT_LIMITS: Record<string, [string, string]> = { NOFILE: ['524288', '1024'], NPROC: ['infinity', 'infinity'], MEMLOCK: ['8388608', '8388608'], STACK: ['infinity', '8388608'], CORE: ['infinity', '0'] };

function execContextProps(cfg: UnitConfig): Props {
  const e = cfg.exec;
  const explicitOut = (cfg.raw?.['Service.StandardOutput']?.length ?? 0) > 0 || (cfg.raw?.['Socket.StandardOutput']?.length ?? 0) > 0;
  const stdout = explicitOut ? e.standardOutput : (e.standardInput === 'socket' || e.standardInput.startsWith('tty') ? 'inherit' : 'journal');
  const p: Props = [
    ['Environment', e.environment.join(' ')],
    ['EnvironmentFiles', e.environmentFiles.map((f) => `${f.path} (ignore_errors=${yn(f.optional)})`).join(' ')],
    ['PassEnvironment', e.passEnvironment.join(' ')], ['UnsetEnvironment', e.unsetEnvironment.join(' ')], ['UMask', octal(e.umask)],
  ];
  for (const res of RLIMITS) {
    const l = e.limits[res];
    const [hard, soft] = l ? [l.hard === Infinity ? 'infinity' : String(l.hard), l.soft === Infinity ? 'infinity' : String(l.soft)] : (DEFAULT_LIMITS[res] ?? ['infinity', 'infinity']);
    p.push([`Limit${res}`, hard], [`Limit${res}Soft`, soft]);
  }
  const wd = e.workingDirectory;
  p.push(['WorkingDirectory', wd ? `${wd.optional ? '!' : ''}${wd.path}` : ''], ['RootDirectory', e.rootDirectory],
    ['OOMScoreAdjust', String(e.oomScoreAdjust ?? 0)], ['Nice', String(e.nice ?? 0)],
    ['StandardInput', e.standardInput], ['StandardOutput', stdout], ['StandardError', e.standardError],
    ['TTYPath', e.ttyPath], ['SyslogIdentifier', e.syslogIdentifier],
    ['CapabilityBoundingSet', e.capabilityBoundingSet === null ? ALL_CAPS_252 : e.capabilityBoundingSet.map((c) => c.toLowerCase()).join(' ')], ['AmbientCapabilities', e.ambientCapabilities.join(' ')],
    ['User', e.user], ['Group', e.group], ['DynamicUser', yn(e.dynamicUser)], ['SupplementaryGroups', e.supplementaryGroups.join(' ')],
    ['PAMName', e.pamName], ['PrivateTmp', yn(e.privateTmp)], ['NoNewPrivileges', yn(e.noNewPrivileges)],
    ['RuntimeDirectoryPreserve', e.runtimeDirectoryPreserve], ['RuntimeDirectoryMode', octal(e.runtimeDirectoryMode)],
    ['RuntimeDirectory', e.runtimeDirectory.join(' ')], ['StateDirectoryMode', octal(e.stateDirectoryMode)],
    ['StateDirectory', e.stateDirectory.join(' ')], ['CacheDirectoryMode', octal(e.cacheDirectoryMode)],
    ['CacheDirectory', e.cacheDirectory.join(' ')], ['LogsDirectoryMode', octal(e.logsDirectoryMode)],
    ['LogsDirectory', e.logsDirectory.join(' ')], ['ConfigurationDirectoryMode', octal(e.configurationDirectoryMode)],
    ['ConfigurationDirectory', e.configurationDirectory.join(' ')]);
  const k = cfg.kill;
  p.push(['KillMode', k.killMode], ['KillSignal', String(k.killSignal)], ['RestartKillSignal', String(k.restartKillSignal)],
    ['FinalKillSignal', String(k.finalKillSignal)], ['SendSIGKILL', yn(k.sendSIGKILL)], ['SendSIGHUP', yn(k.sendSIGHUP)],
    ['WatchdogSignal', String(k.watchdogSignal)]);
  return p;
}

function loadError(cfg: UnitConfig): string {
  switch (cfg.loadState) {
    case 'not-found': return `org.freedesktop.systemd1.NoSuchUnit "Unit ${cfg.id} not found."`;
    case 'masked': return `org.freedesktop.systemd1.UnitMasked "Unit ${cfg.id} is masked."`;
    case 'bad-setting': return `org.freedesktop.systemd1.BadUnitSetting "Unit ${cfg.id} has a bad unit file setting."`;
    case 'error': return `org.freedesktop.DBus.Error.InvalidArgs "${cfg.loadError || `Unit ${cfg.id} failed to load properly.`}"`;
    default: return '';
  }
}

function unitProps(cfg: UnitConfig, r: Runtime): Props {
  const u = cfg.unit;
  const d = u.deps;
  const j = (l: string[]): string => l.join(' ');
  const canReload = !!(cfg.service && cfg.service.execReload.length);
  return [
    ['Id', cfg.id], ['Names', j(cfg.names)], rt(r, 'Following', ''),
    ['Requires', j(d.Requires)], ['Requisite', j(d.Requisite)], ['Wants', j(d.Wants)], ['BindsTo', j(d.BindsTo)], ['PartOf', j(d.PartOf)],
    ['Upholds', j(d.Upholds)], rt(r, 'RequiredBy', ''), rt(r, 'RequisiteOf', ''), rt(r, 'WantedBy', ''), rt(r, 'BoundBy', ''),
    rt(r, 'UpheldBy', ''), rt(r, 'ConsistsOf', ''), ['Conflicts', j(d.Conflicts)], rt(r, 'ConflictedBy', ''),
    ['Before', j(d.Before)], ['After', j(d.After)], ['OnSuccess', j(d.OnSuccess)], rt(r, 'OnSuccessOf', ''),
    ['OnFailure', j(d.OnFailure)], rt(r, 'OnFailureOf', ''), rt(r, 'Triggers', ''), rt(r, 'TriggeredBy', ''),
    ['PropagatesReloadTo', j(d.PropagatesReloadTo)], ['ReloadPropagatedFrom', j(d.ReloadPropagatedFrom)],
    ['PropagatesStopTo', j(d.PropagatesStopTo)], ['StopPropagatedFrom', j(d.StopPropagatedFrom)], ['JoinsNamespaceOf', j(d.JoinsNamespaceOf)], rt(r, 'SliceOf', ''),
    ['RequiresMountsFor', (cfg.raw?.['Unit.RequiresMountsFor'] ?? []).join(' ')],
    ['Documentation', j(u.documentation)], ['Description', u.description || cfg.id], ['AccessSELinuxContext', ''],
    ['LoadState', cfg.loadState], rt(r, 'ActiveState', 'inactive'), rt(r, 'FreezerState', 'running'), rt(r, 'SubState', 'dead'),
    ['FragmentPath', cfg.fragmentPath === '/dev/null' ? '' : cfg.fragmentPath], ['SourcePath', u.sourcePath],
    ['DropInPaths', j(cfg.dropInPaths)], rt(r, 'UnitFileState', ''), rt(r, 'UnitFilePreset', ''),
    rt(r, 'StateChangeTimestamp', ''), rt(r, 'StateChangeTimestampMonotonic', '0'),
    rt(r, 'InactiveExitTimestamp', ''), rt(r, 'InactiveExitTimestampMonotonic', '0'),
    rt(r, 'ActiveEnterTimestamp', ''), rt(r, 'ActiveEnterTimestampMonotonic', '0'),
    rt(r, 'ActiveExitTimestamp', ''), rt(r, 'ActiveExitTimestampMonotonic', '0'),
    rt(r, 'InactiveEnterTimestamp', ''), rt(r, 'InactiveEnterTimestampMonotonic', '0'),
    ['CanStart', yn(!u.refuseManualStart && cfg.loadState === 'loaded' && cfg.type !== 'device')],
    ['CanStop', yn(!u.refuseManualStop && cfg.type !== 'device')], ['CanReload', yn(canReload)], ['CanIsolate', yn(u.allowIsolate)],
    ['CanClean', ''], ['CanFreeze', 'no'], rt(r, 'Job', ''),
    ['StopWhenUnneeded', yn(u.stopWhenUnneeded)], ['RefuseManualStart', yn(u.refuseManualStart)], ['RefuseManualStop', yn(u.refuseManualStop)],
    ['AllowIsolate', yn(u.allowIsolate)], ['DefaultDependencies', yn(u.defaultDependencies)],
    ['OnSuccessJobMode', cfg.raw?.['Unit.OnSuccessJobMode']?.at(-1) ?? 'fail'], ['OnFailureJobMode', u.onFailureJobMode],
    ['IgnoreOnIsolate', yn(u.ignoreOnIsolate)], rt(r, 'NeedDaemonReload', 'no'), rt(r, 'Markers', ''),
    ['JobTimeoutUSec', usec(u.jobTimeoutUs)], ['JobRunningTimeoutUSec', usec(Infinity)], ['JobTimeoutAction', u.jobTimeoutAction],
    ['JobTimeoutRebootArgument', ''], rt(r, 'ConditionResult', 'no'), rt(r, 'AssertResult', 'no'),
    rt(r, 'ConditionTimestamp', ''), rt(r, 'ConditionTimestampMonotonic', '0'), rt(r, 'AssertTimestamp', ''), rt(r, 'AssertTimestampMonotonic', '0'),
    ['LoadError', loadError(cfg)], ['Transient', 'no'], ['Perpetual', 'no'],
    ['StartLimitIntervalUSec', usec(u.startLimitIntervalUs)], ['StartLimitBurst', String(u.startLimitBurst)],
    ['StartLimitAction', u.startLimitAction], ['FailureAction', u.failureAction],
    ['FailureActionExitStatus', String(u.failureActionExitStatus)], ['SuccessAction', u.successAction],
    ['SuccessActionExitStatus', String(u.successActionExitStatus)], ['RebootArgument', ''], rt(r, 'InvocationID', ''),
    ['CollectMode', u.collectMode],
  ];
}

/** All `systemctl show` properties of a unit, in systemctl's order. `runtime` overrides runtime-state values. */
export function showProperties(cfg: UnitConfig, runtime: Runtime = {}): [string, string][] {
  const hasExec = cfg.type === 'service' || cfg.type === 'socket';
  const own = cfg.type === 'service' ? serviceProps(cfg, runtime) : cfg.type === 'socket' ? socketProps(cfg, runtime)
    : cfg.type === 'timer' ? timerProps(cfg, runtime) : cfg.type === 'path' ? pathProps(cfg, runtime) : [];
  const hasCgroup = hasExec || cfg.type === 'slice';
  const props = [...own, ...(hasCgroup ? cgroupProps(cfg, runtime) : []), ...(hasExec ? execContextProps(cfg) : []), ...unitProps(cfg, runtime)];
  // Any property the manager knows better (runtime state, effective dependencies, Names...) overrides the
  // configured value; keys printed once per entry (ExecStart=, Listen=) are left alone.
  const count = new Map<string, number>();
  for (const [k] of props) count.set(k, (count.get(k) ?? 0) + 1);
  return props.map(([k, v]): [string, string] => {
    const o = runtime[k];
    const perEntry = k === 'Listen' || k === 'TimersMonotonic' || k === 'TimersCalendar' || k === 'Paths' || /^Exec(Condition|StartPre|Start|StartPost|Reload|Stop|StopPost|StopPre)(Ex)?$/.test(k);
    return o !== undefined && count.get(k) === 1 && !perEntry ? [k, o] : [k, v];
  });
}
