// The process's C-library time state for code that cannot reach the file system itself (directive
// parsing of OnCalendar=, the timer machines' default clock zone): entry points that may read zone files
// (src/cli/tsysd.ts, tests) configure it once with a zone reader and $TZ. Unconfigured it behaves as a
// C library without zone files: UTC, and only "UTC" is a valid zone name. Pure.
import { LibcTime, type ZoneReader } from './libc';

let current: LibcTime | null = null;

export function configureProcessTime(reader: ZoneReader, tz: string | undefined, tzdir?: string): LibcTime {
  current = new LibcTime(reader, tz, tzdir);
  return current;
}

export function processTime(): LibcTime {
  current ??= new LibcTime(() => null, undefined);
  return current;
}
