// D-Bus wire format: one typed face over dbus-next's marshaller (lib/marshall-compat, lib/message,
// lib/variant), which this server reuses instead of writing its own codec. dbus-next has no server side;
// this file only frames and (un)marshals whole messages.
//
// The only file that touches dbus-next's internals; they are loaded with
// require() on first use so nothing is paid by a manager that never speaks D-Bus.
// Invariants: `frameLength` never throws; it reports a message too large or malformed as -1 so the
// connection can be dropped before any allocation. `decode` throws on a malformed message (the caller
// drops the connection). Values in bodies use dbus-next's "JS format": strings, numbers (y n q i u h d),
// booleans (b), bigint or number (x t), arrays, plain objects for dictionaries (a{..}), Variant for v,
// arrays for structs.

export const MessageType = { METHOD_CALL: 1, METHOD_RETURN: 2, ERROR: 3, SIGNAL: 4 } as const;
export const Flags = { NO_REPLY_EXPECTED: 1, NO_AUTO_START: 2, ALLOW_INTERACTIVE_AUTHORIZATION: 4 } as const;

/** The largest message we accept (the spec allows 128 MiB; systemd's requests are tiny). */
export const MAX_MESSAGE_BYTES = 4 << 20;

export interface Message {
  type: number;
  flags: number;
  serial: number;
  path?: string;
  interface?: string;
  member?: string;
  errorName?: string;
  replySerial?: number;
  destination?: string;
  sender?: string;
  signature?: string;
  body: unknown[];
}

export interface VariantLike { signature: string; value: unknown }
type VariantCtor = new (signature: string, value: unknown) => VariantLike;

interface RawMessage {
  type: number; flags: number; serial: number; signature?: string; body?: unknown[];
  path?: string; interface?: string; member?: string; errorName?: string; replySerial?: number;
  destination?: string; sender?: string; unixFd?: number;
}
interface DBusBufferLike { read(signature: string): unknown[]; align(power: number): void }
type DBusBufferCtor = new (buf: Buffer, start: number, endian: number, fds: null, opts: { ayBuffer: boolean }) => DBusBufferLike;
interface Codec {
  DBusBuffer: DBusBufferCtor;
  headerTypeName: Array<string | null>;
  messageToJsFmt(m: RawMessage): RawMessage;
  marshallMessage(m: RawMessage): [Buffer, number[]];
  Variant: VariantCtor;
}

let codec: Codec | null = null;
function load(): Codec {
  if (codec) return codec;
  /* eslint-disable @typescript-eslint/no-require-imports */
  const DBusBuffer = require('dbus-next/lib/dbus-buffer') as DBusBufferCtor;
  const constants = require('dbus-next/lib/constants') as { headerTypeName: Array<string | null> };
  const compat = require('dbus-next/lib/marshall-compat') as Pick<Codec, 'messageToJsFmt' | 'marshallMessage'>;
  const variant = require('dbus-next/lib/variant') as { Variant: VariantCtor };
  /* eslint-enable @typescript-eslint/no-require-imports */
  codec = { DBusBuffer, headerTypeName: constants.headerTypeName, messageToJsFmt: compat.messageToJsFmt, marshallMessage: compat.marshallMessage, Variant: variant.Variant };
  return codec;
}

/** A variant value (`v`) as dbus-next's marshaller expects it. */
export function variant(signature: string, value: unknown): VariantLike {
  return new (load().Variant)(signature, value);
}

export function isVariant(v: unknown): v is VariantLike {
  return typeof v === 'object' && v !== null && v instanceof load().Variant;
}

/** Total length of the message starting at `buf[off]` once its fixed header is there: 0 = need more bytes,
 *  -1 = malformed or over MAX_MESSAGE_BYTES. */
export function frameLength(buf: Buffer, off = 0, max = MAX_MESSAGE_BYTES): number {
  if (buf.length - off < 16) return 0;
  const endian = buf[off];
  if (endian !== 0x6c && endian !== 0x42) return -1;          // 'l' / 'B'
  if (buf[off + 3] !== 1) return -1;                            // protocol version
  const le = endian === 0x6c;
  const bodyLen = le ? buf.readUInt32LE(off + 4) : buf.readUInt32BE(off + 4);
  const fieldsLen = le ? buf.readUInt32LE(off + 12) : buf.readUInt32BE(off + 12);
  const total = 16 + (((fieldsLen + 7) >> 3) << 3) + bodyLen;
  return total > max ? -1 : total;
}

