// The journal server: journald's sockets in front of JournalStorage.
//   /run/systemd/journal/socket   datagrams in the native protocol (SCM_CREDENTIALS, SCM_RIGHTS memfds)
//   /run/systemd/journal/stdout   stream connections (the 7-line header protocol)
//   /run/systemd/journal/dev-log  syslog datagrams (and the /dev/log symlink to it)
// plus a direct API for the manager (captured service output, the manager's own unit messages). Every entry
// gets the trusted fields of its sender (credentials from the kernel, comm/exe/cmdline from /proc, unit and
// invocation id from the `lookup` callback: the manager's pid table or the sender's cgroup), passes the
// per-unit rate limiter and LogLevelMax=, may be forwarded (console for `docker logs`, a syslog socket), and
// is queued to storage with the time it arrived.
// OS-touching (addon sockets, /proc). Invariants: every socket callback runs inside `guard` (the manager's
// crash barrier) and never throws out; reading stops while storage is backlogged (the kernel buffers, then
// the senders wait), so a flood cannot grow our memory; at most 4096 stream connections (journald's limit).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { loadNative, type NativeAddon } from '../platform/native';
import { JournalStorage, type StorageOptions } from './storage';
import { parseNative, ENTRY_SIZE_MAX } from './intake/native';
import { StreamParser, streamLineFields, type StreamHeader, DEFAULT_LINE_MAX } from './intake/stream';
import { parseSyslog } from './intake/syslog';
import { parseSyslogPriority, PRIORITY_NAMES } from './intake/priority';
import { RateLimiter, DEFAULT_RATE_LIMIT_BURST, DEFAULT_RATE_LIMIT_INTERVAL_US, SD_MESSAGE_JOURNAL_DROPPED } from './ratelimit';
import { cmdlineFromProc, trustedFields, type ClientContext, type ServerIds } from './fields';
import type { StatusKind } from '../units/types';

export const SD_MESSAGE_UNIT_STARTING = '7d4958e842da4a758f6c1cdc7b36dcc5';
export const SD_MESSAGE_UNIT_STARTED = '39f53479d3a045ac8e11786248231fbf';
export const SD_MESSAGE_UNIT_STOPPING = 'de5b426a63be47a7b6ac3eaac82e2f6f';
export const SD_MESSAGE_UNIT_STOPPED = '9d1aaa27d60140bd96365438aad20286';
export const SD_MESSAGE_UNIT_FAILED = 'be02cf6855d2428ba40df7e9d022f03d';
export const SD_MESSAGE_UNIT_SUCCESS = '7ad2d189f7e94e70a38c781354912448';
export const SD_MESSAGE_UNIT_FAILURE_RESULT = 'd9b373ed55a64feb8242e02dbe79a49c';

export type UnitLookup = Pick<ClientContext, 'unit' | 'invocationId' | 'rateLimitIntervalUs' | 'rateLimitBurst' | 'logLevelMax' | 'extraFields'> & { slice?: string | null };

export interface JournalServerOptions {
  socketDir?: string;                 // /run/systemd/journal
  devLogLink?: string | null;         // /dev/log (null: no symlink)
  storage: StorageOptions;
  hostname: string;
  /** The unit a sender pid belongs to (the manager's pid table, else its cgroup). */
  lookup?: (pid: number) => UnitLookup | null;
  /** The manager's crash barrier. */
  guard?: (unit: string, fn: () => void) => void;
  /** ForwardToConsole-like: every stored entry as "ident[pid]: message" (tsysd's stdout, docker logs). */
  forward?: ((line: string) => void) | null;
  /** ForwardToSyslog=yes: every entry also goes to this datagram socket of a syslog daemon (journald:
   *  /run/systemd/journal/syslog, bound by syslog.socket); nothing listening costs one failed sendmsg. */
  forwardSyslogPath?: string | null;
  rateLimitIntervalUs?: number;
  rateLimitBurst?: number;
  lineMax?: number;
  maxLevelStore?: number;
  log?: (msg: string) => void;
}

interface Conn { fd: number; watch: number; parser: StreamParser; uid: number; gid: number; pid: number; streamId: string; unit: UnitLookup | null }

const STREAMS_MAX = 4096;
const SOL_SOCKET = 1, SO_PASSCRED = 16, SO_TIMESTAMP = 29, SO_RCVBUFFORCE = 33, SO_RCVBUF = 8;
const F_SEAL_SHRINK = 2, F_SEAL_GROW = 4, F_SEAL_WRITE = 8;

