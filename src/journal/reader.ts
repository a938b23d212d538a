// JournalReader: reads journal files written by tsysd or by systemd-journald (any 2xx version): regular or
// compact layout, keyed or Jenkins hashes, DATA objects compressed with zstd/lz4/xz through an injected
// decompressor. Walks the main entry array chain (entries in file order) and an entry's items.
// Pure: no Node imports. Invariant: every offset read from the file is checked (alignment, inside the file,
// object type and minimal size) before it is followed; a damaged file yields the entries before the damage
// and a `damaged` note, never an exception from entries()/fields().
import {
  A, D, DATA_PAYLOAD_COMPACT, DATA_PAYLOAD_REGULAR, E, H, HEADER_SIZE_MIN, INCOMPATIBLE_COMPACT,
  INCOMPATIBLE_KEYED_HASH, INCOMPATIBLE_SUPPORTED_READ, O, OBJECT_DATA, OBJECT_ENTRY, OBJECT_ENTRY_ARRAY,
  OBJECT_COMPRESSED_LZ4, OBJECT_COMPRESSED_XZ, OBJECT_COMPRESSED_ZSTD, SIGNATURE, get32, get64, idToHex,
} from './format';

export type Decompressor = (algorithm: 'xz' | 'lz4' | 'zstd', data: Uint8Array) => Uint8Array | null;

export interface JournalHeaderInfo {
  fileId: string;
  machineId: string;
  bootId: string;
  seqnumId: string;
  state: number;
  compatibleFlags: number;
  incompatibleFlags: number;
  headerSize: number;
  arenaSize: number;
  nEntries: number;
  nObjects: number;
  headSeqnum: number;
  tailSeqnum: number;
  headRealtime: number;
  tailRealtime: number;
  tailMonotonic: number;
  compact: boolean;
  keyed: boolean;
}

export interface EntryRef {
  offset: number;
  seqnum: number;
  realtime: number;
  monotonic: number;
  bootId: string;
  /** xor_hash as 16 hex digits (the cursor's x=). */
  xorHash: string;
}

export class JournalFormatError extends Error {}

export class JournalReader {
  readonly header: JournalHeaderInfo;
  /** Set when the entry walk stopped at damaged structure. */
  damaged: string | null = null;
  private readonly compact: boolean;
  private readonly end: number;

  constructor(private readonly b: Buffer, private readonly decompress?: Decompressor) {
    if (b.length < HEADER_SIZE_MIN || b.toString('latin1', 0, 8) !== SIGNATURE) throw new JournalFormatError('not a journal file');
    const inc = get32(b, H.incompatibleFlags);
    if (inc & ~INCOMPATIBLE_SUPPORTED_READ) throw new JournalFormatError(`unsupported incompatible flags 0x${inc.toString(16)}`);
    const hs = get64(b, H.headerSize);
    if (hs < HEADER_SIZE_MIN || hs > b.length) throw new JournalFormatError('bad header size');
    this.compact = (inc & INCOMPATIBLE_COMPACT) !== 0;
    const arena = get64(b, H.arenaSize);
    // a file still being written may be longer than what we read; never look past either
    this.end = Math.min(b.length, hs + arena);
    this.header = {
      fileId: idToHex(b, H.fileId), machineId: idToHex(b, H.machineId), bootId: idToHex(b, H.bootId),
      seqnumId: idToHex(b, H.seqnumId), state: b[H.state]!, compatibleFlags: get32(b, H.compatibleFlags),
      incompatibleFlags: inc, headerSize: hs, arenaSize: arena, nEntries: get64(b, H.nEntries),
      nObjects: get64(b, H.nObjects), headSeqnum: get64(b, H.headEntrySeqnum), tailSeqnum: get64(b, H.tailEntrySeqnum),
      headRealtime: get64(b, H.headEntryRealtime), tailRealtime: get64(b, H.tailEntryRealtime),
      tailMonotonic: get64(b, H.tailEntryMonotonic), compact: this.compact, keyed: (inc & INCOMPATIBLE_KEYED_HASH) !== 0,
    };
  }

  /** Offset of a valid object of `type` at p (checked), else throws JournalFormatError. */
  private object(p: number, type: number, minSize: number): number {
    if (p % 8 !== 0 || p < this.header.headerSize || p + 16 > this.end) throw new JournalFormatError(`bad object offset ${p}`);
    const t = this.b[p + O.type];
    const sz = get64(this.b, p + O.size);
    if (t !== type) throw new JournalFormatError(`object at ${p} has type ${t}, expected ${type}`);
    if (sz < minSize || p + sz > this.end) throw new JournalFormatError(`object at ${p} has bad size ${sz}`);
    return sz;
  }

