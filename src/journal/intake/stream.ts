// The stdout stream protocol of /run/systemd/journal/stdout (what StandardOutput=journal connects and
// `systemd-cat` speaks), as journald-stream.c implements it: a 7-line header, then log lines.
//   header: identifier (empty = none) / unit id (honoured from root only, a valid unit name) / priority
//   (0..999, facility*8+level) / level prefix (bool) / forward to syslog / to kmsg / to console (bools);
//   a header line must end in '\n' and fit in 255 bytes, else the stream is refused.
//   lines: split at '\n', at NUL (_LINE_BREAK=nul), at LineMax= (line-max), at EOF (eof) and when the sender
//   pid changes (pid-change); trailing whitespace is dropped (leading kept; an all-blank line is kept as is);
//   with the level prefix a leading <N> sets the level; empty lines are not logged.
// Pure: a StreamParser is fed chunks and returns what they complete; it never throws. Memory is bounded by
// the line limit (the pending buffer never exceeds max(lineMax, 255) bytes).
import { parseSyslogPriority } from './priority';

export const SETUP_LINE_MAX = 255;
export const DEFAULT_LINE_MAX = 48 * 1024;

export type LineBreak = 'newline' | 'nul' | 'line-max' | 'eof' | 'pid-change';

export interface StreamHeader {
  identifier: string | null;
  unitId: string | null;
  priority: number;
  levelPrefix: boolean;
  forwardToSyslog: boolean;
  forwardToKmsg: boolean;
  forwardToConsole: boolean;
}

export interface StreamLine {
  priority: number;
  message: string;
  lineBreak: LineBreak;
  /** The sender pid the bytes came with (SCM_CREDENTIALS), 0 when unknown. */
  pid: number;
}

export type StreamEvent = { kind: 'header'; header: StreamHeader } | { kind: 'line'; line: StreamLine } | { kind: 'error'; message: string };

const UNIT_NAME_RE = /^[A-Za-z0-9:_.\\-]+(@[A-Za-z0-9:_.\\-]*)?\.(service|socket|target|device|mount|automount|swap|timer|path|slice|scope)$/;

export function parseBoolean(s: string): boolean | null {
  const v = s.toLowerCase();
  if (['1', 'yes', 'y', 'true', 't', 'on'].includes(v)) return true;
  if (['0', 'no', 'n', 'false', 'f', 'off'].includes(v)) return false;
  return null;
}

const WS = new Set([0x20, 0x09, 0x0a, 0x0d]);

/** strstrip() as journald applies it to a running stream's line (see the file comment). */
function stripLine(b: Buffer): Buffer {
  let lead = 0;
  while (lead < b.length && WS.has(b[lead]!)) lead++;
  if (lead === b.length) return b;
  let end = b.length;
  while (end > lead && WS.has(b[end - 1]!)) end--;
  return b.subarray(0, end);
}

export class StreamParser {
  private state = 0;   // 0..6 header lines, 7 running, -1 dead
  private pending: Buffer = Buffer.alloc(0);
  private pid = 0;
  readonly header: StreamHeader = {
    identifier: null, unitId: null, priority: 6, levelPrefix: true,
    forwardToSyslog: false, forwardToKmsg: false, forwardToConsole: false,
  };

  /** @param senderUid the peer's uid (SO_PEERCRED): the unit id line is honoured only from root. */
  constructor(private readonly senderUid: number, private readonly lineMax = DEFAULT_LINE_MAX) {}

  get running(): boolean { return this.state === 7; }
  get dead(): boolean { return this.state < 0; }

  private max(): number { return this.state === 7 ? this.lineMax : SETUP_LINE_MAX; }

  /** Feed bytes received with sender pid `pid` (0 = unknown); returns completed events. */
  feed(chunk: Buffer, pid = 0): StreamEvent[] {
    const ev: StreamEvent[] = [];
    if (this.state < 0) return ev;
    if (pid > 0 && this.pid > 0 && pid !== this.pid && this.pending.length > 0) {
      this.scan(ev, 'pid-change');
    }
    if (pid > 0) this.pid = pid;
    this.pending = this.pending.length ? Buffer.concat([this.pending, chunk]) : chunk;
    this.scan(ev, null);
    return ev;
  }

