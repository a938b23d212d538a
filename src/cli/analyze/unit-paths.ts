// `tsysd analyze unit-paths [--user]`: the unit search path, one directory a line (systemd 252
// analyze-unit-paths.c; computed locally, honouring $SYSTEMD_UNIT_PATH, and --unit-path when given).
import { unitSearchPath } from '../../unit-file/paths';
import { parseOrExit } from './common';

export function run(argv: string[]): number {
  const o = parseOrExit(argv);
  if (typeof o === 'number') return o;
  // systemd-analyze's scope is the system unless --user, whoever runs it.
  process.stdout.write(unitSearchPath({ userMode: o.user === true, unitPaths: o.unitPaths }).map((p) => `${p}\n`).join(''));
  return 0;
}
