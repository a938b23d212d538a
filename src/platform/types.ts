// The Platform interface: THE boundary through which the daemon performs every side effect (spawning via
// the exec helper, child-exit events, signals, clocks, timers, fds and sockets, notify datagrams, peer
// credentials, cgroups, the few fs operations the manager needs). real.ts implements it over the native
// addon (the only importer of src/native); fake.ts implements it in memory for unit tests.
// Invariants:
//  - Times are MICROSECONDS as numbers (like UnitConfig). Signals are numbers.
//  - OS failures are returned as data ({ errno, message } or negative errno), never thrown; only
//    programming errors throw.
//  - spawn() returns the pid synchronously; the exit arrives later, exactly once, as a ChildExit event
//    (for every child, including orphans re-parented to the manager). An exec outcome callback fires
//    once, before or after the exit event (no ordering guarantee between the two).
//  - Every fd handed out is close-on-exec; children get fds only through SpawnRequest's layout.

/** How a process ended (systemd's ExecMainCode: exited=1, killed=2, dumped=3). */
export interface ChildExit {
  pid: number;
  /** 'exited' → status is the exit code; 'killed'/'dumped' → status is the signal number. */
  code: 'exited' | 'killed' | 'dumped';
  status: number;
}

/** Exit codes of the exec helper = systemd's (systemd.exec(5) "Process exit codes"), keyed by the names systemd prints.
 *  The C copy is src/native/exit-codes.h; tests/unit/native-exit-codes.test.ts keeps both equal (and equal to
 *  `systemd-analyze exit-status`). */
export const EXEC_EXIT = {
  CHDIR: 200, NICE: 201, FDS: 202, EXEC: 203, MEMORY: 204, LIMITS: 205, OOM_ADJUST: 206,
  SIGNAL_MASK: 207, STDIN: 208, STDOUT: 209, CHROOT: 210, IOPRIO: 211, TIMERSLACK: 212, SECUREBITS: 213,
  SETSCHEDULER: 214, CPUAFFINITY: 215, GROUP: 216, USER: 217, CAPABILITIES: 218, CGROUP: 219, SETSID: 220,
  CONFIRM: 221, STDERR: 222, PAM: 224, NETWORK: 225, NAMESPACE: 226, NO_NEW_PRIVILEGES: 227, SECCOMP: 228,
  SELINUX_CONTEXT: 229, PERSONALITY: 230, APPARMOR: 231, ADDRESS_FAMILIES: 232, RUNTIME_DIRECTORY: 233,
  CHOWN: 235, SMACK_PROCESS_LABEL: 236, KEYRING: 237, STATE_DIRECTORY: 238, CACHE_DIRECTORY: 239,
  LOGS_DIRECTORY: 240, CONFIGURATION_DIRECTORY: 241, NUMA_POLICY: 242, CREDENTIALS: 243, BPF: 244,
} as const;

/** Result of the helper's work between fork and exec. */
export type ExecOutcome =
  | { ok: true }
  /** exitCode: systemd's code (203...), stage: its name as systemd prints it ('EXEC', 'CHDIR', ...),
   *  errno and message: e.g. 2 / 'No such file or directory'. */
  | { ok: false; exitCode: number; stage: string; errno: number; message: string };

export interface RLimitSpec { name: string; soft: number; hard: number }   // Infinity = unlimited

/** One entry of a service's mount namespace, in the order the helper applies them (src/exec/sandbox-mounts.ts). */
export interface SandboxMount {
  mode: string;                 // namespace.c's MountMode name: 'read-only', 'bind', 'private-tmp', ...
  path: string;
  source?: string;
  options?: string;
  flags: number;                // MS_* for tmpfs/proc/mqueue mounts
  ignore: boolean;              // '-': a missing path is not an error
  readOnly: boolean;
  nosuid: boolean;
  noexec: boolean;
  exec: boolean;
}

