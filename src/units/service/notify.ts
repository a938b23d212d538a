// sd_notify handling for services (service_notify_message): NotifyAccess check, MAINPID= acceptance,
// READY/RELOADING/STOPPING (last one in a datagram wins), STATUS/ERRNO, EXTEND_TIMEOUT_USEC, WATCHDOG=1 /
// trigger / WATCHDOG_USEC, FDSTORE/FDSTOREREMOVE/FDNAME/FDPOLL. Received fds not stored are closed.
// Invariant: only the machine's enter*/setState move the state; this file only decides which to call.
import { isNotifyAllowed } from '../../notify/access';
import { notifyGet, notifyHas, parseErrno, parsePid, parseUsec, type NotifyMessage } from '../../notify/parse';
import type { ServiceMachine } from './machine';
import { MAINPID_STATES, RELOADING, WATCHDOG_STATES } from './states';

export type { NotifySender } from '../types';
import type { NotifySender } from '../types';

const EPERM = 1;

/** fdname_is_valid(): 1..255 printable ASCII chars, no ':'. */
export function fdNameValid(n: string): boolean {
  return n.length > 0 && n.length <= 255 && /^[\x20-\x7e]+$/.test(n) && !n.includes(':');
}

export function handleServiceNotify(m: ServiceMachine, msg: NotifyMessage, sender: NotifySender, fds: number[]): void {
  const pending = new Set(fds);
  const closeRest = (): void => { for (const fd of pending) m.host.closeFd(fd); };
  const d = isNotifyAllowed(m.svc.notifyAccess, sender.pid, {
    mainPid: m.mainPid, controlPid: m.controlPid, unitHasPid: p => (sender.inUnit === true && p === sender.pid) || m.host.pidInUnit(p),
  });
  if (!d.allowed) { m.log('warning', d.reason); closeRest(); return; }

  const mp = notifyGet(msg, 'MAINPID');
  if (mp !== undefined && MAINPID_STATES.has(m.state)) acceptMainPid(m, mp, sender);

  const mono = notifyGet(msg, 'MONOTONIC_USEC');
  const monoUs = mono === undefined ? null : parseUsec(mono);

  for (let i = msg.entries.length - 1; i >= 0; i--) {
    const e = msg.entries[i];
    if (!e) continue;
    const [k, v] = e;
    if (v !== '1' || (k !== 'READY' && k !== 'RELOADING' && k !== 'STOPPING')) continue;
    if (k === 'READY') {
      m.notifyState = 'ready';
      const t = m.svc.type;
      if ((t === 'notify' || t === 'notify-reload') && m.state === 'start') m.enterStartPost();
      else if (m.state === 'reload' && m.controlPid === 0) m.enterRunning('success');
      else if (m.state === 'reload-signal' || m.state === 'reload-notify') m.enterRunning('success');
    } else if (k === 'RELOADING') {
      m.notifyState = 'reloading';
      if (m.state === 'running') m.enterReloadByNotify();
      else if (m.state === 'reload-signal' && monoUs !== null && monoUs >= m.reloadBeginUs) m.setState('reload-notify');
    } else {
      m.notifyState = 'stopping';
      if (m.state === 'running') m.enterStopByNotify();
    }
    break;
  }

  const status = notifyGet(msg, 'STATUS');
  if (status !== undefined) m.statusText = status;
  const errno = notifyGet(msg, 'ERRNO');
  if (errno !== undefined) {
    const n = parseErrno(errno);
    if (n === null) m.log('warning', `Failed to parse ERRNO= field value '${errno}' in notification message.`);
    else m.statusErrno = n;
  }
  const ext = notifyGet(msg, 'EXTEND_TIMEOUT_USEC');
  if (ext !== undefined) {
    const n = parseUsec(ext);
    if (n === null) m.log('warning', `Failed to parse EXTEND_TIMEOUT_USEC=${ext}`);
    else if (m.timerAt !== null) {
      const extended = m.host.now() + n;
      if (m.timerAt < extended) {
        m.log('debug', `Extending timeout by ${n}us.`);
        m.timerAt = extended;
        m.host.armTimer('timeout', extended);
      }
    }
  }
  const wd = notifyGet(msg, 'WATCHDOG');
  if (wd !== undefined) {
    if (wd === '1') { if (WATCHDOG_STATES.has(m.state)) m.resetWatchdog(); }
    else if (wd === 'trigger') {
      if (WATCHDOG_STATES.has(m.state) || m.state === 'start') {
        m.log('error', `Watchdog request (last status: ${m.statusText || 'n/a'})!`);
        m.enterSignal('stop-watchdog', 'watchdog');
      }
    } else m.log('warning', 'Passed WATCHDOG= field is invalid, ignoring.');
  }
  const wdu = notifyGet(msg, 'WATCHDOG_USEC');
  if (wdu !== undefined) {
    const n = parseUsec(wdu);
    if (n === null) m.log('warning', `Failed to parse WATCHDOG_USEC=${wdu}`);
    else if (m.watchdogOverrideUs !== n) {
      m.watchdogOverrideUs = n;
      if (WATCHDOG_STATES.has(m.state)) m.resetWatchdog();
    }
  }

  if (notifyHas(msg, 'FDSTOREREMOVE', '1')) {
    const name = notifyGet(msg, 'FDNAME');
    if (name === undefined || !fdNameValid(name)) m.log('warning', 'FDSTOREREMOVE=1 requested, but no valid file descriptor name passed, ignoring.');
    else {
      for (const e of m.fdStore.filter(x => x.name === name)) { if (e.poll) m.host.pollStoredFd(e.fd, false); m.host.closeFd(e.fd); }
      m.fdStore = m.fdStore.filter(x => x.name !== name);
    }
  } else if (notifyHas(msg, 'FDSTORE', '1')) {
    let name = notifyGet(msg, 'FDNAME');
    if (name !== undefined && !fdNameValid(name)) { m.log('warning', 'Passed FDNAME= name is invalid, ignoring.'); name = undefined; }
    const poll = !notifyHas(msg, 'FDPOLL', '0');
    for (const fd of fds) {
      if (m.fdStore.length >= m.svc.fileDescriptorStoreMax) {
        m.log('warning', `Too many file descriptors stored (FileDescriptorStoreMax=${m.svc.fileDescriptorStoreMax}), closing remaining.`);
        break;
      }
      if (m.fdStore.some(e => e.fd === fd)) { pending.delete(fd); continue; }
      const entry = { fd, name: name ?? 'stored', poll };
      if (poll) {
        // service_add_fd_store(): EPERM means "not pollable" (regular file, memfd, /dev/null) and the fd is
        // stored unwatched; another error refuses this fd and the rest of the datagram's fds (closed below).
        const r = m.host.pollStoredFd(fd, true);
        if (r === -EPERM) entry.poll = false;
        else if (r < 0) break;
      }
      m.fdStore.push(entry);
      pending.delete(fd);
    }
  } else if (fds.length > 0) m.log('warning', 'Got extra auxiliary fds with notification message, closing them.');
  closeRest();
}

function acceptMainPid(m: ServiceMachine, value: string, sender: NotifySender): void {
  const pid = parsePid(value);
  if (pid === null) { m.log('warning', `Failed to parse MAINPID= field in notification message, ignoring: ${value}`); return; }
  if (m.mainPidKnown && pid === m.mainPid) return;
  if (pid === m.controlPid) { m.log('warning', `New main PID ${pid} is the control process, refusing.`); return; }
  if (!m.host.pidAlive(pid)) { m.log('warning', `New main PID ${pid} does not exist or is a zombie.`); return; }
  if (!m.host.pidInUnit(pid)) {
    if (sender.uid !== 0) { m.log('warning', `New main PID ${pid} does not belong to service, refusing.`); return; }
    m.log('debug', `New main PID ${pid} does not belong to service, but we'll accept it as the request to change it came from a privileged process.`);
  }
  m.setMainPid(pid);
  m.host.watchPid(pid);
}

/** Is the service in a reload phase (for callers that show "reloading"). */
export function inReload(m: ServiceMachine): boolean { return RELOADING.has(m.state); }
