// RealPlatform: the Platform interface over the native addon and Node's fs/timers. Create exactly one per
// process with createRealPlatform(); it starts the SIGCHLD reaper, which reaps EVERY child of the
// process (so nothing else in the process may use child_process asynchronously; spawnSync is safe).
// Invariants: all OS errors are returned as data; exit events are dispatched to all listeners in
// registration order; timers are unref'd only when the caller asks (daemon keeps itself alive). Unit cgroups
// and resource control live in ./real-cgroups.ts (RealCgroups), which the cgroup methods delegate to.
import * as fs from 'node:fs';
import * as nodePath from 'node:path';
import type * as Cp from 'node:child_process';
import createDebug from 'debug';
import { loadNative, type NativeAddon } from './native';
import { helperArgv, decodeOutcome, directPlan } from './helper-args';
import { openListen } from './socket';
import { applyNofile, type Nofile } from './nofile';
import { RealCgroups } from './real-cgroups';
import type {
  CgroupStats, CgroupSupport, ChildExit, ResourceSupport, ExecOutcome, FdResult, ListenOptions, NotifyDatagram, PeerCred, Platform, ProcInfo,
  ProcStat, SandboxSupport, SockAddr, SpawnRequest, SpawnResult, TimerHandle, UserInfo, WatchId, InotifyRecord,
} from './types';
import { POLL_PRIORITY } from './types';
import { NOTIFY_BUFFER_MAX, type NotifyBatch } from './types';

// node:child_process (with net, dgram, cluster) only for the helper's rare synchronous modes, on first use
const spawnSync = (): typeof Cp.spawnSync => (require('node:child_process') as typeof Cp).spawnSync;
const debug = createDebug('tsysd:platform');

export interface RealPlatformOptions {
  /** Name of the directory created below the manager's own cgroup for unit cgroups. */
  cgroupBaseName?: string;
  /** Start the waitpid(-1) reaper (default true). */
  reaper?: boolean;
}

/** /proc/PID/stat fields after the comm: [state, ppid, pgrp, session, ...] */
function procStat(pid: number): string[] | null {
  try {
    const t = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return t.slice(t.lastIndexOf(')') + 2).split(' ');
  } catch { return null; }
}

export class RealPlatform implements Platform {
  private readonly n: NativeAddon;
  private readonly helper: string;
  private readonly exitListeners: ((e: ChildExit) => void)[] = [];
  private readonly timers = new Map<number, NodeJS.Timeout>();
  private nextTimer = 1;
  /** Unit cgroups and resource control (src/platform/real-cgroups.ts). */
  private readonly cgroups: RealCgroups;
  /** Pids spawned and not yet reaped: while non-empty the reaper keeps the event loop alive. */
  private readonly live = new Set<number>();
  /** The addon's clone fast path (src/native/spawn.c; TSYSD_SPAWN=posix turns it off), and on it the direct
   *  exec of plain services without the helper (TSYSD_SPAWN=helper turns that off). */
  private readonly fastSpawn: boolean;
  private readonly directExec: boolean;

  constructor(opts: RealPlatformOptions = {}) {
    const { addon, helper } = loadNative();
    this.n = addon;
    this.helper = helper;
    this.fastSpawn = addon.directSupported();
    this.directExec = this.fastSpawn && process.env['TSYSD_SPAWN'] !== 'helper';
    this.cgroups = new RealCgroups(opts.cgroupBaseName ?? defaultCgroupBaseName(), (pid, sig) => this.n.kill(pid, sig));
    if (opts.reaper !== false) {
      this.n.startReaper((pid, code, signal, core) => this.dispatchExit(pid, code, signal, core));
      // Statuses that arrived before the watch existed.
      setImmediate(() => this.n.reapNow());
    }
  }

  private dispatchExit(pid: number, code: number, signal: number, core: boolean): void {
    if (this.live.delete(pid) && this.live.size === 0) this.n.reaperRef(false);
    const e: ChildExit = signal === 0 ? { pid, code: 'exited', status: code } : { pid, code: core ? 'dumped' : 'killed', status: signal };
    debug('child %d %s %d', pid, e.code, e.status);
    for (const l of [...this.exitListeners]) l(e);
  }

  get helperPath(): string { return this.helper; }

