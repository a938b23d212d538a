// e2e: inotify and the CLOCK_REALTIME timerfd through the real addon (src/native/timefd.c): watch
// descriptors, events with names from a watched directory, IN_MODIFY on a watched file, EAGAIN when
// nothing is pending, errno for a missing path; an absolute wall-clock deadline polled to readiness, a
// disarmed timer, and a parked one (cancel-on-set) that stays quiet.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createRealPlatform } from '../../src/platform/real';
import { POLL_READABLE } from '../../src/platform/types';

const p = createRealPlatform();
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

test('inotify: directory and file watches report creations, writes and removals', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tsysd-inotify-'));
  const fd = p.inotifyInit();
  assert.ok(fd >= 0);
  try {
    assert.equal(p.inotifyAddWatch(fd, path.join(dir, 'missing'), 0x100), -2);
    const wdDir = p.inotifyAddWatch(fd, dir, 0x100 | 0x200 | 0x8);   // CREATE | DELETE | CLOSE_WRITE
    assert.ok(wdDir > 0);
    assert.equal(p.inotifyRead(fd), -11);
    let ready = 0;
    const w = p.pollFd(fd, POLL_READABLE, () => { ready++; });
    fs.writeFileSync(path.join(dir, 'a'), 'x');
    for (let i = 0; i < 50 && ready === 0; i++) await sleep(10);
    p.unpollFd(w);
    const ev = p.inotifyRead(fd);
    assert.ok(Array.isArray(ev));
    assert.ok(ev.some((e) => e.wd === wdDir && (e.mask & 0x100) && e.name === 'a'), JSON.stringify(ev));
    assert.ok(ev.some((e) => e.wd === wdDir && (e.mask & 0x8) && e.name === 'a'));
    const wdFile = p.inotifyAddWatch(fd, path.join(dir, 'a'), 0x2);    // MODIFY
    assert.ok(wdFile > 0 && wdFile !== wdDir);
    fs.appendFileSync(path.join(dir, 'a'), 'y');
    fs.rmSync(path.join(dir, 'a'));
    await sleep(20);
    const ev2 = p.inotifyRead(fd);
    assert.ok(Array.isArray(ev2));
    assert.ok(ev2.some((e) => e.wd === wdFile && (e.mask & 0x2)));
    assert.ok(ev2.some((e) => e.wd === wdDir && (e.mask & 0x200) && e.name === 'a'));
  } finally {
    p.close(fd);
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('realtime timerfd: an absolute deadline becomes readable on time; disarmed and parked ones stay quiet', async () => {
  const fd = p.realtimeTimerCreate();
  assert.ok(fd >= 0);
  try {
    assert.equal(p.realtimeTimerRead(fd), -11);
    const at = p.realtimeUs() + 150_000;
    assert.equal(p.realtimeTimerSet(fd, at, true), 0);
    let firedAt = 0;
    const w = p.pollFd(fd, POLL_READABLE, () => { if (!firedAt) firedAt = p.realtimeUs(); });
    for (let i = 0; i < 200 && !firedAt; i++) await sleep(10);
    p.unpollFd(w);
    assert.ok(firedAt >= at, `not early (${firedAt - at} µs)`);
    assert.equal(p.realtimeTimerRead(fd), 1);
    assert.equal(p.realtimeTimerSet(fd, p.realtimeUs() + 50_000, false), 0);
    assert.equal(p.realtimeTimerSet(fd, 0, false), 0);                 // disarm
    await sleep(100);
    assert.equal(p.realtimeTimerRead(fd), -11);
    assert.equal(p.realtimeTimerSet(fd, 253402300799 * 1_000_000, true), 0);
    await sleep(20);
    assert.equal(p.realtimeTimerRead(fd), -11);
  } finally {
    p.close(fd);
  }
});
