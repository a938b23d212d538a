// JournalWriter: appends entries to one journal file in systemd 252's default layout (keyed siphash24 hash,
// compact mode: HEADER_INCOMPATIBLE_KEYED_HASH | HEADER_INCOMPATIBLE_COMPACT, no compression), following
// journal-file.c's algorithms object for object (data/field dedup through the hash tables, entry items
// sorted by offset, entry arrays that double, tail-array shortcuts of 252), so `journalctl --verify` passes
// and journalctl reads what we wrote.
//
// Pure: no Node imports. The file's bytes are a JournalSpace (an mmap in the daemon, a plain Buffer in tests).
//
// Crash safety (invariant: after a SIGKILL at any instant the file is either the last committed state or
// can be brought to the state after the next commit by `recoverJournal`):
//   * Appends go into a batch. New objects are written past the committed tail, invisible to readers.
//   * Every change to an object that is already committed (hash-table buckets, chain links, counters,
//     entry-array slots) and to the header goes to an overlay (this.ov32/ov64, this.hdr), not the file.
//   * commit(): (1) write a redo record (magic "TSYSDWAL", the overlay and the new header, a lookup3 checksum)
//     after the new tail; (2) apply the overlay; (3) write the header except tail_object_offset's low word;
//     (4) store that word with one aligned 32-bit store: the commit point. A kill before (1) completes leaves
//     the old state (the record fails its checksum); a kill during (2)-(3) leaves a header whose tail is still
//     the old one, and recoverJournal() re-applies the record; after (4) the new state is complete.
//   * An entry that does not fit is rolled back through an undo log (no partial entry in any batch).
// Split: this file owns entry encoding (field/data objects, hash-table dedup, entry arrays, the entry
// itself) and the file's creation; overlay.ts the header shadow, overlay, undo log, allocation and
// commit(); wal.ts the redo record and recoverJournal().
import {
  A, D, DATA_PAYLOAD_COMPACT, DEFAULT_DATA_HASH_TABLE_ITEMS, DEFAULT_FIELD_HASH_TABLE_ITEMS, E, F,
  H, HASH_ITEM_SIZE, HASH_ITEMS, HEADER_SIZE_252, INCOMPATIBLE_COMPACT, INCOMPATIBLE_KEYED_HASH, O,
  OBJECT_DATA, OBJECT_DATA_HASH_TABLE, OBJECT_ENTRY, OBJECT_ENTRY_ARRAY, OBJECT_FIELD, OBJECT_FIELD_HASH_TABLE,
  SIGNATURE, STATE_ONLINE, fieldNameValid, get32, get64, set32, set64,
} from './format';
import { HASH_OUT, jenkins64, mod64, sipKey, siphash24 } from './hash';
import { JournalOverlay, NoSpace } from './overlay';

export { recoverJournal, type RecoverResult } from './wal';

/** The bytes of one journal file. The writer never touches buf beyond the size it asked grow() for. */
export interface JournalSpace {
  buf: Buffer;
  /** Make the first `size` bytes of the file usable (allocate on disk). False when impossible (disk full). */
  grow(size: number): boolean;
}

export interface CreateOptions {
  fileId: Uint8Array;
  machineId: Uint8Array;
  bootId: Uint8Array;
  /** Shared by all files of one journal daemon; defaults to fileId (journald: the template's, else file_id). */
  seqnumId?: Uint8Array;
  /** The previous file's tail seqnum, so numbering continues across rotation. */
  tailSeqnum?: number;
  /** metrics.max_size: the file never grows beyond it; sizes the data hash table like journald. */
  maxSize: number;
}

export type AppendResult =
  | { ok: true; seqnum: number; offset: number }
  | { ok: false; reason: 'full' | 'invalid'; message: string };

const EMPTY = Buffer.alloc(0);

/** Data hash table items journald reserves for a file of max_size bytes (one per 768 bytes at 75% fill). */
export function dataHashTableItems(maxSize: number): number {
  return Math.max(DEFAULT_DATA_HASH_TABLE_ITEMS, Math.floor(Math.floor(maxSize * 4 / 768) / 3));
}

export class JournalWriter extends JournalOverlay {
  private key: Uint32Array;

  private constructor(space: JournalSpace, maxSize: number, headerFromFile: boolean) {
    super(space, maxSize, headerFromFile);
    this.key = sipKey(this.hdr.subarray(H.fileId, H.fileId + 16));
  }

