// The unit graph the graph verbs (`analyze dot`, the web view's neighbourhood) use without a manager:
// unit files under a search path loaded through the same loader as `tsysd plan`, with the engine's
// effective dependencies (explicit, inverse and default ones).
// What is loaded (documented choice, standing in for "the units a booted manager has"): the closure of
// default.target (when it exists), of every unit file directly in the --unit-path directories (templates
// excepted) and of the named units.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Graph, type DepType } from '../../engine';
import { unitSearchPath } from '../../unit-file/paths';
import { parseUnitName } from '../../unit-file/names';
import { makeFileLoader } from '../plan';

export interface OfflineUnit { id: string; loadState: string; deps: Record<string, string[]> }

export function loadOfflineGraph(unitPaths: string[], user: boolean, names: readonly string[]): Graph {
  const dirs = unitPaths.map((p) => path.resolve(p));
  const searchPath = unitSearchPath({ userMode: user, unitPaths: dirs });
  const graph = new Graph({ loader: makeFileLoader(searchPath, user), userMode: user });
  const roots = new Set<string>(['default.target']);
  for (const d of dirs) {
    let entries: string[] = [];
    try { entries = fs.readdirSync(d); } catch { continue; }
    for (const e of entries.sort()) {
      const n = parseUnitName(e);
      if (!n || n.isTemplate) continue;
      roots.add(e);
    }
  }
  for (const n of names) if (parseUnitName(n)) roots.add(n);
  for (const r of roots) {
    const u = graph.unit(r);
    if (r === 'default.target' && u.loadState !== 'loaded') graph.collect(u);
  }
  return graph;
}

export function offlineUnits(graph: Graph, props: readonly DepType[]): OfflineUnit[] {
  return [...graph.units()].map((u) => ({ id: u.id, loadState: u.loadState, deps: graph.effectiveDeps(u, props) }))
    .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}
