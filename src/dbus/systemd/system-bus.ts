// systemd's objects on the system bus: when a bus is up ($DBUS_SYSTEM_BUS_ADDRESS, else
// /run/dbus/system_bus_socket; e.g. dbus.service started by tsysd itself), connect with dbus-next, own
// org.freedesktop.systemd1 and serve the same objects as the private socket. Non-root clients and tools that
// need a bus (`systemd-run --wait`, busctl without --address, Ansible, pystemd) talk to systemd here.
//
// Uses dbus-next's MessageBus only as a connection (auth, framing, Hello);
// calls are answered by the face's Dispatcher, signals are the face's.
// Invariants: reads are open to everyone, writes need uid 0 (or the manager's uid in user mode; no polkit),
// decided from the bus's GetConnectionUnixUser for the sender (cached per unique name, dropped on
// NameOwnerChanged); a bus that goes away is retried every `retryMs` while the face runs, and whenever a
// unit becomes active (dbus.service coming up); nothing here throws into the manager.
import createDebug from 'debug';
import * as fs from 'node:fs';
import type { Message as NextMessage, MessageBus } from 'dbus-next';
import type { Caller } from '../../rpc/api';
import type { RpcEvent } from '../../rpc/protocol';
import type { CallContext } from '../objects';
import type { Message } from '../wire';
import type { SystemdFace } from './face';

const debug = createDebug('tsysd:dbus');

export const BUS_NAME = 'org.freedesktop.systemd1';
const ACTIVATOR = 'org.freedesktop.systemd1.Activator';

function busPath(address: string): string | null {
  const m = /^unix:path=([^,;]+)/.exec(address);
  return m ? (m[1] as string) : null;
}

export class SystemBusLink {
  private bus: MessageBus | null = null;
  private connecting = false;
  private closed = false;
  private retry: NodeJS.Timeout | null = null;
  private readonly uids = new Map<string, Promise<Caller>>();
  private offSink: (() => void) | null = null;
  private offEvents: () => void;

  constructor(private readonly face: SystemdFace, private readonly address: string, private readonly managerUid: number,
    onEvent: (fn: (e: RpcEvent) => void) => () => void, private readonly retryMs = 1000) {
    this.offEvents = onEvent((e) => { if (e.type === 'unit' && e.activeState === 'active' && !this.bus) this.schedule(50); });
    this.connect();
  }

  get connected(): boolean { return this.bus !== null; }

  close(): void {
    this.closed = true;
    this.offEvents();
    if (this.retry) clearTimeout(this.retry);
    this.drop();
  }

  private schedule(ms: number): void {
    if (this.closed || this.retry) return;
    this.retry = setTimeout(() => { this.retry = null; this.connect(); }, ms);
    this.retry.unref();
  }

  private drop(): void {
    this.offSink?.();
    this.offSink = null;
    const b = this.bus;
    this.bus = null;
    this.uids.clear();
    if (b) { try { b.disconnect(); } catch { /* gone */ } }
  }

  private connect(): void {
    if (this.closed || this.bus || this.connecting) return;
    const p = busPath(this.address);
    if (p && !fs.existsSync(p)) return;              // not up: a unit becoming active retries
    this.connecting = true;
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const dbus = require('dbus-next') as typeof import('dbus-next');
    let bus: MessageBus;
    try { bus = dbus.sessionBus({ busAddress: this.address }); /* any address: the system bus here */ } catch (e) { this.connecting = false; debug('system bus: %s', (e as Error).message); this.schedule(this.retryMs); return; }
    const fail = (why: string): void => {
      debug('system bus connection lost: %s', why);
      this.connecting = false;
      if (this.bus === bus || this.bus === null) { this.drop(); try { bus.disconnect(); } catch { /* gone */ } }
      this.schedule(this.retryMs);
    };
    bus.on('error', (e: Error) => fail(e.message));
    const conn = (bus as unknown as { _connection?: { on(ev: string, fn: () => void): void } })._connection;
    conn?.on('end', () => fail('end'));
    bus.addMethodHandler((m: NextMessage) => this.onCall(bus, m));
    bus.on('message', (m: NextMessage) => {
      if (m.type === 4 && m.member === 'NameOwnerChanged' && typeof m.body[0] === 'string' && (m.body[0] as string).startsWith(':') && m.body[2] === '') this.uids.delete(m.body[0] as string);
      // Bus activation (--systemd-activation): start the unit, or tell the bus at once that it cannot be.
      if (m.type === 4 && m.interface === ACTIVATOR && m.member === 'ActivationRequest' && m.sender === 'org.freedesktop.DBus' && typeof m.body[0] === 'string') {
        this.face.activate(m.body[0] as string, (f) => this.send(bus, { type: 4, flags: 1, serial: 0, path: '/org/freedesktop/DBus', interface: ACTIVATOR,
          member: 'ActivationFailure', destination: 'org.freedesktop.DBus', signature: 'sss', body: f }));
      }
    });
    bus.requestName(BUS_NAME, 4 /* DO_NOT_QUEUE */).then((r: number) => {
      this.connecting = false;
      if (r !== 1 && r !== 4) { debug('system bus: %s is owned by someone else (%d)', BUS_NAME, r); fail('name taken'); return; }
      this.bus = bus;
      this.offSink = this.face.addSink((msg) => this.send(bus, msg));
      debug('system bus: serving %s', BUS_NAME);
    }, (e: Error) => fail(e.message));
  }

  private send(bus: MessageBus, m: Message): void {
    if (this.bus !== bus) return;
    try {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const dbus = require('dbus-next') as typeof import('dbus-next');
      const out = new dbus.Message({ type: m.type, path: m.path, interface: m.interface, member: m.member, errorName: m.errorName,
        replySerial: m.replySerial as unknown as string, destination: m.destination, signature: m.signature ?? '', body: m.body, flags: m.flags });
      bus.send(out);
    } catch (e) { debug('system bus send: %s', (e as Error).message); }
  }

  private caller(bus: MessageBus, sender: string): Promise<Caller> {
    let c = this.uids.get(sender);
    if (!c) {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const dbus = require('dbus-next') as typeof import('dbus-next');
      const ask = (member: string): Promise<number> => bus.call(new dbus.Message({ destination: 'org.freedesktop.DBus', path: '/org/freedesktop/DBus',
        interface: 'org.freedesktop.DBus', member, signature: 's', body: [sender] })).then((r) => Number(r?.body[0] ?? -1), () => -1);
      c = Promise.all([ask('GetConnectionUnixUser'), ask('GetConnectionUnixProcessID')]).then(([uid, pid]) => ({
        uid, gid: -1, pid: pid < 0 ? 0 : pid, privileged: uid === 0 || (uid >= 0 && uid === this.managerUid),
      }));
      if (this.uids.size > 4096) this.uids.clear();
      this.uids.set(sender, c);
    }
    return c;
  }

  private onCall(bus: MessageBus, m: NextMessage): boolean {
    if (m.destination !== BUS_NAME && !(m.destination ?? '').startsWith(':')) return false;
    const sender = m.sender ?? '';
    void this.caller(bus, sender).then(async (caller) => {
      const ctx: CallContext = { caller, sender, connection: bus };
      const msg: Message = { type: m.type, flags: m.flags, serial: m.serial ?? 0, path: m.path, interface: m.interface ?? undefined, member: m.member,
        sender, signature: m.signature, body: m.body };
      const reply = await this.face.dispatcher.handle(msg, ctx);
      if (reply) this.send(bus, { ...reply, destination: sender });
    });
    return true;
  }
}
