// Generic unit-machine contract: the states the engine sees, the entry points the manager calls, and the
// runtime properties `show`/`status` print. Pure types, no Node imports.
// Invariants: times are microseconds (monotonic for timers, realtime+monotonic pairs for timestamps,
// 0 = unset); exit info follows waitpid (signal 0 means the process exited with `code`).
import type { UnitConfig, UnitType } from '../directives/types';
import type { NotifyMessage } from '../notify/parse';
import type { PeerInfo } from './host';

export type ActiveState = 'active' | 'reloading' | 'inactive' | 'failed' | 'activating' | 'deactivating' | 'maintenance';

export function isActiveOrReloading(s: ActiveState): boolean { return s === 'active' || s === 'reloading'; }
export function isInactiveOrFailed(s: ActiveState): boolean { return s === 'inactive' || s === 'failed'; }

/** How a process ended (waitpid). signal !== 0 → killed (core: dumped); else exited with `code`. */
export interface ExitInfo { code: number; signal: number; core: boolean }

/** systemd's CLD_* codes as ExecMainCode shows them: 1 exited, 2 killed, 3 dumped (0 = not exited yet). */
export type CldCode = 0 | 1 | 2 | 3;

/** Exec helper report (Type=exec readiness): exec succeeded, or failed at `stage` with `errno`. */
export type ExecOutcome = { ok: true } | { ok: false; stage: string; errno: number };

export interface DualTimestamp { realtime: number; monotonic: number }   // µs; both 0 = unset
export const NO_TIMESTAMP: DualTimestamp = Object.freeze({ realtime: 0, monotonic: 0 }) as DualTimestamp;

/** Status of one command line run (ExecStart= entries etc. in `show`). */
export interface ExecStatus {
  path: string;
  argv: string[];
  ignoreFailure: boolean;
  pid: number;
  start: DualTimestamp;
  exit: DualTimestamp;
  code: CldCode;
  status: number;       // exit code, or signal number when code is 2/3
}

/**
 * What start() answers (mirrors unit_start() return values):
 *  started           accepted; the job waits for the unit to reach active/inactive/failed (state reports)
 *  noop              already active (EALREADY): the start job is done at once
 *  again             busy (stopping, auto-restart): keep the job queued and retry on the next state change
 *  condition-failed  a Condition*= failed: job result done, the unit keeps its state (ConditionResult=no)
 *  assert-failed     an Assert*= failed: job result assert
 *  start-limit-hit   start rate limit hit: unit entered failed; job result failed
 *  unsupported       the unit cannot be started (e.g. no start command for its type)
 *  refused           refused for now (socket whose service is already active / not loaded): job result failed
 */
export type StartOutcome = 'started' | 'noop' | 'again' | 'condition-failed' | 'assert-failed' | 'start-limit-hit' | 'unsupported' | 'refused';
/** stopping: job waits for inactive/failed. noop: already inactive (job done). again: retry later. */
export type StopOutcome = 'stopping' | 'noop' | 'again';
/** reloading: job waits for active (a reload failure is flagged in the state report). */
export type ReloadOutcome = 'reloading' | 'not-active' | 'unsupported' | 'again' | 'done';

/** Flags reported with every state change (systemd's UNIT_NOTIFY_*). */
export interface StateChangeFlags {
  reloadFailure: boolean;
  willAutoRestart: boolean;
  skipCondition: boolean;
  /** No console status line: bookkeeping only, nothing changed on the system (a runtime mount left in place
   *  at shutdown goes inactive without being unmounted: "Unmounted" would be untrue). */
  quiet?: boolean;
}

export interface StateChange {
  unit: string;
  oldActive: ActiveState;
  newActive: ActiveState;
  oldSub: string;
  newSub: string;
  result: string;
  flags: StateChangeFlags;
}

/** A value printed by `show` (numbers print as decimal; timestamps as dual µs; arrays of exec status). */
export type PropValue = string | number | boolean | DualTimestamp | ExecStatus[] | string[];

/** The sender of an sd_notify datagram (from SCM_CREDENTIALS). */
export interface NotifySender {
  pid: number; uid: number;
  /** The manager found the unit by this pid (its pid table or its cgroup): NotifyAccess=all need not look again. */
  inUnit?: boolean;
}

/**
 * What a triggering unit (socket, timer, path) learns when the unit it triggers changes state (systemd's
 * trigger_notify vtable entry). `phase` is the triggered unit's own reading of itself (see triggerPhase).
 */