  /** RLIMIT_NOFILE of spawned processes (src/platform/nofile.ts), once raiseNofile() ran; else inherited. */
  private childNofile: Nofile | null = null;
  /** Raise the manager's own fd limit to the kernel's ceiling and give children systemd's default. */
  raiseNofile(system: boolean): void { this.childNofile = applyNofile(this.n, system); }

  spawn(req: SpawnRequest, onOutcome?: (o: ExecOutcome) => void): SpawnResult {
    const cb = onOutcome ? (stage?: number, errno?: number): void => onOutcome(decodeOutcome(stage, errno, (e) => this.n.strerror(e))) : undefined;
    // With the clone fast path the addon starts the child in the unit's cgroup, and a plain service is exec'd
    // directly by that child; anything else runs through the tsysd-exec helper, which joins the cgroup
    // itself only on the posix_spawn path.
    const nofile = this.childNofile;
    const opts = this.fastSpawn ? { cgroup: req.cgroup || null, cgroupJoin: !!req.cgroup && this.cgroups.wasCgroupKilled(req.cgroup), direct: null, nofile } : undefined;
    const direct = opts && this.directExec ? directPlan(req) : null;
    let pid: number;
    if (opts && direct) {
      pid = this.n.spawn(direct.file, direct.argv, direct.env, direct.fds, req.newSession, cb, { ...opts, direct: direct.opts });
    } else {
      // posix_spawn path: the helper sets the default limit itself, before the unit's own Limit*=
      const r = opts ? { ...req, cgroup: '' } : nofile && !req.limits.some((l) => l.name === 'NOFILE') ? { ...req, limits: [{ name: 'NOFILE', soft: nofile.soft, hard: nofile.hard < 0 ? Infinity : nofile.hard }, ...req.limits] } : req;
      const { argv, fds } = helperArgv(this.helper, r);
      pid = this.n.spawn(this.helper, argv, req.env, fds, req.newSession, cb, opts);
    }
    if (pid < 0) return { errno: -pid, message: this.n.strerror(-pid) };
    debug('spawned %d: %s', pid, req.argv.join(' '));
    if (this.live.size === 0) this.n.reaperRef(true);
    this.live.add(pid);
    return { pid };
  }

  onChildExit(listener: (e: ChildExit) => void): () => void {
    this.exitListeners.push(listener);
    return () => {
      const i = this.exitListeners.indexOf(listener);
      if (i >= 0) this.exitListeners.splice(i, 1);
    };
  }

  kill(pid: number, signal: number): number {
    if (!Number.isInteger(pid) || pid <= 0) return -3; // never kill(0) / kill(-1) by accident
    return this.n.kill(pid, signal);
  }
  killProcessGroup(pgid: number, signal: number): number {
    if (!Number.isInteger(pgid) || pgid <= 1) return -3;
    return this.n.kill(-pgid, signal);
  }
  setSubreaper(on: boolean): number { return this.n.setSubreaper(on); }
  pid(): number { return process.pid; }

