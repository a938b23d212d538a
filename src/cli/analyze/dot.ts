// `tsysd analyze dot [--order|--require] [--from-pattern=GLOB] [--to-pattern=GLOB] [PATTERN...]`:
// Graphviz text of the unit graph as systemd-analyze 252 prints it (src/analyze/dot.ts), from the running
// manager (every loaded unit, ListUnits order) or offline from unit files (`--unit-path DIR` or
// `--offline=yes`; see offline-graph.ts for what gets loaded). The colour legend goes to stderr, the
// "pipe it into dot" hint too, and only on a tty without --quiet, as systemd logs them.
import { DOT_LEGEND, DOT_PROPERTIES, DOT_TTY_HINT, expandPatterns, renderDot, type DotUnit } from '../../analyze/dot';
import { AnalyzeExit, fail, fetchUnitProps, parseOrExit, runWithManager, depList, type AnalyzeOptions } from './common';
import { loadOfflineGraph, offlineUnits } from './offline-graph';

function finish(o: AnalyzeOptions, text: string): number {
  process.stdout.write(text);
  process.stderr.write(DOT_LEGEND);
  if (process.stderr.isTTY && process.stdout.isTTY && !o.quiet) process.stderr.write(DOT_TTY_HINT);
  return 0;
}

export function offlineDot(o: AnalyzeOptions): string {
  const names = [...o.args, ...o.fromPatterns, ...o.toPatterns];
  const graph = loadOfflineGraph(o.unitPaths, o.user === true, names.filter((n) => !/[*?[]/.test(n)));
  const idOf = (n: string): string => graph.peek(n)?.id ?? n;
  const units: DotUnit[] = offlineUnits(graph, DOT_PROPERTIES);
  return renderDot(units, o.dot, {
    patterns: expandPatterns(o.args, idOf), from: expandPatterns(o.fromPatterns, idOf), to: expandPatterns(o.toPatterns, idOf),
  });
}

export async function run(argv: string[]): Promise<number> {
  const o = parseOrExit(argv);
  if (typeof o === 'number') return o;
  if (o.offline) {
    try { return finish(o, offlineDot(o)); } catch (e) {
      if (e instanceof AnalyzeExit) return e.code;
      process.stderr.write(`${(e as Error).message}\n`);
      return 1;
    }
  }
  return runWithManager(o, async (c) => {
    const ids = new Map<string, string>();
    for (const p of [...o.args, ...o.fromPatterns, ...o.toPatterns]) {
      if (/[*?[]/.test(p) || ids.has(p)) continue;
      try {
        const r = await c.call('show', { unit: p, properties: ['Id'], all: true });
        ids.set(p, new Map(r.properties).get('Id') ?? r.unit);
      } catch (e) { fail(`Failed to get ID: ${(e as Error).message}`); }
    }
    const idOf = (n: string): string => ids.get(n) ?? n;
    const pat = { patterns: expandPatterns(o.args, idOf), from: expandPatterns(o.fromPatterns, idOf), to: expandPatterns(o.toPatterns, idOf) };
    const units = await fetchUnitProps(c, [...DOT_PROPERTIES]);
    const dot: DotUnit[] = units.map((u) => ({ id: u.name, deps: Object.fromEntries(DOT_PROPERTIES.map((k) => [k, depList(u, k)])) }));
    return finish(o, renderDot(dot, o.dot, pat));
  });
}