  /** Lay out a new file (header, field and data hash tables) and commit it, state ONLINE. */
  static create(space: JournalSpace, o: CreateOptions): JournalWriter {
    const w = new JournalWriter(space, o.maxSize, false);
    const h = w.hdr;
    h.write(SIGNATURE, 0, 'latin1');
    set32(h, H.compatibleFlags, 0);
    set32(h, H.incompatibleFlags, INCOMPATIBLE_KEYED_HASH | INCOMPATIBLE_COMPACT);
    h[H.state] = STATE_ONLINE;
    h.set(o.fileId, H.fileId);
    h.set(o.machineId, H.machineId);
    h.set(o.bootId, H.bootId);
    h.set(o.seqnumId ?? o.fileId, H.seqnumId);
    set64(h, H.headerSize, HEADER_SIZE_252);
    set64(h, H.tailEntrySeqnum, o.tailSeqnum ?? 0);
    w.key = sipKey(o.fileId);
    // journal_file_open(): the field hash table first, then the data hash table
    const fieldItems = DEFAULT_FIELD_HASH_TABLE_ITEMS;
    const dataItems = dataHashTableItems(w.maxSize);
    const fp = w.appendObject(OBJECT_FIELD_HASH_TABLE, HASH_ITEMS + fieldItems * HASH_ITEM_SIZE);
    w.w64(H.fieldHashTableOffset, fp + HASH_ITEMS);
    w.w64(H.fieldHashTableSize, fieldItems * HASH_ITEM_SIZE);
    const dp = w.appendObject(OBJECT_DATA_HASH_TABLE, HASH_ITEMS + dataItems * HASH_ITEM_SIZE);
    w.w64(H.dataHashTableOffset, dp + HASH_ITEMS);
    w.w64(H.dataHashTableSize, dataItems * HASH_ITEM_SIZE);
    w.commit();
    return w;
  }

  /**
   * Continue appending to an existing file in state OFFLINE (journald reopens system.journal after a
   * restart). The caller has checked signature, flags, machine id and state; see checkAppendable().
   */
  static openForAppend(space: JournalSpace, maxSize: number): JournalWriter {
    const w = new JournalWriter(space, maxSize, true);
    w.committedEnd = w.tailEnd();
    w.hdr[H.state] = STATE_ONLINE;
    w.dirty = true;
    w.commit();
    return w;
  }

  // ---- lookups ----

  private findData(d: Uint8Array, s: number, e: number, lo: number, hi: number): number {
    const m = this.r64(H.dataHashTableSize) / HASH_ITEM_SIZE;
    const bucket = this.r64(H.dataHashTableOffset) + mod64(lo, hi, m) * HASH_ITEM_SIZE;
    let p = this.r64(bucket);
    let depth = 0;
    const len = e - s;
    while (p > 0) {
      if (get32(this.b, p + D.hash) === lo && get32(this.b, p + D.hash + 4) === hi &&
          get64(this.b, p + O.size) - DATA_PAYLOAD_COMPACT === len &&
          this.b.compare(d, s, e, p + DATA_PAYLOAD_COMPACT, p + DATA_PAYLOAD_COMPACT + len) === 0) return p;
      const next = this.r64(p + D.nextHashOffset);
      if (next <= p) return 0;   // refuse loops (journal-file.c get_next_hash_offset)
      p = next;
      depth++;
      if (depth > this.r64(H.dataHashChainDepth)) this.w64(H.dataHashChainDepth, depth);
    }
    return 0;
  }

  private findField(d: Uint8Array, s: number, e: number, lo: number, hi: number): number {
    const m = this.r64(H.fieldHashTableSize) / HASH_ITEM_SIZE;
    const bucket = this.r64(H.fieldHashTableOffset) + mod64(lo, hi, m) * HASH_ITEM_SIZE;
    let p = this.r64(bucket);
    let depth = 0;
    const len = e - s;
    while (p > 0) {
      if (get32(this.b, p + F.hash) === lo && get32(this.b, p + F.hash + 4) === hi &&
          get64(this.b, p + O.size) - F.payload === len &&
          this.b.compare(d, s, e, p + F.payload, p + F.payload + len) === 0) return p;
      const next = this.r64(p + F.nextHashOffset);
      if (next <= p) return 0;
      p = next;
      depth++;
      if (depth > this.r64(H.fieldHashChainDepth)) this.w64(H.fieldHashChainDepth, depth);
    }
    return 0;
  }

  // ---- appends (journal_file_append_field / _data / link_*) ----

  private linkHash(tableOff: number, tableSize: number, lo: number, hi: number, p: number, nextHashField: number): void {
    const item = tableOff + mod64(lo, hi, tableSize / HASH_ITEM_SIZE) * HASH_ITEM_SIZE;
    const tail = this.r64(item + 8);
    if (tail === 0) this.w64(item, p);
    else this.w64(tail + nextHashField, p);
    this.w64(item + 8, p);
  }

