// `tsysd analyze timespan SPAN...`: systemd-analyze timespan's output (Original, μs, Human) and exit
// status (stops at the first span that does not parse, exit 1).
import { formatTimespan, parseSec } from '../../calendar/timespan';
import { formatTable, HIGHLIGHT, parseTimeOptions, processIO, strerror, type VerbIO } from './time-common';
import { timeParsingHint } from './calendar';

export function run(argv: string[]): number { return timespanMain(argv, processIO()); }

export function timespanMain(argv: string[], io: VerbIO): number {
  const { libc, err } = io;
  const o = parseTimeOptions(argv, libc, io.now(), err);
  if (typeof o === 'number') return o;
  if (o.args.length === 0) { err('Too few arguments.\n'); return 1; }
  const mu = io.utf8 ? '\u03bc' : 'u';
  for (let i = 0; i < o.args.length; i++) {
    const p = o.args[i]!;
    const v = parseSec(p);
    if (typeof v !== 'bigint') {
      err(`Failed to parse time span '${p}': ${strerror(v.errno)}\n`);
      err(timeParsingHint(libc, p, true, true, false, io.now()));
      return 1;
    }
    io.out(formatTable([
      { label: 'Original:', value: p },
      { label: `${mu}s:`, value: String(v) },
      { label: 'Human:', value: formatTimespan(v), color: HIGHLIGHT },
    ], io.colors));
    if (i + 1 < o.args.length) io.out('\n');
  }
  return 0;
}
