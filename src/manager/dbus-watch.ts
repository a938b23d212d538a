// Type=dbus readiness (H10, issue #6): follows who owns a well-known bus name (BusName=) on the manager's bus
// and reports (hasOwner, ownerPid) to a callback, like systemd's unit_watch_bus_name(): a NameOwnerChanged
// match rule per watch (arg0=<name>), then one GetNameOwner (+ GetConnectionUnixProcessID for the pid).
// The bus is the system bus ($DBUS_SYSTEM_BUS_ADDRESS or unix:path=/run/dbus/system_bus_socket), or in user
// mode the session bus ($DBUS_SESSION_BUS_ADDRESS or $XDG_RUNTIME_DIR/bus). One shared connection per address.
// Invariants: a bus that is not up (yet) never throws into the manager: the connection is retried every
// `retryMs` while at least one watch exists, and each watch is told once per outage; no watch left → the
// connection is closed and no timer remains. Reports are delivered in bus order: an owner change that
// arrives while an older owner's pid is being looked up supersedes it (stale replies are dropped); a report
// equal to the previous one of the same watch is not repeated. dbus-next is loaded lazily (first watch).
import createDebug from 'debug';
import type { Message as DbusMessage, MessageBus } from 'dbus-next';

const debug = createDebug('tsysd:dbus');

export type OwnerReport = (hasOwner: boolean, ownerPid: number | null) => void;
export type WatchLog = (level: 'info' | 'warning', text: string) => void;

const DBUS = 'org.freedesktop.DBus';
const DBUS_PATH = '/org/freedesktop/DBus';
const METHOD_RETURN = 2, ERROR = 3, SIGNAL = 4;   // dbus MessageType

/** The bus a manager in this mode talks to (sd_bus_open_system / sd_bus_open_user rules). */
export function busAddressFor(userMode: boolean, env: NodeJS.ProcessEnv = process.env): string {
  if (!userMode) return env['DBUS_SYSTEM_BUS_ADDRESS'] || 'unix:path=/run/dbus/system_bus_socket';
  if (env['DBUS_SESSION_BUS_ADDRESS']) return env['DBUS_SESSION_BUS_ADDRESS'];
  const rt = env['XDG_RUNTIME_DIR'] || `/run/user/${process.getuid?.() ?? 0}`;
  return `unix:path=${rt}/bus`;
}

interface Watch {
  readonly id: number;
  readonly name: string;
  readonly cb: OwnerReport;
  readonly log: WatchLog | undefined;
  seq: number;               // bumps on every owner change seen; stale pid lookups compare against it
  owner: string | null;      // unique name of the current owner as last seen ('' none, null unknown)
  last: string | null;       // key of the last report delivered
  toldOutage: boolean;       // already told about the current outage
}

function matchRule(name: string): string {
  return `type='signal',sender='${DBUS}',path='${DBUS_PATH}',interface='${DBUS}',member='NameOwnerChanged',arg0='${name}'`;
}

function errText(e: unknown): string { return e instanceof Error ? e.message : String(e); }

export class BusNameWatcher {
  private bus: MessageBus | null = null;
  private connected = false;
  private generation = 0;
  private retry: NodeJS.Timeout | null = null;
  private readonly watches = new Map<number, Watch>();
  private nextId = 1;
  private everConnected = false;
  /** Replies awaited on the current connection, by call serial. */
  private readonly pending = new Map<number, (ok: boolean, body: unknown[]) => void>();

  constructor(readonly address: string, private readonly retryMs = 1000) {}

  get isConnected(): boolean { return this.connected; }
  get size(): number { return this.watches.size; }

  /** Start following `name`; `cb` gets the current state once known, then every change. Returns the watch id. */
  watch(name: string, cb: OwnerReport, log?: WatchLog): number {
    const w: Watch = { id: this.nextId++, name, cb, log, seq: 0, owner: null, last: null, toldOutage: false };
    this.watches.set(w.id, w);
    if (this.connected) this.subscribe(w);
    else this.connect();
    return w.id;
  }

  unwatch(id: number): void {
    const w = this.watches.get(id);
    if (!w) return;
    this.watches.delete(id);
    w.seq++;
    this.send('RemoveMatch', [matchRule(w.name)], () => undefined);
    if (this.watches.size === 0) this.close();
  }

  /** Drop the connection and any retry timer (watches, if any, are kept but go quiet). */
  close(): void {
    if (this.retry) { clearTimeout(this.retry); this.retry = null; }
    this.drop();
  }

  private drop(): void {
    this.generation++;
    const b = this.bus;
    this.bus = null;
    this.connected = false;
    this.pending.clear();
    if (b) { try { b.disconnect(); } catch { /* already closed */ } }
  }

