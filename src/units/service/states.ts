// Service sub-states, results and the sub→active map (service.c state_translation_table[_idle]), plus the
// sets setState() uses to release what a state forbids.
// Invariant: every SubState appears in ACTIVE_OF; reload-signal/reload-notify are notify-reload phases.
import type { ActiveState } from '../types';

export type ServiceSubState = 'dead' | 'condition' | 'start-pre' | 'start' | 'start-post' | 'running' | 'exited'
  | 'reload' | 'reload-signal' | 'reload-notify' | 'stop' | 'stop-watchdog' | 'stop-sigterm' | 'stop-sigkill'
  | 'stop-post' | 'final-watchdog' | 'final-sigterm' | 'final-sigkill' | 'failed' | 'auto-restart' | 'cleaning';

export type ServiceResult = 'success' | 'resources' | 'protocol' | 'timeout' | 'exit-code' | 'signal' | 'core-dump'
  | 'watchdog' | 'start-limit-hit' | 'oom-kill' | 'exec-condition';

const ACTIVE_OF: Record<ServiceSubState, ActiveState> = {
  'dead': 'inactive', 'condition': 'activating', 'start-pre': 'activating', 'start': 'activating',
  'start-post': 'activating', 'running': 'active', 'exited': 'active', 'reload': 'reloading',
  'reload-signal': 'reloading', 'reload-notify': 'reloading', 'stop': 'deactivating',
  'stop-watchdog': 'deactivating', 'stop-sigterm': 'deactivating', 'stop-sigkill': 'deactivating',
  'stop-post': 'deactivating', 'final-watchdog': 'deactivating', 'final-sigterm': 'deactivating',
  'final-sigkill': 'deactivating', 'failed': 'failed', 'auto-restart': 'activating', 'cleaning': 'maintenance',
};

/** Type=idle counts as active from condition/start-pre on (state_translation_table_idle). */
export function activeOf(s: ServiceSubState, idle: boolean): ActiveState {
  if (idle && (s === 'condition' || s === 'start-pre' || s === 'start' || s === 'start-post')) return 'active';
  return ACTIVE_OF[s];
}

const S = (...x: ServiceSubState[]): ReadonlySet<ServiceSubState> => new Set(x);
export const STOPPING = S('stop', 'stop-watchdog', 'stop-sigterm', 'stop-sigkill', 'stop-post',
  'final-watchdog', 'final-sigterm', 'final-sigkill');
export const RELOADING = S('reload', 'reload-signal', 'reload-notify');
/** States that may keep the state timer (TIMER). */
export const TIMER_STATES = S('condition', 'start-pre', 'start', 'start-post', 'running', 'reload', 'reload-signal',
  'reload-notify', ...STOPPING, 'auto-restart', 'cleaning');
/** States that keep watching the main pid. */
export const MAIN_STATES = S('start-pre', 'start', 'start-post', 'running', 'reload', 'reload-signal', 'reload-notify', ...STOPPING);
/** States that keep watching the control pid. */
export const CONTROL_STATES = S('condition', 'start-pre', 'start', 'start-post', 'reload', 'reload-signal',
  'reload-notify', ...STOPPING, 'cleaning');
/** States in which the watchdog runs. */
export const WATCHDOG_STATES = S('start-post', 'running', 'reload', 'reload-signal', 'reload-notify');
/** States in which MAINPID= is accepted. */
export const MAINPID_STATES = S('start', 'start-post', 'running', 'reload', 'reload-signal', 'reload-notify',
  'stop', 'stop-sigterm', 'stop-sigkill', 'stop-post', 'final-sigterm', 'final-sigkill');
