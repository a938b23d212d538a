// The manager's sd_notify socket: opened at start (mode 0777 like systemd's: services drop privileges
// before READY=1; SO_PASSCRED plus NotifyAccess= decide what is accepted), read in batches when readable
// (one recvmmsg per up to 64 datagrams into buffers allocated once, src/notify/batch.ts), each datagram
// routed to the unit of its sender pid (pid table, then the sender's cgroup, read once per process:
// ./notify-senders.ts) and handed to that unit's machine (onNotify).
// Invariants: every fd received is either handed to a machine or closed here; datagrams that systemd
// ignores (cut: longer than NOTIFY_BUFFER_MAX or too many fds; no credentials; embedded NUL — see
// src/notify/datagram.ts), from pids of no unit, or for machines without onNotify are dropped; datagrams
// are handled in arrival order; each is one guarded event (a machine that throws fails alone).
import createDebug from 'debug';
import { parseNotify } from '../notify/parse';
import { notifyBytesProblem, RateLimit } from '../notify/datagram';
import { M_FD0, M_LEN, M_NFD, M_PID, M_TRUNC, M_UID, META, newNotifyBatch } from '../notify/batch';
import { POLL_READABLE } from '../platform/types';
import type { Manager } from './manager';
import { NotifySenders } from './notify-senders';
import type { UnitHost } from './unit-host';

const debug = createDebug('tsysd:notify');

/** Datagrams handled per readable event before yielding to the event loop. */
const PER_EVENT = 256;

export class NotifyRouter {
  private fd = -1;
  /** Warnings about ignored datagrams (truncated, no credentials, embedded NUL): 10 per 10 s. */
  private readonly warnings = new RateLimit(10, 10_000_000);
  private watch = -1;
  private readonly batch = newNotifyBatch();
  readonly senders: NotifySenders;
  private readonly cgroupOf: (pid: number) => string | null;
  path = '';

  constructor(private readonly m: Manager) {
    this.senders = new NotifySenders(m.platform);
    this.cgroupOf = (pid) => this.senders.cgroupOf(pid);
  }

  /** Bind the socket at `path`; null on success, else the error text. */
  open(path: string): string | null {
    const p = this.m.platform;
    if (!path.startsWith('@')) p.unlink(path);
    const r = p.openNotifySocket(path);
    if ('errno' in r) return `cannot open notify socket ${path}: ${r.message}`;
    this.fd = r.fd;
    this.path = path;
    if (!path.startsWith('@')) p.chmod(path, 0o777);
    this.watch = p.pollFd(r.fd, POLL_READABLE, () => this.read());
    if (this.watch < 0) return `cannot watch notify socket ${path}: ${p.strerror(-this.watch)}`;
    return null;
  }

  private read(): void {
    const p = this.m.platform;
    const b = this.batch;
    for (let done = 0; done < PER_EVENT;) {
      const n = p.recvNotifyBatch(this.fd, b);
      if (n <= 0) return;
      this.senders.beginBatch(b.meta, META, M_PID, n);
      for (let i = 0; i < n; i++) this.dispatch(i);
      done += n;   // then read again: senders blocked on a full queue refilled it meanwhile
    }
  }

  /** Datagram i of the current batch. */
  private dispatch(i: number): void {
    const p = this.m.platform;
    const b = this.batch;
    const meta = b.meta;
    const m = i * META;
    const len = meta[m + M_LEN] ?? 0, pid = meta[m + M_PID] ?? -1, nfd = meta[m + M_NFD] ?? 0;
    const off = i * b.slot;
    const fds: number[] = [];
    for (let k = 0, f = meta[m + M_FD0] ?? 0; k < nfd; k++) fds.push(b.fds[f + k] ?? -1);
    const bad = notifyBytesProblem(meta[m + M_TRUNC] === 1, pid, b.data, off, len);
    if (bad !== null) {
      for (const fd of fds) p.close(fd);
      const rl = this.warnings.allow(p.monotonicUs());
      if (rl.ok) this.m.unitLog('', 'warning', rl.suppressed ? `${bad} (${rl.suppressed} similar messages suppressed)` : bad);
      return;
    }
    const host = this.unitOf(pid);
    const machine = host?.machine;
    if (!host || !machine?.onNotify) {
      debug('notify from pid %d: no unit', pid);
      for (const fd of fds) p.close(fd);
      return;
    }
    const msg = parseNotify(b.data.toString('utf8', off, off + len));
    // BARRIER=1 (sd_notify_barrier, used by systemd-notify): the sender waits until we close the fd it
    // sent, which proves every earlier datagram was processed — they were, in order, above.
    if (msg.entries.length === 1 && msg.entries[0]?.[0] === 'BARRIER' && msg.entries[0]?.[1] === '1') {
      for (const fd of fds) p.close(fd);
      return;
    }
    const uid = meta[m + M_UID] ?? -1;
    let handed = false;
    this.m.barrier.guard('notify', host.id, () => { handed = true; machine.onNotify?.(msg, { pid, uid, inUnit: true }, fds); });
    if (!handed) for (const fd of fds) p.close(fd);
  }

  /** The sender's unit: its main/control pid, else the unit of its (cached) cgroup. */
  private unitOf(pid: number): UnitHost | null {
    const rts = this.m.runtimes;
    const direct = rts.byPid(pid);
    if (direct) return direct;
    const ver = rts.version, states = rts.stateEpoch;
    const known = this.senders.unitOf(pid, ver, states);
    if (known) return known;
    const host = rts.findByPid(pid, this.cgroupOf);
    if (host) this.senders.rememberUnit(pid, host, ver, states);
    return host;
  }

  /** The manager reaped `pid`: forget its cached cgroup. */
  reaped(pid: number): void { this.senders.forget(pid); }

  close(): void {
    const p = this.m.platform;
    this.senders.clear();
    if (this.watch >= 0) { p.unpollFd(this.watch); this.watch = -1; }
    if (this.fd >= 0) { p.close(this.fd); this.fd = -1; }
    if (this.path && !this.path.startsWith('@')) p.unlink(this.path);
  }
}