  private connect(): void {
    if (this.bus || this.retry || this.watches.size === 0) return;
    const gen = ++this.generation;
    let bus: MessageBus;
    try {
      const dbus = require('dbus-next') as typeof import('dbus-next');
      bus = dbus.sessionBus({ busAddress: this.address });
    } catch (e) { this.lost(gen, e); return; }
    this.bus = bus;
    bus.on('error', (e: unknown) => this.lost(gen, e));
    // dbus-next does not forward the end of the stream; a bus that goes away must trigger the reconnect.
    const conn = (bus as unknown as { _connection?: { on(ev: string, f: () => void): void } })._connection;
    conn?.on('end', () => this.lost(gen, new Error('connection closed by the bus')));
    bus.on('connect', () => {
      if (gen !== this.generation) return;
      this.connected = true;
      this.everConnected = true;
      debug('connected to %s', this.address);
      for (const w of this.watches.values()) {
        if (w.toldOutage) w.log?.('info', `D-Bus ${this.address} is available, watching ${w.name}`);
        w.toldOutage = false;
        this.subscribe(w);
      }
    });
    bus.on('message', (m: DbusMessage) => {
      if (gen !== this.generation) return;
      if (m.type === METHOD_RETURN || m.type === ERROR) {
        const serial = Number(m.replySerial);
        const f = this.pending.get(serial);
        if (f) { this.pending.delete(serial); f(m.type === METHOD_RETURN, (m.body ?? []) as unknown[]); }
        return;
      }
      if (m.type !== SIGNAL || m.member !== 'NameOwnerChanged' || m.interface !== DBUS || m.sender !== DBUS) return;
      const [name, , owner] = m.body as [unknown, unknown, unknown];
      if (typeof name !== 'string' || typeof owner !== 'string') return;
      for (const w of this.watches.values()) if (w.name === name) this.ownerSeen(w, owner);
    });
  }

  /** The connection failed or ended: forget it and, while watches remain, retry after retryMs. */
  private lost(gen: number, e: unknown): void {
    if (gen !== this.generation) return;
    const was = this.connected;
    this.drop();
    debug('bus %s: %s', this.address, errText(e));
    if (this.watches.size === 0) return;
    for (const w of this.watches.values()) {
      if (w.toldOutage) continue;
      w.toldOutage = true;
      w.owner = null;
      const what = was || this.everConnected ? 'lost the connection to' : 'cannot connect to';
      w.log?.('warning', `Type=dbus: ${what} D-Bus ${this.address} (${errText(e)}) while watching ${w.name}; retrying every ${this.retryMs / 1000}s`);
    }
    if (!this.retry) {
      this.retry = setTimeout(() => { this.retry = null; this.connect(); }, this.retryMs);
      this.retry.unref();
    }
  }

  private subscribe(w: Watch): void {
    // AddMatch is sent before GetNameOwner, and replies and signals are handled synchronously in arrival
    // order: every change after the reply's snapshot arrives after it, as a signal.
    this.send('AddMatch', [matchRule(w.name)], (ok, body) => {
      if (!ok) w.log?.('warning', `Type=dbus: AddMatch for ${w.name} failed: ${String(body[0])}`);
    });
    this.send('GetNameOwner', [w.name], (ok, body) => {   // error = org.freedesktop.DBus.Error.NameHasNoOwner
      if (this.watches.get(w.id) === w) this.ownerSeen(w, ok && typeof body[0] === 'string' ? body[0] : '');
    });
  }

  private ownerSeen(w: Watch, owner: string): void {
    if (owner === w.owner && w.last !== null) return;
    w.owner = owner;
    const seq = ++w.seq;
    if (!owner) { this.report(w, false, null); return; }
    this.send('GetConnectionUnixProcessID', [owner], (ok, body) => {
      const pid = ok && typeof body[0] === 'number' && body[0] > 0 ? body[0] : null;
      if (this.watches.get(w.id) === w && w.seq === seq) this.report(w, true, pid);
    });
  }

  private report(w: Watch, hasOwner: boolean, pid: number | null): void {
    const key = `${hasOwner}:${pid ?? ''}`;
    if (key === w.last) return;
    w.last = key;
    debug('%s: owner %s pid %s', w.name, hasOwner ? w.owner : '(none)', pid);
    w.cb(hasOwner, pid);
  }

  /** One org.freedesktop.DBus call (every argument is a string); the reply is handled in bus order. */
  private send(member: string, args: string[], onReply: (ok: boolean, body: unknown[]) => void): void {
    const bus = this.bus;
    if (!bus || !this.connected) return;
    const { Message } = require('dbus-next') as typeof import('dbus-next');
    const m = new Message({ destination: DBUS, path: DBUS_PATH, interface: DBUS, member, signature: 's'.repeat(args.length), body: args });
    try { bus.send(m); } catch (e) { debug('send %s: %s', member, errText(e)); return; }
    if (typeof m.serial === 'number') this.pending.set(m.serial, onReply);
  }
}

const shared = new Map<string, BusNameWatcher>();

/** Follow `name` on the manager's bus (shared connection per address). Returns the unwatch function. */
export function watchBusName(userMode: boolean, name: string, cb: OwnerReport, log?: WatchLog): () => void {
  const addr = busAddressFor(userMode);
  let w = shared.get(addr);
  if (!w) { w = new BusNameWatcher(addr); shared.set(addr, w); }
  const watcher = w;
  const id = watcher.watch(name, cb, log);
  return () => watcher.unwatch(id);
}
