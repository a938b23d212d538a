// `tsysd analyze timespan SPAN...`: systemd-analyze timespan's output (Original, μs, Human) and exit
// status (stops at the first span that does not parse, exit 1).
import { formatTimespan, parseSec } from '../../calendar/timespan';
import { formatTable, HIGHLIGHT, localeIsUtf8, nowUsec, parseTimeOptions, processLibc, strerror } from './time-common';
import { timeParsingHint } from './calendar';

export function run(argv: string[]): number {
  const libc = processLibc();
  const err = (s: string): void => { process.stderr.write(s); };
  const o = parseTimeOptions(argv, libc, nowUsec(), err);
  if (typeof o === 'number') return o;
  if (o.args.length === 0) { err('Too few arguments.\n'); return 1; }
  const mu = localeIsUtf8() ? '\u03bc' : 'u';
  for (let i = 0; i < o.args.length; i++) {
    const p = o.args[i]!;
    const v = parseSec(p);
    if (typeof v !== 'bigint') {
      err(`Failed to parse time span '${p}': ${strerror(v.errno)}\n`);
      err(timeParsingHint(libc, p, true, true, false, nowUsec()));
      return 1;
    }
    process.stdout.write(formatTable([
      { label: 'Original:', value: p },
      { label: `${mu}s:`, value: String(v) },
      { label: 'Human:', value: formatTimespan(v), color: HIGHLIGHT },
    ]));
    if (i + 1 < o.args.length) process.stdout.write('\n');
  }
  return 0;
}
