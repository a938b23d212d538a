// Run-time propagation rules (systemd 252 job.c/unit.c), one test per rule, driven through the engine's
// public API with a recording executor: start-failure → 'dependency' (Requires+After, Requisite, BindsTo),
// Wants failures ignored, crash of a Requires= target leaves dependents running, BindsTo stops on any
// inactive, PartOf stop/restart, Requires explicit stop/restart, StopWhenUnneeded, OnFailure/OnSuccess,
// Upholds, Conflicts, JobTimeoutSec, and the run queue's ordering (After waits, stop before start).
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { harness } from './engine-factory';

test('Requires+After: a failed start fails the dependent job with result dependency', () => {
  const h = harness({ 'a.service': { Requires: ['b.service'], After: ['b.service'] }, 'b.service': {} }, { auto: true, fail: ['b.service'] });
  const r = h.engine.enqueue('a.service', 'start');
  assert.ok(r.ok);
  assert.equal(h.result('b.service'), 'failed');
  assert.equal(h.result('a.service'), 'dependency');
  assert.ok(!h.calls.includes('a.service/start'), 'a never ran');
  assert.equal(h.state('a.service'), 'inactive');
});

test('Wants: a failed wanted unit does not propagate', () => {
  const h = harness({ 'a.service': { Wants: ['b.service'], After: ['b.service'] }, 'b.service': {} }, { auto: true, fail: ['b.service'] });
  h.engine.enqueue('a.service', 'start');
  assert.equal(h.result('b.service'), 'failed');
  assert.equal(h.result('a.service'), 'done');
  assert.equal(h.state('a.service'), 'active');
});

test('Requires without After: both start in parallel; a crash of the required unit leaves A running', () => {
  const h = harness({ 'a.service': { Requires: ['b.service'] }, 'b.service': {} }, { auto: true });
  h.engine.enqueue('a.service', 'start');
  assert.equal(h.state('a.service'), 'active');
  assert.equal(h.state('b.service'), 'active');
  h.set('b.service', 'failed');                 // unexpected exit
  assert.equal(h.state('a.service'), 'active');
  assert.deepEqual(h.engine.listJobs(), []);
});

test('Requires: an explicit stop of the required unit stops the dependent; restart restarts it', () => {
  const h = harness({ 'a.service': { Requires: ['b.service'], After: ['b.service'] }, 'b.service': {} }, { auto: true });
  h.engine.enqueue('a.service', 'start');
  h.calls.length = 0;
  h.engine.enqueue('b.service', 'restart');
  assert.deepEqual(h.calls, ['a.service/restart', 'b.service/restart', 'b.service/start', 'a.service/start']);
  assert.equal(h.state('a.service'), 'active');
  h.engine.enqueue('b.service', 'stop');
  assert.equal(h.state('a.service'), 'inactive');
  assert.equal(h.state('b.service'), 'inactive');
});

test('BindsTo: the dependent stops when the bound unit goes inactive, crash included', () => {
  const h = harness({ 'a.service': { BindsTo: ['b.service'], After: ['b.service'] }, 'b.service': {} }, { auto: true });
  h.engine.enqueue('a.service', 'start');
  assert.equal(h.state('a.service'), 'active');
  h.set('b.service', 'failed');
  assert.equal(h.state('a.service'), 'inactive');
  assert.ok(h.calls.includes('a.service/stop'));
});

test('BindsTo: starting a unit whose bound unit is not active gives dependency', () => {
  const h = harness({ 'a.service': { BindsTo: ['b.service'], After: ['b.service'] }, 'b.service': {} });
  h.engine.enqueue('a.service', 'start', 'ignore-requirements');
  assert.equal(h.result('a.service'), 'dependency');
});

test('PartOf: stop and restart of the master propagate, start does not', () => {
  const h = harness({ 'a.service': { PartOf: ['b.service'] }, 'b.service': {} }, { auto: true });
  h.engine.enqueue('b.service', 'start');
  assert.equal(h.state('a.service'), 'inactive', 'PartOf pulls nothing in');
  h.engine.enqueue('a.service', 'start');
  h.calls.length = 0;
  h.engine.enqueue('b.service', 'restart');
  assert.ok(h.calls.includes('a.service/restart'));
  h.engine.enqueue('b.service', 'stop');
  assert.equal(h.state('a.service'), 'inactive');
  h.calls.length = 0;
  h.engine.enqueue('b.service', 'restart');     // a is inactive: try-restart collapses to nothing
  assert.ok(!h.calls.some((c) => c.startsWith('a.service')));
});

test('Requisite: the required unit must already be active', () => {
  const h = harness({ 'a.service': { Requisite: ['b.service'], After: ['b.service'] }, 'b.service': {} }, { auto: true });
  const r = h.engine.enqueue('a.service', 'start');
  assert.ok(r.ok);
  assert.equal(h.result('b.service'), 'skipped');
  assert.equal(h.result('a.service'), 'dependency');
  h.engine.enqueue('b.service', 'start');
  h.engine.enqueue('a.service', 'start');
  assert.equal(h.result('a.service'), 'done');
});

