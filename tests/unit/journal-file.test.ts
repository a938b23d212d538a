// The journal file writer and reader against the oracle: files tsysd writes pass `journalctl --verify` and
// `journalctl --file F -o export|json` returns exactly the entries written; our reader returns the same;
// an interrupted commit is recovered; the hash functions match published vectors.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { HASH_OUT, jenkins64, sipKey, siphash24 } from '../../src/journal/hash';
import { JournalWriter, recoverJournal } from '../../src/journal/writer';
import { JournalReader } from '../../src/journal/reader';
import { exportEntry, jsonEntry } from '../../src/journal/export';
import { H, STATE_OFFLINE, get64 } from '../../src/journal/format';
import { JOURNALCTL, MemSpace, journalctl, parseExport, tmpdir } from './journal-helpers';

const BOOT = Buffer.from('0123456789abcdef0123456789abcdef', 'hex');
const MACHINE = Buffer.from('3d1219c7c4c5404aaa1f6d2a48adfda4', 'hex');

function id(n: number): Buffer { const b = Buffer.alloc(16); b.writeUInt32LE(n, 0); b.writeUInt32LE(0xabcdef01, 12); return b; }

test('siphash24 and jenkins lookup3 match reference vectors', () => {
  // SipHash-2-4 paper, key 00..0f, message 00..0e → a129ca6149be45e5
  const key = sipKey(Uint8Array.from({ length: 16 }, (_, i) => i));
  const msg = Uint8Array.from({ length: 15 }, (_, i) => i);
  siphash24(msg, 0, msg.length, key);
  assert.equal(HASH_OUT[1]!.toString(16) + HASH_OUT[0]!.toString(16).padStart(8, '0'), 'a129ca6149be45e5');
  // empty message → 726fdb47dd0e0e31
  siphash24(msg, 0, 0, key);
  assert.equal(HASH_OUT[1]!.toString(16) + HASH_OUT[0]!.toString(16).padStart(8, '0'), '726fdb47dd0e0e31');
  // lookup3: hashlittle("", 0) = 0xdeadbeef; hashlittle("Four score and seven years ago", 0) = 0x17770551
  jenkins64(Buffer.alloc(0), 0, 0);
  assert.equal(HASH_OUT[1], 0xdeadbeef);
  const s = Buffer.from('Four score and seven years ago');
  jenkins64(s, 0, s.length);
  assert.equal(HASH_OUT[1], 0x17770551);
});

interface Written { fields: Buffer[]; realtime: number; monotonic: number }

function makeEntries(n: number): Written[] {
  const out: Written[] = [];
  const t0 = 1_700_000_000_000_000;
  for (let i = 0; i < n; i++) {
    const f: Buffer[] = [
      Buffer.from(`MESSAGE=line ${i} ${'x'.repeat(i % 37)}`),
      Buffer.from(`PRIORITY=${i % 8}`),
      Buffer.from(`_PID=${1000 + (i % 13)}`),
      Buffer.from(`_SYSTEMD_UNIT=unit${i % 5}.service`),
      Buffer.from(`_BOOT_ID=${BOOT.toString('hex')}`),
      Buffer.from('SYSLOG_IDENTIFIER=test'),
    ];
    if (i % 10 === 0) f.push(Buffer.from('TAG=a'), Buffer.from('TAG=b'));          // repeated field name
    if (i % 11 === 0) f.push(Buffer.from('DUP=same'), Buffer.from('DUP=same'));    // identical field twice
    if (i % 17 === 0) f.push(Buffer.concat([Buffer.from('BIN='), Buffer.from([0, 1, 2, 0x0a, 0xff, 0x41])]));
    if (i % 19 === 0) f.push(Buffer.from('EMPTY='));
    if (i % 23 === 0) f.push(Buffer.from('MULTI=first line\nsecond line'));
    if (i % 29 === 0) f.push(Buffer.from('UTF8=grüße ✓'));
    if (i === 7) f.push(Buffer.from('BIG=' + 'y'.repeat(100_000)));
    out.push({ fields: f, realtime: t0 + i * 1000, monotonic: 5_000_000 + i * 1000 });
  }
  return out;
}

function writeFile(entries: Written[], maxSize: number, commitEvery: number): { space: MemSpace; w: JournalWriter } {
  const space = new MemSpace(maxSize);
  const w = JournalWriter.create(space, { fileId: id(1), machineId: MACHINE, bootId: BOOT, maxSize });
  entries.forEach((e, i) => {
    const r = w.append(e.fields, e.realtime, e.monotonic, BOOT);
    assert.ok(r.ok, `append ${i}: ${r.ok ? '' : r.message}`);
    if ((i + 1) % commitEvery === 0) w.commit();
  });
  w.setState(STATE_OFFLINE);
  return { space, w };
}

