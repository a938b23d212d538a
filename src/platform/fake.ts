// FakePlatform: an in-memory Platform for unit tests. Spawns get sequential pids (starting at 100) and
// are recorded; tests drive the world with exit(), execOutcome(), advance(), raise(), readable().
// Invariants: nothing touches the OS; the clock only moves through advance(); timers fire in due order
// (ties in creation order) during advance(); kill() calls are recorded and do not end processes unless
// `killEnds` is set.
import { packDatagram } from '../notify/batch';
import type {
  CgroupSupport, ChildExit, ExecOutcome, FdResult, ListenOptions, NotifyBatch, NotifyDatagram, PeerCred, Platform, ProcInfo,
  CgroupStats, ProcStat, ResourceSupport, SandboxSupport, SockAddr, SpawnRequest, SpawnResult, TimerHandle, UserInfo, WatchId, InotifyRecord,
} from './types';

export interface FakeSpawn { pid: number; req: SpawnRequest; onOutcome?: (o: ExecOutcome) => void; alive: boolean }

export class FakePlatform implements Platform {
  nowUs = 1_000_000;
  realtimeOffsetUs = 1_700_000_000_000_000;
  nextPid = 100;
  nextFd = 10;
  spawns: FakeSpawn[] = [];
  kills: { pid: number; signal: number; group?: boolean; cgroup?: string }[] = [];
  /** When true, SIGTERM/SIGKILL end the process: its exit is reported at the next flush(). */
  killEnds = false;
  spawnError: { errno: number; message: string } | null = null;
  cgroups = new Map<string, Set<number>>();
  cgroupsAvailable = true;
  files = new Map<string, string>();
  closed: number[] = [];
  notifyQueue: NotifyDatagram[] = [];
  /** Open pidfds (fd → pid) and those whose process exited (exit() marks them). */
  pidfds = new Map<number, number>();
  pidfdsGone = new Set<number>();
  procCgroupReads = 0;
  users: UserInfo[] = [
    { name: 'root', uid: 0, gid: 0, home: '/root', shell: '/bin/bash' },
    { name: 'nobody', uid: 65534, gid: 65534, home: '/nonexistent', shell: '/usr/sbin/nologin' },
  ];
  groups: { name: string; gid: number }[] = [{ name: 'root', gid: 0 }, { name: 'nogroup', gid: 65534 }];
  private exitListeners: ((e: ChildExit) => void)[] = [];
  private timers: { id: number; due: number; cb: () => void }[] = [];
  private nextTimerId = 1;
  private polls = new Map<number, { fd: number; events: number; cb: (s: number, e: number) => void }>();
  private signals = new Map<number, { signal: number; cb: (s: number) => void }>();
  private nextWatch = 1;

  // ---- test drivers ----
  /** Report the exit of a pid (as the reaper would). */
  exit(pid: number, code: ChildExit['code'] = 'exited', status = 0): void {
    const s = this.spawns.find((x) => x.pid === pid);
    if (s) s.alive = false;
    for (const set of this.cgroups.values()) set.delete(pid);
    for (const [fd, p] of this.pidfds) if (p === pid) this.pidfdsGone.add(fd);
    for (const l of [...this.exitListeners]) l({ pid, code, status });
  }
  /** A process that is not our child exits (its own parent reaps it): only its pidfds and cgroups notice. */
  exitElsewhere(pid: number): void {
    for (const set of this.cgroups.values()) set.delete(pid);
    for (const [fd, p] of this.pidfds) if (p === pid) this.pidfdsGone.add(fd);
  }
  /** Deliver the exec outcome of a spawned pid (default: success). */
  execOutcome(pid: number, o: ExecOutcome = { ok: true }): void {
    const s = this.spawns.find((x) => x.pid === pid);
    const cb = s?.onOutcome;
    if (s) delete s.onOutcome;
    cb?.(o);
  }
  /** Move the clock forward, firing due timers in order. */
  advance(us: number): void {
    const target = this.nowUs + us;
    this.flush();
    for (;;) {
      this.timers.sort((a, b) => a.due - b.due || a.id - b.id);
      const t = this.timers[0];
      if (!t || t.due > target) break;
      this.timers.shift();
      this.nowUs = Math.max(this.nowUs, t.due);
      t.cb();
      this.flush();
    }
    this.nowUs = target;
  }
  raise(signal: number): void { for (const w of [...this.signals.values()]) if (w.signal === signal) w.cb(signal); }
  readable(fd: number): void { for (const p of [...this.polls.values()]) if (p.fd === fd) p.cb(0, 1); }
  lastSpawn(): FakeSpawn | undefined { return this.spawns[this.spawns.length - 1]; }
  pendingTimers(): number { return this.timers.length; }

