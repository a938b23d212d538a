// The row test of issue 13: `systemctl show` is derived from the directive rows. Every row either feeds
// properties or is declared hidden (or the manager's, 'runtime'); every property a row feeds is printed by
// some interface; every property of the layout is fed by exactly one source (rows, the runtime table, or
// the unit-level computed table); and every name is one systemd 252 knows — checked against the strings of
// its manager library (libsystemd-core-252.so holds the D-Bus vtables `systemctl show` reads).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { ALL_ROWS, typeSection } from '../../src/directives/tables';
import { RUNTIME_PROPS, SHOW_LAYOUT, showSegments, type ShowSegment } from '../../src/directives/show-layout';
import { propertyValue, UNIT_COMPUTED } from '../../src/directives/show';
import { synthesizeUnit } from '../../src/directives/compile';
import type { UnitType } from '../../src/directives/types';

const TYPES: UnitType[] = ['service', 'socket', 'target', 'mount', 'device', 'timer', 'path', 'slice', 'scope', 'swap', 'automount'];

/** Section.Property pairs the rows feed. */
function fed(): Map<string, string[]> {
  const m = new Map<string, string[]>();
  for (const r of ALL_ROWS) {
    if (r.show === undefined || r.show === 'hidden' || r.show === 'runtime') continue;
    for (const s of r.sections) for (const p of Object.keys(r.show)) m.set(`${s}.${p}`, [...(m.get(`${s}.${p}`) ?? []), r.key]);
  }
  return m;
}

test('every directive row says how it is shown: properties, runtime, or hidden', () => {
  const missing = ALL_ROWS.filter((r) => r.show === undefined).map((r) => `${r.sections.join('/')}.${r.key}`);
  assert.deepEqual(missing, [], 'rows without a show spec (add them to the showRows() call of their table)');
  for (const r of ALL_ROWS) if (r.show === 'runtime') assert.ok(RUNTIME_PROPS[r.key] !== undefined, `${r.key}: 'runtime' but not in RUNTIME_PROPS`);
});

test('every property a row feeds is printed by an interface of a unit type with that section', () => {
  const printed = new Set<string>();
  for (const t of TYPES) {
    for (const seg of showSegments(t)) {
      const sec = seg === 'cgroup' || seg === 'exec' || seg === 'kill' ? typeSection(t) : seg;
      for (const p of SHOW_LAYOUT[seg]) printed.add(`${sec}.${p}`);
    }
  }
  // The exec/kill/cgroup rows are shared with [Mount]/[Swap]/[Slice]; tsysd prints only the Unit interface
  // of mount and swap units (and only the cgroup one of a slice), so those sections are not held to this.
  // The [Service] copies of StartLimitBurst= & co. feed the Unit interface, as their [Unit] originals do.
  const unitProp = (k: string): string => `Unit.${k.slice(k.indexOf('.') + 1)}`;
  const stray = [...fed().entries()].filter(([k]) => !printed.has(k) && !printed.has(unitProp(k)) && !/^(Mount|Swap|Slice)\./.test(k))
    .map(([k, rows]) => `${k} (from ${rows.join(', ')})`);
  assert.deepEqual(stray, [], 'properties fed by rows that no interface prints (add them to SHOW_LAYOUT)');
});

test('every layout property has exactly one source, for every unit type', () => {
  const f = fed();
  for (const t of TYPES) {
    const cfg = synthesizeUnit(`x.${t}`, 'loaded', '');
    for (const seg of showSegments(t)) {
      const sec = seg === 'cgroup' || seg === 'exec' || seg === 'kill' ? typeSection(t) : seg;
      for (const p of SHOW_LAYOUT[seg]) {
        const sources = [f.has(`${sec}.${p}`) ? 'rows' : '', RUNTIME_PROPS[p] !== undefined ? 'runtime' : '',
          seg === 'Unit' && UNIT_COMPUTED[p] ? 'computed' : ''].filter((x) => x);
        assert.equal(sources.length, 1, `${t} ${seg}.${p}: sources ${JSON.stringify(sources)}`);
        if (t === 'service' || t === 'socket' || t === 'timer' || t === 'path' || t === 'scope' || seg === 'Unit' || seg === 'cgroup') {
          assert.notEqual(propertyValue(seg as ShowSegment, p, cfg), undefined, `${t} ${seg}.${p} has no value`);
        }
      }
    }
  }
});

test('property names are systemd 252 D-Bus property names (strings of libsystemd-core-252.so)', (t) => {
  const lib = ['/usr/lib/x86_64-linux-gnu/systemd/libsystemd-core-252.so', '/lib/x86_64-linux-gnu/systemd/libsystemd-core-252.so',
    '/usr/lib/systemd/libsystemd-core-252.so'].find((p) => fs.existsSync(p));
  if (!lib) { t.skip('systemd 252 core library not installed'); return; }
  // The linker shares string tails ("Type" is stored as the end of "ExitType"), so a name must end one of them.
  const strs = fs.readFileSync(lib, 'latin1').split('\0');
  const known = (n: string): boolean => strs.some((s) => s.endsWith(n));
  const names = new Set<string>([...Object.values(SHOW_LAYOUT).flat(), ...[...fed().keys()].map((k) => k.slice(k.indexOf('.') + 1))]);
  const unknown = [...names].filter((n) => !known(n));
  assert.deepEqual(unknown, [], 'names systemd 252 does not have');
  assert.equal(known('TimeoutStartUSecX'), false, 'the check must be able to fail');
});