/** The sandbox the exec helper applies (src/exec/sandbox.ts decides it; src/native/sandbox-*.c apply it). */
export interface SandboxRequest {
  /** Mount namespace: 'try' = a privilege error is ignored ("assuming containerized execution"), 'insist' =
   *  it fails the spawn (226/NAMESPACE), null = none. */
  mountNs: 'try' | 'insist' | null;
  mounts: SandboxMount[];
  inaccessibleDir: string;
  mountNosuid: boolean;
  propagation: number;          // MountFlags= as MS_SHARED/MS_SLAVE/MS_PRIVATE (0: shared)
  mountRoot: string;            // RootDirectory= applied inside the namespace ('' = none)
  execSymlinks: [string, string][];
  /** Network/IPC namespace: join the one pinned at `path`, creating and pinning it first when `create`. */
  netns: { path: string; create: boolean } | null;
  ipcns: { path: string; create: boolean } | null;
  protectHostname: boolean;
  privateUsers: boolean;
  keyring: '' | 'private' | 'shared';
  /** Set NO_NEW_PRIVS when the process lacks CAP_SYS_ADMIN at that point (seccomp settings need it). */
  nnpIfUnprivileged: boolean;
  /** Seccomp ops in load order (encoding in src/native/sandbox-seccomp.c). */
  seccomp: string[];
  /** DynamicUser=: numeric ids without a passwd entry. */
  uid: number | null;
  gid: number | null;
}

/** What the manager may create here (probed once by running the helper with --probe). */
export interface SandboxSupport {
  mnt: boolean; net: boolean; ipc: boolean; uts: boolean; user: boolean; seccomp: boolean; capSysAdmin: boolean;
}

/** Everything the exec helper applies; produced by src/exec/prepare.ts, consumed by Platform.spawn. */
export interface SpawnRequest {
  /** Executable as written: absolute, or a bare name looked up in `searchPath` by the helper. */
  path: string;
  argv: string[];               // argv[0] included
  env: string[];                // final 'K=V' list; the helper adds LISTEN_PID / SYSTEMD_EXEC_PID itself
  stdin: number;                // manager fds; -1 = /dev/null
  stdout: number;
  stderr: number;
  listenFds: number[];          // placed at 3, 4, ... in order (LISTEN_PID is set when non-empty)
  setExecPid: boolean;          // SYSTEMD_EXEC_PID=<own pid>
  setWatchdogPid?: boolean;     // WATCHDOG_PID=<own pid> (main process with WatchdogSec=)
  ignoreSigpipe?: boolean;      // IgnoreSIGPIPE= (systemd default: yes)
  controllingTty?: boolean;     // make stdin (a tty) the controlling terminal (StandardInput=tty*)
  searchPath: string;           // systemd's fixed PATH for bare names
  user: string;                 // '' = unchanged
  group: string;
  supplementaryGroups: string[];
  workingDirectory: { path: string; optional: boolean } | null;   // '~' = the user's home
  rootDirectory: string;        // '' = none
  umask: number | null;
  nice: number | null;
  oomScoreAdjust: number | null;
  limits: RLimitSpec[];
  noNewPrivileges: boolean;
  /** SecureBits= mask; 0 = leave the secure bits as inherited. */
  secureBits?: number;
  capabilityBoundingSet: bigint | null;   // mask of caps to KEEP; null = unchanged
  ambientCapabilities: bigint;            // 0n = none
  privateTmp: { tmp: string; varTmp: string } | null;   // host dirs bind-mounted on /tmp and /var/tmp
  cgroup: string;               // cgroup directory the child joins before exec ('' = none)
  newSession: boolean;          // setsid (true for every service process)
  /** Type=idle: read end of a pipe; the helper waits for EOF before execve (the manager closes the write
   *  end when the job queue is empty, or after 5 s). Undefined/-1 = no wait. */
  idleFd?: number;
  /** Namespaces, mounts, seccomp (undefined/null = none). */
  sandbox?: SandboxRequest | null;
  /** Legacy (v1) cgroup directories the process joins before exec (resource limits in hybrid mode). */
  cgroupLegacy?: string[];
}

export type SpawnResult = { pid: number } | { errno: number; message: string };

/** Parsed listening address (see parseListenAddress in socket.ts of this folder). */
export type SockAddr =
  | { family: 'inet' | 'inet6'; host: string; port: number }
  | { family: 'unix'; path: string; abstract: boolean };

export interface ListenOptions {
  kind: 'stream' | 'datagram' | 'seqpacket' | 'fifo' | 'special' | 'netlink' | 'mqueue';
  address: string;             // as written in the unit (ListenStream= value etc.)
  backlog: number;
  bindIPv6Only: 'default' | 'both' | 'ipv6-only';
  bindToDevice: string;
  reusePort: boolean;
  freeBind: boolean;
  transparent: boolean;
  keepAlive: boolean;
  keepAliveTimeUs: number;      // 0 = unset
  keepAliveIntervalUs: number;
  keepAliveProbes: number;
  noDelay: boolean;
  receiveBuffer: number;        // 0 = unset
  sendBuffer: number;
  passCredentials: boolean;
  socketMode: number;           // unix socket node / FIFO mode (0o666)
  directoryMode: number;        // for created parent directories (0o755)
  socketUser: string;           // chown of the node ('' = unchanged)
  socketGroup: string;
}