  sessionPids(sid: number): number[] {
    if (sid <= 1) return [];
    return this.processes().filter((x) => x.sid === sid).map((x) => x.pid);
  }
  /** Live processes from ONE /proc scan shared by every caller until the event loop turns (1,000 units
   *  starting or stopping in one turn would otherwise each read all of /proc: O(n²)). Within the turn it
   *  may still list a process reaped since, and miss one spawned or forked since: whoever needs to know
   *  whether one given pid is alive reads /proc/PID (as UnitHost.pids does). Callers must not modify it. */
  processes(maxAgeMs?: number): ProcInfo[] {
    if (this.procSnap && (maxAgeMs === undefined || (maxAgeMs > 0 && performance.now() - this.procSnapAt <= maxAgeMs))) return this.procSnap;
    this.procSnapAt = performance.now();
    const out: ProcInfo[] = [];
    let ents: string[] = [];
    try { ents = fs.readdirSync('/proc'); } catch { return out; }
    for (const e of ents) {
      const c = e.charCodeAt(0);
      if (c < 48 || c > 57) continue;
      const st = procStat(Number(e));
      if (st && st[0] !== 'Z') out.push({ pid: Number(e), ppid: Number(st[1]), pgid: Number(st[2]), sid: Number(st[3]) });
    }
    this.procSnap = out;
    if (!this.procSnapDrop) {
      this.procSnapDrop = true;
      setImmediate(() => { this.procSnapDrop = false; this.procSnap = null; });
    }
    return out;
  }
  private procSnap: ProcInfo[] | null = null;
  private procSnapAt = 0;
  private procSnapDrop = false;
  parentPid(pid: number): number {
    const st = procStat(pid);
    return st ? Number(st[1]) : 0;
  }
  procStat(pid: number): ProcStat | null {
    const st = procStat(pid);
    return st ? { state: st[0] ?? '', ppid: Number(st[1]), pgid: Number(st[2]), sid: Number(st[3]) } : null;
  }
  procCgroup(pid: number): string | null {
    try {
      const t = fs.readFileSync(`/proc/${pid}/cgroup`, 'utf8');
      for (const line of t.split('\n')) if (line.startsWith('0::')) return line.slice(3);
    } catch { /* gone */ }
    return null;
  }
  procGroups(pid: number): number[] | null {
    let t: string;
    try { t = fs.readFileSync(`/proc/${pid}/status`, 'utf8'); } catch { return null; }
    const out = new Set<number>();
    for (const line of t.split('\n')) {
      if (!line.startsWith('Gid:') && !line.startsWith('Groups:')) continue;
      for (const w of line.slice(line.indexOf(':') + 1).trim().split(/\s+/)) if (/^\d+$/.test(w)) out.add(Number(w));
    }
    return [...out];
  }
  procComm(pid: number): string {
    try { return fs.readFileSync(`/proc/${pid}/comm`, 'utf8').trim(); } catch { return ''; }
  }
  procCmdline(pid: number): string {
    try { return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter((x) => x).join(' '); } catch { return ''; }
  }

  cgroupSupport(): CgroupSupport { return this.cgroups.cgroupSupport(); }
  /** Remove the empty unit cgroups this process created, then its base directory (populated ones stay).
   *  Returns true when the base is gone. Also runs on process exit. */
  cgroupCleanup(): boolean { return this.cgroups.cgroupCleanup(); }
  cgroupCreate(unitName: string): { path: string } | { errno: number; message: string } { return this.cgroups.cgroupCreate(unitName); }
  cgroupPids(path: string): number[] { return this.cgroups.cgroupPids(path); }
  resourceSupport(): ResourceSupport { return this.cgroups.resourceSupport(); }
  cgroupApply(rel: string, writes: { hierarchy: string; file: string; value: string }[], join: boolean): { legacyDirs: string[]; failed: { file: string; errno: number }[] } {
    return this.cgroups.cgroupApply(rel, writes, join);
  }
  cgroupStats(rel: string): CgroupStats { return this.cgroups.cgroupStats(rel); }
  cgroupRemoveLegacy(rel: string): void { this.cgroups.cgroupRemoveLegacy(rel); }
  cgroupKill(path: string, signal: number, exclude: readonly number[] = []): number[] { return this.cgroups.cgroupKill(path, signal, exclude); }
  cgroupIsEmpty(path: string): boolean { return this.cgroups.cgroupIsEmpty(path); }
  cgroupRemove(path: string): number { return this.cgroups.cgroupRemove(path); }

  private sbSupport: SandboxSupport | null = null;
  /** Runs `tsysd-exec --probe` once (synchronously: a few ms, before the first sandboxed spawn). */
  sandboxSupport(): SandboxSupport {
    if (this.sbSupport) return this.sbSupport;
    const r = spawnSync()(this.helper, ['--probe'], { encoding: 'utf8', timeout: 10000 });
    const f: Record<string, boolean> = {};
    for (const kv of (r.stdout ?? '').trim().split(/\s+/)) { const [k, v] = kv.split('='); if (k) f[k] = v === '1'; }
    this.sbSupport = {
      mnt: !!f['mnt'], net: !!f['net'], ipc: !!f['ipc'], uts: !!f['uts'], user: !!f['user'], seccomp: !!f['seccomp'], capSysAdmin: !!f['cap_sys_admin'],
    };
    debug('sandbox support: %o', this.sbSupport);
    return this.sbSupport;
  }
  resolvePath(path: string): string {
    let tail = '';
    let p = path;
    for (let i = 0; i < 64; i++) {
      try { return nodePath.join(fs.realpathSync(p), tail); } catch { /* missing: resolve the parent */ }
      const d = nodePath.dirname(p);
      if (d === p) return path;
      tail = nodePath.join(nodePath.basename(p), tail);
      p = d;
    }
    return path;
  }
  removeIpc(uid: number, gid: number): void {
    spawnSync()(this.helper, [`--remove-ipc=${uid}:${gid}`], { stdio: 'ignore', timeout: 10000 });
  }
  releaseNamespacePin(path: string): void {
    if (!fs.existsSync(path)) return;
    spawnSync()(this.helper, [`--umount-ns=${path}`], { stdio: 'ignore', timeout: 10000 });
  }

