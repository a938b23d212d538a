// The process's C-library time state for code that cannot reach the file system itself (directive
// parsing of OnCalendar=, the timer machines' local zone): entry points that may read zone files
// (src/cli/tsysd.ts, tests) configure it once with a zone reader and $TZ. Unconfigured it behaves as a
// C library without zone files: UTC, and only "UTC" is a valid zone name. reloadProcessTime() re-reads
// the zone (the manager calls it when /etc/localtime changes). Pure.
import { LibcTime, type ZoneReader } from './libc';

let current: LibcTime | null = null;
let config: { reader: ZoneReader; tz: string | undefined; tzdir: string | undefined } | null = null;

export function configureProcessTime(reader: ZoneReader, tz: string | undefined, tzdir?: string): LibcTime {
  config = { reader, tz, tzdir };
  current = new LibcTime(reader, tz, tzdir);
  return current;
}

export function processTime(): LibcTime {
  current ??= new LibcTime(() => null, undefined);
  return current;
}

/** Forget every parsed zone and start from a fresh C-library state (as after a time zone change). */
export function reloadProcessTime(): LibcTime {
  current = config ? new LibcTime(config.reader, config.tz, config.tzdir) : new LibcTime(() => null, undefined);
  return current;
}
