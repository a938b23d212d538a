// The typed configuration of a loaded unit: the contract between src/directives/ (which fills it from
// located assignments using the directive tables) and everything downstream (engine, unit state machines,
// exec layer, rpc `show`). Times are MICROSECONDS as numbers; `Infinity` means infinity (USEC_INFINITY).
// Signals are numbers. Paths are as written (after specifier expansion).
import type { Diagnostic } from '../diag';

export type UnitType = 'service' | 'socket' | 'target' | 'mount' | 'device' | 'timer' | 'path' | 'slice' | 'scope' | 'swap' | 'automount';

/** LoadState as systemctl shows it. */
export type LoadState = 'loaded' | 'not-found' | 'masked' | 'bad-setting' | 'error' | 'stub' | 'merged';

/** Dependency kinds a unit file can state ([Unit] keys, plus Sockets= from [Service] which adds Wants+After). */
export const DEP_KINDS = [
  'Requires', 'Requisite', 'Wants', 'BindsTo', 'PartOf', 'Upholds', 'Conflicts',
  'Before', 'After', 'OnFailure', 'OnSuccess', 'PropagatesReloadTo', 'ReloadPropagatedFrom',
  'JoinsNamespaceOf', 'PropagatesStopTo', 'StopPropagatedFrom',
] as const;
export type DepKind = typeof DEP_KINDS[number];

export interface Condition {
  kind: string;        // name without the Condition/Assert prefix, e.g. 'PathExists'
  assert: boolean;     // Assert*= (failing fails the job) vs Condition*= (failing skips)
  trigger: boolean;    // '|' prefix
  negate: boolean;     // '!' prefix
  value: string;
  file: string;
  line: number;
}

/** Actions for FailureAction=/SuccessAction=/StartLimitAction= (systemd.unit(5)). */
export type EmergencyAction = 'none' | 'reboot' | 'reboot-force' | 'reboot-immediate' | 'poweroff' | 'poweroff-force'
  | 'poweroff-immediate' | 'exit' | 'exit-force' | 'soft-reboot' | 'soft-reboot-force' | 'kexec' | 'kexec-force'
  | 'halt' | 'halt-force' | 'halt-immediate';

export interface UnitSection {
  description: string;
  documentation: string[];
  deps: Record<DepKind, string[]>;   // as written (validated names, self-references dropped), in order, no dups
  defaultDependencies: boolean;
  stopWhenUnneeded: boolean;
  refuseManualStart: boolean;
  refuseManualStop: boolean;
  allowIsolate: boolean;
  ignoreOnIsolate: boolean;
  onFailureJobMode: string;
  jobTimeoutUs: number;
  jobTimeoutAction: EmergencyAction;
  startLimitIntervalUs: number;      // default 10 s
  startLimitBurst: number;           // default 5
  startLimitAction: EmergencyAction;
  failureAction: EmergencyAction;
  successAction: EmergencyAction;
  failureActionExitStatus: number;   // -1 when unset
  successActionExitStatus: number;   // -1 when unset
  conditions: Condition[];           // Condition*= and Assert*= in file order
  collectMode: 'inactive' | 'inactive-or-failed';
  sourcePath: string;
}

export interface InstallSection {
  wantedBy: string[];
  requiredBy: string[];
  alias: string[];
  also: string[];
  defaultInstance: string;
}

/** One command line of an Exec*= setting, split into words (quotes/escapes/specifiers resolved; $VARs NOT yet). */
export interface ExecCommand {
  path: string;          // executable as written after prefix removal ('/bin/sh', or a bare name for fixed-path lookup)
  argv: string[];        // argv[0] included (with '@', argv[0] is the given second word)
  ignoreFailure: boolean;   // '-'
  noEnvExpand: boolean;     // ':'
  privileged: '' | '+' | '!' | '!!';
  file: string;
  line: number;
}

export type StdInput = 'null' | 'tty' | 'tty-force' | 'tty-fail' | 'data' | 'socket' | `file:${string}` | `fd:${string}`;
export type StdOutput = 'inherit' | 'null' | 'tty' | 'journal' | 'kmsg' | 'journal+console' | 'kmsg+console' | 'syslog' | 'syslog+console'
  | 'socket' | `file:${string}` | `append:${string}` | `truncate:${string}` | `fd:${string}`;

export interface RLimit { soft: number; hard: number }   // Infinity = RLIM_INFINITY

/** A BindPaths=/BindReadOnlyPaths= entry ("[-]SRC[:DST[:rbind|norbind]]"). */
export interface BindMountSpec { source: string; destination: string; readOnly: boolean; recursive: boolean; ignoreMissing: boolean }

/** Sandboxing settings of systemd.exec(5) as parsed (systemd 252 semantics); src/exec/sandbox.ts turns them
 *  into what the exec helper applies. Path lists keep their '-' (ignore missing) and '+' (below
 *  RootDirectory=) prefixes as written. */