export class JournalServer {
  readonly storage: JournalStorage;
  private readonly n: NativeAddon;
  private readonly rl = new RateLimiter();
  private readonly ids: ServerIds;
  private readonly fds: Array<{ fd: number; watch: number; path: string }> = [];
  private readonly conns = new Map<number, Conn>();
  private paused = false;
  private syslogFd = -1;
  private readonly procCache = new Map<number, { at: number; comm: string | null; exe: string | null; cmdline: string | null; uid: number; gid: number }>();

  constructor(private readonly o: JournalServerOptions) {
    this.n = loadNative().addon;
    this.storage = new JournalStorage(o.storage);
    this.ids = { bootId: o.storage.bootId, machineId: o.storage.machineId, hostname: o.hostname };
    this.storage.onDrain = () => this.resume();
  }

  private log(m: string): void { this.o.log?.(m); }
  private guard(unit: string, fn: () => void): void {
    if (this.o.guard) this.o.guard(unit, fn);
    else try { fn(); } catch (e) { this.log(`journal: ${(e as Error).stack ?? String(e)}`); }
  }

  static monotonicUs(): number { return Number(process.hrtime.bigint() / 1000n); }

  /** Open storage and the sockets; returns the problems met (each socket that could not be opened). */
  start(): string[] {
    const errs: string[] = [];
    this.storage.open();
    const dir = this.o.socketDir ?? '/run/systemd/journal';
    try { fs.mkdirSync(dir, { recursive: true, mode: 0o755 }); } catch (e) { errs.push(`${dir}: ${(e as Error).message}`); return errs; }
    const open = (name: string, type: 'dgram' | 'stream', onReadable: (fd: number) => void): void => {
      const p = path.join(dir, name);
      try { fs.unlinkSync(p); } catch { /* not there */ }
      const fd = this.n.socket('unix', type, true);
      if (fd < 0) { errs.push(`${p}: socket: ${this.n.strerror(-fd)}`); return; }
      this.n.setsockoptInt(fd, SOL_SOCKET, SO_PASSCRED, 1);
      if (type === 'dgram') {
        this.n.setsockoptInt(fd, SOL_SOCKET, SO_TIMESTAMP, 1);
        if (this.n.setsockoptInt(fd, SOL_SOCKET, SO_RCVBUFFORCE, 8 << 20) < 0) this.n.setsockoptInt(fd, SOL_SOCKET, SO_RCVBUF, 8 << 20);
      }
      let r = this.n.bind(fd, { family: 'unix', path: p, abstract: false });
      if (r >= 0 && type === 'stream') r = this.n.listen(fd, 4096);
      if (r < 0) { this.n.close(fd); errs.push(`${p}: ${this.n.strerror(-r)}`); return; }
      try { fs.chmodSync(p, 0o666); } catch { /* best effort */ }
      const watch = this.n.pollStart(fd, 1, () => this.guard('', () => onReadable(fd)));
      this.n.pollUnref(watch, true);
      this.fds.push({ fd, watch, path: p });
    };
    open('socket', 'dgram', (fd) => this.readDatagrams(fd, 'native'));
    open('stdout', 'stream', (fd) => this.acceptStreams(fd));
    open('dev-log', 'dgram', (fd) => this.readDatagrams(fd, 'syslog'));
    const link = this.o.devLogLink === undefined ? '/dev/log' : this.o.devLogLink;
    if (link) {
      try {
        const st = fs.lstatSync(link, { throwIfNoEntry: false });
        if (!st || st.isSymbolicLink() || st.isSocket()) { if (st) fs.unlinkSync(link); fs.symlinkSync(path.join(dir, 'dev-log'), link); }
      } catch (e) { errs.push(`${link}: ${(e as Error).message}`); }
    }
    if (this.o.forwardSyslogPath) {
      const fd = this.n.socket('unix', 'dgram', true);
      if (fd >= 0) this.syslogFd = fd;
    }
    return errs;
  }

  private pauseReading(): void {
    if (this.paused) return;
    this.paused = true;
    for (const f of this.fds) this.n.pollStop(f.watch);
    for (const c of this.conns.values()) this.n.pollStop(c.watch);
  }

  private resume(): void {
    if (!this.paused) return;
    this.paused = false;
    for (const f of this.fds) {
      const isStream = f.path.endsWith('/stdout');
      f.watch = this.n.pollStart(f.fd, 1, () => this.guard('', () => (isStream ? this.acceptStreams(f.fd) : this.readDatagrams(f.fd, f.path.endsWith('/socket') ? 'native' : 'syslog'))));
      this.n.pollUnref(f.watch, true);
    }
    for (const c of this.conns.values()) c.watch = this.n.pollStart(c.fd, 1, () => this.guard('', () => this.readStream(c)));
  }

