// Service output and manager messages: per-unit bounded ring buffers, optional rotated files, live
// subscribers (tsysctl logs -f, the RPC `subscribe`), and forwarding to the manager's stdout prefixed with
// the unit name (so `docker logs` shows service output when tsysd is a container's PID 1).
// Invariants: memory is bounded (perUnit lines per unit, maxLineBytes per line); a slow file system never
// blocks the event loop (files are written through streams); subscribers that throw are dropped.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { cutUtf8 } from './limits';
import type { StatusKind } from '../units/types';

export type LogStream = 'stdout' | 'stderr' | 'manager';

export interface LogLine {
  seq: number;         // cursor, strictly increasing per store (assigned by append)
  ts: number;          // realtime, microseconds since the epoch
  unit: string;        // '' for manager-wide lines
  pid: number;         // 0 for manager lines
  stream: LogStream;
  priority: number;    // syslog priority (3 err, 4 warning, 6 info, 7 debug)
  ident: string;       // SyslogIdentifier= or the executable's basename
  text: string;
  /** A manager line that is one of systemd's unit status messages ("Started X.", "Failed to start X."):
   *  which one (the journal's MESSAGE_ID), and for a failure the unit's result (UNIT_RESULT=). */
  status?: StatusKind;
  unitResult?: string;
}

export interface LogStoreOptions {
  perUnit?: number;            // ring buffer size per unit (lines); default 1000
  maxLineBytes?: number;       // longer lines are split (systemd's LineMax= default 48K)
  dir?: string;                // write <dir>/<unit>.log with rotation when set
  maxFileBytes?: number;       // rotate at this size (default 8 MiB), keeping one .1 file
  maxUnits?: number;           // per-unit buffers kept (default 8192); beyond, the oldest buffer is dropped
  forward?: (line: LogLine) => void;   // e.g. print to stdout with a unit prefix
}

class Ring {
  // Grows up to `size` entries, then overwrites the oldest: a unit that logs little costs little.
  private buf: LogLine[] = [];
  private next = 0;
  constructor(private readonly size: number) {}
  push(l: LogLine): void {
    if (this.buf.length < this.size) { this.buf.push(l); return; }
    this.buf[this.next] = l;
    this.next = (this.next + 1) % this.size;
  }
  lines(): LogLine[] {
    return this.buf.length < this.size ? [...this.buf] : [...this.buf.slice(this.next), ...this.buf.slice(0, this.next)];
  }
}

interface FileSink { fd: number; bytes: number; file: string }

export class LogStore {
  private readonly rings = new Map<string, Ring>();
  private readonly all: Ring;
  private readonly subs = new Set<(l: LogLine) => void>();
  private readonly files = new Map<string, FileSink>();
  private readonly perUnit: number;
  readonly maxLineBytes: number;
  private readonly maxFileBytes: number;
  private readonly maxUnits: number;

  constructor(private readonly opts: LogStoreOptions = {}) {
    this.perUnit = Math.max(10, opts.perUnit ?? 1000);
    this.maxLineBytes = opts.maxLineBytes ?? 48 * 1024;
    this.maxFileBytes = opts.maxFileBytes ?? 8 * 1024 * 1024;
    this.maxUnits = Math.max(16, opts.maxUnits ?? 8192);
    this.all = new Ring(this.perUnit * 4);
    if (opts.dir) fs.mkdirSync(opts.dir, { recursive: true });
  }

  private seq = 0;
  /** The journal (src/journal/manager-hook.ts): every stored line, after the ring buffer; must not throw. */
  sink: ((l: LogLine) => void) | null = null;

  /** Store a line (its `seq` is assigned here) and fan it out; returns the stored line. A text longer than
   *  maxLineBytes is cut there (service output is split into lines of that size before; this bounds the
   *  manager's own lines, which may quote whatever a unit file or a service sent). */
  append(input: Omit<LogLine, 'seq'>): LogLine {
    const line: LogLine = { ...input, text: cutUtf8(input.text, this.maxLineBytes), seq: ++this.seq };
    let r = this.rings.get(line.unit);
    if (!r) {
      // Bounded number of per-unit buffers: the one that was created first goes (its lines stay in `all`).
      if (this.rings.size >= this.maxUnits) this.rings.delete(this.rings.keys().next().value as string);
      r = new Ring(this.perUnit);
      this.rings.set(line.unit, r);
    }
    r.push(line);
    this.all.push(line);
    if (this.opts.dir) this.writeFile(line);
    if (this.opts.forward) this.opts.forward(line);
    if (this.sink) this.sink(line);
    for (const s of this.subs) {
      try { s(line); } catch { this.subs.delete(s); }
    }
    return line;
  }

