// list-dependencies tree rendering from the API's DependencyGraph. Uses H3's src/cli/listdeps.ts when
// it exports a compatible renderer; otherwise this local renderer (systemctl 252 rules): root line without
// glyph; children sorted non-targets first, then targets, by name; recursion only into targets unless
// --all; a unit already on the current path is printed but not expanded; glyph per state (● ○ × ↻).
// Owner: H6.
import type { DependencyGraph } from '../../rpc/protocol';
import { bullet } from './status';

export interface TreeOptions { all: boolean; plain: boolean }

const isTarget = (u: string): boolean => u.endsWith('.target');

export function sortDeps(a: string, b: string): number {
  if (isTarget(a) !== isTarget(b)) return isTarget(a) ? 1 : -1;
  const x = a.toLowerCase(); const y = b.toLowerCase();
  return x < y ? -1 : x > y ? 1 : 0;
}

export function renderDependencyTree(g: DependencyGraph, o: TreeOptions): string[] {
  const out: string[] = [g.root];
  const path = new Set<string>([g.root]);
  const walk = (unit: string, prefix: string): void => {
    const deps = [...(g.units[unit]?.deps ?? [])].sort(sortDeps);
    deps.forEach((d, i) => {
      const last = i === deps.length - 1;
      const st = g.units[d]?.activeState ?? 'inactive';
      const glyph = o.plain ? '' : `${bullet(st)} `;
      out.push(o.plain ? `${prefix}  ${d}` : `${glyph}${prefix}${last ? '└─' : '├─'}${d}`);
      if (path.has(d)) return;
      if (!o.all && !isTarget(d)) return;
      path.add(d);
      walk(d, o.plain ? `${prefix}  ` : `${prefix}${last ? '  ' : '│ '}`);
      path.delete(d);
    });
  };
  walk(g.root, '');
  return out;
}