  private appendField(d: Uint8Array, s: number, e: number): number {
    siphash24(d, s, e, this.key);
    const lo = HASH_OUT[0]!, hi = HASH_OUT[1]!;
    const found = this.findField(d, s, e, lo, hi);
    if (found) return found;
    const p = this.appendObject(OBJECT_FIELD, F.payload + (e - s));
    set32(this.b, p + F.hash, lo); set32(this.b, p + F.hash + 4, hi);
    this.b.set(d.subarray(s, e), p + F.payload);
    this.linkHash(this.r64(H.fieldHashTableOffset), this.r64(H.fieldHashTableSize), lo, hi, p, F.nextHashOffset);
    this.w64(H.nFields, this.r64(H.nFields) + 1);
    return p;
  }

  private appendData(d: Uint8Array, lo: number, hi: number, eq: number): number {
    const p = this.appendObject(OBJECT_DATA, DATA_PAYLOAD_COMPACT + d.length);
    set32(this.b, p + D.hash, lo); set32(this.b, p + D.hash + 4, hi);
    this.b.set(d, p + DATA_PAYLOAD_COMPACT);
    this.linkHash(this.r64(H.dataHashTableOffset), this.r64(H.dataHashTableSize), lo, hi, p, D.nextHashOffset);
    this.w64(H.nData, this.r64(H.nData) + 1);
    const fo = this.appendField(d, 0, eq);
    this.w64(p + D.nextFieldOffset, this.r64(fo + F.headDataOffset));
    this.w64(fo + F.headDataOffset, p);
    return p;
  }

  /** link_entry_into_array(): append p to the array chain at `first` whose logical index is hidx. */
  private linkIntoArray(first: number, hidx: number, tail: number, tidx: number, p: number): void {
    let a = tail ? this.r32(tail) : this.r64(first);
    let i = tidx ? this.r32(tidx) : hidx;
    let n = 0, ap = 0;
    while (a > 0) {
      n = (get64(this.b, a + O.size) - A.items) / 4;
      if (i < n) {
        this.w32(a + A.items + i * 4, p);
        if (tidx) this.w32(tidx, this.r32(tidx) + 1);
        return;
      }
      i -= n;
      ap = a;
      a = this.r64(a + A.next);
    }
    n = hidx > n ? (hidx + 1) * 2 : n * 2;
    if (n < 4) n = 4;
    const q = this.appendObject(OBJECT_ENTRY_ARRAY, A.items + n * 4);
    this.w32(q + A.items + i * 4, p);
    if (ap === 0) this.w64(first, q); else this.w64(ap + A.next, q);
    if (tail) this.w32(tail, q);
    this.w64(H.nEntryArrays, this.r64(H.nEntryArrays) + 1);
    if (tidx) this.w32(tidx, 1);
  }

  private linkEntryItem(dataOff: number, entryOff: number): void {
    const hidx = this.r64(dataOff + D.nEntries);
    if (hidx === 0) this.w64(dataOff + D.entryOffset, entryOff);
    else this.linkIntoArray(dataOff + D.entryArrayOffset, hidx - 1, dataOff + D.tailEntryArrayOffset, dataOff + D.tailEntryArrayNEntries, entryOff);
    this.w64(dataOff + D.nEntries, hidx + 1);
  }

