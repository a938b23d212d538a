// list-dependencies rendering for the daemon path: the API's DependencyGraph fed to H3's systemctl-exact
// renderer (src/cli/listdeps.ts renderDependencyTree). Loaded only by list-dependencies.
import type { DependencyGraph } from '../../rpc/protocol';

export interface TreeOptions { all: boolean; plain: boolean; full?: boolean; columns?: number }

export function renderDependencyTree(g: DependencyGraph, o: TreeOptions): string[] {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { renderDependencyTree: render } = require('../listdeps') as typeof import('../listdeps');
  const text = render(g.root, (u) => [...(g.units[u]?.deps ?? [])], (u) => g.units[u]?.activeState ?? null, {
    all: o.all, plain: o.plain, ...(o.full !== undefined ? { full: o.full } : {}), ...(o.columns !== undefined ? { columns: o.columns } : {}),
  });
  return text.replace(/\n$/, '').split('\n');
}
