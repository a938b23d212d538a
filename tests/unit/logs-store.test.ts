// LogStore and LineSplitter: bounded ring buffers, tail/since, subscribers, file rotation, line bounding.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { LineSplitter, LogStore, formatShort, type LogLine } from '../../src/logs/store';

function line(unit: string, text: string, ts = Date.now() * 1000): LogLine {
  return { seq: 0, ts, unit, pid: 42, stream: 'stdout', priority: 6, ident: 'sh', text };
}

test('ring buffer keeps only the last perUnit lines per unit', () => {
  const s = new LogStore({ perUnit: 10 });
  for (let i = 0; i < 25; i++) s.append(line('a.service', `a${i}`));
  s.append(line('b.service', 'b0'));
  const a = s.tail('a.service', 100);
  assert.equal(a.length, 10);
  assert.equal(a[0]?.text, 'a15');
  assert.equal(a[9]?.text, 'a24');
  assert.deepEqual(s.tail('a.service', 2).map((l) => l.text), ['a23', 'a24']);
  assert.deepEqual(s.tail('b.service', 5).map((l) => l.text), ['b0']);
  assert.deepEqual(s.tail('missing.service', 5), []);
  const last = s.tail('a.service', 1)[0];
  assert.ok(last && last.seq === 25, 'seq counts every appended line');
  assert.deepEqual(s.after('a.service', 23).map((l) => l.text), ['a23', 'a24']);
});

test('tail honours since and subscribers see every line; a throwing subscriber is dropped', () => {
  const s = new LogStore();
  const seen: string[] = [];
  const off = s.subscribe((l) => seen.push(l.text));
  let calls = 0;
  s.subscribe(() => { calls++; throw new Error('bad subscriber'); });
  s.append(line('u.service', 'old', 1000));
  s.append(line('u.service', 'new', 5000));
  assert.deepEqual(s.tail('u.service', 10, 2000).map((l) => l.text), ['new']);
  assert.deepEqual(seen, ['old', 'new']);
  assert.equal(calls, 1);
  off();
  s.append(line('u.service', 'later'));
  assert.deepEqual(seen, ['old', 'new']);
});

test('files are written per unit and rotated at maxFileBytes', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tsysd-logs-'));
  try {
    const s = new LogStore({ dir, maxFileBytes: 200 });
    for (let i = 0; i < 20; i++) s.append(line('rot.service', `line number ${i}`));
    s.close();
    await new Promise((r) => setTimeout(r, 50));
    assert.ok(fs.existsSync(path.join(dir, 'rot.service.log.1')), 'rotated file exists');
    const cur = fs.existsSync(path.join(dir, 'rot.service.log')) ? fs.readFileSync(path.join(dir, 'rot.service.log'), 'utf8') : '';
    const old = fs.readFileSync(path.join(dir, 'rot.service.log.1'), 'utf8');
    assert.match(old + cur, /line number 19/);
    assert.match(old, /sh\[42\]: line number/);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('LineSplitter splits on LF, strips CR, bounds long lines and flushes the tail on end()', () => {
  const out: string[] = [];
  const sp = new LineSplitter(5, (t) => out.push(t));
  sp.push('ab\r\ncd');
  sp.push('e\nxyz1234567');
  sp.push('\n\n');
  sp.push('tail');
  sp.end();
  assert.deepEqual(out, ['ab', 'cde', 'xyz12', '34567', '', 'tail']);
});

test('formatShort renders journalctl short format', () => {
  const ts = new Date(2026, 10, 22, 2, 49, 58).getTime() * 1000;
  assert.equal(formatShort(line('x.service', 'hello', ts), 'box'), 'Nov 22 02:49:58 box sh[42]: hello');
  assert.equal(formatShort({ ...line('', 'boot', ts), pid: 0, ident: '' }, 'box'), 'Nov 22 02:49:58 box tsysd: boot');
});
