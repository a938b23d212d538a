// The redo record ("write-ahead log") of a journal commit and crash recovery: the record written after the
// new tail (magic "TSYSDWAL", base and new tail, the overlay words, the new header, a lookup3 checksum),
// the header store that makes a commit visible (tail_object_offset's low word last), and recoverJournal(),
// which re-applies an interrupted commit's record.
// Invariants: a record is only trusted when its checksum matches and its base tail is the file's current
// tail; the header is always published by writeHeaderLast() so that one aligned 32-bit store is the commit
// point.
import { H, HEADER_SIZE_252, O, SIGNATURE, align8, get32, get64, set32, set64 } from './format';
import { HASH_OUT, jenkins64 } from './hash';

const WAL_MAGIC = Buffer.from('TSYSDWAL', 'latin1');

/** Fill `w` (the record's aligned bytes past the new tail) with the redo record of one commit. */
export function writeRedoRecord(w: Buffer, walLen: number, baseTail: number, newTail: number, words: ReadonlyArray<[number, number, number]>, hdr: Buffer): void {
  w.fill(0);
  WAL_MAGIC.copy(w, 0);
  set64(w, 8, baseTail);
  set64(w, 16, newTail);
  set32(w, 24, words.length);
  set32(w, 28, HEADER_SIZE_252);
  let q = 32;
  for (const [off, width, v] of words) { set32(w, q, off); set32(w, q + 4, width); set64(w, q + 8, v); q += 16; }
  hdr.copy(w, q); q += HEADER_SIZE_252;
  jenkins64(w, 0, walLen - 8);
  set32(w, walLen - 8, HASH_OUT[0]!); set32(w, walLen - 4, HASH_OUT[1]!);
}

/** Copy the header, storing tail_object_offset's low word last with one aligned 32-bit store. */
export function writeHeaderLast(b: Buffer, hdr: Buffer): void {
  hdr.copy(b, 0, 0, H.tailObjectOffset);
  hdr.copy(b, H.tailObjectOffset + 4, H.tailObjectOffset + 4, HEADER_SIZE_252);
  const lo = get32(hdr, H.tailObjectOffset);
  if ((b.byteOffset & 3) === 0) new Uint32Array(b.buffer, b.byteOffset + H.tailObjectOffset, 1)[0] = lo;
  else set32(b, H.tailObjectOffset, lo);
}

export type RecoverResult = { recovered: boolean; reason: string };

/**
 * Bring a file left ONLINE by a crash to a consistent state: if a redo record for an unfinished commit
 * follows the objects past the committed tail, re-apply it. `size` is the file's size on disk. Files
 * written by others (no record) are left as they are.
 */
export function recoverJournal(b: Buffer, size: number): RecoverResult {
  if (size < HEADER_SIZE_252 || b.toString('latin1', 0, 8) !== SIGNATURE) return { recovered: false, reason: 'not a journal file' };
  const hs = get64(b, H.headerSize);
  const tail = get64(b, H.tailObjectOffset);
  if (hs !== HEADER_SIZE_252 || tail >= size) return { recovered: false, reason: 'unexpected header' };
  let p = tail === 0 ? hs : align8(tail + get64(b, tail + O.size));
  for (let steps = 0; steps < 1_000_000 && p + 16 <= size; steps++) {
    if (b.compare(WAL_MAGIC, 0, 8, p, p + 8) === 0) {
      const n = get32(b, p + 24), hl = get32(b, p + 28);
      if (hl !== HEADER_SIZE_252 || n > (size - p) / 16) return { recovered: false, reason: 'bad redo record' };
      const len = align8(40 + n * 16 + hl + 8);
      if (p + len > size) return { recovered: false, reason: 'truncated redo record' };
      jenkins64(b, p, p + len - 8);
      if (get32(b, p + len - 8) !== HASH_OUT[0]! >>> 0 || get32(b, p + len - 4) !== HASH_OUT[1]! >>> 0) return { recovered: false, reason: 'incomplete redo record' };
      if (get64(b, p + 8) !== tail) return { recovered: false, reason: 'stale redo record' };
      let q = p + 32;
      for (let i = 0; i < n; i++, q += 16) {
        const off = get32(b, q), width = get32(b, q + 4), v = get64(b, q + 8);
        if (off < hs || off + width > size) return { recovered: false, reason: 'bad redo record' };
        (width === 8 ? set64 : set32)(b, off, v);
      }
      writeHeaderLast(b, b.subarray(q, q + hl));
      return { recovered: true, reason: 're-applied an interrupted commit' };
    }
    const t = b[p]!, sz = get64(b, p + O.size);
    if (t < 1 || t > 7 || sz < 16 || p + sz > size) break;
    p = align8(p + sz);
  }
  return { recovered: false, reason: 'no interrupted commit' };
}