  watchSignal(signal: number, cb: (signal: number) => void): WatchId {
    const id = this.n.signalWatch(signal, cb);
    if (id < 0) throw new Error(`cannot watch signal ${signal}: ${this.n.strerror(-id)}`);
    return id;
  }
  unwatchSignal(id: WatchId): void { this.n.signalUnwatch(id); }
  sigrtmin(): number { return this.n.sigrtmin(); }

  monotonicUs(): number { return Number(process.hrtime.bigint() / 1000n); }
  /** CLOCK_REALTIME in µs from the addon: Date.now() has only milliseconds, and a process that starts and
   *  exits within one would get equal start and exit stamps (systemctl status then hides "Main PID:"). */
  realtimeUs(): number { return this.n.realtimeNow(); }
  setTimer(delayUs: number, cb: () => void): TimerHandle {
    const id = this.nextTimer++;
    const ms = Math.min(Math.max(0, delayUs / 1000), 2 ** 31 - 1);
    this.timers.set(id, setTimeout(() => { this.timers.delete(id); cb(); }, ms));
    return id;
  }
  clearTimer(h: TimerHandle): void {
    const t = this.timers.get(h);
    if (t) { clearTimeout(t); this.timers.delete(h); }
  }
  soon(cb: () => void): void { setImmediate(cb); }
  /** From /dev/urandom (callers pool it): node:crypto costs ~10 ms of module loading at every start. */
  randomBytes(n: number): Buffer {
    const b = Buffer.alloc(n);
    try {
      const fd = fs.openSync('/dev/urandom', 'r');
      try { for (let got = 0; got < n;) { const r = fs.readSync(fd, b, got, n - got, null); if (r <= 0) throw new Error('short read'); got += r; } } finally { fs.closeSync(fd); }
      return b;
    } catch {
      return (require('node:crypto') as typeof import('node:crypto')).randomBytes(n);   // no /dev in the root
    }
  }

  openListen(opts: ListenOptions): FdResult {
    return openListen(this.n, opts,
      (u) => this.getUser(u)?.uid ?? -1,
      (g) => this.getGroup(g)?.gid ?? -1);
  }
  pollFd(fd: number, events: number, cb: (status: number, events: number) => void): WatchId {
    // Errors as data (-errno): epoll refuses regular files, memfds and /dev/null with EPERM, and a caller
    // such as the fd store must be able to keep those fds unpolled instead of dying (issue 12 #1).
    const id = this.n.pollStart(fd, events, cb);
    return typeof id === 'number' ? id : -22;
  }
  unpollFd(id: WatchId): void { this.n.pollStop(id); }
  accept(fd: number, nonBlocking: boolean): number { return this.n.accept(fd, nonBlocking); }
  close(fd: number): number { return this.n.close(fd); }
  pipe(nonBlockRead: boolean, nonBlockWrite: boolean): [number, number] | { errno: number; message: string } {
    const r = this.n.pipe(nonBlockRead, nonBlockWrite);
    return typeof r === 'number' ? { errno: -r, message: this.n.strerror(-r) } : r;
  }
  sockName(fd: number): SockAddr | null { const r = this.n.getsockname(fd); return typeof r === 'number' ? null : r; }
  peerName(fd: number): SockAddr | null { const r = this.n.getpeername(fd); return typeof r === 'number' ? null : r; }
  openNotifySocket(path: string): FdResult {
    const fd = this.n.socket('unix', 'dgram', true);
    if (fd < 0) return { errno: -fd, message: this.n.strerror(-fd) };
    const abstract = path.startsWith('@');
    const p = abstract ? path.slice(1) : path;
    if (!abstract) { try { fs.unlinkSync(p); } catch { /* absent */ } }
    let r = this.n.setsockoptInt(fd, this.n.constants['SOL_SOCKET'] ?? 1, this.n.constants['SO_PASSCRED'] ?? 16, 1);
    if (r >= 0) r = this.n.bind(fd, { family: 'unix', path: p, abstract });
    // Larger receive buffer: many services may notify at once.
    if (r >= 0) this.n.setsockoptInt(fd, this.n.constants['SOL_SOCKET'] ?? 1, this.n.constants['SO_RCVBUFFORCE'] ?? 33, 8 << 20);
    if (r < 0) { this.n.close(fd); return { errno: -r, message: this.n.strerror(-r) }; }
    return { fd };
  }
  recvNotify(fd: number): NotifyDatagram | null {
    // systemd's NOTIFY_BUFFER_MAX (PIPE_BUF): a datagram up to 4,096 bytes is whole; a longer one arrives
    // cut, with `truncated` set, and must be dropped by the caller (src/notify/datagram.ts).
    const r = this.n.recvmsg(fd, NOTIFY_BUFFER_MAX);
    if (typeof r === 'number') return null;
    return { data: r.data, pid: r.pid, uid: r.uid, gid: r.gid, fds: r.fds, truncated: r.truncated === true };
  }
  recvNotifyBatch(fd: number, b: NotifyBatch): number {
    const r = this.n.recvmmsg(fd, b.data, b.slot, b.meta, b.fds);
    return r > 0 ? r : 0;
  }
  pidfdOpen(pid: number): number { return this.n.pidfdOpen(pid); }
  pollGone(fds: Int32Array, n: number, out: Uint8Array): number { return n > 0 ? this.n.pollGone(fds, n, out) : 0; }
  peerCred(fd: number): PeerCred | null {
    const r = this.n.peerCred(fd);
    return typeof r === 'number' ? null : { pid: r.pid, uid: r.uid, gid: r.gid };
  }

