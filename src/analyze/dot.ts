// `analyze dot [--order|--require] [--from-pattern=GLOB] [--to-pattern=GLOB] [PATTERN...]` (systemd 252
// analyze-dot.c): the unit graph as Graphviz text. One edge line per dependency, per unit in the order
// given, properties in systemd's order (After green; Requires black, Requisite darkblue, Wants grey66,
// Conflicts red); the pattern rules are systemd's (an edge is kept when either end matches a PATTERN;
// --from/--to restrict origins/destinations unless the end matches a PATTERN).
// Invariants: pure; the legend and the tty hint are separate strings (systemd logs them to stderr).
import { globMatch } from '../rpc/util';

export type DotMode = 'all' | 'order' | 'require';

export interface DotUnit {
  id: string;
  /** Dependency lists by property name (After, Requires, Requisite, Wants, Conflicts). */
  deps: Readonly<Record<string, readonly string[]>>;
}

export const DOT_PROPERTIES = ['After', 'Requires', 'Requisite', 'Wants', 'Conflicts'] as const;

const EDGE_KINDS: ReadonlyArray<{ prop: string; color: string; mode: Exclude<DotMode, 'all'> }> = [
  { prop: 'After', color: 'green', mode: 'order' },
  { prop: 'Requires', color: 'black', mode: 'require' },
  { prop: 'Requisite', color: 'darkblue', mode: 'require' },
  { prop: 'Wants', color: 'grey66', mode: 'require' },
  { prop: 'Conflicts', color: 'red', mode: 'require' },
];

export const DOT_LEGEND =
  '   Color legend: black     = Requires\n' +
  '                 dark blue = Requisite\n' +
  '                 dark grey = Wants\n' +
  '                 red       = Conflicts\n' +
  '                 green     = After\n';

export const DOT_TTY_HINT =
  '-- You probably want to process this output with graphviz\' dot tool.\n' +
  '-- Try a shell pipeline like \'tsysd analyze dot | dot -Tsvg > systemd.svg\'!\n';

export interface DotPatterns { patterns: readonly string[]; from: readonly string[]; to: readonly string[] }

/** string_is_glob(): contains any of `*?[`. */
export function isGlob(s: string): boolean { return /[*?[]/.test(s); }

function anyMatch(patterns: readonly string[], s: string): boolean { return patterns.some((p) => globMatch(p, s)); }

/** expand_patterns(): a non-glob pattern naming an alias also matches the unit's Id. */
export function expandPatterns(patterns: readonly string[], idOf: (name: string) => string): string[] {
  const out: string[] = [];
  for (const p of patterns) {
    out.push(p);
    if (isGlob(p)) continue;
    const id = idOf(p);
    if (id !== p) out.push(id);
  }
  return out;
}

/** The edge lines (without the digraph wrapper), in output order. */
export function dotEdges(units: readonly DotUnit[], mode: DotMode, pat: DotPatterns): string[] {
  const lines: string[] = [];
  for (const u of units) {
    for (const k of EDGE_KINDS) {
      if (mode !== 'all' && mode !== k.mode) continue;
      const match = anyMatch(pat.patterns, u.id);
      if (pat.from.length && !match && !anyMatch(pat.from, u.id)) continue;
      for (const other of u.deps[k.prop] ?? []) {
        const match2 = anyMatch(pat.patterns, other);
        if (pat.to.length && !match2 && !anyMatch(pat.to, other)) continue;
        if (pat.patterns.length && !match && !match2) continue;
        lines.push(`\t"${u.id}"->"${other}" [color="${k.color}"];`);
      }
    }
  }
  return lines;
}

export function renderDot(units: readonly DotUnit[], mode: DotMode, pat: DotPatterns): string {
  return `digraph systemd {\n${dotEdges(units, mode, pat).map((l) => l + '\n').join('')}}\n`;
}
