// The timer machine (systemd 252's timer.c) on a fake clock: every trigger (OnActiveSec=, OnBootSec=,
// OnStartupSec=, OnUnitActiveSec=, OnUnitInactiveSec=, OnCalendar=), AccuracySec= coalescing,
// RandomizedDelaySec=, FixedRandomDelay=, Persistent= with stamp files and catch-up, RemainAfterElapse=,
// OnClockChange=/OnTimezoneChange=, DST, leap days, month ends, clock jumps. Calendar results quoted here
// were checked with `systemd-analyze calendar --base-time=...` (systemd 252; the TZ strings are POSIX
// rules so no zone files are needed).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LibcTime } from '../../src/calendar/libc';
import { sleepBetween, perturbFromId, ClockQueue } from '../../src/units/timer/coalesce';
import { siphash24, fixedDelayHash, parseId128 } from '../../src/units/timer/fixed-delay';
import { FakeTimerHost, timerRig, timerConfig, SEC, MIN, HOUR, DAY } from './timer-fake';

const utc = (y: number, mo: number, d: number, h = 0, mi = 0, s = 0): number => Date.UTC(y, mo - 1, d, h, mi, s) * 1000;

test('sleep_between: latest aligned point in the window, by minute, 10 s, 1 s, 250 ms, else the end', () => {
  // a=1030 s, b=1090 s: the minute boundary 1080 s (+perturb 0) lies inside
  assert.equal(sleepBetween(1030 * SEC, 1090 * SEC, 0), 1080 * SEC);
  // perturb 7 s shifts every alignment point
  assert.equal(sleepBetween(1030 * SEC, 1090 * SEC, 7 * SEC), 1087 * SEC);
  // window 1001..1005 s: no minute or 10 s point, the 1 s point 1004 s (+0.3 s perturb → 1004.3 ≥ b? no)
  assert.equal(sleepBetween(1001 * SEC, 1005 * SEC, 300_000), 1004.3 * SEC);
  // window shorter than 250 ms without an aligned point: the end
  assert.equal(sleepBetween(1000.1 * SEC, 1000.2 * SEC, 0), 1000.2 * SEC);
  // degenerate windows
  assert.equal(sleepBetween(5, 5, 0), 5);
  assert.equal(sleepBetween(0, 100, 0), 0);
  assert.equal(sleepBetween(Infinity, Infinity, 0), Infinity);
});

test('ClockQueue: one wake-up for several timers, every due one dispatched on it', () => {
  const q = new ClockQueue(0);
  const fired: string[] = [];
  q.arm('a', 1030 * SEC, 60 * SEC, () => fired.push('a'));
  q.arm('b', 1050 * SEC, 60 * SEC, () => fired.push('b'));
  assert.equal(q.nextWake(), 1080 * SEC);       // sleep_between(earliest 1030, earliest latest 1090)
  for (const f of q.due(1080 * SEC)) f();
  assert.deepEqual(fired, ['a', 'b']);
  assert.equal(q.size, 0);
  q.arm('c', 10 * SEC, 1, () => fired.push('c'));
  q.arm('c', 20 * SEC, 1, () => fired.push('c2'));   // re-arming replaces
  assert.equal(q.nextWake(), 20 * SEC);
});

test('SipHash-2-4 reference vector, boot-id perturbation and FixedRandomDelay hash are deterministic', () => {
  const key = new Uint8Array(16).map((_, i) => i);
  const msg = new Uint8Array(15).map((_, i) => i);
  assert.equal(siphash24(msg, key), 0xa129ca6149be45e5n);   // the SipHash paper's test vector
  assert.equal(siphash24(new Uint8Array(0), key), 0x726fdb47dd0e0e31n);
  const id = parseId128('0123456789abcdef0123456789abcdef')!;
  assert.equal(perturbFromId(id), 0);                       // identical qwords cancel
  assert.ok(perturbFromId(parseId128('00000000000000000100000000000000')) >= 0);
  const a = fixedDelayHash('a.timer', { machineId: id, system: true, uid: 0 });
  assert.equal(a, fixedDelayHash('a.timer', { machineId: id, system: true, uid: 0 }));
  assert.notEqual(a, fixedDelayHash('b.timer', { machineId: id, system: true, uid: 0 }));
  assert.notEqual(a, fixedDelayHash('a.timer', { machineId: id, system: false, uid: 0 }));
});

