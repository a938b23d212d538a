// journalctl's output modes for one entry (systemd 252 src/shared/logs-show.c): short, short-iso,
// short-iso-precise, short-precise, short-unix, short-monotonic, with-unit, cat, json, json-pretty,
// json-sse, json-seq, export, verbose. Times are local (TZ), as journalctl prints them.
import { exportEntry, jsonEntry, cursorOf, utf8Printable } from '../../journal/export';
import { field, type Entry } from './select';

export const OUTPUT_MODES = ['short', 'short-full', 'short-iso', 'short-iso-precise', 'short-precise', 'short-monotonic', 'short-unix',
  'with-unit', 'verbose', 'export', 'json', 'json-pretty', 'json-sse', 'json-seq', 'cat'];

const MON = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const DAY = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const p2 = (n: number): string => String(n).padStart(2, '0');

function tzOffset(d: Date): string {
  const o = -d.getTimezoneOffset();
  const s = o >= 0 ? '+' : '-';
  const a = Math.abs(o);
  return `${s}${p2(Math.floor(a / 60))}${p2(a % 60)}`;
}

function tzName(d: Date): string {
  const m = /\(([^)]+)\)$/.exec(d.toString());
  const n = m ? m[1]! : 'UTC';
  if (n === 'Coordinated Universal Time') return 'UTC';
  return /^[A-Z]+$/.test(n) ? n : tzOffset(d);
}

export function fmtTime(us: number, mode: string): string {
  const d = new Date(Math.floor(us / 1000));
  const frac = String(us % 1_000_000).padStart(6, '0');
  const hms = `${p2(d.getHours())}:${p2(d.getMinutes())}:${p2(d.getSeconds())}`;
  switch (mode) {
    case 'short-iso': return `${d.getFullYear()}-${p2(d.getMonth() + 1)}-${p2(d.getDate())}T${hms}${tzOffset(d)}`;
    case 'short-iso-precise': return `${d.getFullYear()}-${p2(d.getMonth() + 1)}-${p2(d.getDate())}T${hms}.${frac}${tzOffset(d)}`;
    case 'short-precise': return `${MON[d.getMonth()]} ${p2(d.getDate())} ${hms}.${frac}`;
    case 'short-unix': return `${Math.floor(us / 1_000_000)}.${frac}`;
    case 'short-full': return `${DAY[d.getDay()]} ${d.getFullYear()}-${p2(d.getMonth() + 1)}-${p2(d.getDate())} ${hms} ${tzName(d)}`;
    default: return `${MON[d.getMonth()]} ${p2(d.getDate())} ${hms}`;
  }
}

/** "Sat 2026-12-05 15:08:06 UTC" (--list-boots, verbose). */
export function fullTime(us: number): string { return fmtTime(us, 'short-full'); }

function messageText(x: Entry, all: boolean): string | null {
  const m = x.fields.get('MESSAGE');
  if (!m || !m.length) return null;
  const v = m[0]!;
  if (!all && !utf8Printable(v, 0, v.length, true)) return `[${humanBytes(v.length)} blob data]`;
  return v.toString('utf8');
}

export function humanBytes(n: number): string {
  const u = ['B', 'K', 'M', 'G', 'T'];
  let i = 0; let v = n;
  while (v >= 1024 && i < u.length - 1) { v /= 1024; i++; }
  return i === 0 ? `${n}B` : `${v < 10 ? v.toFixed(1) : Math.round(v)}${u[i]}`;
}

export interface FormatOptions { mode: string; all: boolean; hostname: boolean }

/** One entry rendered for `mode`, with its trailing newline(s). */
export function formatEntry(x: Entry, o: FormatOptions): string {
  const mode = o.mode;
  if (mode === 'export') return exportEntry(x.seqnumId, x.e, x.raw).toString('latin1');
  if (mode.startsWith('json')) {
    const j = jsonEntry(x.seqnumId, x.e, x.raw, o.all);
    const s = mode === 'json-pretty' ? JSON.stringify(j, null, '\t') : JSON.stringify(j);
    if (mode === 'json-sse') return `data: ${s}\n\n`;
    if (mode === 'json-seq') return `\x1e${s}\n`;
    return `${s}\n`;
  }
  if (mode === 'cat') { const m = messageText(x, o.all); return m === null ? '' : `${m}\n`; }
  if (mode === 'verbose') {
    let s = `${fullTime(x.e.realtime).replace(/ (\S+)$/, `.${String(x.e.realtime % 1e6).padStart(6, '0')} $1`)} [${cursorOf(x.seqnumId, x.e)}]\n`;
    for (const r of x.raw) {
      const eq = r.indexOf(0x3d);
      const k = r.toString('latin1', 0, eq);
      const v = r.subarray(eq + 1);
      s += `    ${k}=${utf8Printable(v) || o.all ? v.toString('utf8') : `[${humanBytes(v.length)} blob data]`}\n`;
    }
    return s;
  }
  const ident = field(x, 'SYSLOG_IDENTIFIER') ?? field(x, '_COMM');
  const pid = field(x, 'SYSLOG_PID') ?? field(x, '_PID');
  const host = field(x, '_HOSTNAME');
  const ts = mode === 'short-monotonic' ? `[${(x.e.monotonic / 1e6).toFixed(6).padStart(12, ' ')}]` : fmtTime(x.e.realtime, mode);
  const unit = mode === 'with-unit' ? field(x, '_SYSTEMD_UNIT') ?? field(x, 'UNIT') : null;
  let head = ts;
  if (host && o.hostname) head += ` ${host}`;
  if (unit) head += ` ${unit}`;
  if (ident) head += ` ${ident}`;
  head += pid ? `[${pid}]: ` : ': ';
  const msg = messageText(x, o.all) ?? '';
  const lines = msg.split('\n');
  const indent = ' '.repeat(head.length);
  return `${head}${lines[0]}\n${lines.slice(1).map((l) => `${indent}${l}\n`).join('')}`;
}
