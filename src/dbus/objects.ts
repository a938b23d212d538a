// Objects, interfaces and method dispatch for the D-Bus server: the standard interfaces every object has
// (org.freedesktop.DBus.Peer, .Introspectable, .Properties with Get/GetAll/Set and PropertiesChanged) and
// the routing of a method call to an interface implementation. Bus-agnostic: the private socket
// (./server.ts) and the system-bus connection both hand incoming calls to `Dispatcher.handle`.
//
// Pure over the ObjectTree it is given (no sockets here).
// Invariants: every call that expects a reply gets exactly one (a METHOD_RETURN or an ERROR); an exception
// in an implementation becomes org.freedesktop.DBus.Error.Failed (never escapes); argument signatures are
// checked before an implementation runs; error names and texts are sd-bus's. Introspection XML is written in
// sd-bus's layout (introspect.c), so it can be compared with a real systemd's byte for byte.
import type { Caller } from '../rpc/api';
import { Flags, MessageType, variant, type Message } from './wire';

export interface Arg { name: string; type: string }
export type Annotations = ReadonlyArray<readonly [string, string]>;
export interface MethodSpec { name: string; in: readonly Arg[]; out: readonly Arg[]; annotations?: Annotations }
export interface PropSpec { name: string; type: string; access: 'read' | 'readwrite' | 'write'; annotations?: Annotations }
export interface SignalSpec { name: string; args: readonly Arg[]; annotations?: Annotations }
export interface InterfaceSpec {
  name: string; methods: readonly MethodSpec[]; properties: readonly PropSpec[]; signals: readonly SignalSpec[];
  /** Member order for introspection ('m:Name', 'p:Name', 's:Name'), as the vtable declares them; default:
   *  methods, then properties, then signals. */
  order?: readonly string[];
}

export class DbusError extends Error {
  constructor(readonly errorName: string, message: string) { super(message); }
}

export const Errors = {
  failed: (m: string): DbusError => new DbusError('org.freedesktop.DBus.Error.Failed', m),
  invalidArgs: (m: string): DbusError => new DbusError('org.freedesktop.DBus.Error.InvalidArgs', m),
  accessDenied: (m = 'Access denied'): DbusError => new DbusError('org.freedesktop.DBus.Error.AccessDenied', m),
  unknownObject: (p: string): DbusError => new DbusError('org.freedesktop.DBus.Error.UnknownObject', `Unknown object '${p}'.`),
  unknownMethod: (i: string, m: string): DbusError => new DbusError('org.freedesktop.DBus.Error.UnknownMethod', `Unknown method ${m} or interface ${i}.`),
  unknownInterface: (i: string): DbusError => new DbusError('org.freedesktop.DBus.Error.UnknownInterface', `Unknown interface ${i}.`),
  unknownProperty: (i: string, p: string): DbusError => new DbusError('org.freedesktop.DBus.Error.UnknownProperty', `Unknown interface ${i} or property ${p}.`),
  readOnly: (p: string): DbusError => new DbusError('org.freedesktop.DBus.Error.PropertyReadOnly', `Property '${p}' is not writable.`),
  notSupported: (m: string): DbusError => new DbusError('org.freedesktop.DBus.Error.NotSupported', m),
};

/** Who sent a call and on which connection. `privileged` follows src/rpc/peercred's rule. */
export interface CallContext { caller: Caller; sender: string; connection: unknown }

/** One interface of one object: its spec plus the code behind it. */
export interface BoundInterface {
  spec: InterfaceSpec;
  /** A property's value in dbus-next JS format; undefined → UnknownProperty. */
  get(name: string, ctx: CallContext): unknown;
  /** All readable properties, in spec order (default: get() of each). */
  getAll?(ctx: CallContext): Array<[string, unknown]>;
  set?(name: string, value: unknown, ctx: CallContext): void | Promise<void>;
  /** The reply body (matching the method's out args). */
  call?(method: string, args: unknown[], ctx: CallContext): unknown[] | Promise<unknown[]>;
}

export interface ObjectNode { interfaces: BoundInterface[] }

export interface ObjectTree {
  /** The object at `path`, or null. `ctx`: the call asking (systemd's `unit/self` is the caller's unit). */
  lookup(path: string, ctx?: CallContext): ObjectNode | null;
  /** Names (one path element each) of the nodes directly below `path` (for Introspect). */
  children(path: string): string[];
  /** A pure container node (no interfaces), which may have no children right now (e.g. /…/job). */
  isNode?(path: string): boolean;
}

// ------------------------------------------------------------------ standard interfaces (sd-bus's text)

