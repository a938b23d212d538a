// The journal's storage: Storage=auto|volatile|persistent|none over <root>/<machine-id>/system.journal
// (/run/log/journal by default, /var/log/journal when that directory exists), batched writes from a bounded
// queue, rotation by size/age/hash-table fill (archived as system@<seqnum id>-<head seqnum>-<head rt>.journal),
// vacuuming by SystemMaxUse=/SystemMaxFiles=/SystemKeepFree=, a clean OFFLINE close, recovery of a file a
// crash left ONLINE (redo record re-applied, then archived; a file we cannot use is renamed *.journal~),
// and `--flush` (runtime entries copied to persistent storage).
// OS-touching (node:fs, the mmap of disk.ts). Invariants: the event loop is never held for more than
// ~budgetMs per turn (the queue is drained in slices); memory is bounded by maxQueueBytes (enqueue() says
// false when full: the caller stops reading its sockets); seqnums continue across rotation and restarts.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { JournalWriter, recoverJournal } from './writer';
import { JournalReader } from './reader';
import { MappedFile, archivedName, defaultMetrics, disposedName, type JournalMetrics } from './disk';
import { H, HEADER_SIZE_252, INCOMPATIBLE_COMPACT, INCOMPATIBLE_KEYED_HASH, SIGNATURE, STATE_ARCHIVED, STATE_OFFLINE, STATE_ONLINE, get32, get64, hexToId, idToHex } from './format';
import { journalDecompress } from './decompress';

export type StorageMode = 'auto' | 'volatile' | 'persistent' | 'none';

export interface StorageOptions {
  storage?: StorageMode;
  runtimeRoot?: string;
  persistentRoot?: string;
  machineId: string;
  bootId: string;
  system?: Partial<JournalMetrics>;
  runtime?: Partial<JournalMetrics>;
  /** MaxFileSec= in µs (journald default: one month); 0 = off. */
  maxFileUs?: number;
  maxQueueBytes?: number;
  /** Time slice for draining the queue per event-loop turn. */
  budgetMs?: number;
  now?: () => number;   // realtime µs
  log?: (msg: string) => void;
}

interface Queued { fields: Buffer[]; realtime: number; monotonic: number; bytes: number }

const BASE = 'system';

export class JournalStorage {
  dir: string | null = null;
  persistent = false;
  metrics: JournalMetrics = { maxUse: 0, maxSize: 0, keepFree: 0, nMaxFiles: 100, minUse: 0 };
  private file: MappedFile | null = null;
  private writer: JournalWriter | null = null;
  private queue: Queued[] = [];
  private qHead = 0;
  private qBytes = 0;
  private scheduled = false;
  private lastDrain = 0;
  private postTimer: NodeJS.Timeout | null = null;
  private seqnumId: Uint8Array | null = null;
  private seqnum = 0;
  private sigbus = 0;
  private readonly bootId: Uint8Array;
  private readonly machineId: Uint8Array;
  onDrain: (() => void) | null = null;
  dropped = 0;

  constructor(private readonly o: StorageOptions) {
    this.bootId = hexToId(o.bootId) ?? new Uint8Array(16);
    this.machineId = hexToId(o.machineId) ?? new Uint8Array(16);
  }

  private log(m: string): void { this.o.log?.(m); }
  private now(): number { return this.o.now ? this.o.now() : Date.now() * 1000; }

  /** Pick the directory (Storage= rules) and open or create system.journal there. */
  open(): void {
    const mode = this.o.storage ?? 'auto';
    if (mode === 'none') return;
    const runtimeRoot = this.o.runtimeRoot ?? '/run/log/journal';
    const persistentRoot = this.o.persistentRoot ?? '/var/log/journal';
    const usePersistent = mode === 'persistent' || (mode === 'auto' && isDir(persistentRoot));
    const root = usePersistent ? persistentRoot : runtimeRoot;
    this.openIn(root, usePersistent);
  }