  // ---- datagrams ----

  private readDatagrams(fd: number, kind: 'native' | 'syslog'): void {
    const msgs = this.n.recvBatch(fd, 64, kind === 'native' ? 256 * 1024 : DEFAULT_LINE_MAX + 1024, true);
    if (typeof msgs === 'number') return;
    for (const m of msgs) {
      const ctx = this.context(m.pid, m.uid, m.gid);
      const ts = m.tsUs > 0 ? m.tsUs : undefined;
      if (kind === 'syslog') {
        for (const f of m.fds) this.n.close(f);
        if (m.data.length === 0) continue;
        const e = parseSyslog(m.data);
        this.dispatch(e.fields, ctx, e.priority, ts, e.identifier, e.message, m.pid);
        this.forwardSyslogRaw(m.data);
        continue;
      }
      let data = m.data;
      if (m.uid === 0 && m.fds.length === 0 && data.length < 64 && data.toString('latin1', 0, 7) === '.tsysd-') {
        // journalctl --flush/--sync/--rotate from root (tsysd's face; journald uses varlink for these)
        const cmd = data.toString('latin1').trim().slice(7);
        if (cmd === 'flush') this.storage.flushToPersistent();
        else if (cmd === 'sync') this.storage.flushSync(true);
        else if (cmd === 'rotate') this.storage.rotate('journalctl --rotate');
        continue;
      }
      if (m.fds.length > 0) {
        data = this.readMemfd(m.fds[0]!, m.uid) ?? Buffer.alloc(0);
        for (const f of m.fds) this.n.close(f);
      }
      for (const e of parseNative(data, m.uid)) {
        this.dispatch(e.fields, ctx, e.priority, ts, e.identifier, e.message, m.pid, this.syslogFd >= 0);
      }
    }
    if (this.storage.full) this.pauseReading();
  }

  /** server_process_native_file(): a sealed memfd, or (root only, or a file under /dev/shm, /tmp, /var/tmp) a plain file. */
  private readMemfd(fd: number, uid: number): Buffer | null {
    const seals = this.n.memfdSeals(fd);
    const sealed = seals >= 0 && (seals & (F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE)) === (F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE);
    try {
      if (!sealed && uid !== 0) {
        const target = fs.readlinkSync(`/proc/self/fd/${fd}`);
        const m = /^\/(dev\/shm|tmp|var\/tmp)\/([^/]+)$/.exec(target);
        if (!m) { this.log('journal: received file outside of allowed directories, refusing'); return null; }
      }
      const st = fs.fstatSync(fd);
      if (!st.isFile() || st.size <= 0) return null;
      if (st.size > ENTRY_SIZE_MAX / (sealed ? 1 : 2)) { this.log(`journal: file passed too large (${st.size} bytes), ignoring`); return null; }
      const b = Buffer.allocUnsafe(st.size);
      const n = fs.readSync(fd, b, 0, st.size, 0);
      return b.subarray(0, n);
    } catch (e) { this.log(`journal: reading passed fd: ${(e as Error).message}`); return null; }
  }

  // ---- streams ----

  private acceptStreams(lfd: number): void {
    for (let i = 0; i < 64; i++) {
      const fd = this.n.accept(lfd, true);
      if (fd < 0) return;
      if (this.conns.size >= STREAMS_MAX) { this.log('journal: too many concurrent streams, refusing connection'); this.n.close(fd); continue; }
      const cred = this.n.peerCred(fd);
      const c: Conn = {
        fd, watch: -1, uid: typeof cred === 'number' ? -1 : cred.uid, gid: typeof cred === 'number' ? -1 : cred.gid,
        pid: typeof cred === 'number' ? 0 : cred.pid,
        parser: new StreamParser(typeof cred === 'number' ? -1 : cred.uid, this.o.lineMax ?? DEFAULT_LINE_MAX),
        streamId: randomHex(),
        // the unit of the peer while it is surely alive (a short-lived writer may be gone by its first line)
        unit: typeof cred === 'number' ? null : this.o.lookup?.(cred.pid) ?? null,
      };
      this.n.setsockoptInt(fd, SOL_SOCKET, SO_PASSCRED, 1);
      this.conns.set(fd, c);
      if (!this.paused) c.watch = this.n.pollStart(fd, 1, () => this.guard('', () => this.readStream(c)));
    }
  }