const STD_XML = `<!DOCTYPE node PUBLIC "-//freedesktop//DTD D-BUS Object Introspection 1.0//EN"
"https://www.freedesktop.org/standards/dbus/1.0/introspect.dtd">
<node>
 <interface name="org.freedesktop.DBus.Peer">
  <method name="Ping"/>
  <method name="GetMachineId">
   <arg type="s" name="machine_uuid" direction="out"/>
  </method>
 </interface>
 <interface name="org.freedesktop.DBus.Introspectable">
  <method name="Introspect">
   <arg name="xml_data" type="s" direction="out"/>
  </method>
 </interface>
 <interface name="org.freedesktop.DBus.Properties">
  <method name="Get">
   <arg name="interface_name" direction="in" type="s"/>
   <arg name="property_name" direction="in" type="s"/>
   <arg name="value" direction="out" type="v"/>
  </method>
  <method name="GetAll">
   <arg name="interface_name" direction="in" type="s"/>
   <arg name="props" direction="out" type="a{sv}"/>
  </method>
  <method name="Set">
   <arg name="interface_name" direction="in" type="s"/>
   <arg name="property_name" direction="in" type="s"/>
   <arg name="value" direction="in" type="v"/>
  </method>
  <signal name="PropertiesChanged">
   <arg type="s" name="interface_name"/>
   <arg type="a{sv}" name="changed_properties"/>
   <arg type="as" name="invalidated_properties"/>
  </signal>
 </interface>
`;

