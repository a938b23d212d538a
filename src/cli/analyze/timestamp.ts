// `tsysd analyze timestamp TIMESTAMP...`: systemd-analyze timestamp's output (Original form, Normalized
// form, (in UTC) outside UTC zones, UNIX seconds, From now) and exit status (1 if any failed).
import { formatTimestampRelative, formatTimestampStyle, parseTimestamp } from '../../calendar/timestamp';
import { formatTable, HIGHLIGHT_BLUE, parseTimeOptions, processIO, strerror, type Row, type VerbIO } from './time-common';
import { timeParsingHint } from './calendar';

export function run(argv: string[]): number { return timestampMain(argv, processIO()); }

export function timestampMain(argv: string[], io: VerbIO): number {
  const { libc, err } = io;
  const o = parseTimeOptions(argv, libc, io.now(), err);
  if (typeof o === 'number') return o;
  if (o.args.length === 0) { err('Too few arguments.\n'); return 1; }
  let ok = true;
  o.args.forEach((p, i) => {
    const usec = parseTimestamp(libc, p, io.now(), true);
    if (typeof usec !== 'bigint') {
      err(`Failed to parse "${p}": ${strerror(usec.errno)}\n`);
      err(timeParsingHint(libc, p, true, false, true, io.now()));
      ok = false;
    } else {
      const rows: Row[] = [
        { label: 'Original form:', value: p },
        { label: 'Normalized form:', value: formatTimestampStyle(libc, usec) ?? '-', color: HIGHLIGHT_BLUE },
      ];
      if (!libc.inUtcTimezone()) rows.push({ label: '(in UTC):', value: formatTimestampStyle(libc, usec, 'utc') ?? '-' });
      const s = usec / 1000000n, us = usec % 1000000n;
      rows.push({ label: 'UNIX seconds:', value: us === 0n ? `@${s}` : `@${s}.${String(us).padStart(6, '0')}` });
      rows.push({ label: 'From now:', value: formatTimestampRelative(usec, io.now()) ?? '-' });
      io.out(formatTable(rows, io.colors));
    }
    if (i + 1 < o.args.length) io.out('\n');
  });
  return ok ? 0 : 1;
}