test('OnActiveSec=: fires once after the span (coalesced in AccuracySec=), passes TRIGGER_* env, then elapsed', () => {
  const { m, h } = timerRig(['OnActiveSec=30s']);
  const t0 = h.mono;
  assert.equal(m.start(), 'started');
  assert.equal(m.subState(), 'waiting');
  assert.equal(m.nextElapseMonotonic, t0 + 30 * SEC);
  const job = h.runUntilJob()!;
  assert.equal(job.at.mono, 1080 * SEC);                    // sleep_between(1030 s, 1090 s) with perturb 0
  assert.equal(m.subState(), 'running');
  assert.deepEqual(Object.keys(job.env), ['TRIGGER_UNIT', 'TRIGGER_TIMER_REALTIME_USEC', 'TRIGGER_TIMER_MONOTONIC_USEC']);
  assert.equal(job.env.TRIGGER_UNIT, 'test.timer');
  assert.equal(job.env.TRIGGER_TIMER_MONOTONIC_USEC, String(1080 * SEC));
  assert.equal(job.env.TRIGGER_TIMER_REALTIME_USEC, String(h.rt));
  h.serviceRuns(5 * SEC);
  // the one-time trigger has passed: no value left → elapsed (RemainAfterElapse=yes keeps it active)
  assert.equal(m.subState(), 'elapsed');
  assert.equal(m.activeState(), 'active');
  assert.equal(h.runUntilJob(10 * DAY), null);
  // starting again is a no-op while elapsed; a stop and a start re-enables it
  assert.equal(m.start(), 'noop');
  assert.equal(m.stop(), 'stopping');
  assert.equal(m.subState(), 'dead');
  assert.equal(m.start(), 'started');
  assert.ok(h.runUntilJob(MIN * 2));
});

test('AccuracySec=1us fires at the exact elapse; RemainAfterElapse=no ends dead', () => {
  const { m, h } = timerRig(['OnActiveSec=30s', 'AccuracySec=1us', 'RemainAfterElapse=no']);
  const t0 = h.mono;
  m.start();
  assert.equal(h.runUntilJob()!.at.mono, t0 + 30 * SEC);
  h.serviceRuns(SEC);
  assert.equal(m.subState(), 'dead');
  assert.equal(m.activeState(), 'inactive');
});

test('OnBootSec= counts from the manager start in a container, from boot otherwise; OnStartupSec= from the manager start', () => {
  let r = timerRig(['OnBootSec=20min', 'AccuracySec=1us']);
  r.h.container = true;
  r.m.start();
  assert.equal(r.m.nextElapseMonotonic, r.h.userspace + 20 * MIN);
  r = timerRig(['OnBootSec=20min', 'AccuracySec=1us']);
  r.h.container = false;
  r.m.start();
  assert.equal(r.m.nextElapseMonotonic, 20 * MIN);
  r = timerRig(['OnStartupSec=1h', 'AccuracySec=1us']);
  r.h.container = false;
  r.m.start();
  assert.equal(r.m.nextElapseMonotonic, r.h.userspace + HOUR);
  // an OnBootSec= already in the past at start fires at once (it has never triggered)
  r = timerRig(['OnBootSec=1s', 'AccuracySec=1us']);
  r.m.start();
  assert.ok(r.m.nextElapseMonotonic < r.h.mono);
  assert.equal(r.h.runUntilJob(SEC)!.at.mono, r.h.mono);
});

test('OnUnitActiveSec=: re-arms relative to the service activation, every period, and stays elapsed-free', () => {
  const { m, h } = timerRig(['OnActiveSec=1min', 'OnUnitActiveSec=1h', 'AccuracySec=1us']);
  const t0 = h.mono;
  m.start();
  const first = h.runUntilJob()!;
  assert.equal(first.at.mono, t0 + MIN);
  h.setTrigger('active');                                  // service started by the job
  const activeAt = h.mono;
  h.advance(10 * SEC);
  h.setTrigger('inactive');
  assert.equal(m.subState(), 'waiting');
  assert.equal(m.nextElapseMonotonic, activeAt + HOUR);    // max(inactive exit, last trigger) + 1 h
  const second = h.runUntilJob()!;
  assert.equal(second.at.mono, activeAt + HOUR);
  h.serviceRuns(SEC);
  assert.equal(h.runUntilJob()!.at.mono, second.at.mono + HOUR);
});

