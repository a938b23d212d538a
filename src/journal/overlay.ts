// The transactional byte store under JournalWriter: the header's shadow copy, the overlay of changes to
// committed objects (ov32/ov64), the undo log of the entry being appended, allocation of new objects past
// the committed tail (growing the file in FILE_SIZE_INCREASE steps up to max_size), and commit(), which
// publishes a batch through a redo record (wal.ts).
// Invariants (the crash-safety rules of writer.ts's header): nothing below committedEnd and no header byte
// is written to the file outside commit(); every w32/w64 while the undo log is active is recorded so that
// rollback() restores the exact previous bytes/overlay; ensure() throws NoSpace instead of growing past
// max_size (the caller rolls the entry back).
import { FILE_SIZE_INCREASE, H, HEADER_SIZE_252, O, COMPACT_SIZE_MAX, TWO32, align8, get32, get64, set32, set64 } from './format';
import type { JournalSpace } from './writer';
import { writeHeaderLast, writeRedoRecord } from './wal';

/** Thrown by ensure() when the object does not fit below max_size (or the disk is full). */
export class NoSpace extends Error {}

/** Undo log of one entry: parallel arrays (no object per write); where: 0 header, 1 overlay, 2 buffer;
 * prev NaN = the overlay had no value. */
class UndoLog {
  off: number[] = []; width: number[] = []; prev: number[] = []; where: number[] = [];
  active = false;
  clear(): void { this.off.length = 0; this.width.length = 0; this.prev.length = 0; this.where.length = 0; }
  push(off: number, width: number, prev: number | undefined, where: number): void {
    this.off.push(off); this.width.push(width); this.prev.push(prev ?? NaN); this.where.push(where);
  }
}

export abstract class JournalOverlay {
  protected b: Buffer;
  protected readonly hdr = Buffer.alloc(HEADER_SIZE_252);
  protected readonly ov32 = new Map<number, number>();
  protected readonly ov64 = new Map<number, number>();
  protected committedEnd: number;
  protected dirty = false;
  protected readonly undo = new UndoLog();
  protected readonly maxSize: number;

  protected constructor(protected readonly space: JournalSpace, maxSize: number, headerFromFile: boolean) {
    this.b = space.buf;
    if (headerFromFile) this.b.copy(this.hdr, 0, 0, HEADER_SIZE_252);
    this.maxSize = Math.min(maxSize, COMPACT_SIZE_MAX);
    this.committedEnd = HEADER_SIZE_252;
  }

  // ---- accessors: header (shadow), overlay (committed objects), buffer (this batch's objects) ----

  protected r64(off: number): number {
    if (off < HEADER_SIZE_252) return get64(this.hdr, off);
    if (off < this.committedEnd) { const v = this.ov64.get(off); if (v !== undefined) return v; }
    return get64(this.b, off);
  }

  protected r32(off: number): number {
    if (off < HEADER_SIZE_252) return get32(this.hdr, off);
    if (off < this.committedEnd) { const v = this.ov32.get(off); if (v !== undefined) return v; }
    return get32(this.b, off);
  }

  protected w64(off: number, v: number): void {
    if (off < HEADER_SIZE_252) {
      if (this.undo.active) this.undo.push(off, 8, get64(this.hdr, off), 0);
      set64(this.hdr, off, v);
    } else if (off < this.committedEnd) {
      if (this.undo.active) this.undo.push(off, 8, this.ov64.get(off), 1);
      this.ov64.set(off, v);
    } else {
      if (this.undo.active) this.undo.push(off, 8, get64(this.b, off), 2);
      set64(this.b, off, v);
    }
    this.dirty = true;
  }

  protected w32(off: number, v: number): void {
    if (off < HEADER_SIZE_252) {
      if (this.undo.active) this.undo.push(off, 4, get32(this.hdr, off), 0);
      set32(this.hdr, off, v);
    } else if (off < this.committedEnd) {
      if (this.undo.active) this.undo.push(off, 4, this.ov32.get(off), 1);
      this.ov32.set(off, v);
    } else {
      if (this.undo.active) this.undo.push(off, 4, get32(this.b, off), 2);
      set32(this.b, off, v);
    }
    this.dirty = true;
  }

