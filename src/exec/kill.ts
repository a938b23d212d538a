// Process tracking and killing for KillMode=control-group|mixed|process|none (systemd.kill(5)).
// Tracking: every service process is spawned in its own session (setsid), and, when cgroup v2 is
// writable, in the unit's own cgroup below the manager's cgroup. With a cgroup, "all processes of the
// unit" is exact: forked, double-forked and setsid()'d descendants stay in it. Without one (fallback),
// "all processes" = main pid + control pid + every process whose session id is one of the unit's known
// sessions (each spawned process leads its own session; a Type=forking main pid adds its session) + all
// their descendants by parent pid. A process that calls setsid() AND whose parent already exited (so it
// was re-parented to the manager/init) is invisible to the fallback (documented difference from systemd).
// The fallback's first pass reads the platform's /proc snapshot, shared by every unit within one event-loop
// turn; it may still hold a pid reaped during the turn (callers that count live processes re-check each
// pid; signalling such a pid is a harmless ESRCH) and it misses whatever was forked since — a fork storm
// outran `stop` that way (issue 12 #8). So the fallback kill (signalFallback) also signals each known
// session's process group with one kill(-pgid) (the kernel makes that atomic against fork: a child forked
// meanwhile is in the group and gets the signal), then re-scans /proc afresh until two consecutive scans
// find nothing new; and emptiness (fallbackHasProcesses) is only concluded after the per-turn snapshot,
// a kill(-pgid, 0) probe of every known group and a fresh scan all find nothing.
// Invariant: only pids of this unit are signalled; pid <= 1 is never signalled.
import type { KillContext, KillMode } from '../directives/types';
import type { Platform, ProcInfo } from '../platform/types';

export const SIGHUP = 1;
export const SIGKILL = 9;
export const SIGTERM = 15;
export const SIGCONT = 18;
export const SIGSTOP = 19;

export interface UnitProcesses {
  mainPid: number | null;
  controlPid: number | null;
  /** cgroup directory ('' when cgroups are not available). */
  cgroup: string;
  /** Session ids known to belong to the unit (fallback tracking): spawned pids and the main pid. */
  sessions: number[];
}

/** All live pids of the unit (cgroup membership, or the fallback: members of the unit's sessions, main
 *  and control pid, and all their descendants by parent pid), main/control included. */
export function unitPids(p: Platform, u: UnitProcesses, maxAgeMs?: number): number[] {
  const set = new Set<number>();
  if (u.cgroup) {
    for (const pid of p.cgroupPids(u.cgroup)) set.add(pid);
    for (const pid of [u.mainPid, u.controlPid]) if (pid && pid > 1 && p.parentPid(pid) !== 0) set.add(pid);
  } else if (u.sessions.length > 0 || u.mainPid || u.controlPid) {
    const ix = procIndex(p.processes(maxAgeMs));
    for (const s of u.sessions) if (s > 1) for (const pid of ix.bySid.get(s) ?? []) set.add(pid);
    // (a main/control pid spawned after the turn's snapshot was taken is not in it yet)
    for (const pid of [u.mainPid, u.controlPid]) if (pid && (ix.live.has(pid) || p.parentPid(pid) !== 0)) set.add(pid);
    // descendants (catches children that called setsid() while their parent still lives)
    const stack = [...set];
    while (stack.length) {
      const x = stack.pop() as number;
      for (const c of ix.kids.get(x) ?? []) if (!set.has(c)) { set.add(c); stack.push(c); }
    }
  }
  set.delete(p.pid());
  return [...set].filter((x) => x > 1);
}

/** Most fresh /proc scans one fallback kill makes before giving up on a unit that keeps forking (each round
 *  signals everything it found; with SIGKILL a storm cannot outlast a few rounds). */
const MAX_RESCANS = 64;