export interface TriggeredPeer {
  id: string;
  activeState: ActiveState;
  phase: TriggerPhase;
  result: string;
  /** The triggered unit hit its start rate limit (unit->start_limit_hit). */
  startLimitHit: boolean;
  /** A job is pending for the triggered unit. */
  hasJob: boolean;
}

/**
 * How a triggered unit stands for the unit that triggers it:
 *  idle     it no longer handles what triggered it (dead, failed, or its main process is gone and it only
 *           cleans up or waits to restart): a socket listens again, a path re-arms
 *  running  it is up and serving (a socket's service is running: the socket is `running`)
 *  busy     anything in between (starting, stopping with its main process still there)
 */
export type TriggerPhase = 'idle' | 'running' | 'busy';

/** The kernel's view of mounts and swaps as the manager last read it. */
export interface MountTableView { mountPoints: ReadonlySet<string>; swaps: ReadonlySet<string> }

/** systemd's unit status messages: "Starting X...", "Started X." (or the type's verb: "Finished",
 *  "Reached target" ...), "Stopping X...", "Stopped X.", and a start job's failure ("Failed to start X.",
 *  "Dependency failed for X." ...). The kind gives the journal's MESSAGE_ID. */
export type StatusKind = 'starting' | 'started' | 'stopping' | 'stopped' | 'failed';

/** Which status message a state change makes (job_emit_start_message and job_emit_done_message), or null;
 *  the manager prints it only under a job of the matching kind (JobRunner.statusOf). A start that ran to
 *  inactive with success (a oneshot without RemainAfterExit=) says "started" ("Finished X."), not "stopped";
 *  a stop that ends failed (killed after TimeoutStopSec=) says "stopped", its stop job being done. Any other
 *  failure makes none here: systemd's is the start job's ("Failed to start X."), and a unit that fails
 *  while running gets only its machine's "Failed with result '...'." */
export function statusKind(oldActive: ActiveState, newActive: ActiveState, result: string): StatusKind | null {
  if (oldActive === newActive) return null;
  if (newActive === 'activating') return isInactiveOrFailed(oldActive) ? 'starting' : null;
  if (newActive === 'active') return oldActive === 'reloading' ? null : 'started';
  if (newActive === 'deactivating') return 'stopping';
  if (newActive === 'inactive') return oldActive === 'activating' && result === 'success' ? 'started' : oldActive === 'failed' ? null : 'stopped';
  if (newActive === 'failed') return oldActive === 'deactivating' ? 'stopped' : null;
  return null;
}

/** Default reading when a machine has no triggerPhase(): from its active state. */
export function triggerPhaseOf(s: ActiveState): TriggerPhase {
  return s === 'inactive' || s === 'failed' ? 'idle' : s === 'active' || s === 'reloading' ? 'running' : 'busy';
}

/**
 * What every unit machine offers the manager (systemd's UnitVTable). The manager never asks which class a
 * machine is: everything type-specific is one of the optional event entry points below, called only when
 * the machine has it.
 *
 * The life of a unit, as the manager sees it:
 *  1. A unit is loaded (engine graph) when something names it; its machine is created through the registry
 *     (src/units/registry.ts) the first time a job runs for it or an event concerns it, with a host object
 *     (src/units/host.ts) through which it performs every effect.
 *  2. A start job calls start(): the machine checks its start rate limit, Condition*=/Assert*=, and either
 *     refuses at once (StartOutcome) or begins activating. From then on it moves only on events: its
 *     processes exiting (onChildExit), its timers (onTimer), sd_notify (onNotify), sockets becoming readable,
 *     the units it triggers changing state (onTriggeredUnitChange) ...
 *  3. Every change of active/sub state is reported once through host.stateChanged(); the engine completes
 *     jobs by observing those reports, and the manager forwards them to subscribers, to the units that
 *     trigger this one, and to the system state.
 *  4. A stop job calls stop(); the machine runs its stop commands, signals what is left, and ends inactive
 *     (or failed, with result()). resetFailed() returns a failed unit to inactive.
 *  5. daemon-reload gives a running machine its new configuration through reconfigure(); a stopped one is
 *     dropped and created again from the new configuration on its next use.
 *  6. fail('resources') is the crash barrier's last resort: an event handler of this unit threw; the machine
 *     must end up failed with that result, releasing what it holds, without throwing again.
 */
