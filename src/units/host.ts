// The side-effect interface unit machines call. The manager implements it over src/platform/ (real
// processes, timers, sockets); tests implement it with a fake (tests/unit/units-fake-host.ts).
// Invariants: machines never touch the OS; every effect goes through one of these calls; timers are
// keyed per machine (arming a key again replaces it); host events come back as machine method calls
// (onChildExit, onTimer, onNotify, ...), never re-entrantly from inside a host call.
import type { Condition, EmergencyAction, ExecCommand } from '../directives/types';
import type { StateChange } from './types';

export type LogLevel = 'debug' | 'info' | 'notice' | 'warning' | 'error';

/** Result of evaluating one list of Condition*= or Assert*= entries (see conditions.ts). */
export interface ConditionEval {
  ok: boolean;
  /** The entry that decided a failure (first failing non-trigger, or the last trigger), null when ok. */
  failed: Condition | null;
}

export interface UnitHost {
  /** Monotonic clock, µs. */
  now(): number;
  /** Wall clock, µs since the epoch. */
  realtime(): number;
  /** Arm (or re-arm) timer `key` to fire at monotonic µs `at`; fires as machine.onTimer(key). */
  armTimer(key: string, at: number): void;
  clearTimer(key: string): void;
  log(level: LogLevel, text: string): void;
  /** Every active/sub state change; the engine completes jobs by observing these. */
  stateChanged(change: StateChange): void;
  /** Evaluate Condition*= (assert=false entries) or Assert*= (assert=true entries) lists. */
  evaluateConditions(list: Condition[]): ConditionEval;
  /** FailureAction=/SuccessAction=/StartLimitAction= (never called with 'none'). exitStatus null = none known. */
  emergencyAction(action: EmergencyAction, exitStatus: number | null, reason: string): void;
  /** 32 lowercase hex chars, new per activation. */
  newInvocationId(): string;
}

export type SpawnKind = 'main' | 'control';
/** Which Exec*= list a command comes from (the exec layer uses it for logging and fd/env decisions). */
export type ExecListName = 'ExecCondition' | 'ExecStartPre' | 'ExecStart' | 'ExecStartPost' | 'ExecReload'
  | 'ExecStop' | 'ExecStopPost' | 'ExecStopPre';

export interface SpawnRequest {
  kind: SpawnKind;
  list: ExecListName;
  index: number;
  command: ExecCommand;
  /** Main ExecStart only: pass socket fds (LISTEN_FDS...) followed by `fdStore` entries. */
  passFds: boolean;
  fdStore: { fd: number; name: string }[];
  /** Extra environment computed by the machine: MAINPID, SERVICE_RESULT, EXIT_CODE, EXIT_STATUS, WATCHDOG_USEC. */
  env: Record<string, string>;
  /** Set WATCHDOG_PID to the child's own pid (main process with a watchdog). */
  watchdogPid: boolean;
  /** Type=exec: report exec success/failure through onExecOutcome(pid, ...) BEFORE its onChildExit. */
  wantExecOutcome: boolean;
  /** Type=idle: delay the exec until the job queue is empty (at most ~5 s). */
  idle: boolean;
  /** INVOCATION_ID of the current activation ('' when none). */
  invocationId?: string;
}

/** A spawn either gives a pid (failures after fork show up as exit codes 200..243) or fails at once. */
export type SpawnResult = { pid: number } | { error: string; errno?: number };

export interface ProcessHost extends UnitHost {
  spawn(req: SpawnRequest): SpawnResult;
  /** kill(pid, sig) (+ SIGCONT after it when sigcont and sig is not SIGKILL/SIGCONT). false: no such process. */
  signal(pid: number, sig: number, sigcont: boolean): boolean;
  /** Signal every process of the unit except `exclude` (cgroup or tracked set); returns how many were signalled. */
  signalOthers(sig: number, exclude: number[], sigcont: boolean): number;
  /** Does the unit still have processes (cgroup non-empty)? */
  hasProcesses(): boolean;
  pidAlive(pid: number): boolean;
  /** Is pid a process of this unit (its cgroup / tracked descendants)? */
  pidInUnit(pid: number): boolean;
  /** Deliver the exit of `pid` (which may not be a direct child) as onChildExit; called for new main pids. */
  watchPid(pid: number): void;
}

