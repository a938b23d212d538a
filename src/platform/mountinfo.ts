// Watching /proc/self/mountinfo (and reading /proc/swaps) for mount and swap units: the kernel signals a
// change of the mount table with POLLPRI on an open mountinfo fd (systemd 252 does the same through
// libmount's monitor); each wake-up re-reads the file and hands the parsed table to the listener.
// Invariants: one fd per watcher, closed by stop(); never throws (a missing file → empty table).
import * as fs from 'node:fs';
import { parseMountinfo, parseProcSwaps, type MountEntry } from '../units/mount/mountinfo';
import { POLL_PRIORITY, type Platform } from './types';

export function readMountinfo(): MountEntry[] {
  try { return parseMountinfo(fs.readFileSync('/proc/self/mountinfo', 'utf8')); } catch { return []; }
}

export function readProcSwaps(): string[] {
  try { return parseProcSwaps(fs.readFileSync('/proc/swaps', 'utf8')); } catch { return []; }
}

export interface MountinfoWatch { stop(): void }

/** Call `onChange(table)` on every mount table change. */
export function watchMountinfo(platform: Platform, onChange: (entries: MountEntry[]) => void): MountinfoWatch | { error: string } {
  let fd: number;
  try { fd = fs.openSync('/proc/self/mountinfo', 'r'); } catch (e) { return { error: (e as Error).message }; }
  let id: number;
  try {
    id = platform.pollFd(fd, POLL_PRIORITY, (status) => {
      if (status < 0) return;
      onChange(readMountinfo());
    });
  } catch (e) { fs.closeSync(fd); return { error: (e as Error).message }; }
  return { stop(): void { platform.unpollFd(id); try { fs.closeSync(fd); } catch { /* closed */ } } };
}
