// The layout of `systemctl show`: which D-Bus interfaces a unit type prints and each interface's properties
// in systemd 252's vtable order (src/core/dbus-*.c), and the runtime properties — the manager's state,
// never a directive's — with the value each has while the unit is at rest. A property of a layout is
// fed by a directive row (its show spec, row.ts), by this runtime table, or by a unit-level computed
// value in show.ts; tests/unit/directives-show-rows.test.ts checks that every one is.
// Invariant: pure data.
import type { UnitType } from './types';

export type ShowSegment = 'Service' | 'Socket' | 'Timer' | 'Path' | 'Mount' | 'Swap' | 'Automount' | 'Scope' | 'cgroup' | 'exec'
  | 'kill' | 'Unit';

/** The kill context (systemd's BUS_KILL_CONTEXT_VTABLE): the end of `exec` for services, sockets, mounts and
 *  swaps, on its own after the cgroup part for scopes. */
const KILL_PROPS = ['KillMode', 'KillSignal', 'RestartKillSignal', 'FinalKillSignal', 'SendSIGKILL', 'SendSIGHUP', 'WatchdogSignal'];

/** Property order of each interface (org.freedesktop.systemd1.Service, ... , .Unit). */
export const SHOW_LAYOUT: Readonly<Record<ShowSegment, readonly string[]>> = {
  Service: ['Type', 'ExitType', 'Restart', 'PIDFile', 'NotifyAccess', 'RestartUSec', 'TimeoutStartUSec',
    'TimeoutStopUSec', 'TimeoutAbortUSec', 'TimeoutStartFailureMode', 'TimeoutStopFailureMode', 'RuntimeMaxUSec',
    'RuntimeRandomizedExtraUSec', 'WatchdogUSec', 'WatchdogTimestamp', 'WatchdogTimestampMonotonic',
    'RootDirectoryStartOnly', 'RemainAfterExit', 'GuessMainPID', 'RestartPreventExitStatus',
    'RestartForceExitStatus', 'SuccessExitStatus', 'MainPID', 'ControlPID', 'BusName', 'FileDescriptorStoreMax',
    'NFileDescriptorStore', 'StatusText', 'StatusErrno', 'Result', 'ReloadResult', 'CleanResult',
    'USBFunctionDescriptors', 'USBFunctionStrings', 'UID', 'GID', 'NRestarts', 'OOMPolicy', 'ExecMainStartTimestamp',
    'ExecMainStartTimestampMonotonic', 'ExecMainExitTimestamp', 'ExecMainExitTimestampMonotonic', 'ExecMainPID',
    'ExecMainCode', 'ExecMainStatus', 'ExecCondition', 'ExecConditionEx', 'ExecStartPre', 'ExecStartPreEx',
    'ExecStart', 'ExecStartEx', 'ExecStartPost', 'ExecStartPostEx', 'ExecReload', 'ExecReloadEx', 'ExecStop',
    'ExecStopEx', 'ExecStopPost', 'ExecStopPostEx'],
  Socket: ['BindIPv6Only', 'Backlog', 'TimeoutUSec', 'BindToDevice', 'SocketUser', 'SocketGroup', 'SocketMode',
    'DirectoryMode', 'Accept', 'FlushPending', 'Writable', 'KeepAlive', 'KeepAliveTimeUSec', 'KeepAliveIntervalUSec',
    'KeepAliveProbes', 'DeferAcceptUSec', 'NoDelay', 'Priority', 'ReceiveBuffer', 'SendBuffer', 'IPTOS', 'IPTTL',
    'PipeSize', 'FreeBind', 'Transparent', 'Broadcast', 'PassCredentials', 'PassSecurity', 'PassPacketInfo',
    'Timestamping', 'RemoveOnStop', 'Listen', 'Symlinks', 'Mark', 'MaxConnections', 'MaxConnectionsPerSource',
    'MessageQueueMaxMessages', 'MessageQueueMessageSize', 'TCPCongestion', 'ReusePort', 'SmackLabel',
    'SmackLabelIPIn', 'SmackLabelIPOut', 'ControlPID', 'Result', 'NConnections', 'NAccepted', 'NRefused',
    'FileDescriptorName', 'SocketProtocol', 'TriggerLimitIntervalUSec', 'TriggerLimitBurst', 'UID', 'GID',
    'ExecStartPre', 'ExecStartPost', 'ExecStopPre', 'ExecStopPost'],
  Timer: ['Unit', 'TimersMonotonic', 'TimersCalendar', 'OnClockChange', 'OnTimezoneChange', 'NextElapseUSecRealtime',
    'NextElapseUSecMonotonic', 'LastTriggerUSec', 'LastTriggerUSecMonotonic', 'Result', 'AccuracyUSec',
    'RandomizedDelayUSec', 'FixedRandomDelay', 'Persistent', 'WakeSystem', 'RemainAfterElapse'],
  Path: ['Unit', 'Paths', 'MakeDirectory', 'DirectoryMode', 'Result', 'TriggerLimitIntervalUSec',
    'TriggerLimitBurst'],
  Mount: ['Where', 'What', 'Options', 'Type', 'TimeoutUSec', 'ControlPID', 'DirectoryMode', 'SloppyOptions',
    'LazyUnmount', 'ForceUnmount', 'ReadWriteOnly', 'Result', 'UID', 'GID', 'ExecMount', 'ExecUnmount', 'ExecRemount'],
  Swap: ['What', 'Priority', 'Options', 'TimeoutUSec', 'ControlPID', 'Result', 'UID', 'GID', 'ExecActivate',
    'ExecDeactivate'],
  Automount: ['Where', 'ExtraOptions', 'DirectoryMode', 'Result', 'TimeoutIdleUSec'],
  Scope: ['Controller', 'TimeoutStopUSec', 'Result', 'RuntimeMaxUSec', 'RuntimeRandomizedExtraUSec', 'OOMPolicy'],
  cgroup: ['Slice', 'ControlGroup', 'MemoryCurrent', 'CPUUsageNSec', 'TasksCurrent', 'IOReadBytes', 'IOWriteBytes',
    'Delegate', 'CPUWeight', 'StartupCPUWeight', 'CPUQuotaPerSecUSec', 'CPUQuotaPeriodUSec', 'AllowedCPUs',
    'AllowedMemoryNodes', 'IOWeight', 'MemoryMin', 'MemoryLow', 'MemoryHigh', 'MemoryMax', 'MemorySwapMax',
    'TasksMax'],
  exec: ['Environment', 'EnvironmentFiles', 'PassEnvironment', 'UnsetEnvironment', 'UMask', 'LimitCPU',
    'LimitCPUSoft', 'LimitFSIZE', 'LimitFSIZESoft', 'LimitDATA', 'LimitDATASoft', 'LimitSTACK', 'LimitSTACKSoft',
    'LimitCORE', 'LimitCORESoft', 'LimitRSS', 'LimitRSSSoft', 'LimitNOFILE', 'LimitNOFILESoft', 'LimitAS',
    'LimitASSoft', 'LimitNPROC', 'LimitNPROCSoft', 'LimitMEMLOCK', 'LimitMEMLOCKSoft', 'LimitLOCKS',
    'LimitLOCKSSoft', 'LimitSIGPENDING', 'LimitSIGPENDINGSoft', 'LimitMSGQUEUE', 'LimitMSGQUEUESoft', 'LimitNICE',
    'LimitNICESoft', 'LimitRTPRIO', 'LimitRTPRIOSoft', 'LimitRTTIME', 'LimitRTTIMESoft', 'WorkingDirectory',
    'RootDirectory', 'OOMScoreAdjust', 'Nice', 'StandardInput', 'StandardOutput', 'StandardError', 'TTYPath',
    'SyslogIdentifier', 'CapabilityBoundingSet', 'AmbientCapabilities', 'User', 'Group', 'DynamicUser',
    'SupplementaryGroups', 'PAMName', 'PrivateTmp', 'NoNewPrivileges', 'RuntimeDirectoryPreserve',
    'RuntimeDirectoryMode', 'RuntimeDirectory', 'StateDirectoryMode', 'StateDirectory', 'CacheDirectoryMode',
    'CacheDirectory', 'LogsDirectoryMode', 'LogsDirectory', 'ConfigurationDirectoryMode', 'ConfigurationDirectory',
    ...KILL_PROPS],
  kill: KILL_PROPS,
  Unit: ['Id', 'Names', 'Following', 'Requires', 'Requisite', 'Wants', 'BindsTo', 'PartOf', 'Upholds', 'RequiredBy',
    'RequisiteOf', 'WantedBy', 'BoundBy', 'UpheldBy', 'ConsistsOf', 'Conflicts', 'ConflictedBy', 'Before', 'After',
    'OnSuccess', 'OnSuccessOf', 'OnFailure', 'OnFailureOf', 'Triggers', 'TriggeredBy', 'PropagatesReloadTo',
    'ReloadPropagatedFrom', 'PropagatesStopTo', 'StopPropagatedFrom', 'JoinsNamespaceOf', 'SliceOf',
    'RequiresMountsFor', 'Documentation', 'Description', 'AccessSELinuxContext', 'LoadState', 'ActiveState',
    'FreezerState', 'SubState', 'FragmentPath', 'SourcePath', 'DropInPaths', 'UnitFileState', 'UnitFilePreset',
    'StateChangeTimestamp', 'StateChangeTimestampMonotonic', 'InactiveExitTimestamp',
    'InactiveExitTimestampMonotonic', 'ActiveEnterTimestamp', 'ActiveEnterTimestampMonotonic', 'ActiveExitTimestamp',
    'ActiveExitTimestampMonotonic', 'InactiveEnterTimestamp', 'InactiveEnterTimestampMonotonic', 'CanStart',
    'CanStop', 'CanReload', 'CanIsolate', 'CanClean', 'CanFreeze', 'Job', 'StopWhenUnneeded', 'RefuseManualStart',
    'RefuseManualStop', 'AllowIsolate', 'DefaultDependencies', 'OnSuccessJobMode', 'OnFailureJobMode',
    'IgnoreOnIsolate', 'NeedDaemonReload', 'Markers', 'JobTimeoutUSec', 'JobRunningTimeoutUSec', 'JobTimeoutAction',
    'JobTimeoutRebootArgument', 'ConditionResult', 'AssertResult', 'ConditionTimestamp',
    'ConditionTimestampMonotonic', 'AssertTimestamp', 'AssertTimestampMonotonic', 'LoadError', 'Transient',
    'Perpetual', 'StartLimitIntervalUSec', 'StartLimitBurst', 'StartLimitAction', 'FailureAction',
    'FailureActionExitStatus', 'SuccessAction', 'SuccessActionExitStatus', 'RebootArgument', 'InvocationID',
    'CollectMode'],
};

