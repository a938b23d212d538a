// Service timer dispatch (service_dispatch_timer/watchdog): what each state does when its timeout fires,
// honouring Timeout{Start,Stop}FailureMode= and SendSIGKILL=. Invariant: only calls the machine's enter*().
import { SIGKILL } from '../exit-status';
import type { ServiceMachine } from './machine';

export function serviceOnTimer(m: ServiceMachine, key: string): void {
  if (key === 'watchdog') {
    if (m.watchdogAt === null) return;
    m.watchdogAt = null;
    m.log('error', `Watchdog timeout (limit ${Math.round(m.watchdogUs() / 1000)}ms)!`);
    m.enterSignal('stop-watchdog', 'watchdog');
    return;
  }
  if (key === 'pidfile') { m.retryPidFile(); return; }
  if (key !== 'timeout' || m.timerAt === null) return;
  m.timerAt = null;
  const sk = m.cfg.kill.sendSIGKILL;
  const startMode = m.svc.timeoutStartFailureMode, stopMode = m.svc.timeoutStopFailureMode;
  switch (m.state) {
    case 'condition': case 'start-pre': case 'start': case 'start-post':
      m.log('warning', `${m.state} operation timed out. ${startMode === 'terminate' ? 'Terminating' : startMode === 'abort' ? 'Aborting' : sk ? 'Killing' : 'Skipping SIGKILL'}.`);
      if (startMode === 'terminate') m.enterSignal('stop-sigterm', 'timeout');
      else if (startMode === 'abort') m.enterSignal('stop-watchdog', 'timeout');
      else if (sk) m.enterSignal('stop-sigkill', 'timeout');
      else m.enterStopPost('timeout');
      return;
    case 'running':
      m.log('warning', 'Service reached runtime time limit. Stopping.');
      m.enterStop('timeout');
      return;
    case 'reload': case 'reload-signal': case 'reload-notify':
      m.log('warning', 'Reload operation timed out. Killing reload process.');
      if (m.controlPid > 0) m.host.signal(m.controlPid, SIGKILL, false);
      m.reloadResult = 'timeout';
      m.enterRunning('success');
      return;
    case 'stop':
      m.log('warning', `stop operation timed out. ${stopMode === 'terminate' ? 'Terminating' : stopMode === 'abort' ? 'Aborting' : 'Killing'}.`);
      if (stopMode === 'terminate') m.enterSignal('stop-sigterm', 'timeout');
      else if (stopMode === 'abort') m.enterSignal('stop-watchdog', 'timeout');
      else if (sk) m.enterSignal('stop-sigkill', 'timeout');
      else m.enterStopPost('timeout');
      return;
    case 'stop-watchdog':
      m.log('warning', `State 'stop-watchdog' timed out. ${sk ? 'Killing' : 'Skipping SIGKILL'}.`);
      if (sk) m.enterSignal('stop-sigkill', 'timeout'); else m.enterStopPost('timeout');
      return;
    case 'stop-sigterm':
      if (stopMode === 'abort') { m.log('warning', "State 'stop-sigterm' timed out. Aborting."); m.enterSignal('stop-watchdog', 'timeout'); }
      else if (sk) { m.log('warning', "State 'stop-sigterm' timed out. Killing."); m.enterSignal('stop-sigkill', 'timeout'); }
      else { m.log('warning', "State 'stop-sigterm' timed out. Skipping SIGKILL."); m.enterStopPost('timeout'); }
      return;
    case 'stop-sigkill':
      m.log('warning', 'Processes still around after SIGKILL. Ignoring.');
      m.enterStopPost('timeout');
      return;
    case 'stop-post':
      m.log('warning', 'stop-post operation timed out.');
      if (stopMode === 'terminate') m.enterSignal('final-sigterm', 'timeout');
      else if (stopMode === 'abort') m.enterSignal('final-watchdog', 'timeout');
      else if (sk) m.enterSignal('final-sigkill', 'timeout');
      else m.enterDead('timeout', true);
      return;
    case 'final-watchdog':
      if (sk) m.enterSignal('final-sigkill', 'timeout'); else m.enterDead('timeout', true);
      return;
    case 'final-sigterm':
      if (stopMode === 'abort') m.enterSignal('final-watchdog', 'timeout');
      else if (sk) m.enterSignal('final-sigkill', 'timeout');
      else m.enterDead('timeout', true);
      return;
    case 'final-sigkill':
      m.log('warning', 'Processes still around after final SIGKILL. Entering failed mode.');
      m.enterDead('timeout', true);
      return;
    case 'auto-restart':
      m.log('info', m.svc.restartUs > 0 ? 'Service RestartSec expired, scheduling restart.' : 'Service has no hold-off time (RestartSec=0), scheduling restart.');
      m.enterRestart();
      return;
    default:
      return;
  }
}
