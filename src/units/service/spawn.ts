// Service command spawning (service_spawn) and main-pid bookkeeping: which exec list a command comes from,
// the environment a command gets ($MAINPID, $SERVICE_RESULT, $WATCHDOG_USEC...), and the ExecStatus
// records (ExecMainPID/ExecStart= show rows) a spawn or a new main pid updates.
// Invariants: a spawn arms the machine's state timer before the process exists; a failed spawn is logged
// and returns null (the caller picks the failure path); only execStart passes listening fds and the fd store.
import { NO_TIMESTAMP } from '../types';
import { cldCodeName, signalName } from '../exit-status';
import type { ExecListName, SpawnKind } from '../host';
import type { ExecListKey, ServiceMachine } from './machine';

/** The exec list field of a [Service] section → its directive name (for logs and the host). */
export const LIST_NAME: Record<ExecListKey, ExecListName> = {
  execCondition: 'ExecCondition', execStartPre: 'ExecStartPre', execStart: 'ExecStart', execStartPost: 'ExecStartPost',
  execReload: 'ExecReload', execStop: 'ExecStop', execStopPost: 'ExecStopPost',
};

/** service_spawn(): arms the state timer, returns the pid or null (logged) on failure. */
export function serviceSpawn(m: ServiceMachine, kind: SpawnKind, list: ExecListKey, index: number, timeoutUs: number, setenvResult: boolean): number | null {
  const cmd = m.svc[list][index];
  if (!cmd) return null;
  m.armTimerRelative(timeoutUs);
  const env: Record<string, string> = {};
  if (m.mainPid > 0) env['MAINPID'] = String(m.mainPid);
  if (m.svc.pidFile) env['PIDFILE'] = m.svc.pidFile;
  if (setenvResult) {
    env['SERVICE_RESULT'] = m.res;
    if (m.mainExec.pid > 0 && m.mainExec.exit.monotonic !== 0) {
      env['EXIT_CODE'] = cldCodeName(m.mainExec.code);
      env['EXIT_STATUS'] = m.mainExec.code === 1 ? String(m.mainExec.status) : signalName(m.mainExec.status);
    }
  }
  const isMainStart = list === 'execStart';
  const wd = m.watchdogUs();
  if (isMainStart && wd > 0 && Number.isFinite(wd)) env['WATCHDOG_USEC'] = String(wd);
  const r = m.host.spawn({
    kind, list: LIST_NAME[list], index, command: cmd,
    passFds: isMainStart,
    fdStore: isMainStart ? m.fdStore.map(e => ({ fd: e.fd, name: e.name })) : [],
    env,
    watchdogPid: isMainStart && wd > 0 && Number.isFinite(wd),
    wantExecOutcome: isMainStart && m.svc.type === 'exec',
    idle: isMainStart && m.svc.type === 'idle',
    invocationId: m.base.invocationId,
  });
  if ('error' in r) {
    m.log('warning', `Failed to spawn '${LIST_NAME[list]}' task: ${r.error}`);
    return null;
  }
  const st = m.execStatus[list][index];
  if (st) { st.pid = r.pid; st.start = m.base.ts(); st.exit = NO_TIMESTAMP; st.code = 0; st.status = 0; }
  return r.pid;
}

export function serviceSetMainPid(m: ServiceMachine, pid: number): void {
  m.mainPid = pid;
  m.mainPidKnown = true;
  m.mainPidAlien = pid > 0 && !m.host.pidInUnit(pid);
  m.mainExec = { path: '', argv: [], ignoreFailure: false, pid, start: m.base.ts(), exit: NO_TIMESTAMP, code: 0, status: 0 };
  const c = m.mainCommand ? m.svc[m.mainCommand.list][m.mainCommand.index] : undefined;
  if (c) { m.mainExec.path = c.path; m.mainExec.argv = c.argv; m.mainExec.ignoreFailure = c.ignoreFailure; }
}