  private entryArrayItem(a: number, i: number): number {
    return this.compact ? get32(this.b, a + A.items + i * 4) : get64(this.b, a + A.items + i * 8);
  }

  /** Entry offsets in file order (the main entry array chain). */
  entryOffsets(): number[] {
    const out: number[] = [];
    const n = this.header.nEntries;
    let a = get64(this.b, H.entryArrayOffset);
    const isz = this.compact ? 4 : 8;
    let last = 0;
    try {
      while (out.length < n && a !== 0) {
        const sz = this.object(a, OBJECT_ENTRY_ARRAY, A.items);
        const m = Math.floor((sz - A.items) / isz);
        for (let j = 0; j < m && out.length < n; j++) {
          const p = this.entryArrayItem(a, j);
          if (p === 0) break;
          if (p <= last) throw new JournalFormatError('entry array not sorted');
          out.push(p);
          last = p;
        }
        const next = get64(this.b, a + A.next);
        if (next !== 0 && next <= a) throw new JournalFormatError('entry array chain loops');
        a = next;
      }
    } catch (e) {
      this.damaged = e instanceof Error ? e.message : String(e);
    }
    return out;
  }

  /** The entry at offset p, or null when it is damaged. */
  entry(p: number): EntryRef | null {
    try {
      this.object(p, OBJECT_ENTRY, E.items);
    } catch { return null; }
    const b = this.b;
    return {
      offset: p, seqnum: get64(b, p + E.seqnum), realtime: get64(b, p + E.realtime), monotonic: get64(b, p + E.monotonic),
      bootId: idToHex(b, p + E.bootId),
      xorHash: get32(b, p + E.xorHash + 4).toString(16).padStart(8, '0') + get32(b, p + E.xorHash).toString(16).padStart(8, '0'),
    };
  }

  *entries(): Generator<EntryRef> {
    for (const p of this.entryOffsets()) {
      const e = this.entry(p);
      if (e) yield e;
    }
  }

  /** The DATA payloads ("NAME=value") of the entry at p, in item order; unreadable items are skipped. */
  fields(p: number): Buffer[] {
    const out: Buffer[] = [];
    let sz: number;
    try { sz = this.object(p, OBJECT_ENTRY, E.items); } catch { return out; }
    const isz = this.compact ? 4 : 16;
    const n = Math.floor((sz - E.items) / isz);
    for (let i = 0; i < n; i++) {
      const q = this.compact ? get32(this.b, p + E.items + i * 4) : get64(this.b, p + E.items + i * 16);
      const d = this.dataPayload(q);
      if (d) out.push(d);
    }
    return out;
  }

  /** Payload of the DATA object at q (decompressed), or null. */
  dataPayload(q: number): Buffer | null {
    const po = this.compact ? DATA_PAYLOAD_COMPACT : DATA_PAYLOAD_REGULAR;
    let sz: number;
    try { sz = this.object(q, OBJECT_DATA, po + 1); } catch { return null; }
    const flags = this.b[q + O.flags]! & 7;
    const raw = this.b.subarray(q + po, q + sz);
    if (flags === 0) return raw;
    const alg = flags === OBJECT_COMPRESSED_XZ ? 'xz' : flags === OBJECT_COMPRESSED_LZ4 ? 'lz4' : flags === OBJECT_COMPRESSED_ZSTD ? 'zstd' : null;
    if (!alg || !this.decompress) return null;
    try {
      const d = this.decompress(alg, raw);
      return d ? Buffer.from(d.buffer, d.byteOffset, d.length) : null;
    } catch { return null; }
  }

  /** Number of entries of a DATA object (for matches), following its entry array chain; [] when damaged. */
  dataEntries(q: number): number[] {
    const out: number[] = [];
    try {
      const po = this.compact ? DATA_PAYLOAD_COMPACT : DATA_PAYLOAD_REGULAR;
      this.object(q, OBJECT_DATA, po);
      const n = get64(this.b, q + D.nEntries);
      if (n === 0) return out;
      out.push(get64(this.b, q + D.entryOffset));
      let a = get64(this.b, q + D.entryArrayOffset);
      const isz = this.compact ? 4 : 8;
      while (out.length < n && a !== 0) {
        const sz = this.object(a, OBJECT_ENTRY_ARRAY, A.items);
        const m = Math.floor((sz - A.items) / isz);
        for (let j = 0; j < m && out.length < n; j++) out.push(this.entryArrayItem(a, j));
        const next = get64(this.b, a + A.next);
        if (next !== 0 && next <= a) break;
        a = next;
      }
    } catch { /* damaged: what we have */ }
    return out;
  }
}
