// The control API's vocabulary and payloads: job/unit/state names, each method's params and result
// shapes, and the event notifications (see protocol.ts for the wire rules they obey: microsecond times,
// -1 for infinity on the wire, full unit names, by-name params).
// Invariants: pure data and types, no imports — the CLI's fast path loads it; every method's params and
// result named here appear in protocol.ts's MethodTypes, which is the one table of methods.

// ---------------------------------------------------------------------------------------------------
// Vocabulary
// ---------------------------------------------------------------------------------------------------

export type JobMode = 'replace' | 'fail' | 'isolate' | 'ignore-dependencies' | 'ignore-requirements' | 'flush' | 'replace-irreversibly';
export type JobType = 'start' | 'stop' | 'restart' | 'try-restart' | 'reload' | 'reload-or-start' | 'verify-active' | 'nop';
export type JobState = 'waiting' | 'running';
export type JobResultCode = 'done' | 'canceled' | 'timeout' | 'failed' | 'dependency' | 'skipped' | 'invalid' | 'assert' | 'unsupported' | 'collected' | 'once';
export type ActiveState = 'active' | 'reloading' | 'inactive' | 'failed' | 'activating' | 'deactivating' | 'maintenance';
export type LoadStateName = 'loaded' | 'not-found' | 'masked' | 'bad-setting' | 'error' | 'stub' | 'merged';
export type UnitFileStateName = 'enabled' | 'enabled-runtime' | 'linked' | 'linked-runtime' | 'alias' | 'masked' | 'masked-runtime'
  | 'static' | 'indirect' | 'disabled' | 'generated' | 'transient' | 'bad';
export type SystemState = 'initializing' | 'starting' | 'running' | 'degraded' | 'maintenance' | 'stopping' | 'offline' | 'unknown';
export type KillWhom = 'all' | 'main' | 'control';
export type PresetMode = 'full' | 'enable-only' | 'disable-only';

/** A job as listed or returned. */
export interface JobInfo { id: number; unit: string; type: JobType; state: JobState }

/** One captured log line (service stdout/stderr, or the manager's own messages about a unit). */
export interface LogLine {
  seq: number;                 // monotonically increasing cursor, unique per manager run
  ts: number;                  // µs since epoch
  unit: string;                // '' for manager-wide lines
  pid: number;                 // 0 when the manager itself wrote it
  ident: string;               // syslog identifier as journalctl prints it ('sleep', 'tsysd', ...)
  stream: 'stdout' | 'stderr' | 'manager';
  priority: number;            // syslog priority 0..7 (6 = info)
  message: string;
}

// ---------------------------------------------------------------------------------------------------
// Params and results per method
// ---------------------------------------------------------------------------------------------------

/** start/stop/restart/try-restart/reload/reload-or-restart/try-reload-or-restart/isolate. */
export interface JobParams {
  unit: string;
  mode?: JobMode;              // default 'replace' ('isolate' for the isolate method)
  /** false (default): answer as soon as the job is queued. true: answer when the job finishes; a result
   *  other than 'done' (and 'skipped' for the try-* verbs) is the error JOB_FAILED with data.result/unitResult. */
  wait?: boolean;
}
export interface JobReply {
  job: number;                 // job id (0 when nothing had to be queued)
  unit: string;                // canonical unit id
  type: JobType;
  /** Set when wait:true, or when the job finished before the manager answered. */
  result?: JobResultCode;
  unitResult?: string;
}

export interface KillParams { unit: string; signal?: number /* default 15 */; whom?: KillWhom /* default 'all' */ }
export interface UnitParams { unit: string }
export interface OptionalUnitParams { unit?: string }   // absent → all units (reset-failed)
export interface CancelParams { job: number }

/** `show`: properties in the manager's order with systemd's names and value formats (strings, exactly as
 *  `systemctl show` prints them after `=`). Absent `unit` → the manager's own properties. Never fails for
 *  a well-formed but unknown name: returns LoadState=not-found etc., like systemctl. */
export interface ShowParams {
  unit?: string;
  properties?: string[];       // only these (still in the manager's order); listed ones print even when empty
  all?: boolean;               // include empty / unset properties
}
export interface ShowReply {
  unit: string;
  properties: Array<[string, string]>;
  /** Properties that are string lists (D-Bus `as`): systemctl prints each string shell-quoted when needed. */
  lists?: string[];
}

/** Cheap state probe for is-active/is-failed and scripts. One entry per requested unit, same order. */
export interface UnitStatesParams { units: string[] }
export interface UnitState {
  unit: string;                // canonical id ('' → the name as asked when not found)
  loadState: LoadStateName;
  activeState: ActiveState;
  subState: string;
  result: string;              // Result= ('success' when none)
}