test('OnUnitInactiveSec=: counts from the service becoming inactive', () => {
  const { m, h } = timerRig(['OnActiveSec=1s', 'OnUnitInactiveSec=10min', 'AccuracySec=1us']);
  m.start();
  h.runUntilJob();
  h.serviceRuns(3 * MIN);
  const inactiveAt = h.mono;
  assert.equal(m.nextElapseMonotonic, inactiveAt + 10 * MIN);
  assert.equal(h.runUntilJob()!.at.mono, inactiveAt + 10 * MIN);
});

test('a service still running when the timer fires again is not started twice: the timer waits in running', () => {
  const { m, h } = timerRig(['OnActiveSec=1s', 'OnUnitActiveSec=1min', 'AccuracySec=1us']);
  m.start();
  h.runUntilJob();
  h.setTrigger('active');
  h.advance(10 * MIN);                                     // service runs for 10 minutes
  assert.equal(m.subState(), 'running');
  assert.equal(h.jobs.length, 1);
  h.setTrigger('inactive');
  assert.equal(m.subState(), 'waiting');
  assert.equal(h.runUntilJob(2 * MIN)!.at.mono, h.mono);  // overdue: fires at once
});

test('OnCalendar=daily in UTC: the next midnight, then every midnight', () => {
  const { m, h } = timerRig(['OnCalendar=daily', 'AccuracySec=1us']);
  m.start();
  assert.equal(m.nextElapseRealtime, utc(2024, 3, 31));     // Sun 2024-03-31 00:00:00 UTC
  const j = h.runUntilJob()!;
  assert.equal(j.at.rt, utc(2024, 3, 31));
  h.serviceRuns(SEC);
  assert.equal(m.nextElapseRealtime, utc(2024, 4, 1));      // Mon 2024-04-01 00:00:00 UTC
});

test('OnCalendar= values are OR-ed; an empty On*= clears every value', () => {
  const { m } = timerRig(['OnCalendar=*-*-* 06:00', 'OnCalendar=*-*-* 18:00', 'AccuracySec=1us']);
  m.start();
  assert.equal(m.nextElapseRealtime, utc(2024, 3, 30, 18));
  const cfg = timerConfig(['OnCalendar=daily', 'OnActiveSec=', 'OnActiveSec=5s']);
  assert.deepEqual(cfg.timer!.values.map((v) => v.base), ['OnActiveSec']);
  const bad = timerConfig(['OnCalendar=daily', 'OnCalendar=']);
  assert.equal(bad.loadState, 'bad-setting');
  assert.ok(bad.diagnostics.some((d) => d.message === 'Timer unit lacks value setting. Refusing.'));
});

test('DST: 02:30 does not exist on the spring-forward day (CET) and is skipped; 01:30 happens once on the fall-back day (US)', () => {
  const cet = new LibcTime(() => null, 'CET-1CEST,M3.5.0,M10.5.0/3');
  let r = timerRig(['OnCalendar=*-*-* 02:30', 'AccuracySec=1us'], new FakeTimerHost(cet));
  r.m.start();
  assert.equal(r.m.nextElapseRealtime, utc(2024, 4, 1, 0, 30));   // Mon 2024-04-01 02:30:00 CEST
  const us = new LibcTime(() => null, 'EST5EDT,M3.2.0,M11.1.0');
  r = timerRig(['OnCalendar=*-*-* 01:30', 'AccuracySec=1us'], new FakeTimerHost(us, utc(2024, 11, 3, 5)));
  r.m.start();
  assert.equal(r.h.runUntilJob()!.at.rt, utc(2024, 11, 3, 5, 30));  // Sun 01:30 EDT
  r.h.serviceRuns(SEC);
  assert.equal(r.m.nextElapseRealtime, utc(2024, 11, 4, 6, 30));   // Mon 01:30 EST: not 01:30 EST on Sunday
});

test('leap days and month ends: *-02-29 waits for 2028; *-*~01 is the last day of each month', () => {
  let r = timerRig(['OnCalendar=*-02-29 00:00', 'AccuracySec=1us'], new FakeTimerHost(undefined, utc(2025, 3, 1)));
  r.m.start();
  assert.equal(r.m.nextElapseRealtime, utc(2028, 2, 29));
  r = timerRig(['OnCalendar=*-*~01 12:00', 'AccuracySec=1us']);
  r.m.start();
  assert.equal(r.h.runUntilJob()!.at.rt, utc(2024, 3, 31, 12));
  r.h.serviceRuns(SEC);
  assert.equal(r.h.runUntilJob()!.at.rt, utc(2024, 4, 30, 12));
  r.h.serviceRuns(SEC);
  assert.equal(r.m.nextElapseRealtime, utc(2024, 5, 31, 12));
});

