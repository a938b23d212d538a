// The cgroup of each sd_notify sender that is not a known main/control pid (NotifyAccess=all senders),
// read once per process from /proc/PID/cgroup and kept while that very process lives. systemd 252 reads the
// cgroup for every datagram (manager_dispatch_notify_fd → manager_get_unit_by_pid_cgroup); that read was
// most of the routing cost, so here it is read once and pinned by a pidfd opened just before it.
// Invariants: an entry is used for a batch only after one poll of its pidfd after that batch was received
// says the process has not exited — so a recycled pid (the old process exited, a new one got its number)
// is never routed by the old process's cgroup: its entry is dropped and the cgroup read again, as systemd
// would read it at dispatch time. Without a pidfd (ESRCH, ENOSYS) nothing is cached and every datagram
// reads the cgroup, as before. Entries are dropped when their pid is reaped by the manager, found exited
// (batch check, or the sweep every SWEEP_US while any are held), and all of them when `limit` live ones
// are held and another comes. Every pidfd opened here is closed here. The unit found for a cached sender is
// remembered while no unit was added, dropped or changed state (Runtimes' version and state epoch).
// Known difference from systemd: a process moved to another cgroup while it lives keeps its first cgroup
// until it exits (the manager itself never moves one).
import type { Platform, TimerHandle } from '../platform/types';
import type { UnitHost } from './unit-host';

const SWEEP_US = 10_000_000;
/** pollGone handles this many fds per call. */
const CHUNK = 4096;

interface Entry { fd: number; cg: string; epoch: number; host: UnitHost | null; ver: number; states: number }

export class NotifySenders {
  /** pid → its pidfd, cgroup, the batch (epoch) in which it was last checked or cached, and the unit last
   *  found for it with the runtimes' version and state epoch of then (valid while both are unchanged). */
  private readonly map = new Map<number, Entry>();
  private readonly checkFds = new Int32Array(CHUNK);
  private readonly checkPids = new Int32Array(CHUNK);
  private readonly gone = new Uint8Array(CHUNK);
  private sweepTimer: TimerHandle | null = null;
  private epoch = 0;

  /** `limit`: pidfds held at most (each is an fd of the manager's; past it, every sender's cgroup is read again). */
  constructor(private readonly p: Platform, private readonly limit = 1024) {}

  get size(): number { return this.map.size; }

  /** Before dispatching a received batch: pids[0..n) are its senders; one poll of the pidfds of those
   *  that are cached drops the entries whose process has exited since. */
  beginBatch(pids: Int32Array, stride: number, offset: number, n: number): void {
    this.epoch++;
    if (this.map.size === 0) return;
    let k = 0;
    for (let i = 0; i < n && k < CHUNK; i++) {
      const pid = pids[i * stride + offset] ?? 0;
      const e = this.map.get(pid);
      if (!e || e.epoch === this.epoch) continue;
      e.epoch = this.epoch;
      this.checkFds[k] = e.fd;
      this.checkPids[k++] = pid;
    }
    this.dropGone(k);
  }

  /** The cgroup of `pid` (as /proc/PID/cgroup shows it), null when it cannot be read. */
  cgroupOf(pid: number): string | null {
    const e = this.map.get(pid);
    if (e) return e.cg;
    const fd = this.p.pidfdOpen(pid);
    const cg = this.p.procCgroup(pid);   // after the pidfd: the cgroup read is that process's
    if (fd < 0) return cg;
    if (cg === null) { this.p.close(fd); return null; }
    if (this.map.size >= this.limit) this.sweep();
    if (this.map.size >= this.limit) this.clear();
    this.map.set(pid, { fd, cg, epoch: this.epoch, host: null, ver: -1, states: -1 });   // opened after this batch arrived: valid for the rest of it
    if (this.sweepTimer === null) this.sweepTimer = this.p.setTimer(SWEEP_US, () => this.onSweep());
    return cg;
  }

  /** The unit last found for a cached pid, if no unit was added, dropped or changed state since. */
  unitOf(pid: number, ver: number, states: number): UnitHost | null {
    const e = this.map.get(pid);
    return e && e.ver === ver && e.states === states ? e.host : null;
  }

  /** Remember the unit found for `pid` (only while its cgroup is cached). */
  rememberUnit(pid: number, host: UnitHost, ver: number, states: number): void {
    const e = this.map.get(pid);
    if (e) { e.host = host; e.ver = ver; e.states = states; }
  }

  /** The manager reaped `pid`: whatever it cached is gone. */
  forget(pid: number): void {
    const e = this.map.get(pid);
    if (!e) return;
    this.p.close(e.fd);
    this.map.delete(pid);
  }

  clear(): void {
    for (const e of this.map.values()) this.p.close(e.fd);
    this.map.clear();
    if (this.sweepTimer !== null) { this.p.clearTimer(this.sweepTimer); this.sweepTimer = null; }
  }

  /** Drop every entry whose process has exited. */
  sweep(): void {
    let k = 0;
    for (const [pid, e] of this.map) {
      this.checkFds[k] = e.fd;
      this.checkPids[k++] = pid;
      if (k === CHUNK) { this.dropGone(k); k = 0; }
    }
    this.dropGone(k);
  }

  private onSweep(): void {
    this.sweepTimer = null;
    this.sweep();
    if (this.map.size > 0) this.sweepTimer = this.p.setTimer(SWEEP_US, () => this.onSweep());
  }

  private dropGone(k: number): void {
    if (k === 0) return;
    const r = this.p.pollGone(this.checkFds, k, this.gone);
    // A failed poll says nothing about any of them: drop them all (they are read again when they send).
    for (let i = 0; i < k; i++) if (r < 0 || this.gone[i] === 1) this.forget(this.checkPids[i] ?? 0);
  }
}
