// `--generators` for the offline tools (plan, verify): runs the generators into a fresh temporary directory
// (as `systemd --test` does with /tmp/systemd-temporary-*), returns the search path with that directory's
// three parts at the generator positions, and a cleanup that removes it.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { offlineGenerators } from '../generators/setup';
import { unitSearchPath } from '../unit-file/paths';

export async function withOfflineGenerators(unitPaths: string[], userMode: boolean): Promise<{ searchPath: string[]; logs: string[]; cleanup: () => void }> {
  const base = unitSearchPath({ userMode, unitPaths: unitPaths.length ? unitPaths.map((p) => path.resolve(p)) : undefined });
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tsysd-generators-'));
  const g = await offlineGenerators(base, userMode, tmp);
  return { searchPath: g.searchPath, logs: g.logs, cleanup: () => fs.rmSync(tmp, { recursive: true, force: true }) };
}