  private readStream(c: Conn): void {
    const msgs = this.n.recvBatch(c.fd, 16, 64 * 1024);
    if (typeof msgs === 'number') { this.closeStream(c); return; }
    for (const m of msgs) {
      for (const f of m.fds) this.n.close(f);
      if (m.data.length === 0) { this.handleStreamEvents(c, c.parser.end()); this.closeStream(c); return; }
      if (m.pid > 0) c.pid = m.pid;
      this.handleStreamEvents(c, c.parser.feed(m.data, m.pid > 0 ? m.pid : c.pid));
      if (c.parser.dead) { this.closeStream(c); return; }
    }
    if (this.storage.full) this.pauseReading();
  }

  private handleStreamEvents(c: Conn, ev: ReturnType<StreamParser['feed']>): void {
    for (const e of ev) {
      if (e.kind === 'error') this.log(`journal: stdout stream: ${e.message}`);
      else if (e.kind === 'line') {
        const h: StreamHeader = c.parser.header;
        const ctx = this.context(e.line.pid || c.pid, c.uid, c.gid, h.unitId, c.unit);
        this.dispatch(streamLineFields(h, e.line, c.streamId), ctx, e.line.priority, undefined, h.identifier, e.line.message, e.line.pid || c.pid,
          h.forwardToSyslog || this.syslogFd >= 0);
      }
    }
  }

  private closeStream(c: Conn): void {
    if (c.watch >= 0) this.n.pollStop(c.watch);
    this.n.close(c.fd);
    this.conns.delete(c.fd);
  }

  // ---- contexts, dispatch ----

  private proc(pid: number): { comm: string | null; exe: string | null; cmdline: string | null; uid: number; gid: number } | null {
    const now = Date.now();
    const hit = this.procCache.get(pid);
    if (hit && now - hit.at < 1000) return hit;
    try {
      const comm = fs.readFileSync(`/proc/${pid}/comm`, 'utf8').replace(/\n$/, '');
      let exe: string | null = null;
      try { exe = fs.readlinkSync(`/proc/${pid}/exe`); } catch { /* kernel thread or no permission */ }
      const cmdline = cmdlineFromProc(fs.readFileSync(`/proc/${pid}/cmdline`));
      const v = { at: now, comm, exe, cmdline, uid: -1, gid: -1 };
      if (this.procCache.size > 4096) this.procCache.clear();
      this.procCache.set(pid, v);
      return v;
    } catch { return null; }
  }

  private context(pid: number, uid: number, gid: number, streamUnit: string | null = null, known: UnitLookup | null = null): ClientContext | null {
    if (pid <= 0) return null;
    const p = this.proc(pid);
    const u = this.o.lookup?.(pid) ?? known;
    return {
      pid, uid, gid, comm: p?.comm ?? null, exe: p?.exe ?? null, cmdline: p?.cmdline ?? null, cgroup: null,
      unit: u?.unit ?? streamUnit, slice: u?.slice ?? null, invocationId: u?.invocationId ?? null,
      rateLimitIntervalUs: u?.rateLimitIntervalUs, rateLimitBurst: u?.rateLimitBurst, logLevelMax: u?.logLevelMax, extraFields: u?.extraFields,
    };
  }

  /** server_dispatch_message(): level filter, rate limit, trusted fields, forwarding, storage. */
  dispatch(fields: Buffer[], ctx: ClientContext | null, priority: number, sourceRealtimeUs: number | undefined,
    identifier: string | null, message: string | null, pid: number, forwardSyslog = false, limited = false): void {
    const level = priority & 7;
    if (level > (this.o.maxLevelStore ?? 7)) return;
    if (ctx && ctx.logLevelMax !== undefined && level > ctx.logLevelMax) return;
    const realtime = Date.now() * 1000;
    const monotonic = JournalServer.monotonicUs();
    if (ctx?.unit && !limited) {
      const rl = this.rl.test(ctx.unit, ctx.rateLimitIntervalUs ?? this.o.rateLimitIntervalUs ?? DEFAULT_RATE_LIMIT_INTERVAL_US,
        ctx.rateLimitBurst ?? this.o.rateLimitBurst ?? DEFAULT_RATE_LIMIT_BURST, level, this.available(), monotonic);
      if (rl === 0) return;
      if (rl > 1) this.driverMessage(`Suppressed ${rl - 1} messages from ${ctx.unit}`, SD_MESSAGE_JOURNAL_DROPPED, [`N_DROPPED=${rl - 1}`]);
    }
    const all = [...fields, ...trustedFields(ctx, this.ids, sourceRealtimeUs)];
    if (!this.storage.enqueue(all, realtime, monotonic)) return;
    if (message !== null && this.o.forward) this.o.forward(`${identifier ?? ctx?.comm ?? 'unknown'}[${pid}]: ${message}`);
    if (message !== null && forwardSyslog) this.forwardSyslogText(priority, identifier, pid, message);
  }

