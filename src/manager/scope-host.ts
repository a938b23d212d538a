// The real host of a scope unit (src/units/scope/machine.ts): moving the processes a client handed over
// (StartTransientUnit PIDs=, kept in Manager.scopePids until the start) into the unit, and noticing when
// the last of them is gone. With a writable cgroup v2 the pids are written to the scope's cgroup.procs and
// emptiness comes from inotify on its cgroup.events (as systemd's cgroup-empty notification); without one
// the scope tracks exactly those pids and their descendants (found by parent pid in /proc, rechecked on a
// short poll), since the processes are not the manager's children and leave no exit status to reap.
// Invariants: only the handed-over pids and their descendants are ever attached, tracked or signalled;
// their sessions are never adopted (the client's session holds processes that are not the scope's).
import type { ScopeHost } from '../units/scope/machine';
import type { Manager } from './manager';
import { UnitHost } from './unit-host';
import type { UnitConfig } from '../directives/types';

const IN_MODIFY = 0x2;
/** Without cgroups: how often the tracked pids are checked for exits (µs). */
const POLL_US = 200_000;

export class ScopeUnitHost extends UnitHost implements ScopeHost {
  /** Without a cgroup: the scope's processes (handed-over pids and the descendants seen so far). */
  private readonly members = new Set<number>();
  private watch: { fd: number; poll: number } | null = null;
  private polling = false;

  constructor(private readonly m: Manager, cfg: UnitConfig) { super(m, cfg); }

  realizeCgroup(): void { this.resources.apply((t) => this.log('warning', t)); }

  attachPids(): number | { error: string } | null {
    const pids = this.m.scopePids.get(this.id);
    if (!pids) return null;
    this.m.scopePids.delete(this.id);
    const p = this.m.platform;
    let n = 0;
    let err = '';
    for (const pid of pids) {
      if (!this.pidAlive(pid)) continue;
      if (this.procs.cgroup) {
        const r = p.writeFile(`${this.procs.cgroup}/cgroup.procs`, String(pid));
        if (r < 0) { err ||= p.strerror(-r); continue; }
      } else this.members.add(pid);
      this.livePids.add(pid);
      this.m.registerPid(pid, this);   // an orphan re-parented to us is reaped and routed here
      n++;
    }
    if (n > 0) { this.mayHaveProcesses = true; this.cgroupSeenEmpty = false; }
    return n === 0 && err ? { error: err } : n;
  }

  watchEmpty(on: boolean): void {
    const p = this.m.platform;
    if (!on) {
      this.dropWatch();
      this.polling = false;
      this.clearTimer('scope-poll');
      return;
    }
    if (this.procs.cgroup && !this.watch) {
      const fd = p.inotifyInit();
      if (fd >= 0 && p.inotifyAddWatch(fd, `${this.procs.cgroup}/cgroup.events`, IN_MODIFY) >= 0) {
        const poll = p.pollFd(fd, 1, () => {
          const ev = p.inotifyRead(fd);
          // A watch that keeps failing (not EAGAIN/EINTR) is dropped for the poll below, never spun on.
          if (typeof ev === 'number' && ev !== -11 && ev !== -4) { this.dropWatch(); this.polling = true; this.schedulePoll(); }
          this.m.guard('child-exit', this.id, () => this.checkEmpty());
        });
        if (poll > 0) this.watch = { fd, poll };
        else p.close(fd);
      } else if (fd >= 0) p.close(fd);
    }
    // No inotify watch (no cgroup, or it failed): check on a short poll instead.
    if (!this.watch) { this.polling = true; this.schedulePoll(); }
    // The processes may already be gone (before the watch existed).
    this.m.defer(() => this.checkEmpty(), this.id);
  }

  private dropWatch(): void {
    if (!this.watch) return;
    this.m.platform.unpollFd(this.watch.poll);
    this.m.platform.close(this.watch.fd);
    this.watch = null;
  }

  private schedulePoll(): void {
    this.armTimerFn('scope-poll', POLL_US, () => {
      if (!this.polling) return;
      this.checkEmpty();
      if (this.polling) this.schedulePoll();
    });
  }

  /** A host-internal timer (not a machine timer: the machine never sees its key). */
  private armTimerFn(key: string, delayUs: number, fn: () => void): void {
    this.clearTimer(key);
    const h = this.m.platform.setTimer(delayUs, () => this.m.guard('timer', this.id, fn));
    this.internalTimers.set(key, h);
  }
  private readonly internalTimers = new Map<string, number>();

  override clearTimer(key: string): void {
    const h = this.internalTimers.get(key);
    if (h !== undefined) { this.m.platform.clearTimer(h); this.internalTimers.delete(key); }
    super.clearTimer(key);
  }

  randomBelow(n: number): number {
    if (n <= 1) return 0;
    const b = this.m.platform.randomBytes(6);
    return Math.floor((b.readUIntBE(0, 6) / 2 ** 48) * n);
  }

  processList(): { pid: number; comm: string }[] {
    return this.pids().map((pid) => ({ pid, comm: this.m.platform.procComm(pid) }));
  }

  // ---- without a cgroup: the tracked pids and their descendants -----------------------------------
  private refreshMembers(): void {
    for (const pid of [...this.members]) if (!this.pidAlive(pid)) this.members.delete(pid);
    if (this.members.size === 0) return;
    const procs = this.m.platform.processes(2);
    for (let grew = true; grew;) {
      grew = false;
      for (const x of procs) if (!this.members.has(x.pid) && this.members.has(x.ppid) && this.pidAlive(x.pid)) { this.members.add(x.pid); grew = true; }
    }
  }

  override hasProcesses(): boolean {
    if (this.procs.cgroup) return super.hasProcesses();
    this.refreshMembers();
    return this.members.size > 0;
  }

  override pids(): number[] {
    if (this.procs.cgroup) return super.pids();
    this.refreshMembers();
    return [...this.members].sort((a, b) => a - b);
  }

  override signalOthers(sig: number, exclude: number[], sigcont: boolean): number {
    if (this.procs.cgroup) return super.signalOthers(sig, exclude, sigcont);
    this.refreshMembers();
    let n = 0;
    for (const pid of this.members) if (!exclude.includes(pid) && this.signal(pid, sig, sigcont)) n++;
    return n;
  }

  override killUnit(whom: 'main' | 'control' | 'all', sig: number): number[] {
    if (this.procs.cgroup || whom !== 'all') return super.killUnit(whom, sig);
    return this.pids().filter((pid) => this.signal(pid, sig, false));
  }

  override pidInUnit(pid: number): boolean {
    if (this.procs.cgroup) return super.pidInUnit(pid);
    return this.members.has(pid);
  }

  override dispose(opts: { final?: boolean } = {}): void {
    this.watchEmpty(false);
    super.dispose(opts);
  }
}
