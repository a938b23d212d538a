// UnitFileIndex with keepSources=false (the manager's index): load() keeps no UnitSource, so each call
// returns a fresh, equal source; the default index still returns its cached one.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { UnitFileIndex } from '../../src/unit-file/load';

test('keepSources=false: every load is fresh and equal; the default index caches', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tsysd-nocache-'));
  try {
    fs.writeFileSync(path.join(dir, 'a.service'), '[Unit]\nDescription=A\n[Service]\nExecStart=/bin/true\n');
    fs.mkdirSync(path.join(dir, 'a.service.d'));
    fs.writeFileSync(path.join(dir, 'a.service.d', 'x.conf'), '[Unit]\nDescription=B\n');
    const lean = new UnitFileIndex([dir], false);
    const s1 = lean.load('a.service');
    const s2 = lean.load('a.service');
    assert.notEqual(s1, s2);
    assert.deepEqual(s1, s2);
    assert.equal(s1.loadState, 'loaded');
    assert.deepEqual(s1.dropInPaths, [path.join(dir, 'a.service.d', 'x.conf')]);
    assert.deepEqual(s1.assignments.filter((a) => a.key === 'Description').map((a) => a.value), ['A', 'B']);
    const cached = new UnitFileIndex([dir]);
    assert.equal(cached.load('a.service'), cached.load('a.service'));
    assert.deepEqual(cached.load('a.service'), s1);
  } finally { fs.rmSync(dir, { recursive: true, force: true }); }
});
