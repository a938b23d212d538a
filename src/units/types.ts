// Generic unit-machine contract: the states the engine sees, the entry points the manager calls, and the
// runtime properties `show`/`status` print. Pure types, no Node imports.
// Invariants: times are microseconds (monotonic for timers, realtime+monotonic pairs for timestamps,
// 0 = unset); exit info follows waitpid (signal 0 means the process exited with `code`).
import type { UnitConfig, UnitType } from '../directives/types';

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

/** What every unit machine offers the manager. Type-specific events live on the concrete machines. */
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
}