test('RandomizedDelaySec= adds random_u64() % delay to each elapse; FixedRandomDelay= uses the stable hash', () => {
  let r = timerRig(['OnActiveSec=10s', 'RandomizedDelaySec=1h', 'AccuracySec=1us']);
  r.h.randoms = [BigInt(HOUR) * 7n + 1234n];                 // → 1234 µs
  const t0 = r.h.mono;
  r.m.start();
  assert.equal(r.m.nextElapseMonotonic, t0 + 10 * SEC + 1234);
  r = timerRig(['OnActiveSec=10s', 'RandomizedDelaySec=1h', 'FixedRandomDelay=yes', 'AccuracySec=1us']);
  r.h.identity = { machineId: parseId128('0123456789abcdef0123456789abcdef'), system: true, uid: 0 };
  const t1 = r.h.mono;
  r.m.start();
  const expected = Number(fixedDelayHash('test.timer', r.h.identity) % BigInt(HOUR));
  assert.equal(r.m.nextElapseMonotonic, t1 + 10 * SEC + expected);
  assert.ok(expected > 0 && expected < HOUR);
});

test('Persistent=: a two-day-old stamp fires once at start (catch-up), then the next regular elapse; stamps are written', () => {
  const h = new FakeTimerHost();
  h.files.set(h.stamp!, utc(2024, 3, 28, 9));                 // last run two days ago
  const { m } = timerRig(['OnCalendar=daily', 'Persistent=yes', 'AccuracySec=1us'], h);
  m.start();
  // next after the stamp (2024-03-29 00:00) lies in the past: rebased to the manager's start, i.e. due now
  assert.ok(m.nextElapseRealtime <= h.rt);
  const j = h.runUntilJob(SEC)!;
  assert.equal(j.at.rt, h.rt);
  assert.equal(h.files.get(h.stamp!), j.at.rt);               // stamp touched with the trigger time
  h.serviceRuns(SEC);
  assert.equal(m.nextElapseRealtime, utc(2024, 3, 31));        // then midnight as usual, once
  assert.equal(h.jobs.length, 1);
});

test('Persistent=: no stamp yet → one is created at start and nothing is caught up; a future stamp is ignored', () => {
  let h = new FakeTimerHost();
  let r = timerRig(['OnCalendar=daily', 'Persistent=yes'], h);
  r.m.start();
  assert.equal(h.files.get(h.stamp!), h.rt);
  assert.equal(r.m.nextElapseRealtime, utc(2024, 3, 31));
  h = new FakeTimerHost();
  h.files.set(h.stamp!, utc(2030, 1, 1));
  r = timerRig(['OnCalendar=daily', 'Persistent=yes'], h);
  r.m.start();
  assert.ok(h.logs.some((l) => l.includes('Not using persistent file timestamp Tue 2030-01-01 00:00:00 UTC as it is in the future.')));
  assert.equal(r.m.nextElapseRealtime, utc(2024, 3, 31));
});

test('clock jumps: a backwards jump rewinds the last trigger and recomputes; OnClockChange= triggers instead', () => {
  const { m, h } = timerRig(['OnCalendar=hourly', 'AccuracySec=1us']);
  m.start();
  h.runUntilJob();                                            // 13:00
  h.serviceRuns(SEC);
  assert.equal(m.nextElapseRealtime, utc(2024, 3, 30, 14));
  h.rt -= 2 * DAY;                                            // the wall clock is set back two days
  m.onClockChange();
  assert.equal(m.lastTrigger.realtime, h.rt);                 // rewound to now
  assert.equal(m.nextElapseRealtime, utc(2024, 3, 28, 14));
  const r = timerRig(['OnCalendar=daily', 'OnClockChange=yes']);
  r.m.start();
  r.h.rt += HOUR;
  r.m.onClockChange();
  assert.equal(r.h.jobs.length, 1);
  assert.equal(r.m.subState(), 'running');
});