const sortFields = (fs_: Buffer[]): string[] => fs_.map((b) => b.toString('latin1')).sort();

test('our reader returns every entry with its fields (item order = sorted by data offset, deduplicated)', () => {
  const entries = makeEntries(600);
  const { space } = writeFile(entries, 8 * 1024 * 1024, 25);
  const r = new JournalReader(space.bytes());
  const got = [...r.entries()];
  assert.equal(got.length, 600);
  assert.equal(r.damaged, null);
  got.forEach((e, i) => {
    assert.equal(e.seqnum, i + 1);
    assert.equal(e.realtime, entries[i]!.realtime);
    assert.equal(e.bootId, BOOT.toString('hex'));
    const want = [...new Set(sortFields(entries[i]!.fields))];
    assert.deepEqual(sortFields(r.fields(e.offset)), want);
  });
  assert.equal(r.header.compact, true);
  assert.equal(r.header.keyed, true);
});

test('journalctl --verify passes and -o export / -o json return exactly what was written', { skip: !JOURNALCTL }, () => {
  const dir = tmpdir('tsysd-jf-');
  try {
    const entries = makeEntries(3000);
    const { space } = writeFile(entries, 16 * 1024 * 1024, 97);
    const file = path.join(dir, 'system.journal');
    fs.writeFileSync(file, space.bytes());
    const v = journalctl(['--verify', '--file', file]);
    assert.equal(v.code, 0, v.stderr);
    assert.match(v.stderr, /PASS/);

    const ex = journalctl(['--file', file, '-o', 'export']);
    assert.equal(ex.code, 0, ex.stderr);
    const r = new JournalReader(space.bytes());
    const sid = r.header.seqnumId;
    const ours = Buffer.concat([...r.entries()].map((e) => exportEntry(sid, e, r.fields(e.offset))));
    assert.equal(ex.stdout.length, ours.length);
    assert.ok(ex.stdout.equals(ours), 'export output is byte-identical');
    const parsed = parseExport(ex.stdout);
    assert.equal(parsed.length, entries.length);
    parsed.forEach((fields, i) => {
      const data = fields.filter((f) => !f.toString('latin1').startsWith('__'));
      // journalctl prints _BOOT_ID from the entry header; every written field comes back
      assert.deepEqual(sortFields(data), [...new Set(sortFields(entries[i]!.fields))]);
    });

    const js = journalctl(['--file', file, '-o', 'json']);
    assert.equal(js.code, 0, js.stderr);
    const lines = js.stdout.toString('utf8').trim().split('\n');
    assert.equal(lines.length, entries.length);
    const mine = [...r.entries()].map((e) => jsonEntry(sid, e, r.fields(e.offset)));
    lines.forEach((l, i) => assert.deepEqual(JSON.parse(l), mine[i]));
    const j7 = JSON.parse(lines[7]!) as Record<string, unknown>;
    assert.equal(j7.BIG, null, 'journalctl nulls values over 4096 bytes in json');
    const j0 = JSON.parse(lines[0]!) as Record<string, unknown>;
    assert.deepEqual(j0.TAG, ['a', 'b']);
    assert.deepEqual(j0.BIN, [0, 1, 2, 10, 255, 65]);
  } finally { fs.rmSync(dir, { recursive: true, force: true }); }
});

test('a full file refuses the entry unchanged; rotation continues the seqnum in a new file', { skip: !JOURNALCTL }, () => {
  const dir = tmpdir('tsysd-jf-');
  try {
    const max = 600 * 1024;
    const space = new MemSpace(max);
    const w = JournalWriter.create(space, { fileId: id(2), machineId: MACHINE, bootId: BOOT, maxSize: max });
    let n = 0;
    for (;;) {
      const r = w.append([Buffer.from(`MESSAGE=${'m'.repeat(200)} ${n}`), Buffer.from('PRIORITY=6')], 1_700_000_000_000_000 + n, 1 + n, BOOT);
      if (!r.ok) { assert.equal(r.reason, 'full'); break; }
      n++;
      if (n % 10 === 0) w.commit();
    }
    assert.ok(n > 100);
    w.setState(2);
    fs.writeFileSync(path.join(dir, 'a.journal'), space.bytes());
    const space2 = new MemSpace(max);
    const w2 = JournalWriter.create(space2, { fileId: id(3), machineId: MACHINE, bootId: BOOT, maxSize: max, seqnumId: w.seqnumId, tailSeqnum: w.tailSeqnum });
    assert.ok(w2.append([Buffer.from('MESSAGE=after rotation')], 1_800_000_000_000_000, 10, BOOT).ok);
    w2.setState(STATE_OFFLINE);
    fs.writeFileSync(path.join(dir, 'b.journal'), space2.bytes());
    for (const f of ['a.journal', 'b.journal']) {
      const v = journalctl(['--verify', '--file', path.join(dir, f)]);
      assert.equal(v.code, 0, `${f}: ${v.stderr}`);
    }
    const all = journalctl(['-D', dir, '-o', 'json']);
    const lines = all.stdout.toString().trim().split('\n');
    assert.equal(lines.length, n + 1);
    const last = JSON.parse(lines[n]!) as { __CURSOR: string; MESSAGE: string };
    assert.equal(last.MESSAGE, 'after rotation');
    assert.match(last.__CURSOR, new RegExp(`;i=${(n + 1).toString(16)};`));
  } finally { fs.rmSync(dir, { recursive: true, force: true }); }
});

