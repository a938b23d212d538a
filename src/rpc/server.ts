// The control server: JSON-RPC 2.0 over a unix stream socket, in front of a ManagerApi.
//
// Owner: H6. Request validation, batches, notifications and the standard error objects are ./dispatch
// (jayson's Server.call semantics, without loading jayson's transports); the transport is ours, because
// jayson's tcp interface parses an unbounded JSON stream (no size limit, no backpressure, no
// per-connection context for peer credentials, no way to push notifications):
//  * framing: '\n'-delimited lines; a line longer than maxRequestBytes → INVALID_REQUEST, then close;
//  * bounded work per connection: at most maxInFlightPerConnection requests run at once, further lines
//    wait in a queue of at most maxRequestBytes bytes; beyond that we stop reading the socket (kernel
//    backpressure) until the queue drains;
//  * bounded output: unread responses/events above maxOutputBufferBytes → the connection is destroyed
//    (a client that never reads cannot grow our memory);
//  * bounded replies: each result is measured when its method returns and charged to its connection (and
//    to the server) until written; a result that would take the connection over maxReplyBytes (or all
//    connections over maxTotalReplyBytes) is replaced by OVERLOADED, so a batch cannot build a reply of
//    tens of MB nor unread batches pile up hundreds (issue 12 #4);
//  * connection caps (./conn-limits): maxConnections for unprivileged peers, maxConnectionsPerUid for one
//    uid, and privilegedReserve more that only root may use: no user can lock root out (issue 12 #3);
//    a connection idle for idleTimeoutMs (no request running, no job wait, no subscription) is closed;
//    unprocessed input over all connections is bounded by maxTotalInputBytes;
//  * authorisation: SO_PEERCRED (injected PeerCredFn); write methods need a privileged peer;
//  * subscribe/unsubscribe and `wait: true` for jobs are served here from ManagerApi.onEvent.
// Invariants: every request line gets exactly one response line (unless it is a notification or the
// connection died); a thrown handler never takes the server down.
import * as fs from 'node:fs';
import * as net from 'node:net';
import createDebug from 'debug';
import { API_METHOD, JOB_METHODS, type Caller, type ManagerApi } from './api';
import { ConnectionAdmission } from './conn-limits';
import { RpcDispatcher, type RpcHandler } from './dispatch';
import { RpcError } from './errors';
import { isPrivileged, nativePeerCred, socketModePeerCred, type PeerCred, type PeerCredFn } from './peercred';
import {
  ErrorCode, EVENT_METHOD, LIMITS, METHODS, checkParams, type EventType, type JobEvent, type JobParams, type JobReply,
  type MethodName, type RpcErrorObject, type RpcEvent,
} from './protocol';

const debug = createDebug('tsysd:rpc');

export interface ServerOptions {
  api: ManagerApi;
  /** Socket path to bind (the caller has already claimed it: stale file removed). Ignored with `server`. */
  path: string;
  userMode: boolean;
  managerUid: number;
  /** Peer credential source; default: H4's native SO_PEERCRED, else the socket-mode fallback. */
  peerCred?: PeerCredFn;
  /** Socket file mode (default 0o666: anyone may read state; writes are checked per request). */
  socketMode?: number;
  limits?: Partial<Record<keyof typeof LIMITS, number>>;
  /** The manager's crash barrier (src/manager/barrier.ts): each request's handler runs inside it as an
   *  'rpc' event of the manager itself, so a throw is logged with its stack and counted; the request is
   *  then answered with INTERNAL_ERROR and nothing else is affected. */
  guard?: (source: 'rpc', unit: string, fn: () => void) => void;
}

interface Subscription { id: number; events: Set<EventType> | null; units: Set<string> | null }

interface Conn {
  sock: net.Socket;
  caller: Caller;
  buf: string;                 // partial line
  queue: string[];             // complete lines not yet dispatched
  queueBytes: number;
  inFlight: number;
  paused: boolean;
  closed: boolean;
  subs: Map<number, Subscription>;
  waiters: Set<() => void>;    // cancel functions of this connection's pending `wait: true` requests
  lastActive: number;          // Date.now() of the last input or output
  charged: number;             // bytes of results measured but not yet written (see charge())
  unflushed: number;           // bytes written that the kernel has not taken yet
}