  /**
   * Append one entry: `fields` are "NAME=value" byte strings (value binary-safe). Returns 'full' (and changes
   * nothing) when the entry does not fit below max_size: the caller rotates and retries in a new file.
   */
  append(fields: readonly Uint8Array[], realtime: number, monotonic: number, bootId: Uint8Array, seqnum?: number): AppendResult {
    if (fields.length === 0) return { ok: false, reason: 'invalid', message: 'entry without fields' };
    const eqs: number[] = [];
    for (const f of fields) {
      const eq = eqIndex(f);
      if (eq <= 0 || !fieldNameValid(f, 0, eq)) return { ok: false, reason: 'invalid', message: 'invalid field name' };
      eqs.push(eq);
    }
    if (!(realtime > 0 && realtime < 2 ** 53) || !(monotonic >= 0 && monotonic < 2 ** 53)) {
      return { ok: false, reason: 'invalid', message: 'invalid timestamp' };
    }
    this.undo.clear();
    this.undo.active = true;
    const startTail = get64(this.hdr, H.tailObjectOffset);
    try {
      let xl = 0, xh = 0;
      const items: number[] = [];
      for (let fi = 0; fi < fields.length; fi++) {
        const f = fields[fi]!;
        jenkins64(f, 0, f.length);
        xl ^= HASH_OUT[0]!; xh ^= HASH_OUT[1]!;
        siphash24(f, 0, f.length, this.key);
        const lo = HASH_OUT[0]!, hi = HASH_OUT[1]!;
        let p = this.findData(f, 0, f.length, lo, hi);
        if (!p) p = this.appendData(f, lo, hi, eqs[fi]!);
        items.push(p);
      }
      const sorted = Uint32Array.from(items).sort();
      let n = 0;
      for (let i = 0; i < sorted.length; i++) if (i === 0 || sorted[i] !== sorted[n - 1]) sorted[n++] = sorted[i]!;
      const uniq = sorted.subarray(0, n);

      const p = this.appendObject(OBJECT_ENTRY, E.items + n * 4);
      let s = this.r64(H.tailEntrySeqnum) + 1;
      if (seqnum !== undefined && seqnum + 1 > s) s = seqnum + 1;
      this.w64(H.tailEntrySeqnum, s);
      if (this.r64(H.headEntrySeqnum) === 0) this.w64(H.headEntrySeqnum, s);
      set64(this.b, p + E.seqnum, s);
      set64(this.b, p + E.realtime, realtime);
      set64(this.b, p + E.monotonic, monotonic);
      set32(this.b, p + E.xorHash, xl >>> 0); set32(this.b, p + E.xorHash + 4, xh >>> 0);
      this.hdr.set(bootId, H.bootId);
      this.b.set(bootId, p + E.bootId);
      for (let i = 0; i < n; i++) set32(this.b, p + E.items + i * 4, uniq[i]!);

      // journal_file_link_entry()
      const hidx = this.r64(H.nEntries);
      this.linkIntoArray(H.entryArrayOffset, hidx, H.tailEntryArrayOffset, H.tailEntryArrayNEntries, p);
      this.w64(H.nEntries, hidx + 1);
      if (this.r64(H.headEntryRealtime) === 0) this.w64(H.headEntryRealtime, realtime);
      this.w64(H.tailEntryRealtime, realtime);
      this.w64(H.tailEntryMonotonic, monotonic);
      for (let i = 0; i < n; i++) this.linkEntryItem(uniq[i]!, p);
      this.undo.active = false;
      this.undo.clear();
      return { ok: true, seqnum: s, offset: p };
    } catch (e) {
      this.rollback();
      // objects appended past startTail are garbage now: invisible, overwritten by the next append
      set64(this.hdr, H.tailObjectOffset, startTail);
      if (e instanceof NoSpace) return { ok: false, reason: 'full', message: 'journal file is full' };
      throw e;
    }
  }

  /** Set the state byte (OFFLINE on close, ARCHIVED on rotation); commits first. */
  setState(state: number): void {
    this.hdr[H.state] = state;
    this.dirty = true;
    this.commit();
  }

  get fileSize(): number { return this.allocated(); }
  get nEntries(): number { return get64(this.hdr, H.nEntries); }
  get tailSeqnum(): number { return get64(this.hdr, H.tailEntrySeqnum); }
  get headSeqnum(): number { return get64(this.hdr, H.headEntrySeqnum); }
  get headRealtime(): number { return get64(this.hdr, H.headEntryRealtime); }
  get tailRealtime(): number { return get64(this.hdr, H.tailEntryRealtime); }
  get seqnumId(): Uint8Array { return Uint8Array.from(this.hdr.subarray(H.seqnumId, H.seqnumId + 16)); }
  get pending(): boolean { return this.dirty; }

  /** journal_file_rotate_suggested() without the time rule: hash tables over 75% or chains too deep. */
  rotateSuggested(): string | null {
    const nd = this.r64(H.nData), nf = this.r64(H.nFields);
    if (nd * 4 > (this.r64(H.dataHashTableSize) / HASH_ITEM_SIZE) * 3) return 'data hash table fill level over 75%';
    if (nf * 4 > (this.r64(H.fieldHashTableSize) / HASH_ITEM_SIZE) * 3) return 'field hash table fill level over 75%';
    if (this.r64(H.dataHashChainDepth) > 100) return 'data hash chain too deep';
    if (this.r64(H.fieldHashChainDepth) > 100) return 'field hash chain too deep';
    return null;
  }
}

/** Index of the first '=' (field names are short: a plain loop beats Buffer#indexOf's native call). */
function eqIndex(f: Uint8Array): number {
  const n = Math.min(f.length, 66);
  for (let i = 0; i < n; i++) if (f[i] === 0x3d) return i;
  return -1;
}

export { EMPTY as EMPTY_FIELDS };
