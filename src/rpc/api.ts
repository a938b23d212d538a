// The interface the manager (src/manager/) implements behind the control socket.
//
// One async method per RPC method of src/rpc/protocol.ts (camelCase of the RPC name), typed
// with the same params/results, plus the caller's identity. The server (src/rpc/server.ts) does framing,
// limits, param validation, authorisation, `subscribe`/`unsubscribe` and `wait: true`; the manager only
// does the work.
// Invariants the manager must keep:
//  * Throw `new RpcError(ErrorCode.X, message, data)` (src/rpc/errors.ts) for expected failures; any other
//    exception becomes INTERNAL_ERROR with its message.
//  * Job methods (start...isolate) return as soon as the job is queued. If the job already finished
//    (e.g. start of an active unit), set `result` in the reply. Otherwise the manager MUST later emit a
//    JobEvent {phase:'removed', job, result, unitResult} through the `onEvent` listeners: the server uses
//    it to answer `wait: true` requests (it registers its listener before calling the method, so a job
//    that completes synchronously inside the call is still seen).
//  * onEvent listeners are called synchronously from the manager's event loop; they never throw and
//    never call back into the manager.
import type {
  AddDependencyParams, LogSettingParams, LogSettingReply, SetPropertyParams, CleanParams, CancelParams, DefaultTargetReply, DependencyGraph, Empty, EnvironmentReply, ExitParams, JobInfo, JobParams,
  JobReply, KillParams, ListDependenciesParams, ListUnitFilesParams, ListUnitsParams, LogsParams, LogsReply,
  ManagerInfoReply, OptionalUnitParams, PresetAllParams, PresetParams, RpcEvent, SetDefaultParams,
  SetEnvironmentParams, ShowParams, ShowReply, SocketEntry, TimerEntry, PathEntry, ListTriggersParams, StatusParams, StatusReply, SystemStateReply,
  UnitFileChangesReply, UnitFileEntry, UnitFileParams, UnitFileStateReply, UnitListEntry, UnitParams, UnitState,
  UnitStatesParams, UnsetEnvironmentParams, MethodName,
} from './protocol';

/** Who is calling (from SO_PEERCRED on the connection). `privileged` is what the server decided:
 *  uid 0, or the manager's own uid in user mode. Log it with state changes ("requested by uid 0 pid 123"). */
export interface Caller {
  uid: number; gid: number; pid: number; privileged: boolean;
  /** Supplementary groups at connect time (SO_PEERGROUPS), when the kernel tells them. */
  groups?: number[];
}

