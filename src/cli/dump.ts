// `tsysd dump [--unit-path DIR]... [--user] UNIT...`: the merged unit as `systemctl cat` shows it (fragment
// and every drop-in, each under a `# /path` header), offline through the same loader as the daemon.
import { renderCat } from './cat';
import { UnitFileIndex } from '../unit-file/load';
import { unitSearchPath } from '../unit-file/paths';

export async function runDump(argv: string[]): Promise<number> {
  const unitPaths: string[] = [];
  let userMode = false;
  const names: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] as string;
    if (a === '--unit-path') { const v = argv[++i]; if (!v) { process.stderr.write('tsysd dump: --unit-path needs a value\n'); return 2; } unitPaths.push(v); }
    else if (a.startsWith('--unit-path=')) unitPaths.push(a.slice(12));
    else if (a === '--user') userMode = true;
    else if (a === '--system') userMode = false;
    else if (a.startsWith('-')) { process.stderr.write(`tsysd dump: unknown option '${a}'\n`); return 2; }
    else names.push(a);
  }
  if (names.length === 0) { process.stderr.write('tsysd dump: no unit given\n'); return 2; }
  const index = new UnitFileIndex(unitSearchPath({ userMode, unitPaths, env: process.env }));
  let rc = 0;
  let first = true;
  for (const n of names) {
    const src = index.load(n);
    if (src.loadState === 'not-found') { process.stderr.write(`No files found for ${n}.\n`); rc = 1; continue; }
    if (!first) process.stdout.write('\n');
    first = false;
    process.stdout.write(renderCat(src));
  }
  return rc;
}