/**
 * Signal every process of a unit without a cgroup, except `exclude` (signalled by the caller, or a control
 * process that must keep running) and `signalled` (already done). Returns the pids signalled one by one, and how many process groups got the signal at once (both 0: nothing to wait for).
 * Each known session's process group is frozen first (kill(-pgid, SIGSTOP): atomic against fork, so a fork
 * storm inside the group cannot outrun it), its members and descendants signalled one by one (each gets the
 * signal once), fresh scans repeated until nothing new shows up, then the groups are thawed (SIGCONT, which
 * systemd sends after the kill signal anyway). SIGKILL also goes to each group as a whole, except groups
 * led by an excluded pid.
 */
export function signalFallback(p: Platform, u: UnitProcesses, sig: number, exclude: readonly number[], sigcont: boolean, sighup = false,
  signalled: ReadonlySet<number> = new Set()): { pids: number[]; groups: number } {
  const done = new Set<number>([...exclude, ...signalled]);
  const pids: number[] = [];
  let groupsHit = 0;
  const one = (pid: number): void => {
    if (pid <= 1 || done.has(pid)) return;
    done.add(pid);
    if (p.kill(pid, sig) !== 0) return;
    pids.push(pid);
    if (sigcont && sig !== SIGCONT && sig !== SIGKILL) p.kill(pid, SIGCONT);
    if (sighup && sig !== SIGKILL && sig !== SIGHUP) p.kill(pid, SIGHUP);
  };
  const groups = u.sessions.filter((s) => s > 1 && s !== p.pid());
  // Freeze first: a stopped process cannot fork, and a stopped parent keeps its setsid()'d children
  // reachable as its descendants (a parent killed first would orphan them to the manager, out of sight).
  const frozen = groups.filter((s) => p.killProcessGroup(s, SIGSTOP) === 0);
  try {
    for (const pid of unitPids(p, u)) one(pid);
    // Fresh scans until two in a row find nothing new (processes that left their group, forked since).
    for (let round = 0, quiet = 0; round < MAX_RESCANS && quiet < 2; round++) {
      let fresh = 0;
      for (const pid of unitPids(p, u, 0)) if (!done.has(pid)) { fresh++; one(pid); }
      quiet = fresh === 0 ? quiet + 1 : 0;
    }
    // SIGKILL also goes to each group at once (members the scans could not see included).
    if (sig === SIGKILL) for (const s of groups) if (!exclude.includes(s) && p.killProcessGroup(s, SIGKILL) === 0) groupsHit++;
  } finally {
    for (const s of frozen) p.killProcessGroup(s, SIGCONT);
  }
  return { pids, groups: groupsHit };
}

/** Does a unit without a cgroup still have a process? Never "no" while one of its known process groups
 *  has a member, or while a fresh /proc scan (at most `maxAgeMs` old) shows a process of its sessions or a
 *  descendant of its main/control process. `live` filters pids of the scan that died since. */
export function fallbackHasProcesses(p: Platform, u: UnitProcesses, live: (pid: number) => boolean, maxAgeMs: number): boolean {
  if (unitPids(p, u).some(live)) return true;
  for (const s of u.sessions) if (s > 1 && s !== p.pid() && p.killProcessGroup(s, 0) === 0) return true;
  return unitPids(p, u, maxAgeMs).some(live);
}

interface ProcIndex { live: Set<number>; bySid: Map<number, number[]>; kids: Map<number, number[]> }
/** Lookup tables over one /proc snapshot, built once per snapshot (the platform hands every caller of the
 *  same event-loop turn the same array), so each unit costs O(its own processes), not O(all processes). */
const indexes = new WeakMap<readonly ProcInfo[], ProcIndex>();
function procIndex(procs: readonly ProcInfo[]): ProcIndex {
  let ix = indexes.get(procs);
  if (ix) return ix;
  ix = { live: new Set(), bySid: new Map(), kids: new Map() };
  for (const pr of procs) {
    ix.live.add(pr.pid);
    const s = ix.bySid.get(pr.sid); if (s) s.push(pr.pid); else ix.bySid.set(pr.sid, [pr.pid]);
    const k = ix.kids.get(pr.ppid); if (k) k.push(pr.pid); else ix.kids.set(pr.ppid, [pr.pid]);
  }
  indexes.set(procs, ix);
  return ix;
}