/** Process line of `systemctl status` (`Process: 123 ExecStartPre=/bin/true (code=exited, status=0/SUCCESS)`). */
export interface ExecRecord {
  kind: string;                // 'ExecStartPre', 'ExecStart', 'ExecStopPost', ...
  pid: number;
  argv: string[];
  path: string;
  code: 'exited' | 'killed' | 'dumped' | '';   // '' while running
  status: number;              // exit status, or signal number when killed/dumped
  startTs: number;
  exitTs: number;
}

export interface StatusReply {
  id: string;
  names: string[];
  description: string;
  loadState: LoadStateName;
  loadError: string;           // e.g. "Unit foo.service has a bad unit file setting." ('' when loaded)
  fragmentPath: string;
  dropInPaths: string[];
  unitFileState: UnitFileStateName | '';
  unitFilePreset: 'enabled' | 'disabled' | '';
  /** Made by StartTransientUnit (status prints "Transient: yes"). Absent: no. */
  transient?: boolean;
  activeState: ActiveState;
  subState: string;
  result: string;
  stateChangeTs: number;       // since when the current ActiveState holds
  activeEnterTs: number;
  activeExitTs: number;
  inactiveEnterTs: number;
  inactiveExitTs: number;
  conditionResult: boolean;
  conditionTs: number;
  failedCondition: string;     // e.g. 'ConditionPathExists=/x' when a condition failed ('' otherwise)
  documentation: string[];
  triggeredBy: Array<{ unit: string; activeState: ActiveState }>;
  triggers: Array<{ unit: string; activeState: ActiveState }>;
  listen: Array<{ type: string; address: string }>;   // sockets: ('Stream', '/run/x.sock')
  /** Timers: the next elapse on each clock (µs, 0 = none) for the `Trigger:` line. */
  timer?: { nextRealtime: number; nextMonotonic: number } | null;
  /** Accept=yes sockets: the counters systemctl prints as `Accepted: N; Connected: M;[ Refused: R]`. */
  accept?: { accepted: number; connected: number; refused: number } | null;
  mainPid: number;             // 0 = none
  mainComm: string;            // /proc/<pid>/comm of the main process ('' when none)
  execMainPid: number;         // last main process, even when exited
  execMainCode: 'exited' | 'killed' | 'dumped' | '';
  execMainStatus: number;
  /** ExecMainStartTimestamp / ExecMainExitTimestamp (realtime µs, 0 = none): systemctl hides the Main PID
   *  line when an exited command's record matches them. */
  execMainStartTs?: number;
  execMainExitTs?: number;
  controlPid: number;
  controlComm: string;
  statusText: string;          // STATUS= from sd_notify
  statusErrno: number;
  tasks: number | null;        // null: unknown
  tasksMax: number | null;     // null: infinity/unknown
  memoryBytes: number | null;
  /** MemoryMax= in bytes when set (systemctl: "Memory: 1.2M (max: 64.0M)"). */
  memoryMax?: number | null;
  /** CPU time of the unit's cgroup, ns (systemctl: "CPU: 12ms"). */
  cpuNSec?: number | null;
  cgroup: string;              // '' when the manager has no cgroup for the unit
  processes: Array<{ pid: number; cmdline: string }>;   // the unit's live processes, main first
  execs: ExecRecord[];         // finished non-main commands of the current/last run (Process: lines)
  job: JobInfo | null;
  needDaemonReload: boolean;
  invocationId: string;
  logs: LogLine[];             // last `lines` lines of the unit's log
}
export interface StatusParams { unit: string; lines?: number /* default 10 */ }

export interface ListUnitsParams {
  all?: boolean;               // default false: only active, failed, or with a job (systemctl's default)
  types?: string[];            // 'service', 'socket', ...
  states?: string[];           // matched against load, active and sub state (systemctl --state)
  patterns?: string[];         // fnmatch globs against names (see globMatch in src/rpc/util.ts)
}
export interface UnitListEntry {
  unit: string; loadState: LoadStateName; activeState: ActiveState; subState: string; description: string;
  job: { id: number; type: JobType; state: JobState } | null;
  following: string;
}

export interface ListUnitFilesParams { states?: string[]; types?: string[]; patterns?: string[] }
/** preset: '' when systemctl prints '-' (alias, static, generated, transient). Order: systemctl's (install.ts listUnitFiles). */
export interface UnitFileEntry { path: string; unit: string; state: UnitFileStateName; preset: 'enabled' | 'disabled' | 'ignored' | '' }

