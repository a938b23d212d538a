// `tsysd analyze calendar [--iterations=N] [--base-time=TIMESTAMP] EXPR...`: systemd-analyze calendar's
// output (Original form only when it differs, Normalized form, Next elapse, (in UTC) outside UTC zones,
// From now, Iter. #N) and exit status (1 if any expression failed; the others are still printed).
import { parseCalendarSpec, calendarSpecToString } from '../../calendar/spec';
import { calendarNextUsec } from '../../calendar/next';
import { formatTimestampStyle, formatTimestampRelative, parseTimestamp } from '../../calendar/timestamp';
import { parseSec } from '../../calendar/timespan';
import type { LibcTime } from '../../calendar/libc';
import { formatTable, HIGHLIGHT_BLUE, HIGHLIGHT_YELLOW, parseTimeOptions, processIO, strerror, type Row, type VerbIO } from './time-common';

/** systemd-analyze's time_parsing_hint(). */
export function timeParsingHint(libc: LibcTime, p: string, calendar: boolean, timestamp: boolean, timespan: boolean, now: bigint): string {
  let out = '';
  if (calendar && !('errno' in parseCalendarSpec(p, libc)))
    out += `Hint: this expression is a valid calendar specification. Use 'systemd-analyze calendar "${p}"' instead?\n`;
  if (timestamp && typeof parseTimestamp(libc, p, now, true) === 'bigint')
    out += `Hint: this expression is a valid timestamp. Use 'systemd-analyze timestamp "${p}"' instead?\n`;
  if (timespan && typeof parseSec(p) === 'bigint')
    out += `Hint: this expression is a valid timespan. Use 'systemd-analyze timespan "${p}"' instead?\n`;
  return out;
}

const ts = (libc: LibcTime, t: bigint): string => formatTimestampStyle(libc, t) ?? '-';

function one(io: VerbIO, n: bigint, p: string, iterations: number): boolean {
  const { libc, out, err } = io;
  const spec = parseCalendarSpec(p, libc);
  if ('errno' in spec) {
    err(`Failed to parse calendar specification '${p}': ${strerror(spec.errno)}\n`);
    err(timeParsingHint(libc, p, false, true, true, io.now()));
    return false;
  }
  const t = calendarSpecToString(spec, libc);
  const rows: Row[] = [];
  if (t !== p) rows.push({ label: 'Original form:', value: p });
  rows.push({ label: 'Normalized form:', value: t });
  for (let i = 0; i < iterations; i++) {
    const next = calendarNextUsec(libc, spec, n, (m) => err(m + '\n'));
    if (typeof next !== 'bigint' && next.errno === 'ENOENT') {
      if (i === 0) rows.push({ label: 'Next elapse:', value: 'never', color: HIGHLIGHT_YELLOW });
      break;
    }
    if (typeof next !== 'bigint') {
      err(`Failed to determine next elapse for '${p}': ${strerror(next.errno)}\n`);
      return false;
    }
    rows.push({ label: i === 0 ? 'Next elapse:' : `Iter. #${i + 1}:`, value: ts(libc, next), color: HIGHLIGHT_BLUE });
    if (!libc.inUtcTimezone()) rows.push({ label: '(in UTC):', value: formatTimestampStyle(libc, next, 'utc') ?? '-' });
    rows.push({ label: 'From now:', value: formatTimestampRelative(next, io.now()) ?? '-' });
    n = next;
  }
  out(formatTable(rows, io.colors));
  return true;
}

export function calendarMain(argv: string[], io: VerbIO): number {
  const o = parseTimeOptions(argv, io.libc, io.now(), io.err);
  if (typeof o === 'number') return o;
  if (o.args.length === 0) { io.err('Too few arguments.\n'); return 1; }
  const n = o.baseTime ?? io.now();
  let ok = true;
  o.args.forEach((p, i) => {
    if (!one(io, n, p, o.iterations)) ok = false;
    if (i + 1 < o.args.length) io.out('\n');
  });
  return ok ? 0 : 1;
}

export function run(argv: string[]): number { return calendarMain(argv, processIO()); }
