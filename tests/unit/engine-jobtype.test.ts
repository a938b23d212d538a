// Job-merge table and job-type algebra (systemd 252 job.c): every pair, symmetry, idempotence,
// associativity of merge+collapse, the conflict-closure property transaction.c relies on, collapse,
// redundancy and job ordering (stop first).
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { MERGEABLE, lookupMerge, isMergeable, isSuperset, mergeAndCollapse, collapse, isRedundant, jobCompare, allowsLateMerge } from '../../src/engine/jobtype';
import type { ActiveState, JobType } from '../../src/engine';

// systemd's job_merging_table, written out as the full matrix (null = conflicting).
const EXPECTED: Record<string, JobType | null> = {
  'start+start': 'start', 'start+verify-active': 'start', 'start+stop': null, 'start+reload': 'reload-or-start', 'start+restart': 'restart',
  'verify-active+verify-active': 'verify-active', 'verify-active+stop': null, 'verify-active+reload': 'reload', 'verify-active+restart': 'restart',
  'stop+stop': 'stop', 'stop+reload': null, 'stop+restart': null,
  'reload+reload': 'reload', 'reload+restart': 'restart',
  'restart+restart': 'restart',
};
const STATES: ActiveState[] = ['inactive', 'active', 'activating', 'deactivating', 'reloading', 'failed'];

test('merge table: every pair has systemd\'s value and the table is symmetric', () => {
  let n = 0;
  for (const a of MERGEABLE) for (const b of MERGEABLE) {
    const key = EXPECTED[`${a}+${b}`] !== undefined ? `${a}+${b}` : `${b}+${a}`;
    assert.ok(key in EXPECTED, key);
    assert.equal(lookupMerge(a, b), EXPECTED[key], `${a} + ${b}`);
    assert.equal(lookupMerge(a, b), lookupMerge(b, a), `symmetric ${a} ${b}`);
    assert.equal(isMergeable(a, b), EXPECTED[key] !== null);
    n++;
  }
  assert.equal(n, 25);
});

test('merge is idempotent and superset is consistent', () => {
  for (const a of MERGEABLE) {
    assert.equal(lookupMerge(a, a), a);
    assert.ok(isSuperset(a, a));
  }
  assert.ok(isSuperset('restart', 'start'));
  assert.ok(isSuperset('start', 'verify-active'));
  assert.ok(!isSuperset('verify-active', 'start'));
  assert.ok(isSuperset('reload', 'verify-active'));
  assert.ok(!isSuperset('stop', 'start'));
});

test('merge+collapse is associative for every defined triple in every unit state', () => {
  let checked = 0;
  for (const st of STATES) for (const a of MERGEABLE) for (const b of MERGEABLE) for (const c of MERGEABLE) {
    const ab = mergeAndCollapse(a, b, st);
    const bc = mergeAndCollapse(b, c, st);
    if (ab === null || bc === null) continue;
    const left = mergeAndCollapse(ab, c, st);
    const right = mergeAndCollapse(a, bc, st);
    assert.equal(left, right, `(${a}+${b})+${c} vs ${a}+(${b}+${c}) in ${st}`);
    checked++;
  }
  assert.ok(checked > 100);
});

test('conflict closure: if a+b merges but does not merge with c, neither a nor b merges with c', () => {
  let seen = 0;
  for (const st of STATES) for (const a of MERGEABLE) for (const b of MERGEABLE) for (const c of MERGEABLE) {
    const ab = mergeAndCollapse(a, b, st);
    if (ab === null || ab === 'nop') continue;
    if (mergeAndCollapse(ab, c, st) === null) { seen++; assert.ok(!isMergeable(a, c) || !isMergeable(b, c), `${a} ${b} ${c} in ${st}`); }
  }
  assert.ok(seen > 0);
});

test('collapse: try-restart, try-reload, reload-or-start depend on the unit state', () => {
  assert.equal(collapse('try-restart', 'inactive'), 'nop');
  assert.equal(collapse('try-restart', 'failed'), 'nop');
  assert.equal(collapse('try-restart', 'deactivating'), 'nop');
  assert.equal(collapse('try-restart', 'active'), 'restart');
  assert.equal(collapse('try-restart', 'activating'), 'restart');
  assert.equal(collapse('try-reload', 'inactive'), 'nop');
  assert.equal(collapse('try-reload', 'active'), 'reload');
  assert.equal(collapse('reload-or-start', 'inactive'), 'start');
  assert.equal(collapse('reload-or-start', 'active'), 'reload');
  assert.equal(collapse('start', 'active'), 'start');
  assert.equal(mergeAndCollapse('start', 'reload', 'inactive'), 'start');
  assert.equal(mergeAndCollapse('start', 'reload', 'active'), 'reload');
});

test('redundancy per job type and state', () => {
  assert.ok(isRedundant('start', 'active')); assert.ok(isRedundant('start', 'reloading')); assert.ok(!isRedundant('start', 'inactive'));
  assert.ok(!isRedundant('start', 'activating'));
  assert.ok(isRedundant('stop', 'inactive')); assert.ok(isRedundant('stop', 'failed')); assert.ok(!isRedundant('stop', 'active'));
  assert.ok(isRedundant('verify-active', 'active')); assert.ok(!isRedundant('verify-active', 'inactive'));
  assert.ok(isRedundant('reload', 'reloading')); assert.ok(!isRedundant('reload', 'active'));
  assert.ok(isRedundant('restart', 'activating')); assert.ok(!isRedundant('restart', 'active'));
  assert.ok(isRedundant('nop', 'inactive'));
  assert.ok(!allowsLateMerge('reload')); assert.ok(allowsLateMerge('start'));
});

test('job ordering: Before/After order starts, stops run first, restart counts as stop', () => {
  const j = (type: JobType): { type: JobType; ignoreOrder: boolean } => ({ type, ignoreOrder: false });
  // a Before b
  assert.ok(jobCompare(j('start'), j('start'), 'before') < 0);      // a starts first
  assert.ok(jobCompare(j('stop'), j('stop'), 'before') > 0);        // b stops first (reverse order)
  assert.ok(jobCompare(j('start'), j('stop'), 'before') > 0);       // b's stop before a's start
  assert.ok(jobCompare(j('stop'), j('start'), 'before') < 0);       // a's stop before b's start
  assert.ok(jobCompare(j('start'), j('restart'), 'before') > 0);
  // a After b is the mirror image
  assert.ok(jobCompare(j('start'), j('start'), 'after') > 0);
  assert.ok(jobCompare(j('stop'), j('stop'), 'after') < 0);
  assert.equal(jobCompare(j('nop'), j('start'), 'after'), 0);
  assert.equal(jobCompare({ type: 'start', ignoreOrder: true }, j('start'), 'after'), 0);
});
