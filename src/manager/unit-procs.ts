// The processes of one unit: which pids belong to it (its cgroup, or the session fallback without cgroups),
// whether any is left, and signalling them. The base of UnitHost (unit-host.ts), which adds spawning, timers
// and the reports to the manager. Every /proc and cgroup read goes through the Platform (procStat,
// procCgroup, cgroupIsEmpty ...); the fallback's scans live in src/exec/kill.ts.
// Invariant: only pids tracked here (spawned, watched main pids, members of the unit's cgroup or sessions)
// are signalled.
import { fallbackHasProcesses, killUnit, signalFallback, unitPids, type UnitProcesses } from '../exec/kill';
import type { Platform } from '../platform/types';

let ownSid = -1;
/** The manager's own session id (read once). */
function ownSession(p: Platform): number {
  if (ownSid < 0) ownSid = p.procStat(p.pid())?.sid ?? 0;
  return ownSid;
}

export class UnitProcessTracker {
  readonly procs: UnitProcesses;
  /** Pids of this unit the manager is waiting on (spawned, or watched main pids). */
  readonly livePids = new Set<number>();
  /** Pids spawned by this host whose exit the reaper has not delivered yet. */
  protected readonly spawned = new Set<number>();
  /** True from the first spawn until the machine was told the unit is empty. */
  mayHaveProcesses = false;

  constructor(protected readonly platform: Platform, cgroup: string) {
    this.procs = { mainPid: null, controlPid: null, cgroup, sessions: [] };
  }

  /** Count `pid` as the unit's (and, for the fallback tracking, its session). */
  protected trackPid(pid: number, spawned: boolean): void {
    this.mayHaveProcesses = true;
    this.livePids.add(pid);
    // Each spawned process leads its own session (setsid in the helper): its session id is its pid.
    // A process we spawned may not have reached its setsid() yet (the addon does not wait for the child's
    // execve), so its session is taken as its pid, never read. Another process (PIDFile=, MAINPID=) adds its
    // own session unless that is the manager's: the fallback kills whole sessions.
    const sid = spawned ? pid : this.sessionOf(pid);
    if (sid > 1 && sid !== ownSession(this.platform) && !this.procs.sessions.includes(sid)) this.procs.sessions.push(sid);
  }

  /** A session leader of the fallback tracking was reaped: once neither its process group nor its session
   *  has a member, its id is free for reuse by any process and must not be signalled as ours any more. */
  protected forgetSession(pid: number): void {
    const i = this.procs.sessions.indexOf(pid);
    if (this.procs.cgroup || i < 0) return;
    const p = this.platform;
    if (p.killProcessGroup(pid, 0) === 0 || p.processes().some((x) => x.sid === pid && x.pid !== pid)) return;
    this.procs.sessions.splice(i, 1);
  }

  private sessionOf(pid: number): number { return this.platform.procStat(pid)?.sid ?? 0; }

  signal(pid: number, sig: number, sigcont: boolean): boolean {
    if (pid <= 1) return false;
    const r = this.platform.kill(pid, sig);
    if (r === 0 && sigcont && sig !== 9 && sig !== 18) this.platform.kill(pid, 18);
    return r === 0;
  }

  signalOthers(sig: number, exclude: number[], sigcont: boolean): number {
    const p = this.platform;
    if (this.procs.cgroup) {
      // After the main and control processes are gone (the final steps of a stop) the cgroup is usually
      // empty: one read of cgroup.events instead of listing the tree and writing cgroup.kill.
      if (exclude.length === 0 && this.cgroupEmpty()) return 0;
      const pids = p.cgroupKill(this.procs.cgroup, sig, exclude);
      if (sigcont && sig !== 9 && sig !== 18) for (const x of pids) p.kill(x, 18);
      return pids.length;
    }
    // No cgroup: process groups, /proc scans until nothing new (src/exec/kill.ts).
    const r = signalFallback(p, this.procs, sig, exclude, sigcont);
    return r.pids.length + r.groups;
  }

  /** `kill` of the unit (KillUnit, `tsysctl kill`): the pids signalled. */
  killUnit(whom: 'main' | 'control' | 'all', sig: number): number[] { return killUnit(this.platform, this.procs, whom, sig); }