export interface SandboxContext {
  protectSystem: 'no' | 'yes' | 'full' | 'strict';
  protectHome: 'no' | 'yes' | 'read-only' | 'tmpfs';
  readWritePaths: string[];
  readOnlyPaths: string[];
  inaccessiblePaths: string[];
  execPaths: string[];
  noExecPaths: string[];
  temporaryFileSystem: { path: string; options: string }[];
  bindMounts: BindMountSpec[];
  privateDevices: boolean;
  privateNetwork: boolean;
  privateIPC: boolean;
  privateUsers: boolean;
  privateMounts: boolean;
  protectKernelTunables: boolean;
  protectKernelModules: boolean;
  protectKernelLogs: boolean;
  protectControlGroups: boolean;
  protectClock: boolean;
  protectHostname: boolean;
  protectProc: 'default' | 'noaccess' | 'invisible' | 'ptraceable';
  procSubset: 'all' | 'pid';
  mountAPIVFS: boolean | null;           // null: not set (RootDirectory= then implies it)
  rootImage: string;
  networkNamespacePath: string;
  ipcNamespacePath: string;
  /** RestrictNamespaces=: the CLONE_NEW* flags that stay allowed; null = not set. */
  restrictNamespaces: number | null;
  /** RestrictAddressFamilies=: AF numbers; allowList false = deny list; null = not set. */
  restrictAddressFamilies: { allowList: boolean; families: number[] } | null;
  restrictRealtime: boolean;
  restrictSUIDSGID: boolean;
  lockPersonality: boolean;
  memoryDenyWriteExecute: boolean;
  /** SystemCallFilter=: system call names (groups expanded) → errno (-1: the default action, SECCOMP_KILL: kill). */
  systemCallFilter: { allowList: boolean; calls: Map<string, number> } | null;
  systemCallLog: { allowList: boolean; calls: Map<string, number> } | null;
  systemCallArchitectures: string[];
  /** SystemCallErrorNumber=: errno, or SECCOMP_KILL (default). */
  systemCallErrorNumber: number;
  keyringMode: 'inherit' | 'private' | 'shared' | '';   // '' = default (private for system services)
  mountFlags: '' | 'shared' | 'slave' | 'private';
  removeIPC: boolean;
  personality: string;
}

/** A memory or tasks limit: an absolute value (Infinity = "infinity"), or a percentage of the machine's. */
export type ResourceLimit = { value: number } | { percent: number };

/** Resource control (systemd.resource-control(5)) of services, sockets and slices, as parsed. */
export interface ResourceContext {
  slice: string;                       // Slice= ('' = the default slice)
  memoryMin: ResourceLimit | null;
  memoryLow: ResourceLimit | null;
  memoryHigh: ResourceLimit | null;
  memoryMax: ResourceLimit | null;     // MemoryMax= (or the deprecated MemoryLimit=)
  memorySwapMax: ResourceLimit | null;
  cpuWeight: number | 'idle' | null;
  startupCPUWeight: number | 'idle' | null;
  cpuQuotaPercent: number | null;      // CPUQuota= (percent of one CPU)
  cpuQuotaPeriodUs: number | null;
  allowedCPUs: string;
  allowedMemoryNodes: string;
  tasksMax: ResourceLimit | null;
  ioWeight: number | null;
  delegate: boolean;
}

/** SystemCallErrorNumber=kill (systemd's SECCOMP_ERROR_NUMBER_KILL). */
/** systemd 252's SECCOMP_ERROR_NUMBER_KILL (INT_MAX - 1): what SystemCallErrorNumber= shows for "kill" and when unset. */
export const SECCOMP_KILL = 2147483646;

/** Shared exec settings (systemd.exec(5)) for services and socket Exec*= lines. */
export interface ExecContext {
  workingDirectory: { path: string; optional: boolean } | null;   // '~' path means the user's home
  rootDirectory: string;
  user: string;
  group: string;
  supplementaryGroups: string[];
  dynamicUser: boolean;
  umask: number;                       // default 0o022
  nice: number | null;
  oomScoreAdjust: number | null;
  limits: Record<string, RLimit>;      // key: 'NOFILE', 'NPROC', 'CORE', ... (Limit prefix stripped)
  environment: string[];               // 'K=V' in order (later wins)
  environmentFiles: { path: string; optional: boolean }[];
  passEnvironment: string[];
  unsetEnvironment: string[];
  standardInput: StdInput;
  standardOutput: StdOutput;
  standardError: StdOutput;
  standardInputData: string;           // base64-decoded StandardInputData/Text
  ttyPath: string;
  syslogIdentifier: string;
  runtimeDirectory: string[];
  stateDirectory: string[];
  cacheDirectory: string[];
  logsDirectory: string[];
  configurationDirectory: string[];
  runtimeDirectoryMode: number;        // default 0o755
  stateDirectoryMode: number;
  cacheDirectoryMode: number;
  logsDirectoryMode: number;
  configurationDirectoryMode: number;
  runtimeDirectoryPreserve: 'no' | 'yes' | 'restart';
  privateTmp: boolean;
  noNewPrivileges: boolean;
  /** SecureBits=: prctl(PR_SET_SECUREBITS) mask (1 << SECURE_*); 0 = unchanged. */
  secureBits: number;
  capabilityBoundingSet: string[] | null;   // null: unchanged
  ambientCapabilities: string[];
  pamName: string;
  sandbox: SandboxContext;
}