  private availableCache = { at: 0, v: 0 };
  private available(): number {
    const now = Date.now();
    if (now - this.availableCache.at > 5000 && this.storage.dir) {
      try { const s = fs.statfsSync(this.storage.dir); this.availableCache = { at: now, v: s.bavail * s.bsize }; } catch { /* keep */ }
    }
    return this.availableCache.v;
  }

  /** A message of the journal server itself (_TRANSPORT=driver, SYSLOG_IDENTIFIER=systemd-journald). */
  driverMessage(text: string, messageId?: string, extra: string[] = []): void {
    const f = ['SYSLOG_FACILITY=3', 'SYSLOG_IDENTIFIER=systemd-journald', '_TRANSPORT=driver', 'PRIORITY=6'];
    if (messageId) f.push(`MESSAGE_ID=${messageId}`);
    f.push(`MESSAGE=${text}`, ...extra);
    const self: ClientContext = { pid: process.pid, uid: process.getuid?.() ?? 0, gid: process.getgid?.() ?? 0, comm: 'tsysd', exe: process.execPath, cmdline: null, cgroup: null, unit: null, slice: null, invocationId: null };
    this.storage.enqueue([...f.map((x) => Buffer.from(x)), ...trustedFields(self, this.ids)], Date.now() * 1000, JournalServer.monotonicUs());
  }

  /** A line a service wrote to its captured stdout/stderr (StandardOutput=journal through the manager's pipe). */
  serviceLine(unit: string, pid: number, ident: string, text: string, _stream: 'stdout' | 'stderr', basePriority = 6, levelPrefix = true): void {
    let priority = basePriority;
    let msg = Buffer.from(text, 'utf8');
    if (levelPrefix) { const r = parseSyslogPriority(msg, priority, false); priority = r.priority; msg = msg.subarray(r.consumed); }
    if (msg.length === 0) return;
    const u = this.o.lookup?.(pid) ?? null;
    // rate limit before building anything: a flooding unit's suppressed lines cost almost nothing
    const level = priority & 7;
    if (level > (this.o.maxLevelStore ?? 7) || (u?.logLevelMax !== undefined && level > u.logLevelMax)) return;
    const rl = this.rl.test(unit, u?.rateLimitIntervalUs ?? this.o.rateLimitIntervalUs ?? DEFAULT_RATE_LIMIT_INTERVAL_US,
      u?.rateLimitBurst ?? this.o.rateLimitBurst ?? DEFAULT_RATE_LIMIT_BURST, level, this.available(), JournalServer.monotonicUs());
    if (rl === 0) return;
    if (rl > 1) this.driverMessage(`Suppressed ${rl - 1} messages from ${unit}`, SD_MESSAGE_JOURNAL_DROPPED, [`N_DROPPED=${rl - 1}`]);
    const p = pid > 0 ? this.proc(pid) : null;
    const ctx: ClientContext = {
      pid, uid: -1, gid: -1, comm: p?.comm ?? null, exe: p?.exe ?? null, cmdline: p?.cmdline ?? null, cgroup: null,
      unit, slice: u?.slice ?? null, invocationId: u?.invocationId ?? null,
      rateLimitIntervalUs: u?.rateLimitIntervalUs, rateLimitBurst: u?.rateLimitBurst, logLevelMax: u?.logLevelMax, extraFields: u?.extraFields,
    };
    const f = [Buffer.from('_TRANSPORT=stdout'), Buffer.from(`PRIORITY=${priority & 7}`)];
    if (priority & ~7) f.push(Buffer.from(`SYSLOG_FACILITY=${priority >> 3}`));
    if (ident) f.push(Buffer.from(`SYSLOG_IDENTIFIER=${ident}`));
    f.push(Buffer.concat([Buffer.from('MESSAGE='), msg]));
    this.dispatch(f, ctx, priority, undefined, ident, null, pid, false, true);
    if (this.syslogFd >= 0) this.forwardSyslogText(priority, ident || p?.comm || null, pid, msg.toString('utf8'));
  }

