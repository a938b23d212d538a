// Service machine: the Restart= table, RestartSec/RestartSteps, Prevent/Force exit status, start limit,
// reset-failed, Failure/Success/StartLimitAction.
import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import type { RestartPolicy } from '../../src/directives/types';
import { restartDelayUs } from '../../src/units/service/restart';
import { MS, SEC, serviceSection } from './units-fake';
import { rig, type Rig } from './units-harness';

type Cause = 'clean' | 'code' | 'signal' | 'timeout' | 'watchdog';
const TABLE: Record<Cause, RestartPolicy[]> = {
  clean: ['always', 'on-success'],
  code: ['always', 'on-failure'],
  signal: ['always', 'on-failure', 'on-abnormal', 'on-abort'],
  timeout: ['always', 'on-failure', 'on-abnormal'],
  watchdog: ['always', 'on-failure', 'on-abnormal', 'on-watchdog'],
};
const POLICIES: RestartPolicy[] = ['no', 'always', 'on-success', 'on-failure', 'on-abnormal', 'on-abort', 'on-watchdog'];

function cause(r: Rig, c: Cause): void {
  const pid = r.h.lastPid();
  switch (c) {
    case 'clean': r.exit(pid, 0); break;
    case 'code': r.exit(pid, 2); break;
    case 'signal': r.exit(pid, 0, 11); break;
    case 'timeout': r.h.advance(5 * SEC); r.exit(pid, 0, 15); break;
    case 'watchdog': r.h.advance(1 * SEC); r.exit(pid, 0, 6, true); break;
  }
}

for (const c of Object.keys(TABLE) as Cause[]) {
  for (const p of POLICIES) {
    const want = TABLE[c].includes(p);
    test(`Restart=${p} on ${c}: ${want ? 'restarts' : 'stays down'}`, () => {
      const r = rig({
        restart: p, type: c === 'timeout' ? 'notify' : 'simple', timeoutStartUs: 5 * SEC,
        watchdogUs: c === 'watchdog' ? 1 * SEC : 0,
      });
      r.m.start();
      if (c === 'watchdog') assert.equal(r.state(), 'active/running');
      cause(r, c);
      if (want) {
        assert.equal(r.state(), 'activating/auto-restart');
        assert.ok(r.h.subStates().includes(c === 'clean' ? 'dead' : 'failed'), 'passes through dead/failed');
        assert.equal(r.h.states.find(s => s.newSub === 'dead' || s.newSub === 'failed')?.flags.willAutoRestart, true);
        r.h.advance(100 * MS);
        assert.equal(r.h.restartRequests, 1);
        assert.equal(r.m.nRestarts, 1);
        // the restart job: stop (auto-restart → dead) then start
        assert.equal(r.m.stop({ restart: true }), 'stopping');
        assert.equal(r.state(), 'inactive/dead');
        assert.equal(r.m.start(), 'started');
        assert.equal(r.m.nRestarts, 1, 'NRestarts kept across the auto-restart');
      } else {
        assert.equal(r.m.activeState(), c === 'clean' ? 'inactive' : 'failed');
        r.h.advance(10 * SEC);
        assert.equal(r.h.restartRequests, 0);
      }
      const expect = { clean: 'success', code: 'exit-code', signal: 'signal', timeout: 'timeout', watchdog: 'watchdog' }[c];
      assert.equal(r.m.result(), want ? 'success' : expect);
    });
  }
}

test('RestartPreventExitStatus=255 blocks; RestartForceExitStatus forces even with Restart=no', () => {
  let r = rig({ restart: 'always', restartPreventExitStatus: { statuses: [255], signals: [] } });
  r.m.start(); r.exit(r.h.lastPid(), 255);
  assert.equal(r.state(), 'failed/failed');
  r = rig({ restart: 'no', restartForceExitStatus: { statuses: [7], signals: [] } });
  r.m.start(); r.exit(r.h.lastPid(), 7);
  assert.equal(r.state(), 'activating/auto-restart');
  r = rig({ restart: 'no', restartForceExitStatus: { statuses: [], signals: [10] } });
  r.m.start(); r.exit(r.h.lastPid(), 0, 10);
  assert.equal(r.state(), 'activating/auto-restart');
});

test('auto-restart: stop job pending skips the restart; explicit stop in auto-restart → dead, no restart', () => {
  const r = rig({ restart: 'always' });
  r.m.start(); r.exit(r.h.lastPid(), 1);
  r.h.stopJob = true;
  r.h.advance(100 * MS);
  assert.equal(r.h.restartRequests, 0);
  assert.equal(r.m.stop(), 'stopping');
  assert.equal(r.state(), 'inactive/dead');
  r.h.advance(10 * SEC);
  assert.equal(r.h.restartRequests, 0);
});

test('start() during auto-restart waits (again); RestartSec=0 still holds one tick', () => {
  const r = rig({ restart: 'always', restartUs: 0 });
  r.m.start(); r.exit(r.h.lastPid(), 1);
  assert.equal(r.m.start(), 'again');
  r.h.advance(1);
  assert.equal(r.h.restartRequests, 1);
});