export interface ServiceHost extends ProcessHost {
  /** Read PIDFile=: the pid it holds, or null when missing/unparsable. */
  readPidFile(path: string): number | null;
  /** Remove PIDFile= after the service stopped (systemd unlinks it). */
  removePidFile(path: string): void;
  /** GuessMainPID=yes: the single remaining daemon process of the unit, or null. */
  guessMainPid(): number | null;
  /** Start watching BusName= (Type=dbus); report as onBusNameOwner(). */
  watchBusName(name: string): void;
  /** The RestartSec= hold-off elapsed: queue a restart job (JOB_RESTART, mode replace) for this unit. */
  requestRestart(): void;
  /** True if a stop job is queued for this unit (then auto-restart is skipped). */
  hasStopJob(): boolean;
  /** Close a file descriptor the machine will not keep (fd store). */
  closeFd(fd: number): void;
  /** FDPOLL: watch a stored fd for EPOLLHUP/EPOLLERR; report as onFdStoreHangup(fd). Returns 0, or -errno
   *  when the fd cannot be watched: -EPERM (1) for fds epoll refuses (regular files, memfds, /dev/null),
   *  which systemd stores unwatched; any other error was logged by the host and the fd is refused. */
  pollStoredFd(fd: number, on: boolean): number;
  /** A RELOADING=1 notification started a reload: propagate it (PropagatesReloadTo=). */
  propagateReload(): void;
}

/** The peer of an accepted connection (Accept=yes). */
export interface PeerInfo {
  family: 'inet' | 'inet6' | 'unix' | 'vsock';
  localAddress: string;    // '127.0.0.1', '::1', '::ffff:1.2.3.4'; vsock: CID as decimal
  localPort: number;
  remoteAddress: string;
  remotePort: number;
  /** unix peers (SO_PEERCRED); null when unknown (other pid/uid namespace). */
  pid: number | null;
  uid: number | null;
}

export type AcceptResult = { fd: number; peer: PeerInfo } | 'again' | { error: string };

/** What a socket machine needs to know about its service (Accept=no) from the manager. */
export interface TriggeredServiceInfo {
  loaded: boolean;
  /** Service sub-state ('dead', 'running', 'auto-restart', ...). */
  subState: string;
  /** The service unit's active state or pending job would start it anyway (unit_active_or_pending). */
  activeOrPending: boolean;
}

export interface SocketHost extends ProcessHost {
  /** Create and bind every Listen*= in file order (host keeps the fds). Error text names address and errno. */
  openListeners(): { ok: true } | { error: string };
  /** Close the listeners (RemoveOnStop=yes: also unlink socket nodes/FIFOs and Symlinks=). */
  closeListeners(removeOnStop: boolean): void;
  /** SocketUser=/SocketGroup=: chown the nodes; a pid means a control process to wait for (start-chown). */
  chownListeners(): { done: true } | { pid: number } | { error: string };
  /** Poll the listening fds for readability (Accept=no: without accepting); report as onReadable(i, ok). */
  setPolling(on: boolean): void;
  /** Accept one connection on listener `index`. */
  accept(index: number): AcceptResult;
  closeFd(fd: number): void;
  /** Accept=no: the service this socket triggers (null when Accept=yes). */
  serviceInfo(): TriggeredServiceInfo | null;
  /** Queue a start job (mode replace) for the triggered service. false: refused (logged by the host). */
  requestServiceStart(): boolean;
  /** Accept=yes: create instance `name` (from the template) owning connection `fd`, and queue its start. */
  startInstance(name: string, fd: number, peer: PeerInfo): boolean;
  /** A stop job is pending for this socket unit. */
  hasStopJob(): boolean;
}