  protected rollback(): void {
    const u = this.undo;
    u.active = false;
    for (let i = u.off.length - 1; i >= 0; i--) {
      const off = u.off[i]!, w = u.width[i]!, prev = u.prev[i]!, where = u.where[i]!;
      if (where === 0) (w === 8 ? set64 : set32)(this.hdr, off, Number.isNaN(prev) ? 0 : prev);
      else if (where === 1) {
        const m = w === 8 ? this.ov64 : this.ov32;
        if (Number.isNaN(prev)) m.delete(off); else m.set(off, prev);
      } else (w === 8 ? set64 : set32)(this.b, off, Number.isNaN(prev) ? 0 : prev);
    }
    u.clear();
  }

  // ---- allocation ----

  protected allocated(): number { return get64(this.hdr, H.headerSize) + get64(this.hdr, H.arenaSize); }

  /** End of the last object (aligned), where the next object goes. */
  protected tailEnd(): number {
    const t = get64(this.hdr, H.tailObjectOffset);
    if (t === 0) return get64(this.hdr, H.headerSize);
    return align8(t + get64(this.b, t + O.size));
  }

  /** Bytes the redo record of the current batch needs, plus room for a few more overlay words. */
  protected walReserve(): number { return 48 + (this.ov32.size + this.ov64.size + 64) * 16 + HEADER_SIZE_252 + 16; }

  protected ensure(end: number, reserve: number): void {
    if (end + reserve > this.maxSize) throw new NoSpace();
    const need = end + reserve;
    if (need <= this.allocated()) return;
    // journal_file_allocate(): grow in FILE_SIZE_INCREASE steps, capped at max_size
    let size = Math.ceil(need / FILE_SIZE_INCREASE) * FILE_SIZE_INCREASE;
    if (size > this.maxSize) size = this.maxSize;
    if (!this.space.grow(size)) throw new NoSpace();
    this.b = this.space.buf;
    this.w64(H.arenaSize, size - get64(this.hdr, H.headerSize));
  }

  protected appendObject(type: number, size: number): number {
    const p = this.tailEnd();
    this.ensure(p + size, this.undo.active ? this.walReserve() : 0);
    this.b.fill(0, p, align8(p + size));
    this.b[p + O.type] = type;
    set64(this.b, p + O.size, size);
    this.w64(H.tailObjectOffset, p);
    this.w64(H.nObjects, this.r64(H.nObjects) + 1);
    return p;
  }

  /** Publish the batch (see the file comment). Cheap when nothing changed. */
  commit(): void {
    if (!this.dirty) return;
    const end = this.tailEnd();
    const words: Array<[number, number, number]> = [];
    for (const [off, v] of this.ov32) words.push([off, 4, v]);
    for (const [off, v] of this.ov64) words.push([off, 8, v]);
    const walLen = align8(40 + words.length * 16 + HEADER_SIZE_252 + 8);
    const baseTail = get64(this.b, H.tailObjectOffset);
    const haveWal = this.committedEnd > HEADER_SIZE_252 && end + walLen <= this.allocated();
    if (haveWal) writeRedoRecord(this.b.subarray(end, end + walLen), walLen, baseTail, get64(this.hdr, H.tailObjectOffset), words, this.hdr);
    // apply with aligned 32-bit stores (every mutable field is 4- or 8-byte aligned): a tight loop keeps the
    // window in which a kill leaves a half-applied commit (fixed by recoverJournal) as short as possible
    const b = this.b;
    if ((b.byteOffset & 3) === 0) {
      const u = new Uint32Array(b.buffer, b.byteOffset, b.length >>> 2);
      for (const [off, width, v] of words) {
        const i = off >>> 2;
        if (width === 8) { u[i] = v % TWO32; u[i + 1] = Math.floor(v / TWO32); } else u[i] = v;
      }
    } else for (const [off, width, v] of words) (width === 8 ? set64 : set32)(b, off, v);
    writeHeaderLast(this.b, this.hdr);
    this.ov32.clear();
    this.ov64.clear();
    this.committedEnd = end;
    this.dirty = false;
  }
}