/** The context of one request line: its connection and the result bytes charged for it. */
interface LineCtx { conn: Conn; charged: number }

type Limits = { [K in keyof typeof LIMITS]: number };

export class ControlServer {
  readonly limits: Limits;
  private srv: net.Server;
  private conns = new Set<Conn>();
  /** Connections with at least one subscription (event fan-out walks only these). */
  private subscribers = new Set<Conn>();
  private rpc: RpcDispatcher<LineCtx>;
  private readonly admission: ConnectionAdmission;
  private idleTimer: NodeJS.Timeout | null = null;
  /** Result bytes charged and written-but-unflushed bytes over all connections. */
  private totalCharged = 0;
  private totalUnflushed = 0;
  private offEvent: () => void;
  private nextSub = 1;
  private peerCred: PeerCredFn;
  private fallbackMode: number | null = null;
  /** job id → resolvers of `wait: true` requests. */
  private jobWaiters = new Map<number, Array<(e: JobEvent) => void>>();
  /** While a job method call is in progress, removed-job events are kept here (the job may finish inside the call). */
  private capturing = 0;
  private recentRemoved = new Map<number, JobEvent>();

  constructor(private readonly opts: ServerOptions) {
    this.limits = { ...LIMITS, ...(opts.limits ?? {}) } as Limits;
    const native = opts.peerCred ? null : nativePeerCred();
    if (!opts.peerCred && !native) {
      // No SO_PEERCRED available: restrict the socket to its owner and trust its permissions instead.
      debug('native peer credentials unavailable: control socket restricted to its owner (0600)');
      this.fallbackMode = 0o600;
    }
    this.peerCred = opts.peerCred ?? native ?? socketModePeerCred(opts.path);
    const methods = new Map<string, RpcHandler<LineCtx>>();
    for (const name of Object.keys(METHODS) as MethodName[]) {
      methods.set(name, (params, ctx) => this.invoke(name, params, ctx.conn)
        .then((r) => this.charge(ctx, r))
        .catch((e: unknown) => { throw toErrorObject(e); }));
    }
    this.rpc = new RpcDispatcher(methods, this.limits.maxBatchLength);
    this.admission = new ConnectionAdmission(this.limits);
    this.srv = net.createServer({ allowHalfOpen: false }, (s) => this.onConnection(s));
    // Backstop only: admission (by uid) happens in onConnection, where the peer is known.
    this.srv.maxConnections = this.admission.hardCap;
    this.offEvent = opts.api.onEvent((e) => this.onEvent(e));
  }

  get connectionCount(): number { return this.conns.size; }