/** The interfaces `systemctl show` prints for a unit type, in its order. */
export function showSegments(type: UnitType): ShowSegment[] {
  if (type === 'scope') return ['Scope', 'cgroup', 'kill', 'Unit'];
  const own: ShowSegment[] = type === 'service' ? ['Service'] : type === 'socket' ? ['Socket'] : type === 'timer' ? ['Timer'] : type === 'path' ? ['Path']
    : type === 'mount' ? ['Mount'] : type === 'swap' ? ['Swap'] : type === 'automount' ? ['Automount'] : [];
  const hasExec = type === 'service' || type === 'socket' || type === 'mount' || type === 'swap';
  return [...own, ...(hasExec || type === 'slice' ? ['cgroup' as const] : []), ...(hasExec ? ['exec' as const] : []), 'Unit'];
}

/** Runtime properties and their values at rest (the manager passes the live ones). */
export const RUNTIME_PROPS: Readonly<Record<string, string>> = {
  Controller: '', WatchdogTimestamp: '', WatchdogTimestampMonotonic: '0', MainPID: '0', ControlPID: '0', NFileDescriptorStore: '0',
  StatusText: '', StatusErrno: '0', Result: 'success', ReloadResult: 'success', CleanResult: 'success',
  UID: '[not set]', GID: '[not set]', NRestarts: '0', ExecMainStartTimestamp: '',
  ExecMainStartTimestampMonotonic: '0', ExecMainExitTimestamp: '', ExecMainExitTimestampMonotonic: '0',
  ExecMainPID: '0', ExecMainCode: '0', ExecMainStatus: '0', NConnections: '0', NAccepted: '0', NRefused: '0',
  NextElapseUSecRealtime: '', NextElapseUSecMonotonic: 'infinity', LastTriggerUSec: '',
  LastTriggerUSecMonotonic: '0', Slice: '', ControlGroup: '', MemoryCurrent: '[not set]', CPUUsageNSec: '[not set]',
  TasksCurrent: '[not set]', IOReadBytes: '18446744073709551615', IOWriteBytes: '18446744073709551615',
  Following: '', RequiredBy: '', RequisiteOf: '', WantedBy: '', BoundBy: '', UpheldBy: '', ConsistsOf: '',
  ConflictedBy: '', OnSuccessOf: '', OnFailureOf: '', Triggers: '', TriggeredBy: '', SliceOf: '',
  ActiveState: 'inactive', FreezerState: 'running', SubState: 'dead', UnitFileState: '', UnitFilePreset: '',
  StateChangeTimestamp: '', StateChangeTimestampMonotonic: '0', InactiveExitTimestamp: '',
  InactiveExitTimestampMonotonic: '0', ActiveEnterTimestamp: '', ActiveEnterTimestampMonotonic: '0',
  ActiveExitTimestamp: '', ActiveExitTimestampMonotonic: '0', InactiveEnterTimestamp: '',
  InactiveEnterTimestampMonotonic: '0', Job: '', NeedDaemonReload: 'no', Markers: '', ConditionResult: 'no',
  AssertResult: 'no', ConditionTimestamp: '', ConditionTimestampMonotonic: '0', AssertTimestamp: '',
  AssertTimestampMonotonic: '0', InvocationID: '',
  // the commands a mount/swap unit last ran (systemd fills them when it runs one; tsysd shows none)
  ExecMount: '', ExecUnmount: '', ExecRemount: '', ExecActivate: '', ExecDeactivate: '',
};

/** Repeated properties whose live entries replace the configured ones (a timer's next elapse per entry);
 *  the other repeated properties (ExecStart=, Listen=, Paths=) always print the configuration. */
export const RUNTIME_LISTS: ReadonlySet<string> = new Set(['TimersMonotonic', 'TimersCalendar']);