export type FdResult = { fd: number } | { errno: number; message: string };

export interface NotifyDatagram {
  data: Buffer;
  /** The datagram or its control data (fds) did not fit the receive buffers (MSG_TRUNC/MSG_CTRUNC). */
  truncated?: boolean;
  pid: number;                  // -1 when the sender sent no credentials (such messages must be dropped)
  uid: number;
  gid: number;
  fds: number[];                // SCM_RIGHTS, O_CLOEXEC; the receiver must close what it does not keep
}

/** Reusable receive buffers for Platform.recvNotifyBatch (allocated once: src/notify/batch.ts).
 *  Datagram i: payload data[i*slot, i*slot + meta[i*8]); meta[i*8 + 1..3] pid, uid, gid (-1 without
 *  credentials); meta[i*8 + 4] 1 when cut (MSG_TRUNC/MSG_CTRUNC); meta[i*8 + 5..6] start and count of its
 *  fds (SCM_RIGHTS, O_CLOEXEC; the receiver closes what it does not keep) in `fds`. */
export interface NotifyBatch { readonly data: Buffer; readonly slot: number; readonly meta: Int32Array; readonly fds: Int32Array; readonly capacity: number }

export interface ProcInfo { pid: number; ppid: number; pgid: number; sid: number }

/** One /proc/PID/stat read: the state letter ('R', 'S', 'Z', ...) and the ids after the comm. */
export interface ProcStat { state: string; ppid: number; pgid: number; sid: number }

export interface PeerCred { pid: number; uid: number; gid: number }

export interface UserInfo { name: string; uid: number; gid: number; home: string; shell: string }

export interface CgroupSupport {
  available: boolean;
  /** cgroup2 mount point, e.g. /sys/fs/cgroup or /sys/fs/cgroup/unified. */
  mount: string;
  /** Absolute directory under which unit cgroups are created (below the manager's own cgroup). */
  base: string;
  /** Why cgroups are not used (fallback = session + process group + main pid). */
  reason: string;
}

/** What resource control can use here (probed once): controllers on the unified tree below the manager's
 *  cgroup, legacy (v1) hierarchies it can create groups in, and the machine's totals for percentages. */
export interface ResourceSupport { unified: string[]; legacy: string[]; memTotal: number; tasksMaxSystem: number }

/** Accounting of a unit's cgroup (null: not available here). */
export interface CgroupStats {
  memoryCurrent: number | null; tasksCurrent: number | null; cpuUsageNSec: number | null;
  ioReadBytes: number | null; ioWriteBytes: number | null; oomKills: number | null;
}

export type TimerHandle = number;
export type WatchId = number;

/** systemd's NOTIFY_BUFFER_MAX (PIPE_BUF): the longest sd_notify datagram accepted whole. */
export const NOTIFY_BUFFER_MAX = 4096;

/** Readiness bits for pollFd. */
export const POLL_READABLE = 1;
export const POLL_WRITABLE = 2;
/** POLLPRI (e.g. /proc/self/mountinfo changes). */
export const POLL_PRIORITY = 8;

