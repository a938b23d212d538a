// Zone files for the C-library time emulation (src/calendar): read whole, only regular files, null on
// any error. Used by the entry points that configure src/calendar/env.ts.
import * as fs from 'node:fs';
import { configureProcessTime } from '../calendar/env';

export function readZoneFile(path: string): Uint8Array | null {
  try {
    const st = fs.statSync(path);
    if (!st.isFile()) return null;
    return fs.readFileSync(path);
  } catch { return null; }
}

/** Configure the process's time state from $TZ, $TZDIR and the zone files. */
export function configureTimeFromEnv(env: NodeJS.ProcessEnv = process.env): void {
  const tzdir = env['TZDIR'];
  configureProcessTime(readZoneFile, env['TZ'], tzdir !== undefined && tzdir !== '' ? tzdir : undefined);
}