test('StopWhenUnneeded: stopped once nothing that pulled it in is active', () => {
  const h = harness({ 'a.service': { Wants: ['b.service'] }, 'b.service': { stopWhenUnneeded: true } }, { auto: true });
  h.engine.enqueue('a.service', 'start');
  assert.equal(h.state('b.service'), 'active');
  h.engine.enqueue('a.service', 'stop');
  assert.equal(h.state('b.service'), 'inactive');
  assert.ok(h.logs.some((l) => l.unit === 'b.service' && l.message === 'Unit not needed anymore. Stopping.'));
});

test('StopWhenUnneeded: kept while a dependent will auto-restart', () => {
  const h = harness({ 'a.service': { Wants: ['b.service'] }, 'b.service': { stopWhenUnneeded: true } }, { auto: true });
  h.engine.enqueue('a.service', 'start');
  h.set('a.service', 'activating', { willAutoRestart: true });
  assert.equal(h.state('b.service'), 'active');
});

test('OnFailure: the handler starts when the unit fails, not when it auto-restarts', () => {
  const h = harness({ 'a.service': { OnFailure: ['h.service'] }, 'h.service': {} }, { auto: true });
  h.engine.enqueue('a.service', 'start');
  h.set('a.service', 'failed', { willAutoRestart: true });
  assert.equal(h.state('h.service'), 'inactive');
  h.set('a.service', 'active');
  h.set('a.service', 'failed');
  assert.equal(h.state('h.service'), 'active');
});

test('OnFailure: also fires for a dependency job failure', () => {
  const h = harness({ 'a.service': { OnFailure: ['h.service'], Requires: ['b.service'], After: ['b.service'] }, 'b.service': {}, 'h.service': {} }, { auto: true, fail: ['b.service'] });
  h.engine.enqueue('a.service', 'start');
  assert.equal(h.result('a.service'), 'dependency');
  assert.equal(h.state('h.service'), 'active');
});

test('OnSuccess: fires when the unit goes from active to inactive cleanly', () => {
  const h = harness({ 'a.service': { OnSuccess: ['h.service'] }, 'h.service': {} }, { auto: true });
  h.engine.enqueue('a.service', 'start');
  assert.equal(h.state('h.service'), 'inactive');
  h.set('a.service', 'inactive');
  assert.equal(h.state('h.service'), 'active');
});

test('Upholds: the upheld unit is restarted while the upholding unit is active', () => {
  const h = harness({ 'a.service': { Upholds: ['b.service'] }, 'b.service': {} }, { auto: true });
  h.engine.enqueue('a.service', 'start');
  assert.equal(h.state('b.service'), 'active');
  h.calls.length = 0;
  h.set('b.service', 'failed');
  assert.deepEqual(h.calls, ['b.service/start']);
  assert.equal(h.state('b.service'), 'active');
  h.engine.enqueue('a.service', 'stop');
  h.set('b.service', 'inactive');
  assert.equal(h.state('b.service'), 'inactive');
});

test('Conflicts: starting a unit stops its conflicting unit, both directions', () => {
  const h = harness({ 'a.service': { Conflicts: ['b.service'] }, 'b.service': {} }, { auto: true });
  h.engine.enqueue('b.service', 'start');
  h.engine.enqueue('a.service', 'start');
  assert.equal(h.state('b.service'), 'inactive');
  assert.equal(h.state('a.service'), 'active');
  h.engine.enqueue('b.service', 'start');
  assert.equal(h.state('a.service'), 'inactive');
});

test('Conflicts: an unexpected activation retroactively stops the conflicting unit', () => {
  const h = harness({ 'a.service': { Conflicts: ['b.service'] }, 'b.service': {} }, { auto: true });
  h.engine.enqueue('b.service', 'start');
  h.set('a.service', 'active');
  assert.equal(h.state('b.service'), 'inactive');
});

test('JobTimeoutSec: the job times out with result timeout and triggers OnFailure', () => {
  const h = harness({ 'a.service': { jobTimeoutUs: 5_000_000, OnFailure: ['h.service'] }, 'h.service': {} });
  const r = h.engine.enqueue('a.service', 'start');
  assert.ok(r.ok);
  h.advance(4_000_000);
  assert.equal(h.engine.listJobs().length, 1);
  h.advance(1_000_000);
  assert.equal(h.result('a.service'), 'timeout');
  assert.ok(h.engine.listJobs().some((j) => j.unit === 'h.service' && j.type === 'start'));
});

test('run queue: a job waits for every job it is ordered after, and onFinished reports the result', () => {
  const h = harness({ 'a.service': { Wants: ['b.service', 'c.service'], After: ['b.service'] }, 'b.service': {}, 'c.service': {} });
  let res = '';
  const r = h.engine.enqueue('a.service', 'start', 'replace', { onFinished: (x) => { res = x; } });
  assert.ok(r.ok);
  assert.deepEqual(h.calls.sort(), ['b.service/start', 'c.service/start']);
  h.set('c.service', 'active');
  assert.ok(!h.calls.includes('a.service/start'));
  h.set('b.service', 'activating');
  assert.ok(!h.calls.includes('a.service/start'));
  h.set('b.service', 'active');
  assert.ok(h.calls.includes('a.service/start'));
  assert.equal(res, '');
  h.set('a.service', 'active');
  assert.equal(res, 'done');
});

