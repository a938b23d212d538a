// Journal Export Format and JSON serialisation of one entry, as journalctl -o export / -o json print them
// (systemd 252 src/shared/logs-show.c output_export, output_json, update_json_data), the cursor string
// (sd_journal_get_cursor) and systemd's UTF-8 printability rule (utf8_is_printable_newline).
// Pure: no Node imports. Invariant: field order is the entry's item order; _BOOT_ID= data fields are not
// repeated (the header line carries the entry's boot id).
import type { EntryRef } from './reader';

/** utf8_is_printable_newline(): valid UTF-8 (no overlong forms, no surrogates, no noncharacters), no C0 controls
 * except TAB (and LF when allowNewline), no DEL/C1. */
export function utf8Printable(b: Uint8Array, start = 0, end = b.length, allowNewline = true): boolean {
  let p = start;
  while (p < end) {
    const c = b[p]!;
    let len: number;
    if (c < 0x80) len = 1;
    else if ((c & 0xe0) === 0xc0) len = 2;
    else if ((c & 0xf0) === 0xe0) len = 3;
    else if ((c & 0xf8) === 0xf0) len = 4;
    else if ((c & 0xfc) === 0xf8) len = 5;
    else if ((c & 0xfe) === 0xfc) len = 6;
    else return false;
    if (p + len > end) return false;
    let ch: number;
    if (len === 1) ch = c;
    else {
      ch = c & (0x7f >> len);
      for (let i = 1; i < len; i++) {
        const k = b[p + i]!;
        if ((k & 0xc0) !== 0x80) return false;
        ch = ch * 64 + (k & 0x3f);
      }
      const enc = ch < 0x80 ? 1 : ch < 0x800 ? 2 : ch < 0x10000 ? 3 : ch < 0x200000 ? 4 : ch < 0x4000000 ? 5 : 6;
      if (enc !== len) return false;
      if (ch >= 0x110000 || (ch & 0xfffff800) === 0xd800 || (ch >= 0xfdd0 && ch <= 0xfdef) || (ch & 0xfffe) === 0xfffe) return false;
    }
    if ((ch < 0x20 && ch !== 0x09 && ch !== 0x0a) || (ch >= 0x7f && ch <= 0x9f)) return false;
    if (!allowNewline && ch === 0x0a) return false;
    p += len;
  }
  return true;
}

/** s=<seqnum id>;i=<seqnum hex>;b=<boot id>;m=<monotonic hex>;t=<realtime hex>;x=<xor hash hex> */
export function cursorOf(seqnumId: string, e: EntryRef): string {
  return `s=${seqnumId};i=${e.seqnum.toString(16)};b=${e.bootId};m=${e.monotonic.toString(16)};t=${e.realtime.toString(16)};x=${e.xorHash.replace(/^0+(?=.)/, '')}`;
}

const BOOT_ID_PREFIX = Buffer.from('_BOOT_ID=', 'latin1');

function isBootIdField(f: Uint8Array): boolean {
  return f.length >= 9 && Buffer.from(f.buffer, f.byteOffset, 9).equals(BOOT_ID_PREFIX);
}

/** One entry in the Journal Export Format, including the blank line that ends it. */
export function exportEntry(seqnumId: string, e: EntryRef, fields: readonly Buffer[]): Buffer {
  const parts: Buffer[] = [Buffer.from(
    `__CURSOR=${cursorOf(seqnumId, e)}\n__REALTIME_TIMESTAMP=${e.realtime}\n__MONOTONIC_TIMESTAMP=${e.monotonic}\n_BOOT_ID=${e.bootId}\n`, 'utf8')];
  for (const f of fields) {
    if (isBootIdField(f)) continue;
    const eq = f.indexOf(0x3d);
    if (eq <= 0) continue;
    if (utf8Printable(f, 0, f.length, false)) parts.push(f, NL);
    else {
      const len = Buffer.alloc(8);
      len.writeUInt32LE((f.length - eq - 1) >>> 0, 0);
      parts.push(f.subarray(0, eq), NL, len, f.subarray(eq + 1), NL);
    }
  }
  parts.push(NL);
  return Buffer.concat(parts);
}
const NL = Buffer.from('\n');

export type JsonValue = string | number[] | null;

/** The fields of -o json: NAME → value or array of values (repeated fields); binary values as byte arrays,
 * values of 4096 bytes and more (name + '=' + value) as null unless `all`. */
export function jsonEntry(seqnumId: string, e: EntryRef, fields: readonly Buffer[], all = false): Record<string, JsonValue | JsonValue[]> {
  const o: Record<string, JsonValue | JsonValue[]> = {
    __CURSOR: cursorOf(seqnumId, e),
    __REALTIME_TIMESTAMP: String(e.realtime),
    __MONOTONIC_TIMESTAMP: String(e.monotonic),
    _BOOT_ID: e.bootId,
  };
  const multi = new Set<string>();
  for (const f of fields) {
    if (isBootIdField(f)) continue;
    const eq = f.indexOf(0x3d);
    if (eq <= 0) continue;
    const name = f.toString('latin1', 0, eq);
    const size = f.length - eq - 1;
    let v: JsonValue;
    if (!all && name.length + 1 + size >= 4096) v = null;
    else if (utf8Printable(f, eq + 1, f.length, true)) v = f.toString('utf8', eq + 1);
    else v = Array.from(f.subarray(eq + 1));
    if (!(name in o)) o[name] = v;
    else if (multi.has(name)) (o[name] as JsonValue[]).push(v);
    else { o[name] = [o[name] as JsonValue, v]; multi.add(name); }
  }
  return o;
}