  /** All live processes of the unit (cgroup, or the session fallback). */
  pids(): number[] {
    // Each pid re-checked in /proc: the fallback's /proc snapshot is per event-loop turn and may still list
    // a process reaped since.
    const p = this.platform;
    return unitPids(p, this.procs).filter((pid) => { const st = p.procStat(pid); return st !== null && st.state !== 'Z'; });
  }

  /** Known empty (never spawned, or reported empty since) needs no cgroup read or /proc scan. */
  hasProcesses(): boolean {
    if (!this.mayHaveProcesses) return false;
    if (!this.procs.cgroup) {
      // Never "empty" while a known process group has a member or a fresh scan (≤ 2 ms old: the kernel's
      // group probe already covers forks inside the groups) shows one (issue 12 #8).
      const p = this.platform;
      if (fallbackHasProcesses(p, this.procs, (pid) => { const st = p.procStat(pid); return st !== null && st.state !== 'Z'; }, 2)) return true;
      this.procs.sessions.length = 0;   // all gone: their ids may be reused by other processes from now on
      return false;
    }
    // cgroup.events, plus main/control pids (they may live outside the cgroup, e.g. from a PIDFile=).
    if (!this.cgroupEmpty()) return true;
    for (const pid of [this.procs.mainPid, this.procs.controlPid]) if (pid && pid > 1 && this.pidAlive(pid)) return true;
    return false;
  }

  /** The unit's cgroup has no live process. Sticky until the next spawn: nothing enters an empty cgroup
   *  except a process we spawn into it (the addon starts it there, or it joins before exec). */
  protected cgroupEmpty(): boolean {
    if (this.cgroupSeenEmpty) return true;
    if (!this.platform.cgroupIsEmpty(this.procs.cgroup)) return false;
    this.cgroupSeenEmpty = true;
    return true;
  }
  protected cgroupSeenEmpty = false;

  /** A process this host spawned as main or control process is not reaped yet: its exit (delivered to
   *  childExited) will run checkEmpty, so a manager-wide emptiness check can skip this unit. */
  awaitsOwnExit(): boolean {
    const { mainPid, controlPid } = this.procs;
    return (mainPid !== null && this.spawned.has(mainPid)) || (controlPid !== null && this.spawned.has(controlPid));
  }

  pidAlive(pid: number): boolean {
    if (pid <= 0) return false;
    const st = this.platform.procStat(pid);
    return st !== null && st.state !== 'Z';
  }

  pidInUnit(pid: number): boolean {
    if (pid <= 1) return false;
    // Our own not-yet-reaped child belongs to the unit even once it left the cgroup (a fast-exiting zombie is
    // no longer listed in cgroup.procs; treating it as alien made a 203/EXEC main look like a clean stop).
    if (this.spawned.has(pid)) return true;
    if (pid === this.procs.mainPid || pid === this.procs.controlPid) return true;
    if (this.procs.cgroup) {
      // One read of /proc/PID/cgroup (as systemd's cg_pid_get_path), not a walk of the unit's cgroup tree.
      const cg = this.platform.procCgroup(pid);
      return cg !== null && this.cgroupMatches(cg);
    }
    return this.procs.sessions.includes(this.sessionOf(pid));
  }

  /** Is cgroup path `cg` (as /proc/PID/cgroup shows it, relative to the cgroup2 mount) this unit's or below? */
  cgroupMatches(cg: string): boolean { return this.cgroupMatchDepth(cg) >= 0; }
  /** The length of this unit's cgroup path when `cg` is it or below it (deeper units give larger values), else -1. */
  cgroupMatchDepth(cg: string): number {
    const rel = this.cgroupRel();
    return rel !== '' && (cg === rel || cg.startsWith(`${rel}/`)) ? rel.length : -1;
  }

  private cgroupRelCache: string | null = null;
  private cgroupRel(): string {
    if (this.cgroupRelCache !== null) return this.cgroupRelCache;
    const mount = this.platform.cgroupSupport().mount;
    const abs = this.procs.cgroup;
    this.cgroupRelCache = abs && mount && abs.startsWith(mount) ? abs.slice(mount.length) || '/' : '';
    return this.cgroupRelCache;
  }

  guessMainPid(): number | null {
    const c = this.procs.controlPid;
    const left = this.pids().filter((x) => x !== c && this.platform.parentPid(x) === this.platform.pid());
    return left.length === 1 ? (left[0] ?? null) : null;
  }

}