  /** The manager's own message about a unit, as systemd (PID 1) writes it: UNIT=, MESSAGE_ID= when known. */
  managerMessage(unit: string, priority: number, text: string, invocationId?: string | null, unitResult?: string, kind?: StatusKind): void {
    const f = [`PRIORITY=${priority & 7}`, 'SYSLOG_FACILITY=3', 'SYSLOG_IDENTIFIER=tsysd', '_TRANSPORT=journal', 'CODE_FUNC=unit_log'];
    if (unit) f.push(`UNIT=${unit}`);
    const id = kind ? STATUS_MESSAGE_IDS[kind] : messageIdFor(text);
    if (id) f.push(`MESSAGE_ID=${id}`);
    if (unitResult) f.push(`UNIT_RESULT=${unitResult}`);
    if (unit && invocationId) f.push(`INVOCATION_ID=${invocationId}`);
    f.push(`MESSAGE=${unit && !text.startsWith(unit) ? `${text}` : text}`);
    const self: ClientContext = { pid: process.pid, uid: process.getuid?.() ?? 0, gid: process.getgid?.() ?? 0, comm: 'tsysd', exe: process.execPath, cmdline: null, cgroup: null, unit: null, slice: null, invocationId: null };
    this.storage.enqueue([...f.map((x) => Buffer.from(x)), ...trustedFields(self, this.ids)], Date.now() * 1000, JournalServer.monotonicUs());
  }

  private forwardSyslogRaw(raw: Buffer): void {
    if (this.syslogFd < 0 || !this.o.forwardSyslogPath) return;
    this.n.sendmsg(this.syslogFd, raw, [], { family: 'unix', path: this.o.forwardSyslogPath, abstract: false });
  }

  private forwardSyslogText(priority: number, identifier: string | null, pid: number, message: string): void {
    if (this.syslogFd < 0 || !this.o.forwardSyslogPath) return;
    const d = new Date();
    // strftime("%h %e %T") in local time, as journald's server_forward_syslog()
    const mon = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'][d.getMonth()];
    const two = (n: number): string => String(n).padStart(2, '0');
    const ts = `${mon} ${String(d.getDate()).padStart(2, ' ')} ${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}`;
    const line = `<${priority}>${ts} ${identifier ?? 'unknown'}[${pid}]: ${message}`;
    this.n.sendmsg(this.syslogFd, Buffer.from(line), [], { family: 'unix', path: this.o.forwardSyslogPath, abstract: false });
  }

  /** Orderly stop: close sockets, write the queue, mark the file OFFLINE. */
  stop(): void {
    for (const c of [...this.conns.values()]) { this.handleStreamEvents(c, c.parser.end()); this.closeStream(c); }
    for (const f of this.fds) { this.n.pollStop(f.watch); this.n.close(f.fd); try { fs.unlinkSync(f.path); } catch { /* gone */ } }
    this.fds.length = 0;
    if (this.syslogFd >= 0) { this.n.close(this.syslogFd); this.syslogFd = -1; }
    for (const s of this.rl.pendingSuppressed()) this.driverMessage(`Suppressed ${s.count} messages from ${s.unit}`, SD_MESSAGE_JOURNAL_DROPPED, [`N_DROPPED=${s.count}`]);
    this.storage.close();
  }
}

/** The MESSAGE_ID of each unit status message (job_emit_start_message/job_emit_done_message use these for
 *  every unit type: "Reached target X." is UNIT_STARTED as "Started X." is). */
export const STATUS_MESSAGE_IDS: Record<StatusKind, string> = {
  starting: SD_MESSAGE_UNIT_STARTING, started: SD_MESSAGE_UNIT_STARTED, stopping: SD_MESSAGE_UNIT_STOPPING,
  stopped: SD_MESSAGE_UNIT_STOPPED, failed: SD_MESSAGE_UNIT_FAILED,
};

/** The MESSAGE_ID of a manager message that is not a status message (those carry their kind): the
 *  machines' "Failed with result '...'." and "Deactivated successfully." (service_enter_dead). */
export function messageIdFor(text: string): string | null {
  if (/^Failed with result /.test(text)) return SD_MESSAGE_UNIT_FAILURE_RESULT;
  if (/^Deactivated successfully/.test(text)) return SD_MESSAGE_UNIT_SUCCESS;
  return null;
}

function randomHex(): string {
  let s = '';
  for (let i = 0; i < 32; i++) s += Math.floor(Math.random() * 16).toString(16);
  return s;
}

export { PRIORITY_NAMES };
