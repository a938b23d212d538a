// --journal* options, sizes and timespans; the --journal=auto decision; the face's timestamps.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { parseJournalArgs, parseSize, parseTimespanUs } from '../../src/journal/options';
import { journalWanted } from '../../src/journal/manager-hook';
import { parseTimestampUs } from '../../src/cli/journal/main';

test('journal options: sizes, timespans, values, errors', () => {
  assert.equal(parseSize('512K'), 512 * 1024);
  assert.equal(parseSize('1.5G'), 1.5 * 1024 ** 3);
  assert.equal(parseSize('x'), null);
  assert.equal(parseTimespanUs('30s'), 30e6);
  assert.equal(parseTimespanUs('1min 30s'), 90e6);
  assert.equal(parseTimespanUs('5'), 5e6);
  assert.equal(parseTimespanUs('1 fortnight'), null);
  const r = parseJournalArgs(['--journal', '--journal-storage=volatile', '--journal-max-use=64M', '--journal-rate-limit-interval=10s',
    '--journal-rate-limit-burst=5', '--journal-dev-log=no', '--journal-max-level-store=info']);
  assert.ok(r.ok);
  assert.equal(r.config.mode, 'yes');
  assert.equal(r.config.storage, 'volatile');
  assert.equal(r.config.maxUse, 64 * 1024 * 1024);
  assert.equal(r.config.rateLimitIntervalUs, 10e6);
  assert.equal(r.config.rateLimitBurst, 5);
  assert.equal(r.config.devLog, null);
  assert.equal(r.config.maxLevelStore, 6);
  for (const bad of [['--journal=maybe'], ['--journal-storage=tape'], ['--journal-max-use=lots'], ['--journal-socket-dir=relative'], ['--journal-bogus']]) {
    assert.equal(parseJournalArgs(bad).ok, false, bad.join(' '));
  }
});

test('--journal=auto: only the machine\'s system manager, and never next to systemd-journald.socket', () => {
  const cfg = (a: string[]) => { const r = parseJournalArgs(a); assert.ok(r.ok); return r.config; };
  const side = (o: Partial<{ userMode: boolean; defaultControlSocket: boolean; journald: boolean }>) => ({
    userMode: o.userMode ?? false, defaultControlSocket: o.defaultControlSocket ?? true, hasUnit: (n: string) => !!o.journald && n === 'systemd-journald.socket',
  });
  assert.equal(journalWanted(cfg([]), side({})).on, true);
  assert.equal(journalWanted(cfg([]), side({ defaultControlSocket: false })).on, false);
  assert.equal(journalWanted(cfg([]), side({ userMode: true })).on, false);
  assert.equal(journalWanted(cfg(['--journal']), side({ userMode: true })).on, true);
  assert.equal(journalWanted(cfg(['--journal']), side({ journald: true })).on, false);
  assert.equal(journalWanted(cfg(['--no-journal']), side({})).on, false);
});

test('journalctl face timestamps: absolute, relative, keywords', () => {
  const now = Date.UTC(2026, 11, 5, 12, 0, 0) * 1000;
  assert.equal(parseTimestampUs('@1790000000', now), 1790000000e6);
  assert.equal(parseTimestampUs('-1h', now), now - 3600e6);
  assert.equal(parseTimestampUs('5min ago', now), now - 300e6);
  assert.equal(parseTimestampUs('now', now), now);
  assert.throws(() => parseTimestampUs('someday', now));
  assert.ok(parseTimestampUs('today', now) <= now);
  const d = new Date(parseTimestampUs('2026-01-02 03:04:05', now) / 1000);
  assert.deepEqual([d.getFullYear(), d.getMonth(), d.getDate(), d.getHours(), d.getMinutes(), d.getSeconds()], [2026, 0, 2, 3, 4, 5]);
});