export interface Platform {
  // --- processes ---
  /** Spawn through the exec helper. onOutcome fires once: ok when execve succeeded (Type=exec readiness). */
  spawn(req: SpawnRequest, onOutcome?: (o: ExecOutcome) => void): SpawnResult;
  /** Subscribe to child exits (every reaped child, known or not). Returns an unsubscribe function. */
  onChildExit(listener: (e: ChildExit) => void): () => void;
  /** 0 or -errno. */
  kill(pid: number, signal: number): number;
  /** kill(-pgid, sig): 0 or -errno. */
  killProcessGroup(pgid: number, signal: number): number;
  /** Become a child subreaper (PR_SET_CHILD_SUBREAPER). 0 or -errno. */
  setSubreaper(on: boolean): number;
  /** Manager's own pid. */
  pid(): number;
  /** Pids of processes in session `sid` (from /proc; fallback process tracking). */
  sessionPids(sid: number): number[];
  /** Live (non-zombie) processes from /proc: pid, parent, process group, session. Without an argument: the
   *  scan shared by every caller of this event-loop turn (it may miss processes forked since). With
   *  `maxAgeMs`: that scan only if it is at most that old, else a new scan (which the turn then shares). */
  processes(maxAgeMs?: number): ProcInfo[];
  /** Parent pid of `pid` from /proc, or 0 if gone. */
  parentPid(pid: number): number;
  /** /proc/PID/stat of one process (fresh read, not the per-turn snapshot), or null when gone. */
  procStat(pid: number): ProcStat | null;
  /** The cgroup v2 path of a process (the `0::` line of /proc/PID/cgroup), or null. */
  procCgroup(pid: number): string | null;
  /** /proc/PID/comm ('' when gone). */
  /** Real, effective, saved and supplementary group ids of a process (/proc/PID/status), or null when gone. */
  procGroups(pid: number): number[] | null;
  procComm(pid: number): string;
  /** /proc/PID/cmdline joined by spaces ('' when gone or a kernel thread). */
  procCmdline(pid: number): string;

  // --- cgroups (v2) ---
  cgroupSupport(): CgroupSupport;
  /** Create (mkdir -p) the unit's cgroup below base; returns its absolute path or an error. */
  cgroupCreate(unitName: string): { path: string } | { errno: number; message: string };
  cgroupPids(path: string): number[];
  /** Signal every process in the cgroup (SIGKILL uses cgroup.kill when present). Returns pids signalled. */
  cgroupKill(path: string, signal: number, exclude?: readonly number[]): number[];
  cgroupIsEmpty(path: string): boolean;
  /** rmdir (must be empty); 0 or -errno. */
  cgroupRemove(path: string): number;
  resourceSupport(): ResourceSupport;
  /** Write resource settings for the cgroup at `rel` (below the manager's base; created in each hierarchy
   *  written to). Returns the legacy (v1) directories a process of it must join, and the failed writes. */
  cgroupApply(rel: string, writes: { hierarchy: string; file: string; value: string }[], join: boolean):
    { legacyDirs: string[]; failed: { file: string; errno: number }[] };
  cgroupStats(rel: string): CgroupStats;
  /** rmdir the legacy (v1) groups of `rel` (populated ones stay). */
  cgroupRemoveLegacy(rel: string): void;

  // --- sandboxing ---
  /** What namespaces/seccomp this process may set up (probed once, cached). */
  sandboxSupport(): SandboxSupport;
  /** `path` with symlinks followed (a missing tail is kept as written), as systemd's CHASE_NONEXISTENT. */
  resolvePath(path: string): string;
  /** Detach and remove a namespace pin created by the helper (a file bind-mounted from /proc/self/ns/...). */
  releaseNamespacePin(path: string): void;
  /** RemoveIPC=: remove System V and POSIX IPC objects owned by uid or gid. */
  removeIpc(uid: number, gid: number): void;

  // --- signals ---
  /** Watch any signal number (SIGRTMIN+n included). */
  watchSignal(signal: number, cb: (signal: number) => void): WatchId;
  unwatchSignal(id: WatchId): void;
  sigrtmin(): number;

  // --- clock and timers (µs) ---
  monotonicUs(): number;
  realtimeUs(): number;
  setTimer(delayUs: number, cb: () => void): TimerHandle;
  clearTimer(h: TimerHandle): void;
  /** Run `cb` once after the current event-loop turn's I/O (setImmediate), before any timer that is due later. */
  soon(cb: () => void): void;
  /** `n` random bytes (invocation ids, names). */
  randomBytes(n: number): Buffer;

