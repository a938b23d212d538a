// Main PID discovery for forking/dbus services: PIDFile= (read, wait for it, follow changes),
// GuessMainPID=, and BusName= ownership. Invariant: only live pids become MainPID.
import type { ServiceMachine } from './machine';
import { RELOADING } from './states';

export function serviceLoadPidFile(m: ServiceMachine): boolean {
  const p = m.host.readPidFile(m.svc.pidFile);
  if (p === null) return false;
  if (m.mainPidKnown && p === m.mainPid) return true;
  if (p === m.controlPid || !m.host.pidAlive(p)) {
    m.log('warning', `New main PID ${p} ${p === m.controlPid ? 'is the control process' : "doesn't exist"}, refusing.`);
    return false;
  }
  m.setMainPid(p);
  m.host.watchPid(p);
  return true;
}

export function serviceDemandPidFile(m: ServiceMachine): void {
  if (!m.host.hasProcesses()) { m.enterSignal('stop-sigterm', 'protocol'); return; }
  m.log('debug', `PID file ${m.svc.pidFile} not there yet, waiting.`);
  m.host.armTimer('pidfile', m.host.now() + 50_000);
}

export function serviceRetryPidFile(m: ServiceMachine): void {
  if (m.state !== 'start' && m.state !== 'start-post') return;
  if (m.mainPidKnown && m.mainPid > 0) return;
  if (m.controlPidGood()) return;
  if (m.loadPidFile()) {
    if (m.state === 'start') m.enterStartPost(); else m.enterRunning('success');
    return;
  }
  m.demandPidFile();
}

export function serviceSearchMainPid(m: ServiceMachine): void {
  if (!m.svc.guessMainPID || (m.mainPidKnown && m.mainPid > 0)) return;
  const p = m.host.guessMainPid();
  if (p === null) return;
  m.setMainPid(p);
  m.host.watchPid(p);
}

export function serviceOnBusNameOwner(m: ServiceMachine, hasOwner: boolean, ownerPid: number | null): void {
  m.busNameGood = hasOwner;
  if (m.svc.type === 'dbus') {
    if (m.state === 'running') m.enterRunning('success');
    else if (m.state === 'start' && hasOwner) m.enterStartPost();
  } else if (hasOwner && ownerPid !== null && m.mainPid <= 0
    && (m.state === 'start' || m.state === 'start-post' || m.state === 'running' || RELOADING.has(m.state))) {
    m.setMainPid(ownerPid);
    m.host.watchPid(ownerPid);
  }
}
