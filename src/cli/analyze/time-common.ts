// Shared parts of `tsysd analyze calendar|timespan|timestamp`: the process's C-library time state (TZ,
// TZDIR, zone files read from disk), systemd-analyze's option parsing for these verbs (getopt-style,
// options anywhere before `--`), its two-column table (right-aligned labels) and its colours and µ glyph.
import { readZoneFile } from '../zone-reader';
import { LibcTime } from '../../calendar/libc';
import { parseTimestamp } from '../../calendar/timestamp';
import { strerror } from '../../calendar/errno';

export { readZoneFile };

/** The C library time state of this process, as systemd-analyze would have it. */
export function processLibc(): LibcTime {
  const tzdir = process.env.TZDIR;
  return new LibcTime(readZoneFile, process.env.TZ, tzdir !== undefined && tzdir !== '' ? tzdir : undefined);
}

/** CLOCK_REALTIME in µs. */
export function nowUsec(): bigint {
  return BigInt(Math.round((performance.timeOrigin + performance.now()) * 1000));
}

const envBool = (v: string | undefined): boolean | null => {
  if (v === undefined) return null;
  if (/^(1|yes|y|true|t|on)$/i.test(v)) return true;
  if (/^(0|no|n|false|f|off)$/i.test(v)) return false;
  return null;
};

/** colors_enabled(): SYSTEMD_COLORS, NO_COLOR, TERM=dumb, stdout a terminal. */
export function colorsEnabled(): boolean {
  const c = process.env.SYSTEMD_COLORS;
  if (c !== undefined) { const b = envBool(c); if (b !== null) return b; if (c === '16' || c === '256') return true; }
  if (process.env.NO_COLOR !== undefined) return false;
  if (process.env.TERM === 'dumb') return false;
  return process.stdout.isTTY === true;
}

/** is_locale_utf8() as systemd decides it, for the µ glyph. */
export function localeIsUtf8(): boolean {
  const forced = envBool(process.env.SYSTEMD_UTF8);
  if (forced !== null) return forced;
  const loc = process.env.LC_ALL || process.env.LC_CTYPE || process.env.LANG;
  if (!loc) return true;
  if (/utf-?8/i.test(loc)) return true;
  return false;
}

export const ANSI_NORMAL = '\x1B[0m';
export const HIGHLIGHT = '\x1B[0;1;39m';
export const HIGHLIGHT_BLUE = '\x1B[0;1;34m';
export const HIGHLIGHT_YELLOW = '\x1B[0;1;33m';

export interface Row { label: string; value: string; color?: string }

/** What a time verb runs against: the C library state, the clock, output streams, terminal traits. */
export interface VerbIO {
  libc: LibcTime;
  now(): bigint;
  out: (s: string) => void;
  err: (s: string) => void;
  colors: boolean;
  utf8: boolean;
}

export function processIO(): VerbIO {
  return {
    libc: processLibc(), now: nowUsec,
    out: (s) => { process.stdout.write(s); }, err: (s) => { process.stderr.write(s); },
    colors: colorsEnabled(), utf8: localeIsUtf8(),
  };
}

/** table_print for a headerless name/value table with the first column right-aligned. */
export function formatTable(rows: Row[], colors = colorsEnabled()): string {
  const w0 = Math.max(0, ...rows.map((r) => [...r.label].length));
  const w1 = Math.max(0, ...rows.map((r) => [...r.value].length));
  let out = '';
  for (const r of rows) {
    const label = ' '.repeat(w0 - [...r.label].length) + r.label;
    const len = [...r.value].length;
    if (colors && r.color) out += `${label} ${r.color}${r.value}${' '.repeat(w1 - len)}${ANSI_NORMAL}\n`;
    // a cell narrower than its column is padded and then loses trailing white space; the widest keeps it
    else out += `${label} ${len < w1 ? r.value.replace(/[ \t\n\r]+$/, '') : r.value}\n`;
  }
  return out;
}

export interface TimeOptions { iterations: number; baseTime: bigint | null; args: string[] }

/** Options systemd-analyze accepts for these verbs; anything else starting with '-' is an error. */
export function parseTimeOptions(argv: string[], libc: LibcTime, now: bigint, err: (s: string) => void): TimeOptions | number {
  const o: TimeOptions = { iterations: 1, baseTime: null, args: [] };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--') { o.args.push(...argv.slice(i + 1)); break; }
    if (!a.startsWith('-') || a === '-') { o.args.push(a); continue; }
    if (a.startsWith('--')) {
      const eq = a.indexOf('=');
      const name = eq >= 0 ? a.slice(2, eq) : a.slice(2);
      const takesArg = name === 'iterations' || name === 'base-time';
      const noArg = ['no-pager', 'system', 'user', 'global', 'no-legend', 'quiet', 'man', 'generators', 'require', 'order', 'fuzz', 'offline'];
      if (!takesArg && !noArg.includes(name)) { err(`tsysd analyze: unrecognized option '${a}'\n`); return 1; }
      if (!takesArg) continue;
      let val: string;
      if (eq >= 0) val = a.slice(eq + 1);
      else if (i + 1 < argv.length) val = argv[++i]!;
      else { err(`tsysd analyze: option '${a}' requires an argument\n`); return 1; }
      if (name === 'iterations') {
        const m = /^[ \t\n\r]*\+?([0-9]+)$/.exec(val);
        if (!m || BigInt(m[1]!) > 0xffffffffn) { err(`Failed to parse iterations: ${val}\n`); return 1; }
        o.iterations = Number(m[1]);
      } else {
        const r = parseTimestamp(libc, val, now, true);
        if (typeof r !== 'bigint') { err(`Failed to parse --base-time= parameter: ${val}\n`); return 1; }
        o.baseTime = r;
      }
      continue;
    }
    if (a === '-h') { o.args = ['--help']; return o; }
    err(`tsysd analyze: invalid option -- '${a[1]}'\n`);
    return 1;
  }
  return o;
}

export { strerror };