test('run queue: a stop always runs before a start, whatever the ordering direction', () => {
  const h = harness({ 'a.service': { Before: ['b.service'] }, 'b.service': {} });
  h.set('b.service', 'active');
  h.engine.enqueue('b.service', 'stop');
  h.engine.enqueue('a.service', 'start');
  assert.deepEqual(h.calls, ['b.service/stop']);
  h.set('b.service', 'inactive');
  assert.deepEqual(h.calls, ['b.service/stop', 'a.service/start']);
});

test('restart: stop phase, then the job becomes a start', () => {
  const h = harness({ 'a.service': {} });
  h.set('a.service', 'active');
  h.engine.enqueue('a.service', 'restart');
  assert.deepEqual(h.calls, ['a.service/restart']);
  h.set('a.service', 'deactivating'); h.set('a.service', 'inactive');
  assert.deepEqual(h.calls, ['a.service/restart', 'a.service/start']);
  assert.deepEqual(h.engine.listJobs().map((j) => j.type), ['start']);
  h.set('a.service', 'active');
  assert.equal(h.result('a.service'), 'done');
});

test('reload of an inactive unit fails with result invalid; reload propagates to PropagatesReloadTo', () => {
  const h = harness({ 'a.service': { reload: true, PropagatesReloadTo: ['b.service'] }, 'b.service': { reload: true } }, { auto: true });
  h.engine.enqueue('a.service', 'reload');
  assert.equal(h.result('a.service'), 'invalid');
  h.engine.enqueue('a.service', 'start');
  h.engine.enqueue('b.service', 'start');
  h.calls.length = 0;
  h.engine.enqueue('a.service', 'reload');
  assert.deepEqual(h.calls.sort(), ['a.service/reload', 'b.service/reload']);
});

test('a start failure does not propagate to units that merely Want it even with After', () => {
  const h = harness({ 't.target': { Wants: ['a.service'], After: ['a.service'], Requires: ['b.service'] }, 'a.service': {}, 'b.service': {} }, { auto: true, fail: ['a.service'] });
  h.engine.enqueue('t.target', 'start');
  assert.equal(h.result('t.target'), 'done');
});

test('cancelJob cancels a waiting job with result canceled', () => {
  const h = harness({ 'a.service': { After: ['b.service'], Wants: ['b.service'] }, 'b.service': {} });
  const r = h.engine.enqueue('a.service', 'start');
  assert.ok(r.ok);
  assert.ok(h.engine.cancelJob(r.job.id));
  assert.equal(h.result('a.service'), 'canceled');
});

test("runJob 'again' puts the job back to waiting; it reruns on the unit's next state change", () => {
  const h = harness({ 'a.service': {} });
  let first = true;
  const host = (h.engine as unknown as { host: { runJob: (j: { unit: string; type: string }) => unknown } }).host;
  const orig = host.runJob;
  host.runJob = (j) => { if (first) { first = false; h.calls.push(`${j.unit}/${j.type}(again)`); return 'again'; } return orig(j); };
  h.set('a.service', 'deactivating');
  const r = h.engine.enqueue('a.service', 'start');
  assert.ok(r.ok);
  assert.deepEqual(h.engine.listJobs().map((j) => j.state), ['waiting']);
  h.set('a.service', 'inactive');
  assert.deepEqual(h.calls, ['a.service/start(again)', 'a.service/start']);
  h.set('a.service', 'active');
  assert.equal(h.result('a.service'), 'done');
});

test('start of an active unit and stop of an inactive unit finish done at once; restart of an inactive unit starts it', () => {
  const h = harness({ 'a.service': {}, 'b.service': {} });
  h.set('a.service', 'active');
  const s = h.engine.enqueue('a.service', 'start');
  assert.ok(s.ok);
  assert.equal(h.result('a.service'), 'done');
  const t = h.engine.enqueue('b.service', 'stop');
  assert.ok(t.ok);
  assert.equal(h.result('b.service'), 'done');
  assert.deepEqual(h.calls, [], 'the executor was never asked');
  h.engine.enqueue('b.service', 'restart');
  assert.deepEqual(h.calls, ['b.service/start']);
});

test('a failed start with After on a Requisite/BindsTo/Requires chain fails transitively with dependency', () => {
  const h = harness({
    'top.service': { Requires: ['mid.service'], After: ['mid.service'] },
    'mid.service': { BindsTo: ['low.service'], After: ['low.service'] },
    'low.service': {},
  }, { auto: true, fail: ['low.service'] });
  h.engine.enqueue('top.service', 'start');
  assert.equal(h.result('low.service'), 'failed');
  assert.equal(h.result('mid.service'), 'dependency');
  assert.equal(h.result('top.service'), 'dependency');
  assert.deepEqual(h.calls, ['low.service/start']);
});
