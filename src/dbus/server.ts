// A peer-to-peer D-Bus server on a unix stream socket (what systemd serves on /run/systemd/private): accept,
// check SO_PEERCRED, run the server half of SASL (./auth.ts), then frame messages (./wire.ts) and hand
// method calls to a Dispatcher (./objects.ts). Signals go to every authenticated connection, as systemd
// sends every signal to every private connection (no AddMatch there). Calls to org.freedesktop.DBus itself
// (Hello, AddMatch, RemoveMatch: clients written for a bus send them) are answered locally.
//
// Limits mirror the JSON-RPC server's (src/rpc/server.ts, LIMITS):
//  * connection cap: above maxConnections new connections are closed at once;
//  * refused peers (`accept(cred)` false: e.g. not root on the private socket) are closed at once;
//  * input: a message longer than maxMessageBytes, a malformed message or a broken handshake closes the
//    connection; at most maxInFlightPerConnection calls run at once, then the socket is paused (kernel
//    backpressure) until replies are out;
//  * output: unread output above maxOutputBufferBytes → the connection is destroyed (a client that never
//    reads cannot grow our memory);
//  * a handshake not finished within authTimeoutMs closes the connection.
// Invariants: a thrown implementation never takes the server down (Dispatcher turns it into an ERROR reply);
// close() ends every connection and unlinks the socket file.
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as net from 'node:net';
import createDebug from 'debug';
import type { Caller } from '../rpc/api';
import { nativePeerCred, type PeerCred, type PeerCredFn } from '../rpc/peercred';
import { AuthServer } from './auth';
import { Dispatcher, Errors, errorReply, type CallContext } from './objects';
import { Flags, MAX_MESSAGE_BYTES, MessageType, decode, encode, frameLength, type Message } from './wire';

const debug = createDebug('tsysd:dbus');

export const DBUS_LIMITS = {
  maxConnections: 1024,
  maxMessageBytes: MAX_MESSAGE_BYTES,
  maxInFlightPerConnection: 64,
  maxOutputBufferBytes: 4 << 20,
  authTimeoutMs: 30000,
};
export type DbusLimits = typeof DBUS_LIMITS;

export interface DbusServerOptions {
  path: string;
  dispatcher: Dispatcher;
  /** SO_PEERCRED source (default: the native addon). */
  peerCred?: PeerCredFn;
  /** May this peer connect at all? (default: anyone whose credentials are known) */
  accept?: (cred: PeerCred) => boolean;
  /** May this peer change state? */
  privileged: (cred: PeerCred) => boolean;
  socketMode?: number;
  limits?: Partial<DbusLimits>;
}

export interface DbusConnection {
  readonly caller: Caller;
  readonly uniqueName: string;
  /** Queue a message (serial assigned here). False when the connection is gone or was dropped for unread output. */
  send(m: Message): boolean;
}

class Conn implements DbusConnection {
  serial = 1;
  auth: AuthServer | null;
  buf: Buffer = Buffer.alloc(0);
  inFlight = 0;
  paused = false;
  closed = false;
  timer: NodeJS.Timeout | null = null;

  constructor(readonly sock: net.Socket, readonly caller: Caller, readonly uniqueName: string, guid: string,
    private readonly maxOut: number, private readonly onDrop: (c: Conn) => void) {
    this.auth = new AuthServer(caller.uid, guid);
  }

  send(m: Message): boolean {
    if (this.closed || this.auth || this.sock.destroyed) return false;
    if (this.sock.writableLength > this.maxOut) {
      debug('dropping connection uid=%d pid=%d: %d bytes unread', this.caller.uid, this.caller.pid, this.sock.writableLength);
      this.onDrop(this);
      return false;
    }
    let buf: Buffer;
    try { buf = encode({ ...m, serial: this.serial++ }); } catch (e) {
      debug('cannot marshal %s.%s: %s', m.interface, m.member ?? m.errorName, (e as Error).message);
      if (m.type === MessageType.METHOD_RETURN && m.replySerial) {
        return this.send(errorReply({ ...m, serial: m.replySerial }, Errors.failed(`Failed to marshal reply: ${(e as Error).message}`)));
      }
      return false;
    }
    this.sock.write(buf);
    return true;
  }
}

export class DbusServer {
  readonly limits: DbusLimits;
  private srv: net.Server;
  private conns = new Set<Conn>();
  private readonly guid = crypto.randomBytes(16).toString('hex');
  private peerCred: PeerCredFn | null;
  private nextUnique = 1;

  constructor(private readonly opts: DbusServerOptions) {
    this.limits = { ...DBUS_LIMITS, ...(opts.limits ?? {}) };
    this.peerCred = opts.peerCred ?? nativePeerCred();
    this.srv = net.createServer({ allowHalfOpen: false }, (s) => this.onConnection(s));
    this.srv.maxConnections = this.limits.maxConnections;
  }

  get connectionCount(): number { return this.conns.size; }