/** What a timer or path unit knows of the unit it triggers (UNIT_TRIGGER). */
export interface TriggerTarget {
  id: string;
  loaded: boolean;
  activeState: import('./types').ActiveState;
  /** Monotonic µs of its last InactiveExit/InactiveEnter (0 = never). */
  inactiveExitMonotonic: number;
  inactiveEnterMonotonic: number;
  /** A job is pending for it (a path unit waits for it to finish). */
  hasJob?: boolean;
  /** It hit its start rate limit (unit->start_limit_hit). */
  startLimitHit?: boolean;
}

/** Queue a start job (mode replace) for the triggered unit; its processes get `env` (TRIGGER_*). */
export type StartTriggeredResult = { ok: true } | { ok: false; error: string };

export interface TriggerHost extends UnitHost {
  /** The unit this one triggers (its first Triggers= dependency), null when it has none. */
  triggerTarget(): TriggerTarget | null;
  startTriggered(env: Record<string, string>): StartTriggeredResult;
  /** A stop job is pending for this unit (unit_stop_pending). */
  hasStopJob(): boolean;
}

export interface TimerHost extends TriggerHost {
  /** Arm timer `key` on `clock` at `at` (that clock's µs) with a coalescing window of `accuracy` µs; fires
   *  as machine.onTimer(key). clearTimer(key) disarms it. */
  armClockTimer(key: string, clock: 'monotonic' | 'realtime', at: number, accuracy: number): void;
  /** CLOCK_MONOTONIC at the manager's userspace start (MANAGER_TIMESTAMP_USERSPACE). */
  userspaceMonotonic(): number;
  /** Running in a container (OnBootSec= then counts from the manager's start). */
  inContainer(): boolean;
  /** The manager's C-library time state (local zone) for OnCalendar=. */
  libc(): import('../calendar/libc').LibcTime;
  /** Persistent=: the stamp file of this timer, null when it cannot be determined (no home directory). */
  stampPath(): string | null;
  /** Modification time of `path` in realtime µs; null when it does not exist (or cannot be read). */
  fileMtime(path: string): number | null;
  /** touch_file(path, parents=true, stamp): create if missing; mtime/atime = realtimeUs, or now when null. */
  touchFile(path: string, realtimeUs: number | null): void;
  /** random_u64(). */
  randomU64(): bigint;
  /** FixedRandomDelay=: machine id (16 bytes, null unknown), system manager?, uid of the manager. */
  fixedDelayIdentity(): import('./timer/fixed-delay').FixedDelayIdentity;
}

/** One inotify event (struct inotify_event): watch descriptor, mask bits, name within a watched directory. */
export interface InotifyEvent { wd: number; mask: number; name: string }

export interface PathHost extends TriggerHost {
  /** A new inotify instance for path spec `index` (closing any it had); its events come back, one read at
   *  a time, as machine.onInotify(index, events). */
  inotifyOpen(index: number): { ok: true } | { ok: false; error: string };
  /** inotify_add_watch on the instance of spec `index`: the watch descriptor, or the errno (ENOENT 2, EACCES 13...). */
  inotifyAddWatch(index: number, path: string, mask: number): { wd: number } | { errno: number; error: string };
  inotifyClose(index: number): void;
  /** access(path, F_OK). */
  pathExists(path: string): boolean;
  /** glob_first(): the first match of a glob pattern, null when none. */
  globFirst(pattern: string): string | null;
  /** dir_is_empty(path, ignore_hidden_or_backup=true): 1 empty, 0 not, -errno (-2 ENOENT, -20 ENOTDIR). */
  dirIsEmpty(path: string): number;
  /** mkdir -p with `mode` for created directories; null or the error text. */
  mkdirP(path: string, mode: number): string | null;
  /** Run `fn` on a later event-loop turn (sd_event_add_defer), never re-entrantly. */
  defer(fn: () => void): void;
}