export interface SocketEntry { listen: string; type: string; unit: string; activates: string[] }
/** list-timers: µs; nextRealtime/nextMonotonic 0 = none (the client combines them as systemctl does). */
export interface TimerEntry { unit: string; activates: string[]; nextRealtime: number; nextMonotonic: number; lastTrigger: number }
export interface PathEntry { path: string; condition: string; unit: string; activates: string[] }
export interface ListTriggersParams { all?: boolean; patterns?: string[] }

export interface ListDependenciesParams {
  unit: string;
  reverse?: boolean;           // RequiredBy/WantedBy... instead of Requires/Wants...
  order?: 'after' | 'before';  // follow ordering instead of requirement deps
}
/** The dependency graph reachable from `root` (adjacency lists, sorted), rendered client-side as a tree. */
export interface DependencyGraph {
  root: string;
  units: Record<string, { activeState: ActiveState; subState: string; loadState: LoadStateName; deps: string[] }>;
}

export interface UnitFileParams {
  units: string[];
  runtime?: boolean;           // /run instead of /etc
  force?: boolean;
}
export interface PresetParams extends UnitFileParams { mode?: PresetMode }
export interface PresetAllParams { mode?: PresetMode; runtime?: boolean; force?: boolean }
/** One file-system change, printed by tsysctl as systemctl does:
 *  symlink → `Created symlink <path> → <source>.`; unlink → `Removed "<path>".` */
export interface UnitFileChange { type: 'symlink' | 'unlink'; path: string; source: string }
export interface UnitFileChangesReply {
  changes: UnitFileChange[];
  carriesInstallInfo?: boolean;
  /** Optional: the exact stderr lines systemctl prints for this operation (install.ts InstallResult.stderr,
   *  warnings and change lines included). When present tsysctl prints these (unless -q) instead of
   *  rendering `changes` itself. */
  lines?: string[];
}
export interface UnitFileStateReply { unit: string; state: UnitFileStateName }
export interface DefaultTargetReply { unit: string }
export interface SetDefaultParams { unit: string; force?: boolean }
export interface CleanParams { unit: string; what?: string[] }
export interface SetPropertyParams { unit: string; assignments: string[]; runtime?: boolean }
/** log-level / log-target: get (no value) or set the manager's own logging. */
export interface LogSettingParams { name: 'level' | 'target'; value?: string }
export interface LogSettingReply { value: string }
/** add-wants / add-requires: link `units` into TARGET.wants/ (or .requires/). */
export interface AddDependencyParams { target: string; units: string[]; dep: 'wants' | 'requires'; runtime?: boolean; force?: boolean }

export interface EnvironmentReply { environment: string[] }   // 'K=V', sorted
export interface SetEnvironmentParams { assignments: string[] }
export interface UnsetEnvironmentParams { names: string[] }

export interface ExitParams { code?: number /* default 0 */ }

export interface LogsParams {
  unit?: string;               // '' / absent → all
  lines?: number;              // last N (default all that are kept)
  since?: number;              // µs since epoch
  afterSeq?: number;           // only lines with seq > afterSeq (to resume after subscribe)
}
export interface LogsReply { lines: LogLine[] }

export interface SystemStateReply { state: SystemState }
export interface ManagerInfoReply { version: string; userMode: boolean; uid: number; pid: number; unitPath: string[] }

export type EventType = 'unit' | 'job' | 'log' | 'manager';
export interface SubscribeParams { events?: EventType[] /* default all */; units?: string[] /* default all */ }
export interface SubscribeReply { subscription: number }
export interface UnsubscribeParams { subscription: number }

export type Empty = Record<string, never>;

// ---------------------------------------------------------------------------------------------------
// Events (notification method "event", params = { subscription, event })
// ---------------------------------------------------------------------------------------------------

export interface UnitEvent { type: 'unit'; unit: string; loadState: LoadStateName; activeState: ActiveState; subState: string; result: string; ts: number }
export interface JobEvent {
  type: 'job';
  phase: 'new' | 'removed';
  job: JobInfo;
  result?: JobResultCode;      // phase 'removed'
  unitResult?: string;         // phase 'removed': the unit's Result= at that time
}
export interface LogEvent { type: 'log'; line: LogLine }
export interface ManagerEvent { type: 'manager'; what: 'reloading' | 'reloaded' | 'stopping' | 'exiting'; ts: number }
export type RpcEvent = UnitEvent | JobEvent | LogEvent | ManagerEvent;
export interface EventNotification { subscription: number; event: RpcEvent }
export const EVENT_METHOD = 'event';