export interface UnitMachine {
  readonly id: string;
  readonly unitType: UnitType;
  activeState(): ActiveState;
  subState(): string;
  /** Result= as systemctl prints it ('success', 'exit-code', ...). */
  result(): string;
  start(): StartOutcome;
  /** restart: true when the stop is the first half of a restart job (RestartKillSignal, keep fd store). */
  stop(opts?: { restart?: boolean }): StopOutcome;
  reload(): ReloadOutcome;
  canReload(): boolean;
  resetFailed(): void;
  onChildExit(pid: number, exit: ExitInfo): void;
  onTimer(key: string): void;
  /** daemon-reload: adopt a new configuration, keeping the runtime state (pids, counters, state). */
  reconfigure?(cfg: UnitConfig): void;
  /** Runtime properties for show/status, keyed by systemd's property names. */
  properties(): Record<string, PropValue>;
  /** The invocation id of the current activation ('' when none). */
  invocationId(): string;
  /** Enter failed with `result` (crash barrier): stop what runs, never throw. */
  fail(result: 'resources'): void;

  // ---- optional event entry points (absent = the event does not concern this type) ----
  /** An sd_notify datagram from a process of this unit (fds: SCM_RIGHTS, owned by the machine now). */
  onNotify?(msg: NotifyMessage, sender: NotifySender, fds: number[]): void;
  /** The exec helper's report for `pid` (Type=exec readiness), before that pid's onChildExit. */
  onExecOutcome?(pid: number, o: ExecOutcome): void;
  /** The unit's last process is gone (cgroup empty). */
  onUnitEmpty?(): void;
  /** The kernel OOM-killed a process of the unit (OOMPolicy= says what then); mainKilled: the killed process
   *  is the main one, whose exit is delivered right after. */
  onOomKill?(policy: 'stop' | 'kill' | 'continue', mainKilled?: boolean): void;
  /** A stored fd (fd store) reported an error or hangup. */
  onFdStoreHangup?(fd: number): void;
  /** BusName= gained or lost its owner. */
  onBusNameOwner?(hasOwner: boolean, ownerPid: number | null): void;
  /** Listener `index` became readable (ok) or failed (socket units). */
  onReadable?(index: number, ok: boolean): void;
  /** A unit this one triggers (Triggers=) changed state. */
  onTriggeredUnitChange?(peer: TriggeredPeer): void;
  /** An Accept=yes connection this unit handed to an instance was closed (the instance stopped). */
  onConnectionClosed?(peer: PeerInfo): void;
  /** How this unit stands for the units that trigger it when in sub-state `sub` (default:
   *  triggerPhaseOf(active state)). Takes the sub-state of a report, which may be older than subState(). */
  triggerPhase?(sub: string): TriggerPhase;
  /** The start rate limit was hit on the last start attempt (unit->start_limit_hit). */
  startLimitHit?(): boolean;
  /** Abandon() of a scope: its client stops watching its processes. False when it is not running. */
  abandon?(): boolean;
  /** The kernel's mount or swap table changed (/proc/self/mountinfo, /proc/swaps; mount, swap, automount). */
  onMountTable?(t: MountTableView): void;
  /** CLOCK_REALTIME was set (jumped relative to CLOCK_MONOTONIC): timer units recompute or trigger. */
  onClockChange?(): void;
  /** The system time zone changed (/etc/localtime): timer units recompute or trigger. */
  onTimezoneChange?(): void;
  /** One read of inotify events from the watch set `index` of this unit (path units). */
  onInotify?(index: number, events: { wd: number; mask: number; name: string }[]): void;
  /** Reading the watch set `index` failed. */
  onInotifyError?(index: number, error: string): void;
  /** Timer units: next elapse on each clock (Infinity = none), the last trigger (µs, 0 = never) and each
   *  OnXxx= entry with its next elapse (the D-Bus TimersMonotonic/TimersCalendar). */
  timerSchedule?(): { nextRealtime: number; nextMonotonic: number; lastTrigger: number; lastTriggerMonotonic: number; entries: TimerEntry[] };
}

/** One OnXxx= of a timer: its base (OnCalendar, OnActiveSec...), the value (µs, or the normalized calendar
 *  spec), and its next elapse (monotonic µs, or realtime µs for OnCalendar; 0 = none). */
export interface TimerEntry { base: string; valueUs: number; calendar: string; nextElapse: number }