/** Parse one complete message (exactly `frameLength` bytes). Throws on malformed input. */
export function decode(buf: Buffer): Message {
  const c = load();
  // As dbus-next's message.unmarshall, but a message without a body has no signature field at all.
  const b = new c.DBusBuffer(buf, 0, buf[0] as number, null, { ayBuffer: true });
  const head = b.read('yyyyuua(yv)') as [number, number, number, number, number, number, Array<[number, [unknown, unknown[]]]>];
  const raw: RawMessage = { type: head[1], flags: head[2], serial: head[5] };
  const fields = raw as unknown as Record<string, unknown>;
  for (const [code, v] of head[6]) {
    const name = c.headerTypeName[code];
    if (name) fields[name] = v[1][0];
  }
  b.align(3);
  if (typeof raw.signature === 'string' && raw.signature !== '' && head[4] > 0) raw.body = b.read(raw.signature);
  else { raw.signature = ''; raw.body = []; }
  const js = c.messageToJsFmt(raw);
  if (!Number.isInteger(js.serial) || js.serial === 0) throw new Error('message serial is 0');
  const m: Message = { type: js.type, flags: js.flags, serial: js.serial, body: js.body ?? [], signature: js.signature ?? '' };
  if (js.path !== undefined) m.path = js.path;
  if (js.interface !== undefined) m.interface = js.interface;
  if (js.member !== undefined) m.member = js.member;
  if (js.errorName !== undefined) m.errorName = js.errorName;
  if (js.replySerial !== undefined) m.replySerial = js.replySerial;
  if (js.destination !== undefined) m.destination = js.destination;
  if (js.sender !== undefined) m.sender = js.sender;
  return m;
}

/** Marshal a message (little endian). Throws when the body does not match the signature. */
export function encode(m: Message): Buffer {
  const raw: RawMessage = { type: m.type, flags: m.flags, serial: m.serial, signature: m.signature ?? '', body: [...m.body] };
  if (m.path) raw.path = m.path;
  if (m.interface) raw.interface = m.interface;
  if (m.member) raw.member = m.member;
  if (m.errorName) raw.errorName = m.errorName;
  if (m.replySerial) raw.replySerial = m.replySerial;
  if (m.destination) raw.destination = m.destination;
  if (m.sender) raw.sender = m.sender;
  if (!raw.signature) { delete raw.signature; raw.body = []; }
  const [buf, fds] = load().marshallMessage(raw);
  if (fds.length) throw new Error('unix fds cannot be sent on this connection');
  return buf;
}

// ---------------------------------------------------------------- names and paths (D-Bus spec rules)

const OBJECT_PATH = /^\/(?:[A-Za-z0-9_]+(?:\/[A-Za-z0-9_]+)*)?$/;
export function isObjectPath(p: string): boolean { return p.length < 65536 && OBJECT_PATH.test(p); }

/** sd_bus_path_encode's escaping of one path element (`foo-bar.service` → `foo_2dbar_2eservice`). */
export function escapePathElement(s: string): string {
  if (s === '') return '_';
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const ch = s[i] as string;
    const code = s.charCodeAt(i);
    if ((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9' && i > 0)) out += ch;
    else if (code < 0x80) out += `_${code.toString(16).padStart(2, '0')}`;
    else for (const b of Buffer.from(ch, 'utf8')) out += `_${b.toString(16).padStart(2, '0')}`;
  }
  return out;
}

/** Inverse of escapePathElement; null when `s` is not a valid escaped element. */
export function unescapePathElement(s: string): string | null {
  if (s === '_') return '';
  const bytes: number[] = [];
  for (let i = 0; i < s.length; i++) {
    const ch = s[i] as string;
    if (ch === '_') {
      const hex = s.slice(i + 1, i + 3);
      if (!/^[0-9a-f]{2}$/.test(hex)) return null;
      bytes.push(parseInt(hex, 16));
      i += 2;
    } else if (/[A-Za-z0-9]/.test(ch)) bytes.push(ch.charCodeAt(0));
    else return null;
  }
  return Buffer.from(bytes).toString('utf8');
}