  private openIn(root: string, persistent: boolean): void {
    const dir = path.join(root, this.o.machineId);
    fs.mkdirSync(dir, { recursive: true, mode: 0o755 });
    this.dir = dir;
    this.persistent = persistent;
    this.metrics = defaultMetrics(dir, persistent ? this.o.system : this.o.runtime);
    this.sigbus = MappedFile.sigbusCount();
    this.openActive();
    this.vacuum();
  }

  private activePath(): string { return path.join(this.dir!, `${BASE}.journal`); }

  private openActive(): void {
    const p = this.activePath();
    if (fs.existsSync(p)) {
      const reuse = this.tryReuse(p);
      if (reuse) return;
    }
    this.createActive();
  }

  /** Reopen system.journal if it is ours and clean; recover and archive it if a crash left it ONLINE. */
  private tryReuse(p: string): boolean {
    let hdr: Buffer;
    let size: number;
    try {
      const fd = fs.openSync(p, 'r');
      try { hdr = Buffer.alloc(HEADER_SIZE_252); size = fs.fstatSync(fd).size; fs.readSync(fd, hdr, 0, HEADER_SIZE_252, 0); } finally { fs.closeSync(fd); }
    } catch (e) { this.log(`journal: cannot read ${p}: ${(e as Error).message}`); this.dispose(p); return false; }
    const ours = hdr.toString('latin1', 0, 8) === SIGNATURE && get64(hdr, H.headerSize) === HEADER_SIZE_252 &&
      get32(hdr, H.incompatibleFlags) === (INCOMPATIBLE_KEYED_HASH | INCOMPATIBLE_COMPACT) && get32(hdr, H.compatibleFlags) === 0;
    const sameMachine = idToHex(hdr, H.machineId) === this.o.machineId;
    if (ours && sameMachine) {
      this.seqnumId = Uint8Array.from(hdr.subarray(H.seqnumId, H.seqnumId + 16));
      this.seqnum = Math.max(this.seqnum, get64(hdr, H.tailEntrySeqnum));
    }
    const state = hdr[H.state];
    if (ours && sameMachine && state === STATE_OFFLINE && get64(hdr, H.tailEntryRealtime) <= this.now() && size <= this.metrics.maxSize) {
      try {
        this.file = MappedFile.open(p, this.metrics.maxSize);
        this.writer = JournalWriter.openForAppend(this.file, this.metrics.maxSize);
        return true;
      } catch (e) {
        this.log(`journal: cannot reopen ${p}: ${(e as Error).message}`);
        this.file?.close(); this.file = null; this.writer = null;
      }
    }
    if (ours && sameMachine && state === STATE_ONLINE) {
      // a crash: finish an interrupted commit if there is one, then archive the file as it stands
      try {
        const f = MappedFile.open(p, size);
        const r = recoverJournal(f.buf, size);
        if (r.recovered) this.log(`journal: ${p}: ${r.reason}`);
        f.buf[H.state] = STATE_ARCHIVED;
        const after = Buffer.from(f.buf.subarray(0, HEADER_SIZE_252));
        f.fsync();
        f.close();
        if (get64(after, H.nEntries) === 0) { fs.rmSync(p, { force: true }); return false; }
        fs.renameSync(p, path.join(this.dir!, archivedName(BASE, idToHex(after, H.seqnumId), get64(after, H.headEntrySeqnum), get64(after, H.headEntryRealtime))));
        this.seqnum = Math.max(this.seqnum, get64(after, H.tailEntrySeqnum));
        return false;
      } catch (e) { this.log(`journal: recovering ${p} failed: ${(e as Error).message}`); }
    }
    if (ours && sameMachine && state === STATE_OFFLINE) {
      // clean but not appendable (too big for the current limits, from the future): archive it
      fs.renameSync(p, path.join(this.dir!, archivedName(BASE, idToHex(hdr, H.seqnumId), get64(hdr, H.headEntrySeqnum), get64(hdr, H.headEntryRealtime))));
      return false;
    }
    this.dispose(p);
    return false;
  }

