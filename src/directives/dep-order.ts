// The order in which a unit's [Unit] dependency assignments appear in its files (fragment, then drop-ins):
// systemd adds dependencies while parsing, and that order decides rare ordering ties in transactions.
// Pure: reads the located assignments and the compiled dependency lists.
import type { SpecifierContext, UnitSource } from '../unit-file/types';
import { expandSpecifiers } from '../unit-file/specifiers';
import type { DepKind, UnitConfig } from './types';
import { DEP_KINDS } from './types';

/** The [Unit] dependency assignments in file order, restricted to names the compiler accepted. compileUnit()
 * stores it as `cfg.depOrder`, so the engine adds edges in systemd's order. */
export function depOrder(src: UnitSource, c: UnitConfig, ctx: SpecifierContext): { kind: DepKind; name: string }[] {
  const su = { id: src.id, prefix: src.prefix, instance: src.instance, type: src.type, fragmentPath: src.fragmentPath };
  const out: { kind: DepKind; name: string }[] = [];
  const seen = new Set<string>();
  const accepted = new Map<DepKind, Set<string>>();
  const isAccepted = (kind: DepKind, n: string): boolean => {
    let s = accepted.get(kind);
    if (!s) accepted.set(kind, s = new Set(c.unit.deps[kind]));
    return s.has(n);
  };
  for (const a of src.assignments) {
    if (a.section !== 'Unit' || !(DEP_KINDS as readonly string[]).includes(a.key)) continue;
    const kind = a.key as DepKind;
    for (const w of a.value.split(/\s+/).filter(Boolean)) {
      const r = expandSpecifiers(w, su, ctx);
      const n = r.ok ? r.value : w;
      const k = `${kind}\0${n}`;
      if (seen.has(k) || !isAccepted(kind, n)) continue;
      seen.add(k);
      out.push({ kind, name: n });
    }
  }
  for (const kind of DEP_KINDS) for (const n of c.unit.deps[kind]) if (!seen.has(`${kind}\0${n}`)) out.push({ kind, name: n });
  return out;
}