  // --- fds and sockets ---
  openListen(opts: ListenOptions): FdResult;
  /** Watch readiness without reading/accepting; cb(status<0 on error, events bits). Returns the watch id
   *  (> 0), or -errno when the fd cannot be watched (an OS failure is data, never a throw): -EPERM for fds
   *  epoll refuses (regular files, memfds, /dev/null, directories), -EBADF, -EMFILE when out of watches. */
  pollFd(fd: number, events: number, cb: (status: number, events: number) => void): WatchId;
  unpollFd(id: WatchId): void;
  /** accept4, CLOEXEC; -EAGAIN when nothing is pending. */
  accept(fd: number, nonBlocking: boolean): number;
  close(fd: number): number;
  /** pipe2(O_CLOEXEC): [read, write]. */
  pipe(nonBlockRead: boolean, nonBlockWrite: boolean): [number, number] | { errno: number; message: string };
  sockName(fd: number): SockAddr | null;
  peerName(fd: number): SockAddr | null;
  /** Unix datagram socket with SO_PASSCRED bound at path ('@name' = abstract). */
  openNotifySocket(path: string): FdResult;
  /** One datagram, or null when none is pending. */
  recvNotify(fd: number): NotifyDatagram | null;
  /** Up to b.capacity queued datagrams into `b` in one call (recvmmsg): their count, 0 when none. */
  recvNotifyBatch(fd: number, b: NotifyBatch): number;
  /** pidfd_open(2): an fd that turns readable once `pid`'s process exits; -errno (ESRCH: gone). */
  pidfdOpen(pid: number): number;
  /** Without blocking, which of fds[0..n) are readable/hung up (out[i] = 1): exited pidfds. Their count. */
  pollGone(fds: Int32Array, n: number, out: Uint8Array): number;
  peerCred(fd: number): PeerCred | null;

  // --- users ---
  getUser(nameOrUid: string): UserInfo | null;
  getGroup(nameOrGid: string): { name: string; gid: number } | null;
  groupList(user: string, gid: number): number[];
  strerror(errno: number): string;

  // --- fs (only what the manager needs; sync, errors as data) ---
  readFile(path: string): string | null;
  writeFile(path: string, data: string, mode?: number): number;
  exists(path: string): boolean;
  /** mkdir -p then chmod/chown of the LAST component only. 0 or -errno. */
  mkdirp(path: string, mode: number, uid?: number, gid?: number): number;
  /** rm -rf; 0 or -errno. */
  removeTree(path: string): number;
  /** Owner uid of `path` (stat, following symlinks), or -1. */
  ownerOf(path: string): number;
  glob(pattern: string): string[];
  /** unlink(2); 0 or -errno. */
  unlink(path: string): number;
  /** mq_unlink(3) of a POSIX message queue name ("/name"); 0 or -errno. */
  mqUnlink(name: string): number;
  /** chmod(2); 0 or -errno. */
  chmod(path: string, mode: number): number;
  /** chown(2) (-1 keeps the id); 0 or -errno. */
  chown(path: string, uid: number, gid: number): number;
  /** Replace `link` by a symlink to `target`; 0 or -errno. */
  symlink(target: string, link: string): number;
  /** Modification time in µs since the epoch, or null when the path does not exist. */
  mtimeUs(path: string): number | null;
  /** Send one datagram to the unix socket at `path` ('@name' = abstract); 0 or -errno. */
  sendDatagram(path: string, data: Buffer): number;
  /** Call `onChange` whenever the mount table changes (POLLPRI on /proc/self/mountinfo). Returns the
   *  function that stops watching, or an error. */
  watchMountinfo(onChange: () => void): (() => void) | { error: string };
  /** Directory entries (names, without . and ..), or -errno (-2 ENOENT, -20 ENOTDIR). */
  readDir(path: string): string[] | number;
  /** touch(1) with parents: create `path` if missing (mode 0644), then set atime and mtime to `us`
   *  (µs since the epoch) or to now when null. 0 or -errno. */
  touch(path: string, us: number | null): number;

  // --- inotify and wall-clock timers (timer and path units; poll the fds with pollFd) ---
  /** inotify_init1(IN_NONBLOCK|IN_CLOEXEC): fd or -errno. */
  inotifyInit(): number;
  /** inotify_add_watch: watch descriptor or -errno. */
  inotifyAddWatch(fd: number, path: string, mask: number): number;
  /** One read(2) of pending events, or -errno (-11 EAGAIN: none). */
  inotifyRead(fd: number): InotifyRecord[] | number;
  /** A timerfd on CLOCK_REALTIME (non-blocking): fd or -errno. */
  realtimeTimerCreate(): number;
  /** Arm at absolute wall-clock µs (0 disarms); cancelOnSet: a clock jump fails the next read with -ECANCELED (-125). */
  realtimeTimerSet(fd: number, absUs: number, cancelOnSet: boolean): number;
  /** Expirations (> 0), -125 ECANCELED (the clock was set), -11 EAGAIN, or -errno. */
  realtimeTimerRead(fd: number): number;
}

/** One inotify event. */
export interface InotifyRecord { wd: number; mask: number; name: string }