  getUser(nameOrUid: string): UserInfo | null { return this.n.getpwnam(nameOrUid); }
  getGroup(nameOrGid: string): { name: string; gid: number } | null { return this.n.getgrnam(nameOrGid); }
  groupList(user: string, gid: number): number[] { return this.n.getgrouplist(user, gid); }
  strerror(errno: number): string { return this.n.strerror(errno); }

  readFile(path: string): string | null { try { return fs.readFileSync(path, 'utf8'); } catch { return null; } }
  writeFile(path: string, data: string, mode = 0o644): number {
    try { fs.writeFileSync(path, data, { mode }); return 0; } catch (e) { return (e as NodeJS.ErrnoException).errno ?? -5; }
  }
  exists(path: string): boolean { return fs.existsSync(path); }
  mkdirp(path: string, mode: number, uid?: number, gid?: number): number {
    try {
      fs.mkdirSync(path, { recursive: true, mode });
      fs.chmodSync(path, mode);
      if (uid !== undefined || gid !== undefined) fs.chownSync(path, uid ?? -1, gid ?? -1);
      return 0;
    } catch (e) { return (e as NodeJS.ErrnoException).errno ?? -5; }
  }
  removeTree(path: string): number {
    try { fs.rmSync(path, { recursive: true, force: true }); return 0; } catch (e) { return (e as NodeJS.ErrnoException).errno ?? -5; }
  }
  glob(pattern: string): string[] { return globSync(pattern); }
  ownerOf(path: string): number { try { return fs.statSync(path).uid; } catch { return -1; } }
  unlink(path: string): number {
    try { fs.unlinkSync(path); return 0; } catch (e) { return (e as NodeJS.ErrnoException).errno ?? -5; }
  }
  mqUnlink(name: string): number { return this.n.mqUnlink(name); }
  chmod(path: string, mode: number): number {
    try { fs.chmodSync(path, mode); return 0; } catch (e) { return (e as NodeJS.ErrnoException).errno ?? -5; }
  }
  chown(path: string, uid: number, gid: number): number {
    try { fs.chownSync(path, uid, gid); return 0; } catch (e) { return (e as NodeJS.ErrnoException).errno ?? -5; }
  }
  symlink(target: string, link: string): number {
    try { fs.rmSync(link, { force: true }); fs.symlinkSync(target, link); return 0; } catch (e) { return (e as NodeJS.ErrnoException).errno ?? -5; }
  }
  mtimeUs(path: string): number | null {
    try { return Math.floor(fs.statSync(path).mtimeMs * 1000); } catch { return null; }
  }
  sendDatagram(path: string, data: Buffer): number {
    const fd = this.n.socket('unix', 'dgram', true);
    if (fd < 0) return fd;
    const abstract = path.startsWith('@');
    const r = this.n.sendmsg(fd, data, [], { family: 'unix', path: abstract ? path.slice(1) : path, abstract });
    this.n.close(fd);
    return r < 0 ? r : 0;
  }
  watchMountinfo(onChange: () => void): (() => void) | { error: string } {
    let fd: number;
    try { fd = fs.openSync('/proc/self/mountinfo', 'r'); } catch (e) { return { error: (e as Error).message }; }
    let id: number;
    try { id = this.pollFd(fd, POLL_PRIORITY, (status) => { if (status >= 0) onChange(); }); } catch (e) { fs.closeSync(fd); return { error: (e as Error).message }; }
    if (id < 0) { fs.closeSync(fd); return { error: `poll /proc/self/mountinfo: errno ${-id}` }; }
    return () => { this.unpollFd(id); try { fs.closeSync(fd); } catch { /* closed */ } };
  }