  listen(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.srv.once('error', reject);
      this.srv.listen({ path: this.opts.path, backlog: 1024 }, () => {
        this.srv.off('error', reject);
        try { fs.chmodSync(this.opts.path, this.opts.socketMode ?? 0o600); } catch { /* best effort */ }
        debug('D-Bus server listening on %s', this.opts.path);
        resolve();
      });
    });
  }

  close(): Promise<void> {
    try { fs.unlinkSync(this.opts.path); } catch { /* gone */ }
    for (const c of [...this.conns]) this.drop(c);
    return new Promise((resolve) => { this.srv.close(() => resolve()); });
  }

  /** Some client is connected (authenticated or not yet). */
  hasConnections(): boolean { return this.conns.size > 0; }

  /** Send a signal to every authenticated connection. */
  broadcast(m: Message): void {
    for (const c of [...this.conns]) if (!c.auth) c.send(m);
  }

  private onConnection(sock: net.Socket): void {
    if (this.conns.size >= this.limits.maxConnections) { sock.destroy(); return; }
    let cred: PeerCred | null = null;
    try { cred = this.peerCred ? this.peerCred(sock) : null; } catch { cred = null; }
    if (!cred || (this.opts.accept && !this.opts.accept(cred))) {
      debug('refusing D-Bus connection from uid=%s pid=%s', cred?.uid, cred?.pid);
      sock.destroy();
      return;
    }
    const caller: Caller = { uid: cred.uid, gid: cred.gid, pid: cred.pid, privileged: this.opts.privileged(cred) };
    const c = new Conn(sock, caller, `:1.${this.nextUnique++}`, this.guid, this.limits.maxOutputBufferBytes, (x) => this.drop(x));
    this.conns.add(c);
    c.timer = setTimeout(() => { if (c.auth) this.drop(c); }, this.limits.authTimeoutMs);
    c.timer.unref();
    sock.on('data', (d: Buffer) => this.onData(c, d));
    sock.on('error', () => { /* close follows */ });
    sock.on('close', () => this.drop(c));
  }

  private drop(c: Conn): void {
    if (c.closed) return;
    c.closed = true;
    this.conns.delete(c);
    if (c.timer) clearTimeout(c.timer);
    c.buf = Buffer.alloc(0);
    if (!c.sock.destroyed) c.sock.destroy();
  }

  private onData(c: Conn, d: Buffer): void {
    if (c.closed) return;
    if (c.auth) {
      const step = c.auth.feed(d);
      if (step.out) c.sock.write(step.out, 'latin1');
      if (step.fail) { debug('handshake failed: %s', step.fail); this.drop(c); return; }
      if (!step.done) return;
      c.auth = null;
      if (c.timer) { clearTimeout(c.timer); c.timer = null; }
      d = step.done;
      if (d.length === 0) return;
    }
    c.buf = c.buf.length ? Buffer.concat([c.buf, d]) : d;
    this.pump(c);
  }

  private pump(c: Conn): void {
    while (!c.closed && c.inFlight < this.limits.maxInFlightPerConnection) {
      const len = frameLength(c.buf, 0, this.limits.maxMessageBytes);
      if (len < 0) { debug('malformed or oversized message from uid=%d', c.caller.uid); this.drop(c); return; }
      if (len === 0 || c.buf.length < len) break;
      const raw = c.buf.subarray(0, len);
      c.buf = c.buf.subarray(len);
      let m: Message;
      try { m = decode(Buffer.from(raw)); } catch (e) { debug('undecodable message: %s', (e as Error).message); this.drop(c); return; }
      this.dispatch(c, m);
    }
    if (c.closed) return;
    const busy = c.inFlight >= this.limits.maxInFlightPerConnection;
    if (busy && !c.paused) { c.paused = true; c.sock.pause(); }
    if (!busy && c.paused) { c.paused = false; c.sock.resume(); }
  }

  private dispatch(c: Conn, m: Message): void {
    if (m.type !== MessageType.METHOD_CALL) return;
    if (m.destination === 'org.freedesktop.DBus') { this.busCall(c, m); return; }
    c.inFlight++;
    const ctx: CallContext = { caller: c.caller, sender: c.uniqueName, connection: c };
    void this.opts.dispatcher.handle(m, ctx).then((reply) => {
      c.inFlight--;
      if (reply) c.send({ ...reply, destination: undefined });
      this.pump(c);
    });
  }

  /** The few org.freedesktop.DBus calls a bus client makes before anything else. */
  private busCall(c: Conn, m: Message): void {
    if ((m.flags & Flags.NO_REPLY_EXPECTED) !== 0) return;
    const ret = (signature: string, body: unknown[]): Message => ({ type: MessageType.METHOD_RETURN, flags: Flags.NO_REPLY_EXPECTED, serial: 0, replySerial: m.serial, sender: 'org.freedesktop.DBus', destination: c.uniqueName, signature, body });
    switch (m.member) {
      case 'Hello': c.send(ret('s', [c.uniqueName])); return;
      case 'AddMatch': case 'RemoveMatch': c.send(ret('', [])); return;
      case 'GetId': c.send(ret('s', [this.guid])); return;
      default: c.send(errorReply(m, Errors.unknownMethod(m.interface ?? 'org.freedesktop.DBus', m.member ?? '')));
    }
  }
}

export async function startDbusServer(opts: DbusServerOptions): Promise<DbusServer> {
  const s = new DbusServer(opts);
  await s.listen();
  return s;
}
