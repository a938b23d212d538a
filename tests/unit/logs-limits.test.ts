// Bounds on logged lines (issue 12 #6): LogStore.append cuts any line at maxLineBytes (manager lines
// quoting a unit file's value were stored whole: one was 859,020 characters), cutUtf8 never splits a
// character, the number of per-unit buffers is bounded, RepeatFilter lets one set of diagnostics through once.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { cutUtf8, LINE_MAX, RepeatFilter } from '../../src/logs/limits';
import { LogStore } from '../../src/logs/store';

test('LogStore.append cuts manager lines at maxLineBytes', () => {
  const s = new LogStore({ maxLineBytes: 1024 });
  const l = s.append({ ts: 1, unit: 'a.service', pid: 0, stream: 'manager', priority: 4, ident: 'tsysd', text: 'x'.repeat(859020) });
  assert.equal(l.text.length, 1024);
  assert.equal(s.tail('a.service', 1)[0]?.text.length, 1024);
  const d = new LogStore();
  assert.equal(Buffer.byteLength(d.append({ ts: 1, unit: '', pid: 0, stream: 'manager', priority: 4, ident: 'tsysd', text: 'é'.repeat(100000) }).text), 48 * 1024);
});

test('cutUtf8: byte bound at a character boundary', () => {
  assert.equal(cutUtf8('abc', 10), 'abc');
  assert.equal(cutUtf8('aé€😀', 1), 'a');
  assert.equal(cutUtf8('aé€😀', 2), 'a');
  assert.equal(cutUtf8('aé€😀', 3), 'aé');
  assert.equal(cutUtf8('aé€😀', 6), 'aé€');
  assert.equal(cutUtf8('aé€😀', 9), 'aé€');
  assert.equal(cutUtf8('aé€😀', 10), 'aé€😀');
  const long = '😀'.repeat(5000);
  const c = cutUtf8(long, LINE_MAX);
  assert.ok(Buffer.byteLength(c) <= LINE_MAX && Buffer.byteLength(c) > LINE_MAX - 4);
  assert.ok(!c.endsWith('\ud83d'));
});

test('per-unit buffers are bounded in number (oldest dropped, the all-units buffer keeps its lines)', () => {
  const s = new LogStore({ maxUnits: 20, perUnit: 10 });
  for (let i = 0; i < 100; i++) s.append({ ts: i, unit: `u${i}.service`, pid: 0, stream: 'manager', priority: 4, ident: 'tsysd', text: `m${i}` });
  assert.deepEqual(s.tail('u0.service', 10), []);
  assert.equal(s.tail('u99.service', 10)[0]?.text, 'm99');
  assert.equal(s.tail('u80.service', 10)[0]?.text, 'm80');
  assert.equal(s.tail(null, 1000).length, 40);
});

test('RepeatFilter: once per key, bounded, clear() starts over', () => {
  const f = new RepeatFilter(3);
  assert.deepEqual(['a', 'a', 'b', 'c', 'b'].map((k) => f.firstTime(k)), [true, false, true, true, false]);
  assert.ok(f.firstTime('d'));            // forgets 'a'
  assert.equal(f.size, 3);
  assert.ok(f.firstTime('a'));
  f.clear();
  assert.ok(f.firstTime('b'));
});