function signalOne(p: Platform, pid: number, sig: number, sendSighup: boolean, done: Set<number>): void {
  if (pid <= 1 || done.has(pid)) return;
  done.add(pid);
  p.kill(pid, sig);
  if (sig !== SIGCONT && sig !== SIGKILL) p.kill(pid, SIGCONT);
  if (sendSighup && sig !== SIGKILL && sig !== SIGHUP) p.kill(pid, SIGHUP);
}

function signalRest(p: Platform, u: UnitProcesses, sig: number, sendSighup: boolean, done: Set<number>, snapshot: number[]): void {
  if (u.cgroup) {
    const pids = p.cgroupKill(u.cgroup, sig, [...done]).filter((x) => !done.has(x));
    for (const x of pids) done.add(x);
    if (sig !== SIGCONT && sig !== SIGKILL) for (const x of pids) p.kill(x, SIGCONT);
    if (sendSighup && sig !== SIGKILL && sig !== SIGHUP) for (const x of pids) p.kill(x, SIGHUP);
    return;
  }
  // Fallback: the snapshot taken before the main pid was signalled (its children are still its
  // descendants there), then the groups and fresh scans of signalFallback.
  for (const pid of snapshot) signalOne(p, pid, sig, sendSighup, done);
  for (const x of signalFallback(p, u, sig, [], true, sendSighup, done).pids) done.add(x);
}

/**
 * The kill step of a stop (systemd's unit_kill_context). `step`: 'term' = KillSignal (or
 * RestartKillSignal when restarting), 'final' = FinalKillSignal (SIGKILL) step, 'watchdog' = WatchdogSignal.
 * KillMode=mixed: the main process gets the signal of the step, the rest of the unit only in the final step.
 * Returns the pids signalled (empty: nothing left to wait for).
 */
export function killUnitStep(p: Platform, kc: KillContext, u: UnitProcesses, step: 'term' | 'final' | 'watchdog', restarting = false): number[] {
  const mode: KillMode = kc.killMode;
  if (mode === 'none') return [];
  const sig = step === 'final' ? kc.finalKillSignal : step === 'watchdog' ? kc.watchdogSignal : restarting ? kc.restartKillSignal : kc.killSignal;
  const hup = step === 'term' && kc.sendSIGHUP;
  const done = new Set<number>();
  const rest = mode === 'control-group' || (mode === 'mixed' && step === 'final');
  const snapshot = rest && !u.cgroup ? unitPids(p, u) : [];
  if (u.mainPid) signalOne(p, u.mainPid, sig, hup, done);
  if (u.controlPid) signalOne(p, u.controlPid, sig, hup, done);
  if (rest) signalRest(p, u, sig, hup, done, snapshot);
  return [...done];
}

/** `tsysctl kill [--kill-whom=main|control|all] [--signal]`. */
export function killUnit(p: Platform, u: UnitProcesses, whom: 'main' | 'control' | 'all', sig: number): number[] {
  const done = new Set<number>();
  const snapshot = whom === 'all' && !u.cgroup ? unitPids(p, u) : [];
  if ((whom === 'main' || whom === 'all') && u.mainPid) { done.add(u.mainPid); p.kill(u.mainPid, sig); }
  if ((whom === 'control' || whom === 'all') && u.controlPid) { done.add(u.controlPid); p.kill(u.controlPid, sig); }
  if (whom === 'all') {
    if (u.cgroup) for (const x of p.cgroupKill(u.cgroup, sig, [...done])) done.add(x);
    else for (const pid of snapshot) if (!done.has(pid)) { done.add(pid); p.kill(pid, sig); }
  }
  return [...done];
}
