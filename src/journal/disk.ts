// One journal file on disk, memory-mapped (MAP_SHARED) through the native addon, as a JournalSpace for the
// writer: the mapping covers the file's maximum size up front (virtual memory only), the file itself grows
// with posix_fallocate in journald's 8 MiB steps, so a write never lands on unallocated space (no SIGBUS on
// a full disk). Also: metrics (journal_default_metrics), file names of archived and corrupt files.
// OS-touching by design (like src/logs/store.ts): node:fs and the addon, no policy beyond journald's rules.
// Invariant: buf is never touched past `allocated` bytes; close() unmaps before closing the fd.
import * as fs from 'node:fs';
import { loadNative } from '../platform/native';
import type { JournalSpace } from './writer';
import { FILE_SIZE_MIN } from './format';

const PAGE = 4096;
const pageAlign = (n: number): number => Math.ceil(n / PAGE) * PAGE;

export interface JournalMetrics { maxUse: number; maxSize: number; keepFree: number; nMaxFiles: number; minUse: number }

/** journal_default_metrics() for a directory; explicit values (bytes) override. */
export function defaultMetrics(dir: string, explicit: Partial<JournalMetrics> = {}): JournalMetrics {
  let fsSize = 0;
  try { const s = fs.statfsSync(dir); fsSize = s.blocks * s.bsize; } catch { /* unknown */ }
  let maxUse = explicit.maxUse !== undefined ? pageAlign(explicit.maxUse)
    : fsSize > 0 ? Math.min(Math.max(pageAlign(fsSize / 10), 1 << 20), 4 * 1024 ** 3) : 1 << 20;
  if (explicit.maxUse !== undefined && maxUse !== 0 && maxUse < FILE_SIZE_MIN * 2) maxUse = FILE_SIZE_MIN * 2;
  let minUse = fsSize > 0 ? Math.min(Math.max(pageAlign(fsSize / 50), 1 << 20), 16 << 20) : 1 << 20;
  if (minUse > maxUse) minUse = maxUse;
  let maxSize = explicit.maxSize !== undefined ? pageAlign(explicit.maxSize) : Math.min(pageAlign(maxUse / 8), 128 << 20);
  if (maxSize > 0xffffffff) maxSize = 0xffffffff - (0xffffffff % PAGE);
  if (maxSize < FILE_SIZE_MIN) maxSize = FILE_SIZE_MIN;
  if (maxUse !== 0 && maxSize * 2 > maxUse) maxUse = maxSize * 2;
  const keepFree = explicit.keepFree ?? (fsSize > 0 ? Math.min(pageAlign(fsSize / 20), 4 * 1024 ** 3) : 1 << 20);
  return { maxUse, maxSize, keepFree, nMaxFiles: explicit.nMaxFiles ?? 100, minUse };
}

export class MappedFile implements JournalSpace {
  buf: Buffer;
  private ab: ArrayBuffer;
  private size: number;
  private closed = false;

  private constructor(readonly path: string, readonly fd: number, mapLen: number) {
    const { addon } = loadNative();
    const ab = addon.mmapFile(fd, mapLen, true);
    if (typeof ab === 'number') { fs.closeSync(fd); throw new Error(`mmap ${path}: ${addon.strerror(-ab)}`); }
    this.ab = ab;
    this.buf = Buffer.from(ab);
    this.size = fs.fstatSync(fd).size;
  }

  /** Create a new, empty file (fails if it exists). */
  static create(path: string, maxSize: number, mode = 0o640): MappedFile {
    const fd = fs.openSync(path, fs.constants.O_RDWR | fs.constants.O_CREAT | fs.constants.O_EXCL, mode);
    return new MappedFile(path, fd, pageAlign(maxSize));
  }

  /** Open an existing file for writing (recovery, reopening system.journal). */
  static open(path: string, maxSize: number): MappedFile {
    const fd = fs.openSync(path, fs.constants.O_RDWR);
    const size = fs.fstatSync(fd).size;
    return new MappedFile(path, fd, pageAlign(Math.max(size, maxSize, PAGE)));
  }

  get fileSize(): number { return this.size; }

  grow(size: number): boolean {
    if (this.closed || size > this.buf.length) return false;
    if (size <= this.size) return true;
    const r = loadNative().addon.fallocate(this.fd, this.size, size - this.size);
    if (r < 0) return false;
    this.size = size;
    return true;
  }

  /** SIGBUS faults absorbed in any journal mapping so far (a reason to rotate). */
  static sigbusCount(): number { return loadNative().addon.journalSigbus(); }

  /** Truncate the file to its own size: readers watching with inotify see a change (mmap writes make none). */
  postChange(): void {
    if (!this.closed) try { fs.ftruncateSync(this.fd, this.size); } catch { /* best effort */ }
  }

  fsync(): void { if (!this.closed) try { fs.fsyncSync(this.fd); } catch { /* best effort */ } }

  /** Unmap now; fsync and close the descriptor off the event loop (rotation). */
  closeDeferred(): void {
    if (this.closed) return;
    this.closed = true;
    loadNative().addon.unmapFile(this.ab);
    this.buf = Buffer.alloc(0);
    const fd = this.fd;
    fs.fsync(fd, () => fs.close(fd, () => undefined));
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    loadNative().addon.unmapFile(this.ab);
    this.buf = Buffer.alloc(0);
    try { fs.closeSync(this.fd); } catch { /* already closed */ }
  }
}

export function hex16(n: number): string { return Math.floor(n).toString(16).padStart(16, '0'); }

/** journal_file_archive(): system@<seqnum id>-<head seqnum>-<head realtime>.journal */
export function archivedName(base: string, seqnumId: string, headSeqnum: number, headRealtime: number): string {
  return `${base}@${seqnumId}-${hex16(headSeqnum)}-${hex16(headRealtime)}.journal`;
}

/** journal_file_dispose(): a file we cannot use is renamed <base>@<realtime>-<random>.journal~ */
export function disposedName(base: string, nowUs: number): string {
  const r = Math.floor(Math.random() * 2 ** 32).toString(16).padStart(8, '0') + Math.floor(Math.random() * 2 ** 32).toString(16).padStart(8, '0');
  return `${base}@${hex16(nowUs)}-${r}.journal~`;
}
