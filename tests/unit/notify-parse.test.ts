// sd_notify payload parsing and the NotifyAccess= policy.
import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { isNotifyAllowed } from '../../src/notify/access';
import { formatNotify, notifyGet, notifyHas, parseErrno, parseNotify, parsePid, parseUsec } from '../../src/notify/parse';

test('several assignments per datagram, with or without trailing newline', () => {
  for (const p of ['READY=1\nSTATUS=up', 'READY=1\nSTATUS=up\n', Buffer.from('READY=1\nSTATUS=up\n')]) {
    const m = parseNotify(p);
    assert.deepEqual(m.entries, [['READY', '1'], ['STATUS', 'up']]);
  }
});

test('values keep "=" and spaces; empty lines and lines without "=" are skipped; first value wins for get()', () => {
  const m = parseNotify('\nSTATUS=a=b c\nGARBAGE\n=x\nSTATUS=second\n\n');
  assert.equal(notifyGet(m, 'STATUS'), 'a=b c');
  assert.equal(m.entries.length, 2);
  assert.equal(notifyGet(m, 'MISSING'), undefined);
  assert.ok(notifyHas(m, 'STATUS', 'second'));
  assert.ok(!notifyHas(m, 'STATUS', 'x'));
});

test('empty STATUS= is kept as an empty value (clears the status)', () => {
  assert.equal(notifyGet(parseNotify('STATUS='), 'STATUS'), '');
});

test('unknown and X_ keys are kept for the consumer to ignore', () => {
  const m = parseNotify('X_MY_KEY=1\nBARRIER=1');
  assert.deepEqual(m.entries.map(e => e[0]), ['X_MY_KEY', 'BARRIER']);
});

test('formatNotify round-trips', () => {
  const e: [string, string][] = [['READY', '1'], ['MAINPID', '42']];
  assert.deepEqual(parseNotify(formatNotify(e)).entries, e);
});

test('parsePid/parseUsec/parseErrno validate', () => {
  assert.equal(parsePid('123'), 123);
  assert.equal(parsePid('0'), null);
  assert.equal(parsePid('-1'), null);
  assert.equal(parsePid('12a'), null);
  assert.equal(parseUsec('5000000'), 5_000_000);
  assert.equal(parseUsec('1.5'), null);
  assert.equal(parseErrno('2'), 2);
  assert.equal(parseErrno('ENOENT'), 2);
  assert.equal(parseErrno('EWHAT'), null);
});

test('NotifyAccess policy: none/main/exec/all', () => {
  const pids = { mainPid: 10, controlPid: 20, unitHasPid: (p: number) => p === 30 || p === 10 || p === 20 };
  assert.equal(isNotifyAllowed('none', 10, pids).allowed, false);
  assert.equal(isNotifyAllowed('main', 10, pids).allowed, true);
  assert.equal(isNotifyAllowed('main', 20, pids).allowed, false);
  assert.equal(isNotifyAllowed('exec', 20, pids).allowed, true);
  assert.equal(isNotifyAllowed('exec', 30, pids).allowed, false);
  assert.equal(isNotifyAllowed('all', 30, pids).allowed, true);
  assert.equal(isNotifyAllowed('all', 31, pids).allowed, false);
  const unknown = isNotifyAllowed('main', 10, { ...pids, mainPid: 0 });
  assert.equal(unknown.allowed, false);
  assert.ok(!unknown.allowed && unknown.reason.includes('currently not known'));
});