export type KillMode = 'control-group' | 'mixed' | 'process' | 'none';

export interface KillContext {
  killMode: KillMode;
  killSignal: number;        // default SIGTERM (15)
  restartKillSignal: number; // default = killSignal
  finalKillSignal: number;   // default SIGKILL (9)
  watchdogSignal: number;    // default SIGABRT (6)
  sendSIGKILL: boolean;
  sendSIGHUP: boolean;
}

export interface ExitStatusSet { statuses: number[]; signals: number[] }

export type ServiceType = 'simple' | 'exec' | 'forking' | 'oneshot' | 'dbus' | 'notify' | 'notify-reload' | 'idle';
export type RestartPolicy = 'no' | 'on-success' | 'on-failure' | 'on-abnormal' | 'on-watchdog' | 'on-abort' | 'always';
export type NotifyAccess = 'none' | 'main' | 'exec' | 'all';

export interface ServiceSection {
  type: ServiceType;
  remainAfterExit: boolean;
  guessMainPID: boolean;
  pidFile: string;
  busName: string;
  execCondition: ExecCommand[];
  execStartPre: ExecCommand[];
  execStart: ExecCommand[];
  execStartPost: ExecCommand[];
  execReload: ExecCommand[];
  execStop: ExecCommand[];
  execStopPost: ExecCommand[];
  restart: RestartPolicy;
  restartUs: number;                  // RestartSec=, default 100 ms
  restartSteps: number;
  restartMaxDelayUs: number;          // Infinity when unset
  restartPreventExitStatus: ExitStatusSet;
  restartForceExitStatus: ExitStatusSet;
  successExitStatus: ExitStatusSet;
  timeoutStartUs: number;             // default 90 s (Infinity for oneshot unless set)
  timeoutStopUs: number;              // default 90 s
  timeoutAbortUs: number;             // default = timeoutStopUs
  timeoutStartFailureMode: 'terminate' | 'abort' | 'kill';
  timeoutStopFailureMode: 'terminate' | 'abort' | 'kill';
  runtimeMaxUs: number;               // Infinity
  watchdogUs: number;                 // 0 = off
  notifyAccess: NotifyAccess;         // effective (default resolved: main for notify types / watchdog)
  fileDescriptorStoreMax: number;
  sockets: string[];                  // Sockets=
  reloadSignal: number;               // default SIGHUP
  exitType: 'main' | 'cgroup';
}

export type ListenKind = 'stream' | 'datagram' | 'seqpacket' | 'fifo' | 'special' | 'netlink' | 'mqueue';

export interface ListenSpec {
  kind: ListenKind;
  address: string;     // as written (after specifiers)
  file: string;
  line: number;
}

export interface SocketSection {
  listen: ListenSpec[];
  accept: boolean;
  maxConnections: number;             // default 64
  maxConnectionsPerSource: number;    // default = maxConnections
  backlog: number;                    // default SOMAXCONN (4096)
  bindIPv6Only: 'default' | 'both' | 'ipv6-only';
  bindToDevice: string;
  socketUser: string;
  socketGroup: string;
  socketMode: number;                 // 0o666
  directoryMode: number;              // 0o755
  service: string;                    // Service= ('' when unset)
  fileDescriptorName: string;         // '' → the socket unit's name
  removeOnStop: boolean;
  symlinks: string[];
  reusePort: boolean;
  freeBind: boolean;
  transparent: boolean;
  keepAlive: boolean;
  keepAliveTimeUs: number;
  keepAliveIntervalUs: number;
  keepAliveProbes: number;
  noDelay: boolean;
  receiveBuffer: number;              // 0 = unset
  sendBuffer: number;
  passCredentials: boolean;
  passSecurity: boolean;
  writable: boolean;
  timestamping: 'off' | 'us' | 'ns';
  triggerLimitIntervalUs: number;
  triggerLimitBurst: number;
  pollLimitIntervalUs: number;
  pollLimitBurst: number;
  execStartPre: ExecCommand[];
  execStartPost: ExecCommand[];
  execStopPre: ExecCommand[];
  execStopPost: ExecCommand[];
  timeoutUs: number;                  // TimeoutSec= for socket control commands
}

