// EngineHost.runBudget/yieldRun: a big start transaction runs at most `budget` jobs per turn and hands the
// rest of the run queue to the host's resume, which runs the next batch; every job still completes, in the
// same order constraints, and without a budget everything runs at once (the behaviour before).
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { harness, type UnitSpec } from './engine-factory';

function spec(n: number): Record<string, UnitSpec> {
  const wants: string[] = [];
  const s: Record<string, UnitSpec> = {};
  for (let i = 0; i < n; i++) { s[`s${i}.service`] = {}; wants.push(`s${i}.service`); }
  s['late.service'] = { After: ['s0.service', `s${n - 1}.service`] };
  s['all.target'] = { Wants: [...wants, 'late.service'] };
  return s;
}

test('run budget: at most `budget` jobs per turn, the rest after each resume, all of them done', () => {
  const h = harness(spec(10), { auto: true, budget: 4 });
  assert.ok(h.engine.enqueue('all.target', 'start').ok);
  assert.equal(h.calls.length, 4, 'first turn');
  assert.equal(h.resumes.length, 1, 'one resume pending');
  let turns = 1;
  while (h.resumes.length) {
    const before = h.calls.length;
    (h.resumes.shift() as () => void)();
    assert.ok(h.calls.length - before <= 4, 'no turn runs more than the budget');
    turns++;
  }
  assert.ok(turns >= 3, `ran over ${turns} turns`);
  for (let i = 0; i < 10; i++) assert.equal(h.result(`s${i}.service`), 'done');
  assert.equal(h.result('late.service'), 'done');
  assert.equal(h.result('all.target'), 'done');
  assert.ok(h.calls.indexOf('late.service/start') > h.calls.indexOf('s9.service/start'), 'After= still holds');
});

test('no budget: the whole transaction runs in one dispatch', () => {
  const h = harness(spec(10), { auto: true });
  h.engine.enqueue('all.target', 'start');
  assert.equal(h.calls.length, 12);
  assert.equal(h.resumes.length, 0);
  assert.equal(h.result('late.service'), 'done');
});