  // ---- Platform ----
  spawn(req: SpawnRequest, onOutcome?: (o: ExecOutcome) => void): SpawnResult {
    if (this.spawnError) return this.spawnError;
    const pid = this.nextPid++;
    const s: FakeSpawn = { pid, req, alive: true };
    if (onOutcome) s.onOutcome = onOutcome;
    this.spawns.push(s);
    if (req.cgroup) this.cgroups.get(req.cgroup)?.add(pid);
    return { pid };
  }
  onChildExit(listener: (e: ChildExit) => void): () => void {
    this.exitListeners.push(listener);
    return () => { this.exitListeners = this.exitListeners.filter((l) => l !== listener); };
  }
  kill(pid: number, signal: number): number {
    this.kills.push({ pid, signal });
    const s = this.spawns.find((x) => x.pid === pid && x.alive);
    if (!s) return -3;
    // Like the real reaper, the exit is reported later (never from inside the kill call).
    if (this.killEnds && (signal === 9 || signal === 15)) this.soon(() => { if (s.alive) this.exit(pid, 'killed', signal); });
    return 0;
  }
  killProcessGroup(pgid: number, signal: number): number {
    // Each fake process leads its own group; signal 0 is a membership probe (not recorded).
    if (signal !== 0) this.kills.push({ pid: pgid, signal, group: true });
    const s = this.spawns.find((x) => x.pid === pgid && x.alive);
    if (!s) return -3;
    if (this.killEnds && (signal === 9 || signal === 15)) this.exit(pgid, 'killed', signal);
    return 0;
  }
  setSubreaper(): number { return 0; }
  pid(): number { return 1; }
  sessionPids(sid: number): number[] { return this.spawns.some((s) => s.pid === sid && s.alive) ? [sid] : []; }
  parentPid(pid: number): number { return this.spawns.some((s) => s.pid === pid && s.alive) ? 1 : 0; }
  procStat(pid: number): ProcStat | null { return this.spawns.some((s) => s.pid === pid && s.alive) ? { state: 'S', ppid: 1, pgid: pid, sid: pid } : null; }
  procCgroup(pid: number): string | null {
    this.procCgroupReads++;
    for (const [p, set] of this.cgroups) if (set.has(pid)) return p.slice('/sys/fs/cgroup'.length);
    return null;
  }
  /** pid → groups for procGroups (tests). */
  readonly groupsOf = new Map<number, number[]>();
  procGroups(pid: number): number[] | null { return this.groupsOf.get(pid) ?? null; }
  procComm(pid: number): string { const s = this.spawns.find((x) => x.pid === pid && x.alive); return s ? (s.req.argv[0] ?? '').replace(/^.*\//, '').slice(0, 15) : ''; }
  procCmdline(pid: number): string { const s = this.spawns.find((x) => x.pid === pid && x.alive); return s ? s.req.argv.join(' ') : ''; }
  processes(): ProcInfo[] { return this.spawns.filter((s) => s.alive).map((s) => ({ pid: s.pid, ppid: 1, pgid: s.pid, sid: s.pid })); }

  cgroupSupport(): CgroupSupport {
    return this.cgroupsAvailable ? { available: true, mount: '/sys/fs/cgroup', base: '/sys/fs/cgroup/tsysd', reason: '' }
      : { available: false, mount: '', base: '', reason: 'fake: disabled' };
  }
  cgroupCreate(unitName: string): { path: string } | { errno: number; message: string } {
    if (!this.cgroupsAvailable) return { errno: 95, message: 'fake: disabled' };
    const p = `/sys/fs/cgroup/tsysd/${unitName}`;
    if (!this.cgroups.has(p)) this.cgroups.set(p, new Set());
    return { path: p };
  }
  cgroupPids(path: string): number[] { return [...(this.cgroups.get(path) ?? [])]; }
  resource: ResourceSupport = { unified: ['memory', 'pids', 'cpu', 'io'], legacy: [], memTotal: 8 << 30, tasksMaxSystem: 32767 };
  applied: { rel: string; writes: { hierarchy: string; file: string; value: string }[] }[] = [];
  stats = new Map<string, CgroupStats>();
  resourceSupport(): ResourceSupport { return this.resource; }
  cgroupApply(rel: string, writes: { hierarchy: string; file: string; value: string }[], join: boolean): { legacyDirs: string[]; failed: { file: string; errno: number }[] } {
    this.applied.push({ rel, writes });
    return { legacyDirs: join ? this.resource.legacy.map((h) => `/sys/fs/cgroup/${h}/tsysd/${rel}`) : [], failed: [] };
  }
  cgroupStats(rel: string): CgroupStats {
    return this.stats.get(rel) ?? { memoryCurrent: null, tasksCurrent: null, cpuUsageNSec: null, ioReadBytes: null, ioWriteBytes: null, oomKills: null };
  }
  cgroupRemoveLegacy(_rel: string): void { /* nothing on the fake */ }
  cgroupKill(path: string, signal: number, exclude: readonly number[] = []): number[] {
    const pids = this.cgroupPids(path).filter((x) => !exclude.includes(x));
    this.kills.push({ pid: 0, signal, cgroup: path });
    for (const p of pids) this.kill(p, signal);
    return pids;
  }
  cgroupIsEmpty(path: string): boolean { return (this.cgroups.get(path)?.size ?? 0) === 0; }
  cgroupRemove(path: string): number { this.cgroups.delete(path); return 0; }

  /** What the fake host lets a manager set up (tests flip fields to model an unprivileged container). */
  support: SandboxSupport = { mnt: true, net: true, ipc: true, uts: true, user: true, seccomp: true, capSysAdmin: true };
  /** Symlinks the fake resolvePath follows (link path → target path, absolute). */
  links = new Map<string, string>();
  releasedPins: string[] = [];
  sandboxSupport(): SandboxSupport { return this.support; }
  resolvePath(path: string): string {
    for (const [l, t] of this.links) if (path === l || path.startsWith(`${l}/`)) return t + path.slice(l.length);
    return path;
  }
  releaseNamespacePin(path: string): void { this.releasedPins.push(path); }
  removedIpc: [number, number][] = [];
  removeIpc(uid: number, gid: number): void { this.removedIpc.push([uid, gid]); }
  owners = new Map<string, number>();
  ownerOf(path: string): number { return this.owners.get(path) ?? -1; }

  watchSignal(signal: number, cb: (signal: number) => void): WatchId { const id = this.nextWatch++; this.signals.set(id, { signal, cb }); return id; }
  unwatchSignal(id: WatchId): void { this.signals.delete(id); }
  sigrtmin(): number { return 34; }

  monotonicUs(): number { return this.nowUs; }
  realtimeUs(): number { return this.realtimeOffsetUs + this.nowUs; }
  setTimer(delayUs: number, cb: () => void): TimerHandle {
    const id = this.nextTimerId++;
    this.timers.push({ id, due: this.nowUs + Math.max(0, delayUs), cb });
    return id;
  }
  clearTimer(h: TimerHandle): void { this.timers = this.timers.filter((t) => t.id !== h); }
  /** soon() callbacks run at the next flush() (tests call it, advance() does it first). */
  private soonQueue: (() => void)[] = [];
  soon(cb: () => void): void { this.soonQueue.push(cb); }
  /** Run pending soon() callbacks (and the ones they queue) until none is left. */
  flush(): void { for (let n = 0; this.soonQueue.length && n < 100_000; n++) (this.soonQueue.shift() as () => void)(); }
  randomBytes(n: number): Buffer { const b = Buffer.alloc(n); for (let i = 0; i < n; i++) b[i] = (this.rnd = (this.rnd * 1103515245 + 12345) >>> 0) >>> 24; return b; }
  private rnd = 1;
  datagrams: { path: string; data: string }[] = [];
  sendDatagram(path: string, data: Buffer): number { this.datagrams.push({ path, data: data.toString() }); return 0; }
  /** Mount table watchers (tests call fireMountinfo() after editing files['/proc/self/mountinfo']). */
  mountinfoWatchers: (() => void)[] = [];
  watchMountinfo(onChange: () => void): () => void {
    this.mountinfoWatchers.push(onChange);
    return () => { this.mountinfoWatchers = this.mountinfoWatchers.filter((w) => w !== onChange); };
  }
  fireMountinfo(): void { for (const w of [...this.mountinfoWatchers]) w(); }
  unlink(path: string): number { return this.files.delete(path) ? 0 : -2; }
  mqUnlink(name: string): number { return this.files.delete(`mqueue:${name}`) ? 0 : -2; }
  chmod(path: string): number { return this.files.has(path) ? 0 : -2; }
  chown(path: string): number { return this.files.has(path) ? 0 : -2; }
  symlink(target: string, link: string): number { this.files.set(link, `-> ${target}`); return 0; }
  mtimes = new Map<string, number>();
  mtimeUs(path: string): number | null { return this.mtimes.get(path) ?? (this.files.has(path) ? 0 : null); }

  readDir(path: string): string[] | number {
    const pre = path.endsWith('/') ? path : `${path}/`;
    if (!this.files.has(path) && ![...this.files.keys()].some((k) => k.startsWith(pre))) return -2;
    return [...new Set([...this.files.keys()].filter((k) => k.startsWith(pre)).map((k) => k.slice(pre.length).split('/')[0]!))];
  }
  touch(path: string, us: number | null): number {
    if (!this.files.has(path)) this.files.set(path, '');
    this.mtimes.set(path, us ?? this.realtimeUs());
    return 0;
  }
  /** inotify: instances are fds; watches and queued events are driven by tests (inotifyQueue). */
  inotifyWatches = new Map<number, Map<string, { wd: number; mask: number }>>();
  inotifyQueue = new Map<number, InotifyRecord[]>();
  inotifyInit(): number { const fd = this.nextFd++; this.inotifyWatches.set(fd, new Map()); return fd; }
  inotifyAddWatch(fd: number, path: string, mask: number): number {
    const w = this.inotifyWatches.get(fd);
    if (!w) return -9;
    if (!this.files.has(path) && !path.endsWith('/') && path !== '/' && this.readDir(path) === -2) return -2;
    const cur = w.get(path);
    if (cur) { cur.mask = mask; return cur.wd; }
    const wd = w.size + 1;
    w.set(path, { wd, mask });
    return wd;
  }
  inotifyRead(fd: number): InotifyRecord[] | number {
    const q = this.inotifyQueue.get(fd);
    if (!q || q.length === 0) return -11;
    this.inotifyQueue.delete(fd);
    return q;
  }
  realtimeTimers = new Map<number, { at: number; cancelOnSet: boolean }>();
  realtimeTimerCreate(): number { const fd = this.nextFd++; this.realtimeTimers.set(fd, { at: 0, cancelOnSet: false }); return fd; }
  realtimeTimerSet(fd: number, absUs: number, cancelOnSet: boolean): number {
    if (!this.realtimeTimers.has(fd)) return -9;
    this.realtimeTimers.set(fd, { at: absUs, cancelOnSet });
    return 0;
  }
  /** Tests set this to -125 to report a clock change on the next read. */
  realtimeReadResult: number | null = null;
  realtimeTimerRead(fd: number): number {
    const t = this.realtimeTimers.get(fd);
    if (!t) return -9;
    if (this.realtimeReadResult !== null) { const r = this.realtimeReadResult; this.realtimeReadResult = null; return r; }
    return t.at > 0 && this.realtimeUs() >= t.at ? 1 : -11;
  }

  openListen(_opts: ListenOptions): FdResult { return { fd: this.nextFd++ }; }
  /** fd → errno that pollFd answers with (as -errno), e.g. EPERM for a regular file. */
  readonly pollErrors = new Map<number, number>();
  pollFd(fd: number, events: number, cb: (status: number, events: number) => void): WatchId {
    const err = this.pollErrors.get(fd);
    if (err !== undefined) return -err;
    const id = this.nextWatch++;
    this.polls.set(id, { fd, events, cb });
    return id;
  }
  unpollFd(id: WatchId): void { this.polls.delete(id); }
  accept(): number { return this.nextFd++; }
  close(fd: number): number { this.closed.push(fd); this.pidfds.delete(fd); this.pidfdsGone.delete(fd); return 0; }
  pipe(): [number, number] { return [this.nextFd++, this.nextFd++]; }
  sockName(): SockAddr | null { return { family: 'inet', host: '127.0.0.1', port: 8080 }; }
  peerName(): SockAddr | null { return { family: 'inet', host: '127.0.0.1', port: 40000 }; }
  openNotifySocket(): FdResult { return { fd: this.nextFd++ }; }
  recvNotify(): NotifyDatagram | null { return this.notifyQueue.shift() ?? null; }
  recvNotifyBatch(_fd: number, b: NotifyBatch): number {
    let n = 0;
    let fdPos = 0;
    for (; n < b.capacity; n++) {
      const d = this.notifyQueue.shift();
      if (!d) break;
      fdPos = packDatagram(b, n, d, fdPos);
    }
    return n;
  }
  /** A pidfd for any pid in a cgroup or spawned and alive; -ESRCH (3) otherwise. */
  pidfdOpen(pid: number): number {
    const known = this.spawns.some((x) => x.pid === pid && x.alive) || [...this.cgroups.values()].some((set) => set.has(pid));
    if (!known) return -3;
    const fd = this.nextFd++;
    this.pidfds.set(fd, pid);
    return fd;
  }
  pollGone(fds: Int32Array, n: number, out: Uint8Array): number {
    let gone = 0;
    for (let i = 0; i < n; i++) {
      const fd = fds[i] ?? -1;
      const g = this.pidfdsGone.has(fd) || !this.pidfds.has(fd);
      out[i] = g ? 1 : 0;
      if (g) gone++;
    }
    return gone;
  }
  peerCred(): PeerCred | null { return { pid: 1, uid: 0, gid: 0 }; }

  getUser(n: string): UserInfo | null { return this.users.find((u) => u.name === n || String(u.uid) === n) ?? null; }
  getGroup(n: string): { name: string; gid: number } | null { return this.groups.find((g) => g.name === n || String(g.gid) === n) ?? null; }
  groupList(_user: string, gid: number): number[] { return [gid]; }
  strerror(errno: number): string { return `errno ${errno}`; }

  readFile(path: string): string | null { return this.files.get(path) ?? null; }
  writeFile(path: string, data: string): number {
    // Writing a pid to a cgroup's cgroup.procs moves that process there (out of any other), as the kernel does.
    if (path.endsWith('/cgroup.procs') && /^\d+$/.test(data.trim())) {
      const pid = Number(data.trim());
      if (!this.spawns.some((x) => x.pid === pid && x.alive)) return -3;
      for (const set of this.cgroups.values()) set.delete(pid);
      const dir = path.slice(0, -'/cgroup.procs'.length);
      this.cgroups.set(dir, (this.cgroups.get(dir) ?? new Set<number>()).add(pid));
      return 0;
    }
    this.files.set(path, data);
    return 0;
  }
  exists(path: string): boolean { return this.files.has(path) || [...this.files.keys()].some((k) => k.startsWith(path + '/')); }
  mkdirp(path: string): number { this.files.set(path + '/', ''); return 0; }
  removeTree(path: string): number { for (const k of [...this.files.keys()]) if (k === path || k.startsWith(path + '/')) this.files.delete(k); return 0; }
  glob(pattern: string): string[] {
    const re = new RegExp('^' + pattern.replace(/[.+^${}()|\\]/g, '\\$&').replace(/\*/g, '[^/]*').replace(/\?/g, '[^/]') + '$');
    return [...this.files.keys()].filter((k) => re.test(k)).sort();
  }
}
