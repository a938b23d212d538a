// `tsysd analyze dump [PATTERN...]`: the running manager's state as text (src/analyze/dump.ts has the
// layout). Patterns are mangled like systemd-analyze's (no suffix → .service; globs kept).
import { manglePattern, renderDump, type DumpUnit } from '../../analyze/dump';
import { fetchUnitProps, parseOrExit, runWithManager } from './common';

export async function run(argv: string[]): Promise<number> {
  const o = parseOrExit(argv);
  if (typeof o === 'number') return o;
  const patterns = o.args.map(manglePattern);
  return runWithManager(o, async (c) => {
    const [mgr, jobs] = await Promise.all([c.call('show', { all: true }), c.call('list-jobs', {})]);
    const units = await fetchUnitProps(c, []);
    const dump: DumpUnit[] = units.map((u) => ({ id: u.name, props: u.props }));
    process.stdout.write(renderDump(new Map(mgr.properties), dump, jobs, patterns));
    return 0;
  });
}