function xmlEscape(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function annotationsXml(a: Annotations | undefined, indent: string): string {
  return (a ?? []).map(([n, v]) => `${indent}<annotation name="${xmlEscape(n)}" value="${xmlEscape(v)}"/>\n`).join('');
}

/** One <interface> block, as sd-bus's introspect.c writes it. */
export function interfaceXml(spec: InterfaceSpec): string {
  const method = (m: MethodSpec): string => {
    let x = `  <method name="${xmlEscape(m.name)}">\n`;
    for (const a of m.in) x += `   <arg type="${a.type}" name="${xmlEscape(a.name)}" direction="in"/>\n`;
    for (const a of m.out) x += `   <arg type="${a.type}" name="${xmlEscape(a.name)}" direction="out"/>\n`;
    return `${x}${annotationsXml(m.annotations, '   ')}  </method>\n`;
  };
  const prop = (p: PropSpec): string =>
    `  <property name="${xmlEscape(p.name)}" type="${p.type}" access="${p.access}">\n${annotationsXml(p.annotations, '   ')}  </property>\n`;
  const signal = (s: SignalSpec): string => {
    let x = `  <signal name="${xmlEscape(s.name)}">\n`;
    for (const a of s.args) x += `   <arg type="${a.type}" name="${xmlEscape(a.name)}"/>\n`;
    return `${x}${annotationsXml(s.annotations, '   ')}  </signal>\n`;
  };
  let x = ` <interface name="${xmlEscape(spec.name)}">\n`;
  if (spec.order) {
    const ms = new Map(spec.methods.map((m) => [`m:${m.name}`, m]));
    const ps = new Map(spec.properties.map((p) => [`p:${p.name}`, p]));
    const ss = new Map(spec.signals.map((s) => [`s:${s.name}`, s]));
    for (const k of spec.order) {
      const m = ms.get(k); const p = ps.get(k); const s = ss.get(k);
      x += m ? method(m) : p ? prop(p) : s ? signal(s) : '';
    }
  } else {
    for (const m of spec.methods) x += method(m);
    for (const p of spec.properties) x += prop(p);
    for (const s of spec.signals) x += signal(s);
  }
  return x + ' </interface>\n';
}

export function introspectXml(node: ObjectNode | null, children: string[]): string {
  let x = STD_XML;
  if (node) for (const b of node.interfaces) x += interfaceXml(b.spec);
  for (const c of children) x += ` <node name="${xmlEscape(c)}"/>\n`;
  return x + '</node>\n';
}

// ------------------------------------------------------------------ dispatch

const argSig = (args: readonly Arg[]): string => args.map((a) => a.type).join('');

export interface DispatcherOptions {
  tree: ObjectTree;
  machineId: () => string;
  /** An implementation threw something other than a DbusError (a bug): report it (the manager's crash
   *  barrier); the caller still gets org.freedesktop.DBus.Error.Failed. */
  onFault?: (e: unknown, m: Message) => void;
}

export class Dispatcher {
  constructor(private readonly opts: DispatcherOptions) {}

  /** Answer one message. Returns the reply to send (null: no reply wanted or not a call). Never throws. */
  async handle(m: Message, ctx: CallContext): Promise<Message | null> {
    if (m.type !== MessageType.METHOD_CALL) return null;
    const noReply = (m.flags & Flags.NO_REPLY_EXPECTED) !== 0;
    let reply: Message;
    try {
      const out = await this.call(m, ctx);
      reply = { type: MessageType.METHOD_RETURN, flags: Flags.NO_REPLY_EXPECTED, serial: 0, replySerial: m.serial, signature: out.signature, body: out.body };
    } catch (e) {
      if (!(e instanceof DbusError)) { try { this.opts.onFault?.(e, m); } catch { /* never */ } }
      reply = errorReply(m, e);
    }
    if (m.sender) reply.destination = m.sender;
    return noReply ? null : reply;
  }

  private async call(m: Message, ctx: CallContext): Promise<{ signature: string; body: unknown[] }> {
    const path = m.path ?? '';
    const iface = m.interface ?? '';
    const member = m.member ?? '';
    const sig = m.signature ?? '';
    const tree = this.opts.tree;
    const expect = (want: string): void => {
      if (sig !== want) throw Errors.invalidArgs(`Invalid arguments '${sig}' to call ${iface || '(null)'}.${member}(), expecting '${want}'.`);
    };
    if (iface === 'org.freedesktop.DBus.Peer' || (!iface && (member === 'Ping' || member === 'GetMachineId'))) {
      if (member === 'Ping') { expect(''); return { signature: '', body: [] }; }
      if (member === 'GetMachineId') { expect(''); return { signature: 's', body: [this.opts.machineId()] }; }
      throw Errors.unknownMethod(iface, member);
    }
    if (iface === 'org.freedesktop.DBus.Introspectable' || (!iface && member === 'Introspect')) {
      if (member !== 'Introspect') throw Errors.unknownMethod(iface, member);
      expect('');
      const node = tree.lookup(path, ctx);
      const children = tree.children(path);
      if (!node && children.length === 0 && !tree.isNode?.(path)) throw Errors.unknownObject(path);
      return { signature: 's', body: [introspectXml(node, children)] };
    }
    const node = tree.lookup(path, ctx);
    if (!node) throw Errors.unknownObject(path);
    if (iface === 'org.freedesktop.DBus.Properties') return this.properties(node, member, m.body, ctx, expect);
    let target: BoundInterface | undefined;
    let method: MethodSpec | undefined;
    for (const b of node.interfaces) {
      if (iface && b.spec.name !== iface) continue;
      method = b.spec.methods.find((x) => x.name === member);
      if (method) { target = b; break; }
    }
    if (!target || !method || !target.call) throw Errors.unknownMethod(iface || '(null)', member);
    expect(argSig(method.in));
    const body = await target.call(member, m.body, ctx);
    return { signature: argSig(method.out), body };
  }

  private async properties(node: ObjectNode, member: string, body: unknown[], ctx: CallContext,
    expect: (s: string) => void): Promise<{ signature: string; body: unknown[] }> {
    const find = (iface: string): BoundInterface => {
      const b = node.interfaces.find((x) => x.spec.name === iface);
      if (!b) throw Errors.unknownInterface(iface);
      return b;
    };
    if (member === 'Get') {
      expect('ss');
      const [iface, name] = body as [string, string];
      const b = node.interfaces.find((x) => x.spec.name === iface);
      const p = b?.spec.properties.find((x) => x.name === name);
      if (!b || !p || p.access === 'write') throw Errors.unknownProperty(iface, name);
      const v = b.get(name, ctx);
      if (v === undefined) throw Errors.unknownProperty(iface, name);
      return { signature: 'v', body: [variant(p.type, v)] };
    }
    if (member === 'GetAll') {
      expect('s');
      const [iface] = body as [string];
      const out: Record<string, unknown> = {};
      if (iface === '') {
        for (const b of node.interfaces) this.collect(b, ctx, out);
      } else this.collect(find(iface), ctx, out);
      return { signature: 'a{sv}', body: [out] };
    }
    if (member === 'Set') {
      expect('ssv');
      const [iface, name, value] = body as [string, string, { signature: string; value: unknown }];
      const b = node.interfaces.find((x) => x.spec.name === iface);
      const p = b?.spec.properties.find((x) => x.name === name);
      if (!b || !p) throw Errors.unknownProperty(iface, name);
      if (p.access === 'read' || !b.set) throw Errors.readOnly(name);
      if (value.signature !== p.type) throw Errors.invalidArgs(`Incorrect parameters for property '${name}', expected '${p.type}', got '${value.signature}'.`);
      await b.set(name, value.value, ctx);
      return { signature: '', body: [] };
    }
    throw Errors.unknownMethod('org.freedesktop.DBus.Properties', member);
  }

  private collect(b: BoundInterface, ctx: CallContext, out: Record<string, unknown>): void {
    const types = new Map(b.spec.properties.map((p) => [p.name, p.type]));
    const all = b.getAll ? b.getAll(ctx) : b.spec.properties.filter((p) => p.access !== 'write').map((p): [string, unknown] => [p.name, b.get(p.name, ctx)]);
    for (const [k, v] of all) {
      const t = types.get(k);
      if (t === undefined || v === undefined) continue;
      out[k] = variant(t, v);
    }
  }
}

export function errorReply(m: Message, e: unknown): Message {
  const err = e instanceof DbusError ? e : Errors.failed(e instanceof Error ? e.message : String(e));
  const r: Message = { type: MessageType.ERROR, flags: Flags.NO_REPLY_EXPECTED, serial: 0, replySerial: m.serial, errorName: err.errorName, signature: 's', body: [err.message] };
  if (m.sender) r.destination = m.sender;
  return r;
}

/** A signal message (serial assigned by the connection). */
export function signalMessage(path: string, iface: string, member: string, signature: string, body: unknown[]): Message {
  return { type: MessageType.SIGNAL, flags: Flags.NO_REPLY_EXPECTED, serial: 0, path, interface: iface, member, signature, body };
}
