// PropagatesStopTo=/StopPropagatedFrom= (issue 12 #9: they were parsed and dropped). Observed on systemd 252
// (podman, systemd as PID 1; see tests/e2e/ctl-systemd252.test.ts): `stop a` with PropagatesStopTo=b
// stops b; StopPropagatedFrom=d on c makes `stop d` stop c; `restart a` leaves b running; a that dies
// unexpectedly (systemctl kill) pulls b down too.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { harness } from './engine-factory';

const units = {
  'a.service': { PropagatesStopTo: ['b.service'] }, 'b.service': {},
  'c.service': { StopPropagatedFrom: ['d.service'] }, 'd.service': {},
};

test('a stop job propagates to PropagatesStopTo= units and from StopPropagatedFrom= units', () => {
  const h = harness(units, { auto: true });
  for (const u of Object.keys(units)) h.engine.enqueue(u, 'start');
  h.engine.enqueue('a.service', 'stop');
  assert.equal(h.state('a.service'), 'inactive');
  assert.equal(h.state('b.service'), 'inactive');
  h.engine.enqueue('d.service', 'stop');
  assert.equal(h.state('d.service'), 'inactive');
  assert.equal(h.state('c.service'), 'inactive');
  assert.deepEqual(h.engine.graph.effectiveDeps(h.engine.graph.unit('b.service'), ['StopPropagatedFrom'])['StopPropagatedFrom'], ['a.service']);
  assert.deepEqual(h.engine.graph.effectiveDeps(h.engine.graph.unit('d.service'), ['PropagatesStopTo'])['PropagatesStopTo'], ['c.service']);
});

test('restart does not propagate; an unexpected stop does', () => {
  const h = harness(units, { auto: true });
  h.engine.enqueue('a.service', 'start');
  h.engine.enqueue('b.service', 'start');
  h.engine.enqueue('a.service', 'restart');
  assert.equal(h.state('a.service'), 'active');
  assert.equal(h.state('b.service'), 'active');
  h.set('a.service', 'failed');                // killed: no job
  assert.equal(h.state('b.service'), 'inactive');
});