  private dispose(p: string): void {
    try { fs.renameSync(p, path.join(path.dirname(p), disposedName(BASE, this.now()))); } catch { fs.rmSync(p, { force: true }); }
  }

  private createActive(): void {
    const p = this.activePath();
    const fileId = randomId();
    if (!this.seqnumId) this.seqnumId = fileId;
    this.file = MappedFile.create(p, this.metrics.maxSize);
    this.writer = JournalWriter.create(this.file, {
      fileId, machineId: this.machineId, bootId: this.bootId, seqnumId: this.seqnumId, tailSeqnum: this.seqnum, maxSize: this.metrics.maxSize,
    });
    this.file.postChange();
  }

  /** Queue one entry; false (entry dropped) when the queue is over its byte limit or storage is off. */
  enqueue(fields: Buffer[], realtime: number, monotonic: number): boolean {
    if (!this.writer) return false;
    let bytes = 64;
    for (const f of fields) bytes += f.length + 16;
    if (this.qBytes + bytes > (this.o.maxQueueBytes ?? 16 * 1024 * 1024) && this.qBytes > 0) { this.dropped++; return false; }
    this.queue.push({ fields, realtime, monotonic, bytes });
    this.qBytes += bytes;
    this.schedule();
    return true;
  }

  get backlogBytes(): number { return this.qBytes; }
  get full(): boolean { return this.qBytes > (this.o.maxQueueBytes ?? 16 * 1024 * 1024) / 2; }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      // a slice of 10 ms, more when the loop's turns are long (a flood being read elsewhere): up to 30% of
      // the time since the last slice, at most 100 ms, so storage keeps pace without holding the loop long
      const now = Date.now();
      const since = this.lastDrain ? now - this.lastDrain : 0;
      this.lastDrain = now;
      this.drain(this.o.budgetMs ?? Math.min(100, Math.max(10, since * 0.3)));
    });
  }

  /** Write queued entries for at most budgetMs (Infinity: all). */
  drain(budgetMs: number): void {
    const t0 = process.hrtime.bigint();
    const limit = BigInt(Math.floor(Math.min(budgetMs, 1e9) * 1e6));
    let n = 0;
    while (this.qHead < this.queue.length) {
      const e = this.queue[this.qHead]!;
      this.queue[this.qHead] = undefined as unknown as Queued;
      this.qHead++;
      this.qBytes -= e.bytes;
      this.writeOne(e);
      if ((++n & 31) === 0 && budgetMs !== Infinity && process.hrtime.bigint() - t0 > limit) break;
    }
    if (this.qHead >= this.queue.length) { this.queue = []; this.qHead = 0; }
    else if (this.qHead > 4096) { this.queue = this.queue.slice(this.qHead); this.qHead = 0; }
    this.writer?.commit();
    this.afterCommit();
    if (this.qHead < this.queue.length) this.schedule();
    else if (this.onDrain) this.onDrain();
  }

  private writeOne(e: Queued): void {
    if (!this.writer) return;
    let r = this.writer.append(e.fields, e.realtime, e.monotonic, this.bootId, this.seqnum);
    if (!r.ok && r.reason === 'full') {
      this.rotate('file full');
      if (!this.writer) return;
      r = this.writer.append(e.fields, e.realtime, e.monotonic, this.bootId, this.seqnum);
    }
    if (r.ok) this.seqnum = r.seqnum;
    else { this.dropped++; this.log(`journal: entry dropped: ${r.message}`); }
  }

  private afterCommit(): void {
    if (!this.writer || !this.file) return;
    const sb = MappedFile.sigbusCount();
    if (sb !== this.sigbus) { this.sigbus = sb; this.log('journal: I/O error (SIGBUS) on the journal file, rotating'); this.rotate('sigbus', true); return; }
    const why = this.writer.rotateSuggested();
    const maxAge = this.o.maxFileUs ?? 30 * 24 * 3600 * 1e6;
    if (why) this.rotate(why);
    else if (maxAge > 0 && this.writer.headRealtime > 0 && this.now() > this.writer.headRealtime + maxAge) this.rotate('MaxFileSec');
    else if (!this.postTimer) {
      this.postTimer = setTimeout(() => { this.postTimer = null; this.file?.postChange(); }, 250);
      this.postTimer.unref();
    }
  }

  /** Archive the active file and start a new one (journalctl --rotate, a full file, …). */
  rotate(reason = 'requested', broken = false): void {
    if (!this.writer || !this.file || !this.dir) return;
    this.log(`journal: rotating ${this.activePath()}: ${reason}`);
    const w = this.writer, f = this.file;
    this.writer = null; this.file = null;
    try {
      if (!broken) w.setState(STATE_ARCHIVED);
      const name = broken ? disposedName(BASE, this.now()) : archivedName(BASE, idToHex(w.seqnumId), w.headSeqnum, w.headRealtime);
      this.seqnum = Math.max(this.seqnum, w.tailSeqnum);
      closeAsync(f);
      if (w.nEntries === 0 && !broken) fs.rmSync(f.path, { force: true });
      else fs.renameSync(f.path, path.join(this.dir, name));
    } catch (e) { this.log(`journal: archiving failed: ${(e as Error).message}`); }
    try { this.createActive(); } catch (e) { this.log(`journal: cannot create ${this.activePath()}: ${(e as Error).message}`); }
    this.vacuum();
  }

  /** Delete the oldest archived files while over SystemMaxUse=/SystemMaxFiles= or under SystemKeepFree=. */
  vacuum(limits: { maxUse?: number; maxFiles?: number; maxAgeUs?: number } = {}): string[] {
    if (!this.dir) return [];
    return vacuumDir(this.dir, {
      maxUse: limits.maxUse ?? this.metrics.maxUse, maxFiles: limits.maxFiles ?? this.metrics.nMaxFiles,
      keepFree: this.metrics.keepFree, maxAgeUs: limits.maxAgeUs ?? 0, now: this.now(),
    }, this.file ? this.activePath() : null);
  }

  /** Write everything queued now (shutdown, --sync); fsync the active file when `durable`. */
  flushSync(durable = false): void {
    this.drain(Infinity);
    if (durable) this.file?.fsync();
  }

  /** journalctl --flush: move to persistent storage when /var/log/journal exists, copying runtime entries. */
  flushToPersistent(): { moved: boolean; entries: number } {
    const persistentRoot = this.o.persistentRoot ?? '/var/log/journal';
    if (this.persistent || (this.o.storage ?? 'auto') === 'volatile' || (this.o.storage ?? 'auto') === 'none' || !isDir(persistentRoot)) {
      return { moved: false, entries: 0 };
    }
    this.drain(Infinity);
    const oldDir = this.dir;
    this.closeActive(STATE_OFFLINE);
    this.openIn(persistentRoot, true);
    let n = 0;
    if (oldDir) {
      for (const f of listJournalFiles(oldDir).sort((a, b) => a.order - b.order)) {
        try {
          const r = new JournalReader(fs.readFileSync(f.path), journalDecompress);
          for (const e of r.entries()) {
            this.writeCopied(r.fields(e.offset), e.realtime, e.monotonic, hexToId(e.bootId) ?? this.bootId);
            n++;
          }
        } catch (e) { this.log(`journal: flushing ${f.path} failed: ${(e as Error).message}`); }
      }
      this.writer?.commit();
      fs.rmSync(oldDir, { recursive: true, force: true });
    }
    return { moved: true, entries: n };
  }

  private writeCopied(fields: Buffer[], realtime: number, monotonic: number, bootId: Uint8Array): void {
    if (!this.writer) return;
    let r = this.writer.append(fields, realtime, monotonic, bootId, this.seqnum);
    if (!r.ok && r.reason === 'full') { this.rotate('file full'); if (this.writer) r = this.writer.append(fields, realtime, monotonic, bootId, this.seqnum); }
    if (r.ok) this.seqnum = r.seqnum;
  }

  private closeActive(state: number): void {
    if (this.postTimer) { clearTimeout(this.postTimer); this.postTimer = null; }
    const w = this.writer, f = this.file;
    this.writer = null; this.file = null;
    if (w && f) {
      w.commit();
      f.fsync();
      w.setState(state);
      f.fsync();
      f.postChange();
      f.close();
    }
  }

  /** Orderly close: write the queue, mark the file OFFLINE, fsync. */
  close(): void {
    this.drain(Infinity);
    this.closeActive(STATE_OFFLINE);
  }

  stats(): { dir: string | null; files: Array<{ path: string; bytes: number }>; totalBytes: number } {
    if (!this.dir) return { dir: null, files: [], totalBytes: 0 };
    const files = listJournalFiles(this.dir).map((f) => ({ path: f.path, bytes: f.bytes }));
    return { dir: this.dir, files, totalBytes: files.reduce((a, f) => a + f.bytes, 0) };
  }
}

