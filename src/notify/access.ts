// NotifyAccess= policy (§6): decides whether a datagram from `senderPid` may talk to a unit.
// none: nobody; main: the main pid only; exec: main or control pid; all: every process of the unit.
// Invariant: pure; routing a datagram to a unit by sender pid is the manager's job, which then asks this.
import type { NotifyAccess } from '../directives/types';

export interface NotifyPids {
  mainPid: number;          // 0 when unknown
  controlPid: number;       // 0 when none
  /** Is the pid a process of the unit (cgroup / tracked)? Only consulted for access=all. */
  unitHasPid: (pid: number) => boolean;
}

export type NotifyDecision = { allowed: true } | { allowed: false; reason: string };

export function isNotifyAllowed(access: NotifyAccess, senderPid: number, p: NotifyPids): NotifyDecision {
  switch (access) {
    case 'none':
      return { allowed: false, reason: `Got notification message from PID ${senderPid}, but reception is disabled.` };
    case 'main':
      if (senderPid === p.mainPid && p.mainPid > 0) return { allowed: true };
      return {
        allowed: false,
        reason: p.mainPid > 0
          ? `Got notification message from PID ${senderPid}, but reception only permitted for main PID ${p.mainPid}`
          : `Got notification message from PID ${senderPid}, but reception only permitted for main PID which is currently not known`,
      };
    case 'exec':
      if (senderPid > 0 && (senderPid === p.mainPid || senderPid === p.controlPid)) return { allowed: true };
      return {
        allowed: false,
        reason: `Got notification message from PID ${senderPid}, but reception only permitted for main PID ${p.mainPid} and control PID ${p.controlPid}`,
      };
    case 'all':
      if (senderPid === p.mainPid || senderPid === p.controlPid || p.unitHasPid(senderPid)) return { allowed: true };
      return { allowed: false, reason: `Got notification message from PID ${senderPid}, which does not belong to the unit` };
  }
}