export interface ManagerApi {
  // jobs
  start(p: JobParams, c: Caller): Promise<JobReply>;
  stop(p: JobParams, c: Caller): Promise<JobReply>;
  restart(p: JobParams, c: Caller): Promise<JobReply>;
  tryRestart(p: JobParams, c: Caller): Promise<JobReply>;
  reload(p: JobParams, c: Caller): Promise<JobReply>;
  reloadOrRestart(p: JobParams, c: Caller): Promise<JobReply>;
  tryReloadOrRestart(p: JobParams, c: Caller): Promise<JobReply>;
  isolate(p: JobParams, c: Caller): Promise<JobReply>;
  cancel(p: CancelParams, c: Caller): Promise<Empty>;
  kill(p: KillParams, c: Caller): Promise<Empty>;
  resetFailed(p: OptionalUnitParams, c: Caller): Promise<Empty>;
  // state
  show(p: ShowParams, c: Caller): Promise<ShowReply>;
  unitStates(p: UnitStatesParams, c: Caller): Promise<UnitState[]>;
  status(p: StatusParams, c: Caller): Promise<StatusReply>;
  listUnits(p: ListUnitsParams, c: Caller): Promise<UnitListEntry[]>;
  listUnitFiles(p: ListUnitFilesParams, c: Caller): Promise<UnitFileEntry[]>;
  listSockets(p: Empty, c: Caller): Promise<SocketEntry[]>;
  listTimers(p: ListTriggersParams, c: Caller): Promise<TimerEntry[]>;
  listPaths(p: ListTriggersParams, c: Caller): Promise<PathEntry[]>;
  listJobs(p: Empty, c: Caller): Promise<JobInfo[]>;
  listDependencies(p: ListDependenciesParams, c: Caller): Promise<DependencyGraph>;
  isSystemRunning(p: Empty, c: Caller): Promise<SystemStateReply>;
  managerInfo(p: Empty, c: Caller): Promise<ManagerInfoReply>;
  // unit files (the manager calls src/unit-file/install.ts)
  getUnitFileState(p: UnitParams, c: Caller): Promise<UnitFileStateReply>;
  enable(p: UnitFileParams, c: Caller): Promise<UnitFileChangesReply>;
  disable(p: UnitFileParams, c: Caller): Promise<UnitFileChangesReply>;
  reenable(p: UnitFileParams, c: Caller): Promise<UnitFileChangesReply>;
  mask(p: UnitFileParams, c: Caller): Promise<UnitFileChangesReply>;
  unmask(p: UnitFileParams, c: Caller): Promise<UnitFileChangesReply>;
  preset(p: PresetParams, c: Caller): Promise<UnitFileChangesReply>;
  presetAll(p: PresetAllParams, c: Caller): Promise<UnitFileChangesReply>;
  getDefault(p: Empty, c: Caller): Promise<DefaultTargetReply>;
  setDefault(p: SetDefaultParams, c: Caller): Promise<UnitFileChangesReply>;
  link(p: UnitFileParams, c: Caller): Promise<UnitFileChangesReply>;
  revert(p: UnitFileParams, c: Caller): Promise<UnitFileChangesReply>;
  addDependency(p: AddDependencyParams, c: Caller): Promise<UnitFileChangesReply>;
  logSetting(p: LogSettingParams, c: Caller): Promise<LogSettingReply>;
  setProperty(p: SetPropertyParams, c: Caller): Promise<Empty>;
  clean(p: CleanParams, c: Caller): Promise<Empty>;
  // manager
  daemonReload(p: Empty, c: Caller): Promise<Empty>;
  daemonReexec(p: Empty, c: Caller): Promise<Empty>;
  showEnvironment(p: Empty, c: Caller): Promise<EnvironmentReply>;
  setEnvironment(p: SetEnvironmentParams, c: Caller): Promise<Empty>;
  unsetEnvironment(p: UnsetEnvironmentParams, c: Caller): Promise<Empty>;
  /** Answer first, then shut down (the server flushes the reply before the manager stops serving). */
  poweroff(p: Empty, c: Caller): Promise<Empty>;
  halt(p: Empty, c: Caller): Promise<Empty>;
  reboot(p: Empty, c: Caller): Promise<Empty>;
  exit(p: ExitParams, c: Caller): Promise<Empty>;
  logs(p: LogsParams, c: Caller): Promise<LogsReply>;
  /** Which log lines `c` may read (journald's rule, src/logs/access.ts); absent: all. Applied by the
   *  server to the `log` events of c's subscriptions. */
  logAccess?(c: Caller): (line: { unit: string; stream: string }) => boolean;
  // events
  /** Register a listener for every event; returns the function that removes it. */
  onEvent(listener: (e: RpcEvent) => void): () => void;
}

/** RPC method name → ManagerApi method name. subscribe/unsubscribe are served by the server itself. */
export const API_METHOD: { readonly [M in Exclude<MethodName, 'subscribe' | 'unsubscribe'>]: Exclude<keyof ManagerApi, 'onEvent'> } = {
  'start': 'start', 'stop': 'stop', 'restart': 'restart', 'try-restart': 'tryRestart', 'reload': 'reload',
  'reload-or-restart': 'reloadOrRestart', 'try-reload-or-restart': 'tryReloadOrRestart', 'isolate': 'isolate',
  'cancel': 'cancel', 'kill': 'kill', 'reset-failed': 'resetFailed', 'show': 'show', 'unit-states': 'unitStates',
  'status': 'status', 'list-units': 'listUnits', 'list-unit-files': 'listUnitFiles', 'list-sockets': 'listSockets',
  'list-timers': 'listTimers', 'list-paths': 'listPaths',
  'list-jobs': 'listJobs', 'list-dependencies': 'listDependencies', 'is-system-running': 'isSystemRunning',
  'manager-info': 'managerInfo', 'get-unit-file-state': 'getUnitFileState', 'enable': 'enable', 'disable': 'disable',
  'reenable': 'reenable', 'mask': 'mask', 'unmask': 'unmask', 'preset': 'preset', 'preset-all': 'presetAll',
  'get-default': 'getDefault', 'set-default': 'setDefault', 'link': 'link', 'revert': 'revert', 'add-dependency': 'addDependency', 'log-setting': 'logSetting', 'set-property': 'setProperty', 'clean': 'clean', 'daemon-reload': 'daemonReload',
  'daemon-reexec': 'daemonReexec', 'show-environment': 'showEnvironment', 'set-environment': 'setEnvironment',
  'unset-environment': 'unsetEnvironment', 'poweroff': 'poweroff', 'halt': 'halt', 'reboot': 'reboot',
  'exit': 'exit', 'logs': 'logs',
};

/** Job methods: the server implements `wait: true` for these. */
export const JOB_METHODS: ReadonlySet<string> = new Set([
  'start', 'stop', 'restart', 'try-restart', 'reload', 'reload-or-restart', 'try-reload-or-restart', 'isolate',
]);