function closeAsync(f: MappedFile): void { f.closeDeferred(); }

function isDir(p: string): boolean { try { return fs.statSync(p).isDirectory(); } catch { return false; } }

function randomId(): Uint8Array {
  const b = new Uint8Array(16);
  for (let i = 0; i < 16; i++) b[i] = Math.floor(Math.random() * 256);
  // like sd_id128_randomize(): a v4 UUID
  b[6] = (b[6]! & 0x0f) | 0x40;
  b[8] = (b[8]! & 0x3f) | 0x80;
  return b;
}

export interface JournalFileInfo { path: string; bytes: number; order: number; active: boolean }

/** *.journal and *.journal~ in dir; `order` is the head realtime from the archived name, else mtime. */
export function listJournalFiles(dir: string): JournalFileInfo[] {
  const out: JournalFileInfo[] = [];
  let names: string[] = [];
  try { names = fs.readdirSync(dir); } catch { return out; }
  for (const n of names) {
    if (!n.endsWith('.journal') && !n.endsWith('.journal~')) continue;
    const p = path.join(dir, n);
    let st: fs.Stats;
    try { st = fs.statSync(p); } catch { continue; }
    if (!st.isFile()) continue;
    const m = /@[0-9a-f]{32}-([0-9a-f]{16})-([0-9a-f]{16})\.journal$/.exec(n) ?? /@([0-9a-f]{16})-[0-9a-f]{16}\.journal~$/.exec(n);
    const rt = m ? parseInt(m[m.length === 3 ? 2 : 1]!, 16) : st.mtimeMs * 1000;
    out.push({ path: p, bytes: st.blocks * 512, order: rt, active: !n.includes('@') });
  }
  return out;
}

/** journal_directory_vacuum(): remove the oldest archived files until the limits hold; returns what was removed. */
export function vacuumDir(dir: string, l: { maxUse: number; maxFiles: number; keepFree: number; maxAgeUs: number; now: number }, active: string | null): string[] {
  const files = listJournalFiles(dir);
  const archived = files.filter((f) => !f.active && f.path !== active).sort((a, b) => a.order - b.order);
  let total = files.reduce((a, f) => a + f.bytes, 0);
  let count = files.length;
  let free = Infinity;
  try { const s = fs.statfsSync(dir); free = s.bavail * s.bsize; } catch { /* unknown */ }
  const removed: string[] = [];
  for (const f of archived) {
    const tooOld = l.maxAgeUs > 0 && f.order < l.now - l.maxAgeUs;
    if (!tooOld && !(l.maxUse > 0 && total > l.maxUse) && !(l.maxFiles > 0 && count > l.maxFiles) && !(l.keepFree > 0 && free < l.keepFree)) continue;
    try { fs.rmSync(f.path, { force: true }); } catch { continue; }
    removed.push(f.path);
    total -= f.bytes; count--; free += f.bytes;
  }
  return removed;
}
