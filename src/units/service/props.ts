// `show`/`status` runtime properties of a service machine, under systemd's property names.
// Invariant: read-only view; numbers are as systemctl prints them (pids 0 when none, µs for times).
import type { PropValue } from '../types';
import type { ServiceMachine } from './machine';

export function serviceProperties(m: ServiceMachine): Record<string, PropValue> {
  const wd = m.watchdogUs();
  return {
    ...m.base.baseProperties(),
    Type: m.svc.type,
    ActiveState: m.activeState(),
    SubState: m.subState(),
    Result: m.res,
    ReloadResult: m.reloadResult,
    MainPID: m.mainPid,
    ControlPID: m.controlPid,
    ExecMainPID: m.mainExec.pid,
    ExecMainCode: m.mainExec.code,
    ExecMainStatus: m.mainExec.status,
    ExecMainStartTimestamp: m.mainExec.start,
    ExecMainExitTimestamp: m.mainExec.exit,
    NRestarts: m.nRestarts,
    StatusText: m.statusText,
    StatusErrno: m.statusErrno,
    NotifyAccess: m.svc.notifyAccess,
    WatchdogUSec: Number.isFinite(wd) ? wd : 0,
    WatchdogTimestamp: m.watchdogTs,
    NFileDescriptorStore: m.fdStore.length,
    FileDescriptorStoreMax: m.svc.fileDescriptorStoreMax,
    ExecCondition: m.execStatus.execCondition,
    ExecStartPre: m.execStatus.execStartPre,
    ExecStart: m.execStatus.execStart,
    ExecStartPost: m.execStatus.execStartPost,
    ExecReload: m.execStatus.execReload,
    ExecStop: m.execStatus.execStop,
    ExecStopPost: m.execStatus.execStopPost,
    StartLimitHit: m.base.startLimitHit,
  };
}
