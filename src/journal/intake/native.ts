// The native journal protocol (what sd_journal_send()/sd_journal_print(), `logger --journald` and
// `systemd-cat` via libsystemd send to /run/systemd/journal/socket), as journald-native.c parses it:
//   * entries separated by an empty line; each line is NAME=value (text) or NAME\n<le64 size><size bytes>\n
//     (binary-safe); lines starting with '.' or '#' are ignored; trailing bytes without '\n' are noise;
//   * field names must be valid and not start with '_' (trusted fields come only from the server): invalid
//     names are skipped silently;
//   * limits: more than 1024 fields, a value over DATA_SIZE_MAX or an entry over ENTRY_SIZE_MAX drop the
//     entry and stop processing the datagram; a malformed binary field ends the entry (what was read counts);
//   * PRIORITY= (one digit), SYSLOG_FACILITY= (1-2 digits), SYSLOG_IDENTIFIER=, MESSAGE= and OBJECT_PID=
//     (root senders only) are picked out for rate limiting and forwarding.
// Pure: never throws on any input (see the fuzz tests); returns at most what the datagram holds.
import { fieldNameValid } from '../format';

export const ENTRY_FIELD_COUNT_MAX = 1024;
export const DATA_SIZE_MAX = 768 * 1024 * 1024;
export const ENTRY_SIZE_MAX = 770 * 1024 * 1024;
export const LOG_INFO = 6;

export interface NativeEntry {
  /** NAME=value payloads as received, plus _TRANSPORT=journal last. */
  fields: Buffer[];
  /** facility << 3 | level (journald's `priority`). */
  priority: number;
  identifier: string | null;
  message: string | null;
  objectPid: number;
}

const TRANSPORT = Buffer.from('_TRANSPORT=journal');

function startsWith(b: Buffer, s: number, e: number, prefix: string): boolean {
  if (e - s < prefix.length) return false;
  for (let i = 0; i < prefix.length; i++) if (b[s + i] !== prefix.charCodeAt(i)) return false;
  return true;
}

function isDigit(c: number | undefined): c is number { return c !== undefined && c >= 0x30 && c <= 0x39; }

function meta(f: Buffer, e: NativeEntry, senderUid: number): void {
  const l = f.length;
  if (l === 10 && startsWith(f, 0, l, 'PRIORITY=') && isDigit(f[9])) e.priority = (e.priority & ~7) | (f[9]! - 0x30);
  else if (l === 17 && startsWith(f, 0, l, 'SYSLOG_FACILITY=') && isDigit(f[16])) e.priority = (e.priority & 7) | ((f[16]! - 0x30) << 3);
  else if (l === 18 && startsWith(f, 0, l, 'SYSLOG_FACILITY=') && isDigit(f[16]) && isDigit(f[17])) {
    e.priority = (e.priority & 7) | (((f[16]! - 0x30) * 10 + (f[17]! - 0x30)) << 3);
  } else if (l >= 19 && startsWith(f, 0, l, 'SYSLOG_IDENTIFIER=')) e.identifier = cstr(f, 18);
  else if (l >= 8 && startsWith(f, 0, l, 'MESSAGE=')) e.message = cstr(f, 8);
  else if (l > 11 && l < 11 + 12 && startsWith(f, 0, l, 'OBJECT_PID=') && senderUid === 0) {
    const s = f.toString('latin1', 11);
    if (/^[1-9][0-9]*$/.test(s)) { const n = Number(s); if (n <= 0x7fffffff) e.objectPid = n; }
  }
}

/** memdup_suffix0 + C string use: the value up to the first NUL. */
function cstr(f: Buffer, from: number): string {
  const z = f.indexOf(0, from);
  return f.toString('utf8', from, z < 0 ? f.length : z);
}

/**
 * Parse one datagram (or memfd contents). `senderUid` decides whether OBJECT_PID= is honoured (root only).
 */
export function parseNative(buf: Buffer, senderUid = -1): NativeEntry[] {
  const out: NativeEntry[] = [];
  let p = 0;
  const end = buf.length;
  for (;;) {
    const e: NativeEntry = { fields: [], priority: LOG_INFO, identifier: null, message: null, objectPid: 0 };
    let size = 0;
    let stop = true;    // r = 1 unless the entry was read (r = 0)
    let dropped = false;
    while (p < end) {
      const nl = buf.indexOf(0x0a, p);
      if (nl < 0) { p = end; break; }                         // trailing noise: flush what we have
      if (nl === p) { p += 1; break; }                         // entry separator
      const c = buf[p];
      if (c === 0x2e || c === 0x23) { p = nl + 1; continue; }  // '.' control lines and '#' comments
      if (e.fields.length > ENTRY_FIELD_COUNT_MAX) { dropped = true; break; }
      const rel = buf.subarray(p, nl).indexOf(0x3d);
      const eq = rel < 0 ? -1 : p + rel;
      if (eq >= 0) {
        const l = nl - p;
        if (fieldNameValid(buf, p, eq, false)) {
          if (l > DATA_SIZE_MAX || size + l + e.fields.length + 1 > ENTRY_SIZE_MAX) { dropped = true; break; }
          const f = buf.subarray(p, nl);
          e.fields.push(f);
          size += l;
          meta(f, e, senderUid);
        }
        p = nl + 1;
        continue;
      }
      // binary field: NAME\n<le64 size><data>\n
      if (end - p < nl - p + 1 + 8 + 1) break;
      const lo = buf.readUInt32LE(nl + 1), hi = buf.readUInt32LE(nl + 5);
      const len = hi * 4294967296 + lo;
      if (len > DATA_SIZE_MAX) { dropped = true; break; }
      const total = nl - p + 1 + len;
      if (size + total + e.fields.length + 1 > ENTRY_SIZE_MAX) { dropped = true; break; }
      if (end - p < nl - p + 1 + 8 + len + 1 || buf[nl + 9 + len] !== 0x0a) break;
      if (fieldNameValid(buf, p, nl, false)) {
        const f = Buffer.allocUnsafe(total);
        buf.copy(f, 0, p, nl);
        f[nl - p] = 0x3d;
        buf.copy(f, nl - p + 1, nl + 9, nl + 9 + len);
        e.fields.push(f);
        size += total;
        meta(f, e, senderUid);
      }
      p = nl + 9 + len + 1;
    }
    if (!dropped && e.fields.length > 0 && size + TRANSPORT.length + e.fields.length + 2 <= ENTRY_SIZE_MAX) {
      e.fields.push(TRANSPORT);
      out.push(e);
      stop = false;
    }
    if (stop || p >= end) break;
  }
  return out;
}