  readDir(path: string): string[] | number {
    try { return fs.readdirSync(path); } catch (e) { return (e as NodeJS.ErrnoException).errno ?? -5; }
  }
  touch(path: string, us: number | null): number {
    try {
      fs.mkdirSync(path.slice(0, path.lastIndexOf('/')) || '/', { recursive: true, mode: 0o755 });
      fs.closeSync(fs.openSync(path, fs.constants.O_WRONLY | fs.constants.O_CREAT | fs.constants.O_NOCTTY, 0o644));
      const t = us === null ? new Date() : us / 1e6;
      fs.utimesSync(path, t, t);
      return 0;
    } catch (e) { return (e as NodeJS.ErrnoException).errno ?? -5; }
  }
  inotifyInit(): number { return this.n.inotifyInit(); }
  inotifyAddWatch(fd: number, path: string, mask: number): number { return this.n.inotifyAddWatch(fd, path, mask); }
  inotifyRead(fd: number): InotifyRecord[] | number { return this.n.inotifyRead(fd); }
  realtimeTimerCreate(): number { return this.n.realtimeTimerCreate(); }
  realtimeTimerSet(fd: number, absUs: number, cancelOnSet: boolean): number { return this.n.realtimeTimerSet(fd, Math.max(0, Math.floor(absUs)), cancelOnSet); }
  realtimeTimerRead(fd: number): number { return this.n.realtimeTimerRead(fd); }

  /** Raw addon for tests and benchmarks in this area only. */
  get native(): NativeAddon { return this.n; }
}

function defaultCgroupBaseName(): string {
  return `tsysd-${process.pid}-${Math.random().toString(16).slice(2, 8)}`;
}

/** Minimal glob: '*', '?', '[...]' in any path component; results sorted (EnvironmentFile= semantics). */
export function globSync(pattern: string): string[] {
  if (!/[*?[]/.test(pattern)) return fs.existsSync(pattern) ? [pattern] : [];
  const parts = pattern.split('/');
  let cur: string[] = [pattern.startsWith('/') ? '/' : '.'];
  for (let i = pattern.startsWith('/') ? 1 : 0; i < parts.length; i++) {
    const part = parts[i] ?? '';
    if (part === '') continue;
    const next: string[] = [];
    if (!/[*?[]/.test(part)) {
      for (const c of cur) { const p = c === '/' ? `/${part}` : `${c}/${part}`; if (fs.existsSync(p)) next.push(p); }
    } else {
      const re = new RegExp('^' + part.replace(/[.+^${}()|\\]/g, '\\$&').replace(/\*/g, '[^/]*').replace(/\?/g, '[^/]') + '$');
      for (const c of cur) {
        let ents: string[] = [];
        try { ents = fs.readdirSync(c); } catch { continue; }
        for (const e of ents.sort()) if (!e.startsWith('.') && re.test(e)) next.push(c === '/' ? `/${e}` : `${c}/${e}`);
      }
    }
    cur = next;
  }
  return cur.sort();
}

let singleton: RealPlatform | null = null;
/** The process-wide RealPlatform (the addon's reaper and handles are process-global). */
export function createRealPlatform(opts: RealPlatformOptions = {}): RealPlatform {
  if (!singleton) singleton = new RealPlatform(opts);
  return singleton;
}
