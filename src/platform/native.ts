// Loader and typed view of the C addon (src/native, built by node-gyp into build/Release). This file and
// real.ts are the only code that touches the addon. Invariant: the addon is loaded once per process; the
// helper binary path is resolved next to it. TSYSD_NATIVE_DIR overrides the directory (for packaging).
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { SockAddr } from './types';
import type { DirectPlan } from './helper-args';

export interface NativeAddon {
  spawn(file: string, argv: string[], envp: string[], fds: number[], setsid: boolean,
    onOutcome?: (stage?: number, errno?: number) => void, opts?: { cgroup: string | null; cgroupJoin: boolean; direct: DirectPlan['opts'] | null; nofile?: { soft: number; hard: number } | null }): number;
  directSupported(): boolean;
  startReaper(cb: (pid: number, code: number, signal: number, core: boolean) => void): void;
  reapNow(): number;
  reaperRef(on: boolean): number;
  setSubreaper(on: boolean): number;
  kill(pid: number, sig: number): number;
  signalWatch(sig: number, cb: (sig: number) => void): number;
  signalUnwatch(id: number): number;
  sigrtmin(): number;
  socket(family: 'inet' | 'inet6' | 'unix', type: 'stream' | 'dgram' | 'seqpacket', nonblock: boolean): number;
  setsockoptInt(fd: number, level: number, name: number, value: number): number;
  getsockoptInt(fd: number, level: number, name: number): number;
  setsockoptString(fd: number, level: number, name: number, value: string): number;
  bind(fd: number, addr: SockAddr): number;
  connect(fd: number, addr: SockAddr): number;
  listen(fd: number, backlog: number): number;
  accept(fd: number, nonblock: boolean): number;
  getsockname(fd: number): SockAddr | null | number;
  getpeername(fd: number): SockAddr | null | number;
  peerCred(fd: number): { pid: number; uid: number; gid: number; groups?: number[] } | number;
  /** Batched receive (src/native/dgram.c): count of datagrams, or -errno. */
  recvmmsg(fd: number, data: Buffer, slot: number, meta: Int32Array, fds: Int32Array): number;
  pidfdOpen(pid: number): number;
  pollGone(fds: Int32Array, n: number, out: Uint8Array): number;
  recvmsg(fd: number, max: number): { data: Buffer; pid: number; uid: number; gid: number; fds: number[]; truncated: boolean } | number;
  sendmsg(fd: number, data: Buffer, fds: number[], dest?: SockAddr | null): number;
  close(fd: number): number;
  pipe(nbRead: boolean, nbWrite: boolean): [number, number] | number;
  mkfifo(path: string, mode: number): number;
  netlinkSocket(protocol: number, groups: number): number;
  mqOpen(name: string, mode: number, maxMessages: number, messageSize: number): number;
  mqUnlink(name: string): number;
  setNonBlock(fd: number, on: boolean): number;
  setCloexec(fd: number, on: boolean): number;
  dup(fd: number): number;
  pollStart(fd: number, events: number, cb: (status: number, events: number) => void): number;
  pollStop(id: number): number;
  pollUnref(id: number, unref: boolean): number;
  getpwnam(name: string): { name: string; uid: number; gid: number; home: string; shell: string } | null;
  getgrnam(name: string): { name: string; gid: number } | null;
  getgrouplist(user: string, gid: number): number[];
  strerror(errno: number): string;
  /** RLIMIT_NOFILE of this process (-1 = unlimited), or -errno. */
  getNofile(): { soft: number; hard: number } | number;
  setNofile(soft: number, hard: number): number;
  /** /proc/sys/fs/nr_open. */
  nrOpen(): number;
  inotifyInit(): number;
  inotifyAddWatch(fd: number, path: string, mask: number): number;
  inotifyRead(fd: number): { wd: number; mask: number; name: string }[] | number;
  realtimeTimerCreate(): number;
  realtimeNow(): number;
  realtimeTimerSet(fd: number, absUs: number, cancelOnSet: boolean): number;
  realtimeTimerRead(fd: number): number;
  constants: Record<string, number>;
  // journal (src/native/journal.c)
  mmapFile(fd: number, length: number, writable: boolean): ArrayBuffer | number;
  unmapFile(ab: ArrayBuffer): number;
  fallocate(fd: number, offset: number, length: number): number;
  memfdSeals(fd: number): number;
  journalSigbus(): number;
  recvBatch(fd: number, max: number, bufSize: number, datagram?: boolean): Array<{ data: Buffer; pid: number; uid: number; gid: number; fds: number[]; truncated: boolean; tsUs: number }> | number;
}

let cached: { addon: NativeAddon; helper: string } | null = null;

function findBuildDir(): string {
  const env = process.env['TSYSD_NATIVE_DIR'];
  if (env) return env;
  let dir = __dirname;
  for (let i = 0; i < 8; i++) {
    const cand = path.join(dir, 'build', 'Release');
    if (fs.existsSync(path.join(cand, 'tsysd_native.node'))) return cand;
    const parent = path.dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  throw new Error('tsysd native addon not found (run `npm install` or `npx node-gyp rebuild`; or set TSYSD_NATIVE_DIR)');
}

/** Loads the addon (once) and returns it with the absolute path of the tsysd-exec helper. */
export function loadNative(): { addon: NativeAddon; helper: string } {
  if (cached) return cached;
  const dir = findBuildDir();
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const addon = require(path.join(dir, 'tsysd_native.node')) as NativeAddon;
  const helper = path.join(dir, 'tsysd-exec');
  if (!fs.existsSync(helper)) throw new Error(`tsysd-exec helper missing at ${helper}`);
  cached = { addon, helper };
  return cached;
}
