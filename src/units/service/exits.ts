// Service process events (service_sigchld_event, exec status pipe, cgroup-empty): classify the exit,
// record exec status, run the next command of a list, and pick the next state.
// Invariant: unknown pids are ignored; result only moves away from success via the machine's enter*().
import { cldCode, describeExit, exitStatusNumber, isCleanExit } from '../exit-status';
import type { ExecOutcome, ExitInfo } from '../types';
import type { ServiceMachine } from './machine';
import { RELOADING, STOPPING, type ServiceResult } from './states';

export function serviceOnExecOutcome(m: ServiceMachine, pid: number, o: ExecOutcome): void {
  if (pid !== m.mainPid) return;
  if (!o.ok) {
    m.lastExecFailure = { stage: o.stage, errno: o.errno };
    m.log('error', `Failed at step ${o.stage} spawning ${m.mainExec.path}: errno ${o.errno}`);
    m.execFdHot = false;
    return;
  }
  if (m.execFdHot) {
    m.execFdHot = false;
    if (m.state === 'start') m.enterStartPost();
  }
}

export function serviceOnChildExit(m: ServiceMachine, pid: number, e: ExitInfo): void {
  if (pid <= 0) return;
  let f: ServiceResult = isCleanExit(e, m.svc.type !== 'oneshot', m.svc.successExitStatus) ? 'success'
    : e.signal === 0 ? 'exit-code' : e.core ? 'core-dump' : 'signal';
  if (pid === m.mainPid) m.onMainExit(pid, e, f);
  else if (pid === m.controlPid) {
    m.controlPid = 0;
    if (f === 'exit-code' && m.state === 'condition' && e.code < 255) f = 'exec-condition';
    m.onControlExit(pid, e, f);
  }
}

export function serviceOnMainExit(m: ServiceMachine, pid: number, e: ExitInfo, f0: ServiceResult): void {
  let f = f0;
  if (m.svc.pidFile && m.svc.type === 'forking') {
    const p = m.host.readPidFile(m.svc.pidFile);
    if (p !== null && p !== pid && p !== m.controlPid && m.host.pidAlive(p)) {
      m.log('debug', `Main PID changed to ${p} via PID file.`);
      m.setMainPid(p);
      m.host.watchPid(p);
      return;
    }
  }
  m.mainPid = 0;
  m.mainExec.exit = m.base.ts();
  m.mainExec.code = cldCode(e);
  m.mainExec.status = exitStatusNumber(e);
  const mc = m.mainCommand;
  const mcmd = mc ? m.svc[mc.list][mc.index] : undefined;
  if (mc) {
    const st = m.execStatus[mc.list][mc.index];
    if (st) { st.exit = m.mainExec.exit; st.code = m.mainExec.code; st.status = m.mainExec.status; }
    if (mcmd?.ignoreFailure) f = 'success';
  } else if (m.svc.execStart[0]?.ignoreFailure) f = 'success';
  m.log(f === 'success' ? 'debug' : 'notice', `Main process exited, ${describeExit(e)}`);
  if (m.res === 'success') m.res = f;
  if (mc && m.svc.type === 'oneshot' && f === 'success' && mc.index + 1 < m.svc[mc.list].length) {
    m.runNextMain(); return;
  }
  m.mainCommand = null;
  if (m.svc.exitType !== 'main' && m.host.hasProcesses()) return;
  switch (m.state) {
    case 'start-post': case 'reload': case 'reload-signal': case 'reload-notify':
      if (!m.controlPidGood()) m.enterStop(f);
      return;
    case 'stop':
      return;
    case 'start':
      if (m.svc.type === 'oneshot') {
        if (f === 'success') m.enterStartPost(); else m.enterSignal('stop-sigterm', f);
        return;
      }
      if (m.svc.type === 'notify' || m.svc.type === 'notify-reload') {
        if (f !== 'success') m.enterSignal('stop-sigterm', f);
        else if (!m.svc.remainAfterExit || m.svc.notifyAccess === 'main') m.enterSignal('stop-sigterm', 'protocol');
        return;
      }
      m.enterRunning(f);
      return;
    case 'running':
      m.enterRunning(f);
      return;
    case 'stop-watchdog': case 'stop-sigterm': case 'stop-sigkill':
      if (!m.controlPidGood()) m.enterStopPost(f);
      return;
    case 'stop-post':
      if (!m.controlPidGood()) m.enterSignal('final-sigterm', f);
      return;
    case 'final-watchdog': case 'final-sigterm': case 'final-sigkill':
      if (m.mainPidGood() <= 0) m.enterDead(f, true);
      return;
    default:
      return;
  }
}

export function serviceRunNextMain(m: ServiceMachine): void {
  const mc = m.mainCommand;
  if (!mc) return;
  mc.index++;
  const pid = m.spawn('main', mc.list, mc.index, m.svc.timeoutStartUs, false);
  if (pid === null) { m.enterSignal('stop-sigterm', 'resources'); return; }
  m.setMainPid(pid);
  m.host.watchPid(pid);
}

