// Fuzz + regression tests of the glob matcher behind list-units/list-unit-files patterns and preset rules
// (src/rpc/fnmatch.ts) against the C library's fnmatch(3) (tests/fixtures/fnmatch-oracle.c, flags 0, C
// locale — what systemd's strv_fnmatch calls). Issue 12 finding 2: a backtracking RegExp froze the event
// loop for 70 s on `******************************X`, and `[z-a]` threw out of the RegExp constructor.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { Worker } from 'node:worker_threads';
import { fixture } from '../fixtures/build';
import { fuzz } from '../helpers/fuzz';
import { compileGlob, fnmatch } from '../../src/rpc/fnmatch';
import { matchesListUnits, matchesListUnitFiles } from '../../src/rpc/util';
import { globMatch as presetGlob } from '../../src/unit-file/preset';

/** The oracle's answers for many pairs in one process. */
function oracle(pairs: Array<[string, string]>): boolean[] {
  const input = Buffer.concat(pairs.flatMap(([p, s]) => [Buffer.from(p, 'latin1'), Buffer.from([0]), Buffer.from(s, 'latin1'), Buffer.from([0])]));
  const r = spawnSync(fixture('fnmatch-oracle'), [], { input, encoding: 'latin1', maxBuffer: 64 << 20 });
  assert.equal(r.status, 0, r.stderr);
  const out = r.stdout.trim();
  assert.equal(out.length, pairs.length);
  return [...out].map((c) => c === '1');
}

function compare(pairs: Array<[string, string]>, seed?: number): void {
  const want = oracle(pairs);
  pairs.forEach(([p, s], i) => {
    const got = fnmatch(p, s);
    if (got !== want[i]) assert.fail(`fnmatch(${JSON.stringify(p)}, ${JSON.stringify(s)}): tsysd ${got}, libc ${want[i]}${seed !== undefined ? ` (TSYSD_FUZZ_SEED=${seed})` : ''}`);
  });
}

test('hand-picked patterns agree with fnmatch(3)', () => {
  const pats = ['*', '?', 'a*', '*.service', 'a?c', '[abc]', '[!abc]', '[^abc]', '[]a]', '[!]a]', '[a-c]', '[z-a]', '[a-]', '[-a]',
    '[', '[a', 'a[', '[]', '[!]', '\\', 'a\\', '\\*', '\\[a]', '[\\]]', '[a\\-z]', '[[:alpha:]]', '[[:digit:][:upper:]]', '[[:bogus:]]',
    '[[:alpha:]', '[[:aaaaaaa]', '[[.a.]]', '[[.ab.]]', '[[=a=]]', '[[=ab=]]', '[[.a.]-c]', '[a-[.c.]]', '[[.a.]-]', '*[z-a]*', '**a**',
    '[*]', '[?]', 'x[!a-y]z', '[[:alpha:]-z]', '[a-\\]', '[a-\\', '*\\', '[[:', '[[=', '[[.', '[[.a', '[]-a]', '[!-]'];
  const strs = ['', 'a', 'b', 'c', 'z', '[', ']', '-', '\\', '*', '?', ':', '.', 'abc', 'aXc', 'x.service', 'xbz', 'xaz', '[a]', 'a[', 'A', '5'];
  const pairs: Array<[string, string]> = [];
  for (const p of pats) for (const s of strs) pairs.push([p, s]);
  compare(pairs);
});

test('random patterns agree with fnmatch(3) (seeded, bounded; TSYSD_FUZZ_SECONDS for longer)', () => {
  const f = fuzz('fnmatch', 4000, 3);
  const PAT = ['a', 'b', 'z', '.', '-', '*', '*', '?', '[', '[', ']', ']', '!', '^', '\\', ':', '=', '[:alpha:]', '[:lower:]', '[:bogus:]',
    '[.a.]', '[.ab.]', '[=b=]', '[!', '[^', '\\]', 'a-z', 'z-a'];
  const STR = ['a', 'b', 'z', '.', '-', '[', ']', '!', '^', '\\', ':', '=', 'A', '1', '*'];
  while (f.more()) {
    const pairs: Array<[string, string]> = [];
    for (let k = 0; k < 4000; k++) {
      let p = '';
      for (let n = f.int(9); n > 0; n--) p += f.pick(PAT);
      let s = '';
      for (let n = f.int(7); n > 0; n--) s += f.pick(STR);
      pairs.push([p, s]);
    }
    compare(pairs, f.seed);
  }
});

/** Run `globMatch` over `pairs` in a worker thread, so a matcher that never finishes fails the test (after
 *  `ms`) instead of freezing the test process with it. */
function matchInWorker(pairs: Array<[string, string]>, ms: number): Promise<boolean[] | 'timeout'> {
  const code = `const { parentPort, workerData } = require('node:worker_threads');
    const { globMatch } = require(workerData.mod);
    const { globMatch: preset } = require(workerData.preset);
    parentPort.postMessage(workerData.pairs.map(([p, s]) => globMatch(p, s) && preset(p, s)));`;
  const w = new Worker(code, { eval: true, workerData: { pairs, mod: require.resolve('../../src/rpc/util'), preset: require.resolve('../../src/unit-file/preset') } });
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => { void w.terminate(); resolve('timeout'); }, ms);
    w.once('message', (m: boolean[]) => { clearTimeout(t); void w.terminate(); resolve(m); });
    w.once('error', (e) => { clearTimeout(t); reject(e); });
  });
}

test('pathological patterns finish (no backtracking) and match what libc says', async () => {
  const name = 'abcdefghijklmnopqrstuvwxyz012345';          // 32 characters
  const stars = '*'.repeat(60) + 'X';                       // the old RegExp needed ~70 s for 30 stars and 16 chars
  const longName = 'a'.repeat(255);
  const pairs: Array<[string, string]> = [
    [stars, name], ['*a*b*c*d*e*f*g*h*i*j*k*l*m*n*o*p*X', name], ['*a*b*c*d*e*f*g*h*i*j*k*l*m*n*o*p*', name],
    ['*' + 'a'.repeat(200) + 'b', longName], [`[${'a'.repeat(100000)}]*`, longName],
  ];
  const got = await matchInWorker(pairs, 30000);
  assert.notEqual(got, 'timeout', 'globMatch did not finish within 30 s (backtracking)');
  assert.deepEqual(got, oracle(pairs));
  assert.deepEqual(got, [false, false, true, false, true]);
});

test('bad bracket classes never throw: [z-a] and friends in list filters', () => {
  const entry = { unit: 'a.service', loadState: 'loaded', activeState: 'active', subState: 'running', description: '', job: null, following: '' } as const;
  for (const p of ['[z-a]', '[', '[[:bogus:]]', '\\', '[a-', '[[.ab.]]', '[\\']) {
    assert.doesNotThrow(() => matchesListUnits(entry, { patterns: [p] }));
    assert.doesNotThrow(() => matchesListUnitFiles({ path: '/x/a.service', unit: 'a.service', state: 'enabled', preset: '' }, { patterns: [p] }));
    assert.doesNotThrow(() => presetGlob(p, 'a.service'));
  }
  assert.equal(matchesListUnits(entry, { patterns: ['[z-a]*'] }), false);
  assert.equal(compileGlob('[a-c]*.service')('b.service'), true);
});
