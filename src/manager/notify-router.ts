// The manager's sd_notify socket: opened at start (mode 0777 like systemd's: services drop privileges
// before READY=1; SO_PASSCRED plus NotifyAccess= decide what is accepted), read in batches when readable,
// each datagram routed to the unit of its sender pid and handed to that unit's machine (onNotify).
// Invariants: every fd received is either handed to a machine or closed here; datagrams that systemd
// ignores (cut: longer than NOTIFY_BUFFER_MAX or too many fds; no credentials; embedded NUL — see
// src/notify/datagram.ts), from pids of no unit, or for machines without onNotify are dropped; each datagram is one
// guarded event (a machine that throws fails alone).
import createDebug from 'debug';
import { parseNotify } from '../notify/parse';
import { notifyDatagramProblem, RateLimit } from '../notify/datagram';
import { POLL_READABLE } from '../platform/types';
import type { Manager } from './manager';

const debug = createDebug('tsysd:notify');

/** Datagrams handled per readable event before yielding to the event loop. */
const BATCH = 256;

export class NotifyRouter {
  private fd = -1;
  /** Warnings about ignored datagrams (truncated, no credentials, embedded NUL): 10 per 10 s. */
  private readonly warnings = new RateLimit(10, 10_000_000);
  private watch = -1;
  path = '';

  constructor(private readonly m: Manager) {}

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
    for (let i = 0; i < BATCH; i++) {
      const d = p.recvNotify(this.fd);
      if (!d) return;
      const bad = notifyDatagramProblem(d);
      if (bad !== null) {
        for (const fd of d.fds) p.close(fd);
        const rl = this.warnings.allow(p.monotonicUs());
        if (rl.ok) this.m.unitLog('', 'warning', rl.suppressed ? `${bad} (${rl.suppressed} similar messages suppressed)` : bad);
        continue;
      }
      const host = this.m.runtimes.findByPid(d.pid);
      const machine = host?.machine;
      if (!host || !machine?.onNotify) {
        debug('notify from pid %d: no unit', d.pid);
        for (const fd of d.fds) p.close(fd);
        continue;
      }
      const msg = parseNotify(d.data);
      // BARRIER=1 (sd_notify_barrier, used by systemd-notify): the sender waits until we close the fd it
      // sent, which proves every earlier datagram was processed — they were, in order, above.
      if (msg.entries.length === 1 && msg.entries[0]?.[0] === 'BARRIER' && msg.entries[0]?.[1] === '1') {
        for (const fd of d.fds) p.close(fd);
        continue;
      }
      const fds = d.fds;
      let handed = false;
      this.m.barrier.guard('notify', host.id, () => { handed = true; machine.onNotify?.(msg, { pid: d.pid, uid: d.uid, inUnit: true }, fds); });
      if (!handed) for (const fd of fds) p.close(fd);
    }
  }

  close(): void {
    const p = this.m.platform;
    if (this.watch >= 0) { p.unpollFd(this.watch); this.watch = -1; }
    if (this.fd >= 0) { p.close(this.fd); this.fd = -1; }
    if (this.path && !this.path.startsWith('@')) p.unlink(this.path);
  }
}
