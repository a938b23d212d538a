// `tsysctl list-dependencies [--reverse] [--before|--after] [--all] [--plain] UNIT` rendered exactly as
// systemctl 252 prints it: the unit name, then a tree with an activity glyph per line (● active/
// activating/deactivating, ○ inactive, × failed, ↻ reloading), targets listed after other units,
// names compared case-insensitively, recursion into targets only (all units with --all), "..." for a
// unit already on the current path. renderDependencyTree() is pure (graph data in, text out) so both the
// daemon/tsysctl (H6) and the offline path below use it.
import * as path from 'node:path';
import { unitSearchPath } from '../unit-file/paths';
import { Graph } from '../engine';
import type { ActiveState, DepType } from '../engine';
import { makeFileLoader } from './plan';

export type DependencyMode = 'forward' | 'reverse' | 'after' | 'before';

/** The dependency properties systemctl collects per mode (systemctl-list-dependencies.c). */
export const DEPENDENCY_PROPERTIES: Record<DependencyMode, DepType[]> = {
  forward: ['Requires', 'Requisite', 'Wants', 'ConsistsOf', 'BindsTo'],
  reverse: ['RequiredBy', 'RequisiteOf', 'WantedBy', 'PartOf', 'BoundBy'],
  after: ['After'],
  before: ['Before'],
};

export interface TreeOptions { all?: boolean; plain?: boolean; full?: boolean; columns?: number }

const GLYPH: Record<ActiveState, string> = {
  active: '●', reloading: '↻', inactive: '○', failed: '×', activating: '●', deactivating: '●', maintenance: '○',
};

function isTarget(n: string): boolean { return n.endsWith('.target'); }
function compareDeps(a: string, b: string): number {
  if (isTarget(a) && !isTarget(b)) return 1;
  if (!isTarget(a) && isTarget(b)) return -1;
  const x = a.toLowerCase(), y = b.toLowerCase();
  return x < y ? -1 : x > y ? 1 : 0;
}

/**
 * Render the tree. deps(unit) returns the unit names for the chosen mode (duplicates allowed);
 * state(unit) the ActiveState, or null when unknown (printed without glyph).
 */
export function renderDependencyTree(root: string, deps: (unit: string) => string[], state: (unit: string) => ActiveState | null, opts: TreeOptions = {}): string {
  const out: string[] = [root];   // (several roots: call once per unit, join with a blank line)
  const maxLen = Math.max(opts.columns ?? 80, 20);
  const line = (name: string, st: ActiveState | null, level: number, branches: number, last: boolean): void => {
    let s = '';
    if (opts.plain || st === null) s += '  ';
    else s += `${GLYPH[st]} `;
    let len = 0;
    if (!opts.plain) {
      for (let i = level - 1; i >= 0; i--) {
        len += 2;
        if (len > maxLen - 3 && !opts.full) { out.push(`${s}${maxLen % 2 ? '' : ' '}...`); return; }
        s += (branches & (1 << i)) ? '│ ' : '  ';
      }
      len += 2;
      if (len > maxLen - 3 && !opts.full) { out.push(`${s}${maxLen % 2 ? '' : ' '}...`); return; }
      s += last ? '└─' : '├─';
    }
    const room = maxLen - len;
    out.push(s + (opts.full || name.length <= room ? name : ellipsize(name, room)));
  };
  const onPath: string[] = [];
  const walk = (name: string, level: number, branches: number): void => {
    onPath.push(name);
    const list = deps(name).sort(compareDeps);   // duplicates kept, as systemctl's strv
    let circular = false;
    list.forEach((c, i) => {
      const isLast = i === list.length - 1;
      if (onPath.includes(c)) { circular = true; return; }
      line(c, opts.plain ? null : state(c), level, branches, isLast && !circular);
      if (opts.all || isTarget(c)) walk(c, level + 1, ((branches << 1) | (isLast ? 0 : 1)) >>> 0);
    });
    if (circular && !opts.plain) line('...', null, level, branches, true);
    if (!opts.plain) { const k = onPath.lastIndexOf(name); if (k >= 0) onPath.splice(k, 1); }
  };
  walk(root, 0, 0);
  return out.join('\n') + '\n';
}

function ellipsize(s: string, room: number): string {
  if (room <= 3) return '...'.slice(0, Math.max(room, 0));
  return s.slice(0, room - 1) + '…';
}

/** Dependencies of a unit in a Graph for a mode (what the daemon and offline mode both use). */
export function graphDeps(graph: Graph, mode: DependencyMode): (unit: string) => string[] {
  return (unit: string) => {
    const u = graph.unit(unit);
    const out: string[] = [];
    for (const k of DEPENDENCY_PROPERTIES[mode]) for (const o of u.get(k)) out.push(o.id);
    return out;
  };
}

export interface ListDepsArgs { mode: DependencyMode; all: boolean; plain: boolean; full: boolean; unitPaths: string[]; user: boolean; unit: string }

export function parseListDepsArgs(argv: string[]): ListDepsArgs | string {
  const a: ListDepsArgs = { mode: 'forward', all: false, plain: false, full: !process.stdout.isTTY, unitPaths: [], user: false, unit: 'default.target' };
  let unit: string | null = null;
  for (let i = 0; i < argv.length; i++) {
    const x = argv[i]!;
    if (x === '--reverse') a.mode = 'reverse';
    else if (x === '--after') a.mode = 'after';
    else if (x === '--before') a.mode = 'before';
    else if (x === '--all' || x === '-a') a.all = true;
    else if (x === '--plain') a.plain = true;
    else if (x === '--full' || x === '-l') a.full = true;
    else if (x === '--user') a.user = true;
    else if (x === '--system') a.user = false;
    else if (x === '--unit-path') { const v = argv[++i]; if (!v) return '--unit-path needs a directory'; a.unitPaths.push(v); }
    else if (x.startsWith('--unit-path=')) a.unitPaths.push(x.slice('--unit-path='.length));
    else if (x.startsWith('-')) return `Unknown option ${x}`;
    else if (unit === null) unit = x.includes('.') ? x : `${x}.service`;
    else return 'Too many arguments.';
  }
  if (unit) a.unit = unit;
  return a;
}

/** Offline list-dependencies over unit files (every unit shown inactive). */
export function listDependenciesOffline(a: ListDepsArgs): string {
  const searchPath = unitSearchPath({ userMode: a.user, unitPaths: a.unitPaths.map((p) => path.resolve(p)) });
  const graph = new Graph({ loader: makeFileLoader(searchPath, a.user), userMode: a.user });
  // A running manager knows every unit reachable from default.target; load them for reverse lookups.
  if (a.mode !== 'forward') graph.unit('default.target');
  return renderDependencyTree(a.unit, graphDeps(graph, a.mode), (n) => graph.unit(n).activeState, { all: a.all, plain: a.plain, full: a.full, columns: Number(process.env['COLUMNS']) || 80 });
}

export function runListDependencies(argv: string[]): number {
  const a = parseListDepsArgs(argv);
  if (typeof a === 'string') { process.stderr.write(`${a}\n`); return 1; }
  process.stdout.write(listDependenciesOffline(a));
  return 0;
}

if (require.main === module) process.exitCode = runListDependencies(process.argv.slice(2));
