// The service start path and reload (service_enter_condition … service_enter_running, service_enter_reload):
// ExecCondition= → ExecStartPre= → ExecStart= (per Type=) → ExecStartPost= → running/exited, and reload by
// ExecReload=, by signal (Type=notify-reload) or by RELOADING=1.
// Invariants: each step spawns its list's first command and sets the matching state, or falls through to the
// next step; a spawn failure goes to the stop path (stop.ts) with result 'resources' (a reload failure only
// sets reloadResult and returns to running).
import type { ServiceMachine } from './machine';
import type { ServiceResult } from './states';

export function serviceEnterCondition(m: ServiceMachine): void {
  m.controlPid = 0;
  if (m.svc.execCondition.length > 0) {
    m.controlCommand = { list: 'execCondition', index: 0 };
    const pid = m.spawn('control', 'execCondition', 0, m.svc.timeoutStartUs, false);
    if (pid === null) { m.enterSignal('stop-sigterm', 'resources'); return; }
    m.controlPid = pid;
    m.setState('condition');
  } else m.enterStartPre();
}

export function serviceEnterStartPre(m: ServiceMachine): void {
  m.controlPid = 0;
  if (m.svc.execStartPre.length > 0) {
    m.controlCommand = { list: 'execStartPre', index: 0 };
    const pid = m.spawn('control', 'execStartPre', 0, m.svc.timeoutStartUs, false);
    if (pid === null) { m.enterSignal('stop-sigterm', 'resources'); return; }
    m.controlPid = pid;
    m.setState('start-pre');
  } else m.enterStart();
}

export function serviceEnterStart(m: ServiceMachine): void {
  m.controlPid = 0;
  m.mainPid = 0;
  if (m.host.hasProcesses()) m.log('warning', 'Found left-over process(es) in control group while starting unit.');
  const type = m.svc.type;
  if (m.svc.execStart.length === 0) {
    // oneshot without ExecStart=: fake a start transition (systemd does the same for SuccessAction=).
    m.setState('start');
    m.enterStartPost();
    return;
  }
  const timeout = type === 'simple' || type === 'idle' ? Infinity : m.svc.timeoutStartUs;
  if (type === 'forking') m.controlCommand = { list: 'execStart', index: 0 };
  else m.mainCommand = { list: 'execStart', index: 0 };
  const pid = m.spawn(type === 'forking' ? 'control' : 'main', 'execStart', 0, timeout, false);
  if (pid === null) { m.enterSignal('stop-sigterm', 'resources'); return; }
  if (type === 'simple' || type === 'idle') {
    m.setMainPid(pid);
    m.host.watchPid(pid);
    m.enterStartPost();
  } else if (type === 'forking') {
    m.controlPid = pid;
    m.setState('start');
  } else {
    m.setMainPid(pid);
    m.host.watchPid(pid);
    if (type === 'exec') m.execFdHot = true;
    m.setState('start');
  }
}

export function serviceEnterStartPost(m: ServiceMachine): void {
  m.controlPid = 0;
  m.resetWatchdog();
  if (m.svc.execStartPost.length > 0) {
    m.controlCommand = { list: 'execStartPost', index: 0 };
    const pid = m.spawn('control', 'execStartPost', 0, m.svc.timeoutStartUs, false);
    if (pid === null) { m.enterStop('resources'); return; }
    m.controlPid = pid;
    m.setState('start-post');
  } else m.enterRunning('success');
}

export function serviceEnterRunning(m: ServiceMachine, f: ServiceResult): void {
  if (m.res === 'success') m.res = f;
  m.controlPid = 0;
  m.controlCommand = null;
  if (m.res !== 'success') { m.enterSignal('stop-sigterm', f); return; }
  if (m.good()) {
    if (m.notifyState === 'reloading') m.enterReloadByNotify();
    else if (m.notifyState === 'stopping') m.enterStopByNotify();
    else {
      m.setState('running');
      // RuntimeMaxSec= counts from ActiveEnterTimestamp (not restarted by reloads).
      const max = m.svc.runtimeMaxUs;
      if (Number.isFinite(max) && max > 0) {
        m.timerAt = m.base.activeEnterTs.monotonic + max;
        m.host.armTimer('timeout', m.timerAt);
      } else m.clearTimer();
    }
  } else if (m.svc.remainAfterExit) m.setState('exited');
  else m.enterStop('success');
}

// ---- reload ------------------------------------------------------------------------------------------
export function serviceEnterReload(m: ServiceMachine): void {
  m.controlPid = 0;
  m.reloadResult = 'success';
  const ts = m.host.now();
  let signalled = false;
  if (m.svc.type === 'notify-reload' && m.mainPid > 0) {
    if (!m.host.signal(m.mainPid, m.svc.reloadSignal, true)) {
      m.log('warning', 'Failed to send reload signal.');
      m.reloadResult = 'resources';
      m.enterRunning('success');
      return;
    }
    signalled = true;
  }
  if (m.svc.execReload.length > 0) {
    m.controlCommand = { list: 'execReload', index: 0 };
    const pid = m.spawn('control', 'execReload', 0, m.svc.timeoutStartUs, false);
    if (pid === null) { m.reloadResult = 'resources'; m.enterRunning('success'); return; }
    m.controlPid = pid;
    m.setState('reload');
  } else if (signalled) {
    m.armTimerRelative(m.svc.timeoutStartUs);
    m.setState('reload-signal');
  } else { m.enterRunning('success'); return; }
  m.reloadBeginUs = ts;
}

export function serviceEnterReloadByNotify(m: ServiceMachine): void {
  m.armTimerRelative(m.svc.timeoutStartUs);
  m.setState('reload-notify');
  m.host.propagateReload();
}