export function serviceOnControlExit(m: ServiceMachine, _pid: number, e: ExitInfo, f0: ServiceResult): void {
  let f = f0;
  const cc = m.controlCommand;
  const ccmd = cc ? m.svc[cc.list][cc.index] : undefined;
  if (cc) {
    const st = m.execStatus[cc.list][cc.index];
    if (st) { st.exit = m.base.ts(); st.code = cldCode(e); st.status = exitStatusNumber(e); }
    if (ccmd?.ignoreFailure) f = 'success';
  }
  m.log(f === 'success' ? 'debug' : 'notice', `Control process exited, ${describeExit(e)}`);
  if (!RELOADING.has(m.state) && m.res === 'success') m.res = f;
  if (cc && f === 'success' && cc.index + 1 < m.svc[cc.list].length) {
    cc.index++;
    const timeout = STOPPING.has(m.state) ? m.svc.timeoutStopUs : m.svc.timeoutStartUs;
    const npid = m.spawn('control', cc.list, cc.index, timeout, cc.list === 'execStop' || cc.list === 'execStopPost');
    if (npid === null) {
      if (STOPPING.has(m.state)) m.enterSignal('final-sigterm', 'resources');
      else m.enterSignal('stop-sigterm', 'resources');
      return;
    }
    m.controlPid = npid;
    return;
  }
  m.controlCommand = null;
  switch (m.state) {
    case 'condition':
      if (f === 'success') m.enterStartPre(); else m.enterSignal('stop-sigterm', f);
      return;
    case 'start-pre':
      if (f === 'success') m.enterStart(); else m.enterSignal('stop-sigterm', f);
      return;
    case 'start':
      if (m.svc.type !== 'forking') return;
      if (f !== 'success') { m.enterSignal('stop-sigterm', f); return; }
      if (m.svc.pidFile) {
        const hasPost = m.svc.execStartPost.length > 0;
        const ok = m.loadPidFile();
        if (!hasPost && !ok) { m.demandPidFile(); return; }
      } else m.searchMainPid();
      m.enterStartPost();
      return;
    case 'start-post':
      if (f !== 'success') { m.enterSignal('stop-sigterm', f); return; }
      if (m.svc.pidFile) {
        if (!m.loadPidFile()) { m.demandPidFile(); return; }
      } else m.searchMainPid();
      m.enterRunning('success');
      return;
    case 'reload': case 'reload-signal': case 'reload-notify':
      if (f === 'success' && m.svc.pidFile) { if (!m.loadPidFile()) m.searchMainPid(); }
      m.reloadResult = f;
      if (m.svc.type === 'notify-reload' && f === 'success' && m.state === 'reload' && m.notifyState !== 'ready') {
        // ExecReload done, but the service still owes its READY=1 after the reload signal.
        m.setState('reload-signal');
        return;
      }
      m.enterRunning('success');
      return;
    case 'stop':
      m.enterSignal('stop-sigterm', f);
      return;
    case 'stop-watchdog': case 'stop-sigterm': case 'stop-sigkill':
      if (m.mainPidGood() <= 0) m.enterStopPost(f);
      return;
    case 'stop-post':
      if (m.mainPidGood() <= 0) m.enterSignal('final-sigterm', f);
      return;
    case 'final-watchdog': case 'final-sigterm': case 'final-sigkill':
      if (m.mainPidGood() <= 0) m.enterDead(f, true);
      return;
    default:
      return;
  }
}

export function serviceOnUnitEmpty(m: ServiceMachine): void {
  switch (m.state) {
    case 'start':
      if ((m.svc.type === 'notify' || m.svc.type === 'notify-reload') && m.mainPidGood() === 0 && !m.controlPidGood()) {
        m.enterStopPost('protocol'); return;
      }
      if (m.svc.exitType === 'cgroup' && m.mainPidGood() <= 0) { m.enterStopPost('success'); return; }
      if (m.svc.pidFile && m.mainPidGood() === 0 && !m.controlPidGood()) m.enterStopPost('protocol');
      return;
    case 'start-post':
      if (m.svc.pidFile && m.mainPidGood() === 0 && !m.controlPidGood()) m.enterStopPost('protocol');
      return;
    case 'running':
      m.enterRunning('success');
      return;
    case 'stop-watchdog': case 'stop-sigterm': case 'stop-sigkill':
      if (m.mainPidGood() <= 0 && !m.controlPidGood()) m.enterStopPost('success');
      return;
    case 'stop-post': case 'final-watchdog': case 'final-sigterm': case 'final-sigkill':
      if (m.mainPidGood() <= 0 && !m.controlPidGood()) m.enterDead('success', true);
      return;
    default:
      return;
  }
}
