// The service stop path (service_enter_stop … service_enter_dead): ExecStop= → stop-sigterm → stop-sigkill
// → ExecStopPost= → final-sigterm → final-sigkill → dead/failed, unit_kill_context() per KillMode=, and the
// auto-restart decision and restart scheduling.
// Invariants: `result` only moves away from 'success' here (first failure wins); a signal state is entered
// only when something was signalled that must be waited for, else the next step runs at once; the fd store
// survives auto-restarts and restart jobs and is released when the unit fully stops.
import { SIGCONT, SIGKILL } from '../exit-status';
import type { ServiceMachine } from './machine';
import { restartDelayUs, shallRestart } from './restart';
import type { ServiceResult, ServiceSubState } from './states';

export type KillOp = 'terminate' | 'restart' | 'kill' | 'watchdog';

export function serviceEnterStop(m: ServiceMachine, f: ServiceResult): void {
  if (m.res === 'success') m.res = f;
  m.controlPid = 0;
  if (m.svc.execStop.length > 0) {
    m.controlCommand = { list: 'execStop', index: 0 };
    const pid = m.spawn('control', 'execStop', 0, m.svc.timeoutStopUs, true);
    if (pid === null) { m.enterSignal('stop-sigterm', 'resources'); return; }
    m.controlPid = pid;
    m.setState('stop');
  } else m.enterSignal('stop-sigterm', 'success');
}

export function serviceEnterStopByNotify(m: ServiceMachine): void {
  m.armTimerRelative(m.svc.timeoutStopUs);
  m.setState('stop-sigterm');
}

export function serviceKillOp(m: ServiceMachine, state: ServiceSubState): KillOp {
  if (state === 'stop-watchdog' || state === 'final-watchdog') return 'watchdog';
  if (state === 'stop-sigkill' || state === 'final-sigkill') return 'kill';
  if (state === 'stop-sigterm' && m.restartStop) return 'restart';
  return 'terminate';
}

/** unit_kill_context(): true when something was signalled that we must wait for. */
export function serviceKillContext(m: ServiceMachine, op: KillOp): boolean {
  const k = m.cfg.kill;
  if (k.killMode === 'none') return false;
  const sig = op === 'terminate' ? k.killSignal : op === 'restart' ? k.restartKillSignal : op === 'kill' ? k.finalKillSignal : k.watchdogSignal;
  const sighup = k.sendSIGHUP && op !== 'kill' && op !== 'watchdog' && sig !== 1;
  const cont = sig !== SIGKILL && sig !== SIGCONT;
  let wait = false;
  if (m.mainPid > 0) {
    if (m.host.signal(m.mainPid, sig, cont)) {
      if (!m.mainPidAlien) wait = true;
      if (sighup) m.host.signal(m.mainPid, 1, false);
    }
  }
  if (m.controlPid > 0) {
    if (m.host.signal(m.controlPid, sig, cont)) {
      wait = true;
      if (sighup) m.host.signal(m.controlPid, 1, false);
    }
  }
  if (k.killMode === 'control-group' || (k.killMode === 'mixed' && op === 'kill')) {
    const exclude = [m.mainPid, m.controlPid].filter(p => p > 0);
    if (m.host.signalOthers(sig, exclude, cont) > 0) {
      wait = true;
      if (sighup) m.host.signalOthers(1, exclude, false);
    }
  }
  return wait;
}

export function serviceEnterSignal(m: ServiceMachine, state: ServiceSubState, f: ServiceResult): void {
  if (m.res === 'success') m.res = f;
  const op = m.killOp(state);
  const wait = m.killContext(op);
  if (wait) {
    m.armTimerRelative(op === 'watchdog' ? m.svc.timeoutAbortUs : m.svc.timeoutStopUs);
    m.setState(state);
  } else if ((state === 'stop-watchdog' || state === 'stop-sigterm') && m.cfg.kill.sendSIGKILL) m.enterSignal('stop-sigkill', 'success');
  else if (state === 'stop-watchdog' || state === 'stop-sigterm' || state === 'stop-sigkill') m.enterStopPost('success');
  else if ((state === 'final-watchdog' || state === 'final-sigterm') && m.cfg.kill.sendSIGKILL) m.enterSignal('final-sigkill', 'success');
  else m.enterDead('success', true);
}

export function serviceEnterStopPost(m: ServiceMachine, f: ServiceResult): void {
  if (m.res === 'success') m.res = f;
  m.controlPid = 0;
  if (m.svc.execStopPost.length > 0) {
    m.controlCommand = { list: 'execStopPost', index: 0 };
    const pid = m.spawn('control', 'execStopPost', 0, m.svc.timeoutStopUs, true);
    if (pid === null) { m.enterSignal('final-sigterm', 'resources'); return; }
    m.controlPid = pid;
    m.setState('stop-post');
  } else m.enterSignal('final-sigterm', 'success');
}

export function serviceEnterDead(m: ServiceMachine, f: ServiceResult, allowRestart: boolean): void {
  if (m.res === 'success') m.res = f;
  if (m.res === 'success') m.log('info', 'Deactivated successfully.');
  else if (m.res === 'exec-condition') m.log('info', `Skipped due to '${m.res}'.`);
  else m.log('notice', `Failed with result '${m.res}'.`);
  let restart = false;
  if (allowRestart) {
    const d = shallRestart(m.svc, { forbidRestart: m.forbidRestart, result: m.res, mainCode: m.mainExec.code, mainStatus: m.mainExec.status });
    restart = d.restart;
    m.log('debug', `Restart ${restart ? '' : 'not '}wanted (${d.reason}).`);
  }
  const end: ServiceSubState = m.res === 'success' || m.res === 'exec-condition' ? 'dead' : 'failed';
  m.willAutoRestart = restart;
  m.setState(end);
  m.willAutoRestart = false;
  if (restart) {
    m.armTimerRelative(Math.max(restartDelayUs(m.svc, m.nRestarts + 1), 1));
    m.setState('auto-restart');
  } else m.flushNRestarts = true;
  // The fd store survives auto-restarts and restart jobs; it is dropped when the unit fully stops.
  if (!restart && !m.restartStop) m.releaseFdStore();
  if (!restart && m.svc.pidFile) m.host.removePidFile(m.svc.pidFile);
}

export function serviceEnterRestart(m: ServiceMachine): void {
  if (m.host.hasStopJob()) { m.log('info', 'Stop job pending for unit, skipping automatic restart.'); return; }
  m.nRestarts++;
  m.flushNRestarts = false;
  m.log('info', `Scheduled restart job, restart counter is at ${m.nRestarts}.`);
  m.host.requestRestart();
}
