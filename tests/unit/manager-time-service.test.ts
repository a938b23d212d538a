// The manager's TimeService on FakePlatform: monotonic wake-ups through platform timers, wall-clock
// wake-ups through the CLOCK_REALTIME timerfd (armed absolute, with cancel-on-set; far in the future when
// nothing waits), one dispatch for everything due, a clock change (ECANCELED) reaching every machine's
// onClockChange and re-arming, a /etc/localtime change reaching onTimezoneChange once, crash-guarded.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FakePlatform } from '../../src/platform/fake';
import { TimeService } from '../../src/manager/time-service';
import type { EventSource } from '../../src/manager/barrier';
import type { UnitMachine } from '../../src/units/types';

function rig(): { p: FakePlatform; t: TimeService; calls: string[]; guarded: EventSource[] } {
  const p = new FakePlatform();
  const calls: string[] = [];
  const guarded: EventSource[] = [];
  p.files.set('/etc/localtime', 'TZif-A');
  const machine = {
    onClockChange: () => calls.push('clock'),
    onTimezoneChange: () => calls.push('zone'),
  } as unknown as UnitMachine;
  const t = new TimeService({
    platform: p,
    guard: (src, _unit, fn) => { guarded.push(src); fn(); },
    machines: () => [{ id: 'a.timer', machine }],
    log: () => undefined,
  });
  return { p, t, calls, guarded };
}

test('monotonic entries fire through one platform timer at the coalesced wake-up', () => {
  const { p, t } = rig();
  const fired: string[] = [];
  const now = p.monotonicUs();
  t.arm('a', 'monotonic', now + 30_000_000, 60_000_000, () => fired.push('a'));
  t.arm('b', 'monotonic', now + 50_000_000, 60_000_000, () => fired.push('b'));
  p.flush();                                   // re-armed once, on the next turn
  assert.equal(p.pendingTimers(), 1);
  p.advance(29_000_000);
  assert.deepEqual(fired, []);
  p.advance(70_000_000);
  assert.deepEqual(fired, ['a', 'b']);         // both due at the single wake-up
  t.clear('a');
});

test('wall-clock entries arm the realtime timerfd absolute with cancel-on-set; nothing waiting arms it far away', () => {
  const { p, t } = rig();
  const fd = [...p.realtimeTimers.keys()][0]!;
  assert.ok(p.realtimeTimers.get(fd)!.at > 253_000_000_000 * 1_000_000, 'parked in year 9999');
  assert.equal(p.realtimeTimers.get(fd)!.cancelOnSet, true);
  const fired: string[] = [];
  const at = p.realtimeUs() + 5_000_000;
  t.arm('r', 'realtime', at, 1, () => fired.push('r'));
  p.flush();
  assert.equal(p.realtimeTimers.get(fd)!.at, at);
  p.advance(5_000_000);
  p.readable(fd);
  assert.deepEqual(fired, ['r']);
  assert.ok(p.realtimeTimers.get(fd)!.at > 253_000_000_000 * 1_000_000);
});

test('a clock change (ECANCELED on the timerfd) reaches every machine and re-arms; a zone change once', () => {
  const { p, t, calls, guarded } = rig();
  const fd = [...p.realtimeTimers.keys()][0]!;
  p.realtimeReadResult = -125;
  p.readable(fd);
  assert.deepEqual(calls, ['clock']);
  assert.ok(guarded.includes('timer'));
  t.checkTimezone();                          // unchanged content: nothing
  assert.deepEqual(calls, ['clock']);
  p.files.set('/etc/localtime', 'TZif-B');
  t.checkTimezone();
  assert.deepEqual(calls, ['clock', 'zone']);
  t.dispose();
});