test('an interrupted commit is re-applied by recoverJournal; an incomplete redo record is ignored', { skip: !JOURNALCTL }, () => {
  const dir = tmpdir('tsysd-jf-');
  try {
    const max = 4 * 1024 * 1024;
    const space = new MemSpace(max);
    const w = JournalWriter.create(space, { fileId: id(4), machineId: MACHINE, bootId: BOOT, maxSize: max });
    const entries = makeEntries(300);
    entries.slice(0, 200).forEach((e) => assert.ok(w.append(e.fields, e.realtime, e.monotonic, BOOT).ok));
    w.commit();
    const before = space.bytes();
    entries.slice(200).forEach((e) => assert.ok(w.append(e.fields, e.realtime, e.monotonic, BOOT).ok));
    w.commit();
    const after = space.bytes();
    // where the redo record of the second commit sits: right after the new tail object
    const tail = get64(after, H.tailObjectOffset);
    const walAt = Math.ceil((tail + get64(after, tail + 8)) / 8) * 8;
    assert.equal(after.toString('latin1', walAt, walAt + 8), 'TSYSDWAL');
    const nWords = after.readUInt32LE(walAt + 24);
    assert.ok(nWords > 10);
    for (const applied of [0, 1, Math.floor(nWords / 2), nWords]) {
      // the file as a kill would leave it: the new objects and the record written, `applied` words applied,
      // the header not yet
      const crashed = Buffer.from(before.length < after.length ? Buffer.concat([before, Buffer.alloc(after.length - before.length)]) : before);
      const oldTail = get64(before, H.tailObjectOffset);
      const oldEnd = Math.ceil((oldTail + get64(before, oldTail + 8)) / 8) * 8;
      after.copy(crashed, oldEnd, oldEnd, walAt + 40 + nWords * 16 + 264 + 8);
      for (let i = 0; i < applied; i++) {
        const q = walAt + 32 + i * 16;
        const off = after.readUInt32LE(q), width = after.readUInt32LE(q + 4);
        after.copy(crashed, off, off, off + width);
      }
      const rec = recoverJournal(crashed, crashed.length);
      assert.equal(rec.recovered, true, rec.reason);
      const f = path.join(dir, `crash-${applied}.journal`);
      fs.writeFileSync(f, crashed);
      const v = journalctl(['--verify', '--file', f]);
      assert.equal(v.code, 0, `applied=${applied}: ${v.stderr}`);
      assert.equal(new JournalReader(crashed).header.nEntries, 300);
    }
    // a record cut short (kill while writing it): nothing is applied, the old state verifies
    const cut = Buffer.from(before);
    const rec = recoverJournal(cut, cut.length);
    assert.equal(rec.recovered, false);
    const f = path.join(dir, 'cut.journal');
    fs.writeFileSync(f, cut);
    assert.equal(journalctl(['--verify', '--file', f]).code, 0);
    assert.equal(new JournalReader(cut).header.nEntries, 200);
  } finally { fs.rmSync(dir, { recursive: true, force: true }); }
});

test('the reader survives damaged files (random corruption never throws)', () => {
  const { space } = writeFile(makeEntries(200), 2 * 1024 * 1024, 50);
  const good = space.bytes();
  let seed = 12345;
  const rnd = (n: number): number => { seed = (seed * 1103515245 + 12345) >>> 0; return seed % n; };
  for (let k = 0; k < 200; k++) {
    const b = Buffer.from(good);
    for (let j = 0; j < 20; j++) b[rnd(Math.min(b.length, 400_000))] = rnd(256);
    try {
      const r = new JournalReader(b);
      for (const e of r.entries()) r.fields(e.offset);
    } catch (e) {
      assert.equal((e as Error).constructor.name, 'JournalFormatError');
    }
  }
});