/** [Mount] (systemd.mount(5)). */
export interface MountSection {
  what: string;
  where: string;                      // '' → derived from the unit name
  type: string;
  options: string;
  sloppyOptions: boolean;
  lazyUnmount: boolean;
  forceUnmount: boolean;
  readWriteOnly: boolean;
  directoryMode: number;              // 0o755
  timeoutUs: number;                  // TimeoutSec=, default 90 s (0 → infinity)
}

/** [Swap] (systemd.swap(5)). */
export interface SwapSection { what: string; priority: number; options: string; timeoutUs: number }

/** [Automount] (systemd.automount(5)). */
export interface AutomountSection { where: string; extraOptions: string; directoryMode: number; timeoutIdleUs: number }

/** Timer bases in systemd's order (timer_base_table). */
export type TimerBase = 'OnActiveSec' | 'OnBootSec' | 'OnStartupSec' | 'OnUnitActiveSec' | 'OnUnitInactiveSec' | 'OnCalendar';

/** One On*= value of a [Timer] section: a time span (µs) or a calendar expression (after specifiers). */
export interface TimerValueCfg { base: TimerBase; valueUs: number; calendar: string; file: string; line: number }

/** [Scope] (systemd.scope(5), systemd 252's Scope struct): a scope's own settings; the kill and cgroup
 *  settings are the shared ones (cfg.kill, cfg.resource), OOMPolicy= is kept raw (not enforced). Times in
 *  µs, Infinity = none. */
export interface ScopeSection {
  runtimeMaxUs: number;
  runtimeRandomizedExtraUs: number;
  timeoutStopUs: number;
}

export interface TimerSection {
  /** In systemd's list order: each assignment is prepended, so the last one written comes first. */
  values: TimerValueCfg[];
  accuracyUs: number;                 // AccuracySec=, default 1 min
  randomizedDelayUs: number;
  fixedRandomDelay: boolean;
  onClockChange: boolean;
  onTimezoneChange: boolean;
  persistent: boolean;
  wakeSystem: boolean;
  remainAfterElapse: boolean;         // default yes
  unit: string;                       // Unit= ('' → the same-name .service)
}

export type PathKind = 'PathExists' | 'PathExistsGlob' | 'PathChanged' | 'PathModified' | 'DirectoryNotEmpty';
export interface PathSpecCfg { kind: PathKind; path: string; file: string; line: number }

export interface PathSection {
  /** In systemd's list order (prepended, like [Timer] values). */
  specs: PathSpecCfg[];
  makeDirectory: boolean;
  directoryMode: number;              // 0o755
  triggerLimitIntervalUs: number;     // default 2 s
  triggerLimitBurst: number;          // default 200
  unit: string;
}

/** A unit as loaded: what the engine, the machines and `show` consume. */
export interface UnitConfig {
  id: string;
  names: string[];
  type: UnitType;
  loadState: LoadState;
  loadError: string;                  // human text when loadState is not 'loaded' ('' otherwise)
  fragmentPath: string;
  dropInPaths: string[];
  prefix: string;
  instance: string;
  unit: UnitSection;
  install: InstallSection;
  /** Units named by .wants/ and .requires/ directories of this unit (added as Wants/Requires by the engine). */
  wantsFromDirs: string[];
  requiresFromDirs: string[];
  /** Resource control ([Service]/[Socket]/[Slice]); optional for hand-built configs. */
  resource?: ResourceContext;
  service: ServiceSection | null;     // non-null for .service
  socket: SocketSection | null;       // non-null for .socket
  mount?: MountSection | null;        // non-null for .mount (optional: hand-built configs may omit it)
  swap?: SwapSection | null;          // non-null for .swap
  automount?: AutomountSection | null; // non-null for .automount
  timer?: TimerSection | null;        // non-null for .timer (optional: hand-built configs may omit it)
  path?: PathSection | null;          // non-null for .path
  scope?: ScopeSection | null;        // non-null for .scope
  exec: ExecContext;                  // defaults for types that have none
  kill: KillContext;
  diagnostics: Diagnostic[];
  /** Raw directive values for `show`/`verify` keyed by 'Section.Key' (after specifiers; a reset empties the
   *  list), filled by compileUnit for every accepted assignment, enforced or not. Optional: hand-built configs may omit it. */
  raw?: Record<string, string[]>;
  /** Directive keys ('Section.Key') set in this unit that tsysd parses but does not enforce (filled by compileUnit). */
  notEnforced?: { key: string; file: string; line: number }[];
  /** [Unit] dependency assignments across kinds in file order (fragment, then drop-ins), names as in
   *  unit.deps. Optional (added by the engine's file loader): lets the engine add edges, and so load
   *  units, in systemd's order. */
  depOrder?: { kind: DepKind; name: string }[];
}