test('a forward jump past the elapse fires on the next dispatch (realtime wake-ups follow the wall clock)', () => {
  const { m, h } = timerRig(['OnCalendar=daily', 'AccuracySec=1us']);
  m.start();
  h.rt += DAY;                                                // jump past midnight
  m.onClockChange();
  const j = h.runUntilJob(SEC)!;
  assert.ok(j && j.at.mono - h.mono <= SEC);
});

test('OnTimezoneChange= triggers on a zone change; otherwise the elapse is recomputed; OnClockChange= alone is a valid timer', () => {
  const r = timerRig(['OnTimezoneChange=yes']);
  assert.equal(r.m.start(), 'started');
  assert.equal(r.m.subState(), 'waiting');                    // nothing armed, but waiting for changes
  assert.equal(r.h.nextWake(), Infinity);
  r.m.onTimezoneChange();
  assert.equal(r.h.jobs.length, 1);
  const c = timerRig(['OnCalendar=daily']);
  c.m.start();
  c.m.onTimezoneChange();
  assert.equal(c.h.jobs.length, 0);
  assert.equal(c.m.subState(), 'waiting');
});

test('start refusals: start limit, missing or unloaded trigger; queue failure and a vanished trigger fail with resources', () => {
  let r = timerRig(['OnActiveSec=1h']);
  r.h.trigger = { id: 'x.service', loaded: false, activeState: 'inactive', inactiveExitMonotonic: 0, inactiveEnterMonotonic: 0 };
  assert.equal(r.m.start(), 'refused');
  assert.ok(r.h.logs.some((l) => l.includes('Refusing to start, unit x.service to trigger not loaded.')));
  r = timerRig(['OnActiveSec=1s', 'AccuracySec=1us']);
  r.h.refuseJobs = true;
  r.m.start();
  r.h.advance(2 * SEC);
  assert.equal(r.m.subState(), 'failed');
  assert.equal(r.m.result(), 'resources');
  r.m.resetFailed();
  assert.equal(r.m.subState(), 'dead');
  assert.equal(r.m.result(), 'success');
  r = timerRig(['OnActiveSec=1h']);
  for (let i = 0; i < 5; i++) { assert.equal(r.m.start(), 'started'); r.m.stop(); }
  assert.equal(r.m.start(), 'start-limit-hit');
  assert.equal(r.m.subState(), 'failed');
  assert.equal(r.m.result(), 'start-limit-hit');
});

test('a pending stop job keeps an elapsing timer from queueing the start', () => {
  const { m, h } = timerRig(['OnActiveSec=1s', 'AccuracySec=1us']);
  m.start();
  h.stopJob = true;
  h.advance(2 * SEC);
  assert.equal(h.jobs.length, 0);
  assert.equal(m.subState(), 'waiting');
});

test('show properties: TimersMonotonic/TimersCalendar in systemd order, NextElapse*, LastTriggerUSec, Unit, flags', () => {
  const { m, h } = timerRig(['OnBootSec=20min', 'OnUnitActiveSec=1d', 'OnCalendar=weekly', 'Persistent=yes', 'AccuracySec=1us']);
  h.mono = 100 * SEC;                                       // 100 s after boot, 95 s after the manager started
  m.start();
  const p = m.properties();
  assert.equal(p.TimersCalendar, '{ OnCalendar=Mon *-*-* 00:00:00 ; next_elapse=Mon 2024-04-01 00:00:00 UTC }');
  // list order is systemd's (last written first); OnUnitActiveSec= has no base yet, its next_elapse stays 0
  assert.equal(p.TimersMonotonic, '{ OnUnitActiveUSec=1d ; next_elapse=0 }\n{ OnBootUSec=20min ; next_elapse=20min 5s }');
  assert.equal(p.NextElapseUSecRealtime, 'Mon 2024-04-01 00:00:00 UTC');
  assert.equal(p.NextElapseUSecMonotonic, '20min 5s');
  assert.equal(p.LastTriggerUSec, '');
  assert.equal(p.Unit, 'test.service');
  assert.equal(p.Persistent, true);
  assert.equal(p.RemainAfterElapse, true);
  assert.equal(p.AccuracyUSec, '1us');
  assert.equal(p.Result, 'success');
  h.runUntilJob();
  assert.equal(m.properties().LastTriggerUSec, 'Sat 2024-03-30 12:18:25 UTC');     // 20 min 5 s after boot
});