  /** The peer closed the stream: what is left is one last line (_LINE_BREAK=eof). */
  end(): StreamEvent[] {
    const ev: StreamEvent[] = [];
    if (this.state >= 0 && this.pending.length > 0) this.scan(ev, 'eof');
    this.state = -1;
    return ev;
  }

  private scan(ev: StreamEvent[], force: LineBreak | null): void {
    let p = this.pending;
    for (;;) {
      if (this.state < 0) { this.pending = Buffer.alloc(0); return; }
      const lm = this.max();
      const lim = Math.min(p.length, lm);
      const win = p.subarray(0, lim);
      const nl = win.indexOf(0x0a);
      const nul = win.subarray(0, nl < 0 ? lim : nl).indexOf(0);
      let found: number, skip: number, br: LineBreak;
      if (nul >= 0) { found = nul; skip = nul + 1; br = 'nul'; }
      else if (nl >= 0) { found = nl; skip = nl + 1; br = 'newline'; }
      else if (p.length >= lm) { found = skip = lm; br = 'line-max'; }
      else break;
      this.line(ev, p.subarray(0, found), br);
      p = p.subarray(skip);
    }
    if (force && p.length > 0 && this.state >= 0) { this.line(ev, p, force); p = Buffer.alloc(0); }
    // keep a private copy so the caller's chunk can be reused
    this.pending = p.length ? Buffer.from(p) : Buffer.alloc(0);
  }

  private fail(ev: StreamEvent[], message: string): void {
    ev.push({ kind: 'error', message });
    this.state = -1;
  }

  private line(ev: StreamEvent[], raw: Buffer, br: LineBreak): void {
    if (this.state < 7) {
      if (br !== 'newline') { this.fail(ev, 'Control protocol line not properly terminated.'); return; }
      const t = raw.toString('utf8').replace(/^[ \t\n\r]+|[ \t\n\r]+$/g, '');
      const h = this.header;
      switch (this.state) {
        case 0: h.identifier = t === '' ? null : t; break;
        case 1: if (this.senderUid === 0 && UNIT_NAME_RE.test(t) && t.length < 256) h.unitId = t; break;
        case 2: {
          if (!/^[+]?[0-9]+$/.test(t) || Number(t) > 999) { this.fail(ev, 'Failed to parse log priority line'); return; }
          h.priority = Number(t);
          break;
        }
        default: {
          const v = parseBoolean(t);
          if (v === null) { this.fail(ev, 'Failed to parse boolean header line'); return; }
          if (this.state === 3) h.levelPrefix = v;
          else if (this.state === 4) h.forwardToSyslog = v;
          else if (this.state === 5) h.forwardToKmsg = v;
          else h.forwardToConsole = v;
        }
      }
      this.state++;
      if (this.state === 7) ev.push({ kind: 'header', header: { ...h } });
      return;
    }
    let msg = stripLine(raw);
    let priority = this.header.priority;
    if (this.header.levelPrefix) {
      const r = parseSyslogPriority(msg, priority, false);
      priority = r.priority;
      msg = msg.subarray(r.consumed);
    }
    if (msg.length === 0) return;
    const z = msg.indexOf(0);
    ev.push({ kind: 'line', line: { priority, message: msg.toString('utf8', 0, z < 0 ? msg.length : z), lineBreak: br, pid: this.pid } });
  }
}

/** The fields journald stores for one stream line (journald-stream.c stdout_stream_log), before the trusted ones. */
export function streamLineFields(h: StreamHeader, l: StreamLine, streamId: string): Buffer[] {
  const f: Buffer[] = [Buffer.from('_TRANSPORT=stdout'), Buffer.from(`_STREAM_ID=${streamId}`), Buffer.from(`PRIORITY=${l.priority & 7}`)];
  if (l.priority & ~7) f.push(Buffer.from(`SYSLOG_FACILITY=${l.priority >> 3}`));
  if (h.identifier !== null) f.push(Buffer.from(`SYSLOG_IDENTIFIER=${h.identifier}`));
  if (l.lineBreak !== 'newline') f.push(Buffer.from(`_LINE_BREAK=${l.lineBreak}`));
  f.push(Buffer.from(`MESSAGE=${l.message}`));
  return f;
}