  /** Lines after cursor `afterSeq` (all units when unit is null). */
  after(unit: string | null, afterSeq: number): LogLine[] {
    const src = unit === null ? this.all : this.rings.get(unit);
    return src ? src.lines().filter((l) => l.seq > afterSeq) : [];
  }

  /** Last `n` lines of a unit (all units when unit is ''), optionally only those at or after sinceUs. */
  tail(unit: string | null, n: number, sinceUs = 0): LogLine[] {
    const src = unit === null ? this.all : this.rings.get(unit);
    if (!src) return [];
    const lines = src.lines().filter((l) => l.ts >= sinceUs);
    return n >= lines.length ? lines : lines.slice(lines.length - n);
  }

  subscribe(fn: (l: LogLine) => void): () => void {
    this.subs.add(fn);
    return () => { this.subs.delete(fn); };
  }

  /** Forget a unit's buffer (garbage-collected units). Files stay. */
  drop(unit: string): void { this.rings.delete(unit); }

  close(): void {
    for (const f of this.files.values()) { try { fs.closeSync(f.fd); } catch { /* already closed */ } }
    this.files.clear();
    this.subs.clear();
  }

  // Files are written with small synchronous appends: a log line is far below a page, and rotation stays
  // exact (rename happens between two writes, never under an in-flight stream).
  private writeFile(line: LogLine): void {
    const key = line.unit || 'manager';
    let sink = this.files.get(key);
    try {
      if (!sink) {
        const file = path.join(this.opts.dir as string, `${key.replace(/\//g, '_')}.log`);
        const fd = fs.openSync(file, 'a', 0o640);
        sink = { fd, bytes: fs.fstatSync(fd).size, file };
        this.files.set(key, sink);
      }
      const buf = Buffer.from(`${formatShort(line)}\n`);
      fs.writeSync(sink.fd, buf);
      sink.bytes += buf.length;
      if (sink.bytes >= this.maxFileBytes) {
        fs.closeSync(sink.fd);
        this.files.delete(key);
        fs.renameSync(sink.file, `${sink.file}.1`);
      }
    } catch {
      // A full or read-only disk must not take the manager down: keep the ring buffer, drop the file.
      if (sink) { try { fs.closeSync(sink.fd); } catch { /* ignore */ } }
      this.files.delete(key);
    }
  }
}

/** Splits a byte stream into lines (LF), bounding each line; used per captured stdout/stderr pipe. */
export class LineSplitter {
  private pending = '';
  constructor(private readonly maxLine: number, private readonly emit: (text: string) => void) {}
  push(chunk: Buffer | string): void {
    this.pending += typeof chunk === 'string' ? chunk : chunk.toString('utf8');
    let idx: number;
    while ((idx = this.pending.indexOf('\n')) >= 0) {
      this.emitBounded(this.pending.slice(0, idx));
      this.pending = this.pending.slice(idx + 1);
    }
    while (this.pending.length > this.maxLine) {
      this.emit(this.pending.slice(0, this.maxLine));
      this.pending = this.pending.slice(this.maxLine);
    }
  }
  end(): void {
    if (this.pending.length > 0) this.emitBounded(this.pending);
    this.pending = '';
  }
  private emitBounded(s: string): void {
    const t = s.endsWith('\r') ? s.slice(0, -1) : s;
    for (let i = 0; i < t.length || i === 0; i += this.maxLine) {
      this.emit(t.slice(i, i + this.maxLine));
      if (t.length === 0) break;
    }
  }
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** journalctl's default "short" format: `Nov 22 02:49:58 host ident[pid]: text`. */
export function formatShort(l: LogLine, host = hostName()): string {
  const d = new Date(Math.floor(l.ts / 1000));
  const p2 = (n: number): string => String(n).padStart(2, '0');
  const stamp = `${MONTHS[d.getMonth()] ?? 'Jan'} ${p2(d.getDate())} ${p2(d.getHours())}:${p2(d.getMinutes())}:${p2(d.getSeconds())}`;
  const who = l.pid > 0 ? `${l.ident}[${l.pid}]` : (l.ident || 'tsysd');
  return `${stamp} ${host} ${who}: ${l.text}`;
}

let cachedHost = '';
function hostName(): string {
  if (!cachedHost) {
    try { cachedHost = fs.readFileSync('/proc/sys/kernel/hostname', 'utf8').trim().split('.')[0] ?? 'localhost'; } catch { cachedHost = 'localhost'; }
  }
  return cachedHost;
}