  listen(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.srv.once('error', reject);
      this.srv.listen({ path: this.opts.path, backlog: 1024 }, () => {
        this.srv.off('error', reject);
        try { fs.chmodSync(this.opts.path, this.fallbackMode ?? this.opts.socketMode ?? 0o666); } catch { /* best effort */ }
        debug('listening on %s', this.opts.path);
        const every = Math.max(50, Math.min(10_000, this.limits.idleTimeoutMs / 4));
        this.idleTimer = setInterval(() => this.closeIdle(), every);
        this.idleTimer.unref();
        resolve();
      });
    });
  }

  /** Stop accepting, unlink the socket file, end every connection (replies already written, e.g. to
   *  `exit`/`poweroff`, are flushed; a peer that does not close within `graceMs` is destroyed). */
  close(graceMs = 1000): Promise<void> {
    this.offEvent();
    if (this.idleTimer) { clearInterval(this.idleTimer); this.idleTimer = null; }
    try { fs.unlinkSync(this.opts.path); } catch { /* already gone */ }
    for (const c of [...this.conns]) {
      for (const cancel of [...c.waiters]) cancel();
      c.waiters.clear();
      this.admission.release(c.caller.uid, c.caller.privileged);
      c.closed = true;
      c.subs.clear();
      c.sock.end();
      setTimeout(() => c.sock.destroy(), graceMs).unref();
    }
    this.conns.clear();
    this.subscribers.clear();
    return new Promise((resolve) => { this.srv.close(() => resolve()); });
  }

  // ------------------------------------------------------------------ connections and framing

  private onConnection(sock: net.Socket): void {
    let cred: PeerCred | null = null;
    try { cred = this.peerCred(sock); } catch { cred = null; }
    const caller: Caller = {
      uid: cred?.uid ?? -1, gid: cred?.gid ?? -1, pid: cred?.pid ?? 0,
      privileged: isPrivileged(cred, this.opts.userMode, this.opts.managerUid),
    };
    if (!this.admission.admit(caller.uid, caller.privileged)) {
      debug('refusing connection uid=%d pid=%d: connection limit (%d of this uid, %d in all)', caller.uid, caller.pid, this.admission.countOf(caller.uid), this.admission.total);
      sock.on('error', () => { /* peer gone */ });
      sock.destroy();
      return;
    }
    const c: Conn = {
      sock, caller, buf: '', queue: [], queueBytes: 0, inFlight: 0, paused: false, closed: false, subs: new Map(), waiters: new Set(),
      lastActive: Date.now(), charged: 0, unflushed: 0,
    };
    this.conns.add(c);
    sock.setEncoding('utf8');
    sock.on('data', (d: string) => this.onData(c, d));
    sock.on('error', () => { /* close follows */ });
    sock.on('close', () => this.drop(c));
    debug('connection uid=%d pid=%d privileged=%s', caller.uid, caller.pid, caller.privileged);
  }

  private drop(c: Conn, graceful = false): void {
    if (c.closed) return;
    c.closed = true;
    this.admission.release(c.caller.uid, c.caller.privileged);
    this.totalUnflushed -= c.unflushed;
    c.unflushed = 0;
    this.conns.delete(c);
    this.subscribers.delete(c);
    c.subs.clear();
    for (const cancel of [...c.waiters]) cancel();
    c.waiters.clear();
    c.queue = [];
    c.queueBytes = 0;
    c.buf = '';
    if (graceful) { c.sock.end(); c.sock.setTimeout(5000, () => c.sock.destroy()); } else if (!c.sock.destroyed) c.sock.destroy();
  }

  /** Close connections that did nothing for idleTimeoutMs (no request running or queued, no job wait, no
   *  subscription): held-open idle connections must not pin the caps. */
  private closeIdle(): void {
    const limit = Date.now() - this.limits.idleTimeoutMs;
    for (const c of this.conns) {
      if (c.lastActive > limit || c.inFlight > 0 || c.queue.length > 0 || c.subs.size > 0 || c.waiters.size > 0) continue;
      debug('closing idle connection uid=%d pid=%d', c.caller.uid, c.caller.pid);
      this.drop(c, true);
    }
  }

  /** Measure a method's result and charge it to its line until written; over budget → OVERLOADED. */
  private charge(ctx: LineCtx, result: unknown): unknown {
    const c = ctx.conn;
    let n: number;
    try { n = (JSON.stringify(result) ?? 'null').length; } catch { n = 0; }
    const conn = c.charged + c.unflushed + n;
    if (conn > this.limits.maxReplyBytes || this.totalCharged + this.totalUnflushed + n > this.limits.maxTotalReplyBytes) {
      debug('reply of %d bytes refused for uid=%d pid=%d (connection %d, all %d)', n, c.caller.uid, c.caller.pid, conn, this.totalCharged + this.totalUnflushed);
      throw new RpcError(ErrorCode.OVERLOADED, `Reply too large: ${n} bytes would exceed the output bound of the connection (${this.limits.maxReplyBytes} bytes) or of the manager; read replies before sending more, or ask for less`);
    }
    ctx.charged += n;
    c.charged += n;
    this.totalCharged += n;
    return result;
  }

  private uncharge(ctx: LineCtx): void {
    ctx.conn.charged -= ctx.charged;
    this.totalCharged -= ctx.charged;
    ctx.charged = 0;
  }

  private onData(c: Conn, data: string): void {
    if (c.closed) return;
    c.lastActive = Date.now();
    let start = 0;
    for (;;) {
      const nl = data.indexOf('\n', start);
      if (nl < 0) break;
      const piece = data.slice(start, nl);
      start = nl + 1;
      const line = c.buf.length ? c.buf + piece : piece;
      c.buf = '';
      if (Buffer.byteLength(line) > this.limits.maxRequestBytes) { this.tooLarge(c); return; }
      if (line.trim() === '') continue;
      c.queue.push(line);
      c.queueBytes += line.length;
    }
    c.buf += data.slice(start);
    if (c.buf.length > this.limits.maxRequestBytes) { this.tooLarge(c); return; }
    if (c.buf.length + c.queueBytes > 65536 && this.totalInput() > this.limits.maxTotalInputBytes) { this.tooLarge(c); return; }
    this.pump(c);
    if (!c.paused && c.queueBytes + c.buf.length > this.limits.maxRequestBytes) { c.paused = true; c.sock.pause(); }
  }

  /** Unprocessed input held over all connections (computed only when one connection holds a lot). */
  private totalInput(): number {
    let n = 0;
    for (const c of this.conns) n += c.buf.length + c.queueBytes;
    return n;
  }

  private tooLarge(c: Conn): void {
    this.send(c, { jsonrpc: '2.0', id: null, error: { code: ErrorCode.INVALID_REQUEST, message: `Request exceeds ${this.limits.maxRequestBytes} bytes` } });
    this.drop(c, true);
  }

  private pump(c: Conn): void {
    while (!c.closed && c.inFlight < this.limits.maxInFlightPerConnection && c.queue.length > 0) {
      const line = c.queue.shift() as string;
      c.queueBytes -= line.length;
      c.inFlight++;
      const ctx: LineCtx = { conn: c, charged: 0 };
      this.rpc.call(line, ctx, (out) => {
        c.inFlight--;
        if (out !== undefined && !(Array.isArray(out) && out.length === 0)) this.send(c, out);
        this.uncharge(ctx);
        this.pump(c);
      });
    }
    if (c.paused && !c.closed && c.queueBytes + c.buf.length <= this.limits.maxRequestBytes / 2) { c.paused = false; c.sock.resume(); }
  }

  private send(c: Conn, msg: unknown): void {
    if (c.closed || c.sock.destroyed) return;
    let text: string;
    try { text = JSON.stringify(msg) + '\n'; } catch (e) {
      text = JSON.stringify({ jsonrpc: '2.0', id: null, error: { code: ErrorCode.INTERNAL_ERROR, message: (e as Error).message } }) + '\n';
    }
    // Checked before writing: one large reply is fine, an accumulation of unread output is not.
    if (c.sock.writableLength > this.limits.maxOutputBufferBytes) {
      debug('dropping connection uid=%d pid=%d: %d bytes unread', c.caller.uid, c.caller.pid, c.sock.writableLength);
      this.drop(c);
      return;
    }
    const n = text.length;
    c.unflushed += n;
    this.totalUnflushed += n;
    c.lastActive = Date.now();
    c.sock.write(text, () => {
      if (c.closed) return;          // drop() already took this connection's bytes off the total
      c.unflushed -= n;
      this.totalUnflushed -= n;
      c.lastActive = Date.now();
    });
  }

  // ------------------------------------------------------------------ dispatch

  private async invoke(name: MethodName, params: unknown, c: Conn): Promise<unknown> {
    const spec = METHODS[name];
    const bad = checkParams(spec.params, params);
    if (bad !== null) throw new RpcError(ErrorCode.INVALID_PARAMS, `Invalid params: ${bad}`, { field: bad });
    const p = (params ?? {}) as Record<string, unknown>;
    if (spec.write && !c.caller.privileged) throw new RpcError(ErrorCode.ACCESS_DENIED, 'Access denied');
    if (name === 'subscribe') return this.subscribe(c, p);
    if (name === 'unsubscribe') {
      const id = p.subscription as number;
      if (!c.subs.delete(id)) throw new RpcError(ErrorCode.INVALID_ARGUMENT, `No subscription ${id}`);
      if (c.subs.size === 0) this.subscribers.delete(c);
      return {};
    }
    const apiName = API_METHOD[name];
    const fn = this.opts.api[apiName] as (p: unknown, caller: Caller) => Promise<unknown>;
    const run = (): Promise<unknown> => (JOB_METHODS.has(name) && (p as unknown as JobParams).wait === true
      ? this.runAndWait(name, fn, p, c) : fn.call(this.opts.api, p, c.caller));
    const guard = this.opts.guard;
    if (!guard) return run();
    let out: Promise<unknown> | undefined;
    guard('rpc', '', () => { out = run(); });
    if (out === undefined) throw new RpcError(ErrorCode.INTERNAL_ERROR, `Internal error while handling ${name} (see the manager's log)`);
    return out;
  }

  private subscribe(c: Conn, p: Record<string, unknown>): { subscription: number } {
    if (c.closed) throw new RpcError(ErrorCode.INTERNAL_ERROR, 'connection closed');
    if (c.subs.size >= this.limits.maxSubscriptionsPerConnection) throw new RpcError(ErrorCode.OVERLOADED, 'Too many subscriptions on this connection');
    const id = this.nextSub++;
    const events = Array.isArray(p.events) ? new Set(p.events as EventType[]) : null;
    const units = Array.isArray(p.units) ? new Set(p.units as string[]) : null;
    c.subs.set(id, { id, events, units });
    this.subscribers.add(c);
    return { subscription: id };
  }

  private async runAndWait(name: MethodName, fn: (p: unknown, caller: Caller) => Promise<unknown>, p: Record<string, unknown>, c: Conn): Promise<JobReply> {
    this.capturing++;
    let reply: JobReply;
    let early: JobEvent | undefined;
    try {
      reply = await fn.call(this.opts.api, p, c.caller) as JobReply;
      early = reply.job ? this.recentRemoved.get(reply.job) : undefined;
    } finally {
      if (--this.capturing === 0) this.recentRemoved.clear();
    }
    let done: JobEvent | undefined = early;
    if (reply.result === undefined && done === undefined && reply.job) {
      const jobId = reply.job;
      done = await new Promise<JobEvent>((resolve, reject) => {
        const list = this.jobWaiters.get(jobId) ?? [];
        const w = (e: JobEvent): void => { c.waiters.delete(cancel); resolve(e); };
        const cancel = (): void => {
          const l = this.jobWaiters.get(jobId);
          if (l) { const i = l.indexOf(w); if (i >= 0) l.splice(i, 1); if (l.length === 0) this.jobWaiters.delete(jobId); }
          reject(new RpcError(ErrorCode.INTERNAL_ERROR, 'connection closed'));
        };
        list.push(w);
        this.jobWaiters.set(jobId, list);
        c.waiters.add(cancel);
      });
    }
    const result = reply.result ?? done?.result ?? 'done';
    const unitResult = reply.unitResult ?? done?.unitResult;
    const out: JobReply = { ...reply, result };
    if (unitResult !== undefined) out.unitResult = unitResult;
    const okSkipped = result === 'skipped' && (name === 'try-restart' || name === 'try-reload-or-restart');
    if (result !== 'done' && !okSkipped) {
      const data = { unit: reply.unit, job: reply.job, result, jobType: reply.type, ...(unitResult !== undefined ? { unitResult } : {}) };
      throw new RpcError(ErrorCode.JOB_FAILED, `Job for ${reply.unit} finished with result ${result}.`, data);
    }
    return out;
  }

  // ------------------------------------------------------------------ events

  private onEvent(e: RpcEvent): void {
    if (e.type === 'job' && e.phase === 'removed') {
      if (this.capturing > 0) this.recentRemoved.set(e.job.id, e);
      const ws = this.jobWaiters.get(e.job.id);
      if (ws) { this.jobWaiters.delete(e.job.id); for (const w of ws) w(e); }
    }
    const unit = e.type === 'unit' ? e.unit : e.type === 'job' ? e.job.unit : e.type === 'log' ? e.line.unit : '';
    for (const c of [...this.subscribers]) {
      for (const s of c.subs.values()) {
        if (s.events && !s.events.has(e.type)) continue;
        if (s.units && e.type !== 'manager' && !s.units.has(unit)) continue;
        this.send(c, { jsonrpc: '2.0', method: EVENT_METHOD, params: { subscription: s.id, event: e } });
        if (c.closed) break;
      }
    }
  }
}

function toErrorObject(e: unknown): RpcErrorObject {
  if (e instanceof RpcError) return e.toJSON();
  const o = e as { code?: unknown; message?: unknown } | null;
  if (o && typeof o.code === 'number' && Number.isInteger(o.code) && typeof o.message === 'string') {
    return { code: o.code, message: o.message };
  }
  return { code: ErrorCode.INTERNAL_ERROR, message: e instanceof Error ? e.message : String(e) };
}

/** Create, bind and start the control server. The caller (tsysd) has claimed `opts.path` first. */
export async function startControlServer(opts: ServerOptions): Promise<ControlServer> {
  const s = new ControlServer(opts);
  await s.listen();
  return s;
}
