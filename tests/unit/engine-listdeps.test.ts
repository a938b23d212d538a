// list-dependencies rendering (systemctl 252 format) from engine graph data: glyphs, tree glyphs,
// targets after other units, case-insensitive order, recursion into targets only (or --all), the
// "..." marker for cycles, --reverse/--after/--before and --plain.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { renderDependencyTree, graphDeps } from '../../src/cli/listdeps';
import { harness } from './engine-factory';

function fixture() {
  return harness({
    'multi-user.target': { Wants: ['b.service', 'A.service', 'basic.target', 'z.socket'], Requires: ['basic.target'] },
    'basic.target': { Requires: ['sysinit.target'], Wants: ['x.service'] },
    'sysinit.target': { Wants: ['basic.target'] },
    'A.service': { Wants: ['deep.service'] },
    'b.service': {}, 'x.service': {}, 'z.socket': {}, 'deep.service': {},
  });
}

test('forward tree: glyphs, ordering, recursion into targets only, duplicates as systemctl lists them', () => {
  const h = fixture();
  const g = h.engine.graph;
  h.set('b.service', 'active');
  h.set('x.service', 'failed');
  const text = renderDependencyTree('multi-user.target', graphDeps(g, 'forward'), (n) => g.unit(n).activeState, { full: true });
  assert.equal(text, [
    'multi-user.target',
    '○ ├─A.service',
    '● ├─b.service',
    '○ ├─z.socket',
    '○ ├─basic.target',
    '○ │ ├─x.service',
    '○ │ └─sysinit.target',
    '  │   └─...',
    '○ └─basic.target',
    '×   ├─x.service',
    '○   └─sysinit.target',
    '      └─...',
    '',
  ].join('\n').replace('○ │ ├─x.service', '× │ ├─x.service'));
});

test('--all recurses into every unit; --plain drops glyphs and tree', () => {
  const h = fixture();
  const g = h.engine.graph;
  const all = renderDependencyTree('A.service', graphDeps(g, 'forward'), (n) => g.unit(n).activeState, { all: true, full: true });
  // services Require+After their slice, so --all shows the slice chain too
  assert.equal(all, 'A.service\n○ ├─deep.service\n● │ └─system.slice\n● │   └─-.slice\n● └─system.slice\n●   └─-.slice\n');
  const plain = renderDependencyTree('basic.target', graphDeps(g, 'forward'), (n) => g.unit(n).activeState, { plain: true, full: true });
  // plain mode never prunes the visited list, so each unit appears once and cycles print nothing
  assert.equal(plain, 'basic.target\n  x.service\n  sysinit.target\n');
});

test('--reverse and --after use the inverse / ordering edges', () => {
  const h = harness({ 'a.service': { Wants: ['b.service'], After: ['b.service'] }, 'b.service': {}, 't.target': { Requires: ['b.service'] } });
  const g = h.engine.graph;
  g.unit('a.service'); g.unit('t.target');
  const rev = renderDependencyTree('b.service', graphDeps(g, 'reverse'), () => 'inactive', { full: true });
  assert.equal(rev, 'b.service\n○ ├─a.service\n○ └─t.target\n');
  const before = renderDependencyTree('b.service', graphDeps(g, 'before'), () => 'active', { full: true });
  assert.equal(before, 'b.service\n● └─a.service\n');
});

test('long names are ellipsized to the terminal width unless --full', () => {
  const text = renderDependencyTree('r.target', () => ['a-very-long-unit-name-that-does-not-fit-anywhere.service'], () => 'inactive', { columns: 30 });
  // the glyph column is not counted: 30 - 2 (tree) = 28 columns for the name
  assert.equal(text, 'r.target\n○ └─a-very-long-unit-name-that-…\n');
});
