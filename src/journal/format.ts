// The on-disk layout of systemd's journal files (systemd 252: src/libsystemd/sd-journal/journal-def.h and
// docs/JOURNAL_FILE_FORMAT.md): constants, field offsets, little-endian 64-bit accessors and the helpers
// shared by the writer and the reader (ids, field-name validity, alignment).
// Pure: no Node imports. All 64-bit quantities that are offsets, counters or timestamps fit in a JS number
// (< 2^53: realtime µs until year 2255); hashes are kept as two uint32 halves.

export const SIGNATURE = 'LPKSHHRH';
/** sizeof(Header) in systemd 252 (ends with tail_entry_array_offset/_n_entries, "added in 252"). */
export const HEADER_SIZE_252 = 264;
/** Files from before 187 end at tail_entry_monotonic; n_data and later fields need a size check. */
export const HEADER_SIZE_MIN = 208;

export const OBJECT_DATA = 1;
export const OBJECT_FIELD = 2;
export const OBJECT_ENTRY = 3;
export const OBJECT_DATA_HASH_TABLE = 4;
export const OBJECT_FIELD_HASH_TABLE = 5;
export const OBJECT_ENTRY_ARRAY = 6;
export const OBJECT_TAG = 7;

export const OBJECT_COMPRESSED_XZ = 1;
export const OBJECT_COMPRESSED_LZ4 = 2;
export const OBJECT_COMPRESSED_ZSTD = 4;

export const INCOMPATIBLE_COMPRESSED_XZ = 1;
export const INCOMPATIBLE_COMPRESSED_LZ4 = 2;
export const INCOMPATIBLE_KEYED_HASH = 4;
export const INCOMPATIBLE_COMPRESSED_ZSTD = 8;
export const INCOMPATIBLE_COMPACT = 16;
export const INCOMPATIBLE_SUPPORTED_READ = 31;
export const COMPATIBLE_SEALED = 1;

export const STATE_OFFLINE = 0;
export const STATE_ONLINE = 1;
export const STATE_ARCHIVED = 2;

/** Header field offsets. */
export const H = {
  signature: 0, compatibleFlags: 8, incompatibleFlags: 12, state: 16, reserved: 17,
  fileId: 24, machineId: 40, bootId: 56, seqnumId: 72,
  headerSize: 88, arenaSize: 96,
  dataHashTableOffset: 104, dataHashTableSize: 112, fieldHashTableOffset: 120, fieldHashTableSize: 128,
  tailObjectOffset: 136, nObjects: 144, nEntries: 152, tailEntrySeqnum: 160, headEntrySeqnum: 168,
  entryArrayOffset: 176, headEntryRealtime: 184, tailEntryRealtime: 192, tailEntryMonotonic: 200,
  nData: 208, nFields: 216, nTags: 224, nEntryArrays: 232, dataHashChainDepth: 240, fieldHashChainDepth: 248,
  tailEntryArrayOffset: 256, tailEntryArrayNEntries: 260,   // le32 each
} as const;

/** ObjectHeader: type u8, flags u8, reserved[6], size le64. */
export const OBJECT_HEADER_SIZE = 16;
export const O = { type: 0, flags: 1, size: 8 } as const;

/** DataObject. The payload follows at DATA_PAYLOAD_COMPACT (72) or DATA_PAYLOAD_REGULAR (64). */
export const D = {
  hash: 16, nextHashOffset: 24, nextFieldOffset: 32, entryOffset: 40, entryArrayOffset: 48, nEntries: 56,
  tailEntryArrayOffset: 64, tailEntryArrayNEntries: 68,   // compact only, le32
} as const;
export const DATA_PAYLOAD_REGULAR = 64;
export const DATA_PAYLOAD_COMPACT = 72;

/** FieldObject. */
export const F = { hash: 16, nextHashOffset: 24, headDataOffset: 32, payload: 40 } as const;

/** EntryObject: items follow at 64: compact le32 object_offset; regular le64 object_offset + le64 hash. */
export const E = { seqnum: 16, realtime: 24, monotonic: 32, bootId: 40, xorHash: 56, items: 64 } as const;

/** HashTableObject items start at 16; each HashItem is head le64, tail le64. */
export const HASH_ITEMS = 16;
export const HASH_ITEM_SIZE = 16;

/** EntryArrayObject: next le64 at 16, items at 24 (le32 compact, le64 regular). */
export const A = { next: 16, items: 24 } as const;

export const DEFAULT_DATA_HASH_TABLE_ITEMS = 2047;
export const DEFAULT_FIELD_HASH_TABLE_ITEMS = 333;
/** systemd grows files in 8 MiB steps (FILE_SIZE_INCREASE). */
export const FILE_SIZE_INCREASE = 8 * 1024 * 1024;
/** JOURNAL_FILE_SIZE_MIN */
export const FILE_SIZE_MIN = 512 * 1024;
/** Compact files must stay below 4 GiB (offsets are le32). */
export const COMPACT_SIZE_MAX = 0xffffffff;

export const TWO32 = 4294967296;

export function align8(n: number): number { return Math.ceil(n / 8) * 8; }

// Byte-level little-endian access (callers check bounds; this is the writer's hot path).
export function get32(b: Uint8Array, off: number): number {
  return (b[off]! | (b[off + 1]! << 8) | (b[off + 2]! << 16) | (b[off + 3]! << 24)) >>> 0;
}

export function set32(b: Uint8Array, off: number, value: number): void {
  b[off] = value; b[off + 1] = value >>> 8; b[off + 2] = value >>> 16; b[off + 3] = value >>> 24;
}

export function get64(b: Uint8Array, off: number): number { return get32(b, off) + get32(b, off + 4) * TWO32; }

export function set64(b: Uint8Array, off: number, value: number): void {
  set32(b, off, value % TWO32 >>> 0);
  set32(b, off + 4, Math.floor(value / TWO32) >>> 0);
}

/** 128-bit id as 32 lowercase hex digits (SD_ID128_FORMAT_STR). */
export function idToHex(b: Uint8Array, off = 0): string {
  let s = '';
  for (let i = 0; i < 16; i++) s += (b[off + i]! < 16 ? '0' : '') + b[off + i]!.toString(16);
  return s;
}

/** Parse 32 hex digits (dashes allowed, as in /proc/sys/kernel/random/boot_id) into 16 bytes, or null. */
export function hexToId(s: string): Uint8Array | null {
  const h = s.trim().replace(/-/g, '');
  if (!/^[0-9a-fA-F]{32}$/.test(h)) return null;
  const out = new Uint8Array(16);
  for (let i = 0; i < 16; i++) out[i] = parseInt(h.slice(i * 2, i * 2 + 2), 16);
  return out;
}

/** journal_field_valid(p, l, allow_protected): 1..64 chars of A-Z 0-9 _, not starting with a digit. */
export function fieldNameValid(b: Uint8Array, start: number, end: number, allowProtected = true): boolean {
  const l = end - start;
  if (l <= 0 || l > 64) return false;
  const c0 = b[start]!;
  if (!allowProtected && c0 === 0x5f) return false;
  if (c0 >= 0x30 && c0 <= 0x39) return false;
  for (let i = start; i < end; i++) {
    const c = b[i]!;
    if (!((c >= 0x41 && c <= 0x5a) || (c >= 0x30 && c <= 0x39) || c === 0x5f)) return false;
  }
  return true;
}

export function fieldNameValidString(name: string, allowProtected = true): boolean {
  if (name.length === 0 || name.length > 64) return false;
  if (!allowProtected && name[0] === '_') return false;
  return /^[A-Z_][A-Z0-9_]*$/.test(name);
}