test('RestartSec + RestartSteps/RestartMaxDelaySec grow geometrically and cap', () => {
  const s = serviceSection({ restartUs: 1 * SEC, restartSteps: 3, restartMaxDelayUs: 8 * SEC });
  assert.deepEqual([1, 2, 3, 4, 5].map(n => restartDelayUs(s, n)), [1 * SEC, 2 * SEC, 4 * SEC, 8 * SEC, 8 * SEC]);
  const r = rig({ restart: 'always', restartUs: 1 * SEC, restartSteps: 3, restartMaxDelayUs: 8 * SEC }, { startLimitIntervalUs: 0 });
  const delays: number[] = [];
  r.m.start();
  for (let i = 0; i < 4; i++) {
    r.exit(r.h.lastPid(), 1);
    const at = r.h.timers.get('timeout');
    assert.ok(at !== undefined);
    delays.push(at - r.h.now());
    r.h.advance(at - r.h.now());
    r.m.stop({ restart: true });
    r.m.start();
  }
  assert.deepEqual(delays, [1 * SEC, 2 * SEC, 4 * SEC, 8 * SEC]);
});

test('start limit: burst 3 → 4th start refused, failed, Result keeps the previous failure; reset-failed clears', () => {
  const r = rig({ restart: 'always', restartUs: 100 * MS }, { startLimitBurst: 3, startLimitIntervalUs: 10 * SEC });
  r.m.start();
  for (let i = 0; i < 2; i++) {
    r.exit(r.h.lastPid(), 1);
    r.h.advance(100 * MS);
    r.m.stop({ restart: true });
    assert.equal(r.m.start(), 'started');
  }
  r.exit(r.h.lastPid(), 1);
  r.h.advance(100 * MS);
  r.m.stop({ restart: true });
  assert.equal(r.m.start(), 'start-limit-hit');
  assert.equal(r.state(), 'failed/failed');
  assert.equal(r.m.result(), 'exit-code');
  assert.equal(r.h.spawned.length, 3);
  assert.ok(r.h.logs.some(l => l.includes('Start request repeated too quickly.')));
  assert.equal(r.m.start(), 'start-limit-hit', 'manual starts fail at once');
  assert.equal(r.m.properties()['NRestarts'], 3);
  r.m.resetFailed();
  assert.equal(r.state(), 'inactive/dead');
  assert.equal(r.m.result(), 'success');
  assert.equal(r.m.nRestarts, 0);
  assert.equal(r.m.start(), 'started');
});

test('start limit from a clean state records start-limit-hit; StartLimitAction runs; interval 0 disables', () => {
  let r = rig({ type: 'oneshot', remainAfterExit: false }, { startLimitBurst: 2, startLimitAction: 'exit' });
  for (let i = 0; i < 2; i++) { r.m.start(); r.exit(r.h.lastPid(), 0); }
  assert.equal(r.m.start(), 'start-limit-hit');
  assert.equal(r.m.result(), 'start-limit-hit');
  assert.deepEqual(r.h.actions.map(a => a.action), ['exit']);
  r = rig({ type: 'oneshot' }, { startLimitBurst: 1, startLimitIntervalUs: 0 });
  for (let i = 0; i < 5; i++) { assert.equal(r.m.start(), 'started'); r.exit(r.h.lastPid(), 0); }
});

test('start limit window slides: after the interval, starts are allowed again', () => {
  const r = rig({ type: 'oneshot' }, { startLimitBurst: 2, startLimitIntervalUs: 10 * SEC });
  for (let i = 0; i < 2; i++) { r.m.start(); r.exit(r.h.lastPid(), 0); }
  r.h.advance(11 * SEC);
  assert.equal(r.m.start(), 'started');
});

test('NRestarts flushed on the next manual start after a final stop', () => {
  const r = rig({ restart: 'on-failure' });
  r.m.start(); r.exit(r.h.lastPid(), 1);
  r.h.advance(100 * MS); r.m.stop({ restart: true }); r.m.start();
  assert.equal(r.m.nRestarts, 1);
  r.m.stop(); r.exit(r.h.lastPid(), 0, 15);
  assert.equal(r.m.nRestarts, 1, 'still visible while stopped');
  r.m.start();
  assert.equal(r.m.nRestarts, 0);
});

test('FailureAction fires on failed (exit status of main), SuccessAction on clean inactive', () => {
  let r = rig({}, { failureAction: 'exit' });
  r.m.start(); r.exit(r.h.lastPid(), 4);
  assert.deepEqual(r.h.actions, [{ action: 'exit', status: 4 }]);
  r = rig({}, { successAction: 'exit-force' });
  r.m.start(); r.exit(r.h.lastPid(), 0);
  assert.deepEqual(r.h.actions, [{ action: 'exit-force', status: 0 }]);
  r = rig({}, { failureAction: 'poweroff' });
  r.m.start(); r.exit(r.h.lastPid(), 0, 11);
  assert.deepEqual(r.h.actions, [{ action: 'poweroff', status: 255 }]);
});
