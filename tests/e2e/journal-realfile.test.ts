// e2e: our journal reader on files the real systemd-journald 252 wrote (keyed hash, compact, zstd-compressed
// large fields), in a throwaway namespace: every entry and field equals `journalctl --file F -o export`.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { JournalReader } from '../../src/journal/reader';
import { exportEntry } from '../../src/journal/export';
import { journalDecompress } from '../../src/journal/decompress';
import { journaldAvailable, runJournald } from '../helpers/journald';
import { JOURNALCTL, journalctl, tmpdir } from '../unit/journal-helpers';

test('reader on a systemd-journald file: export output identical to journalctl', { skip: !journaldAvailable() || !JOURNALCTL }, () => {
  const dir = tmpdir('tsysd-jd-');
  try {
    const big = 'B'.repeat(3000) + 'end';
    const feed = `
echo "hello from systemd-cat" | systemd-cat -t realtest -p warning
logger -u "$JDEVLOG" -t realsyslog -p user.err "syslog line"
logger --journald=/dev/stdin <<EOF2
MESSAGE=native with big field
SYSLOG_IDENTIFIER=realnative
BIG=${big}
EOF2
printf 'MESSAGE=second\\nPRIORITY=3\\n' | logger --journald=/dev/stdin
`;
    const r = runJournald(feed, dir);
    assert.equal(r.code, 0, r.output);
    const files = fs.readdirSync(dir).filter((f) => f.endsWith('.journal'));
    assert.ok(files.length >= 1, `journald wrote no file: ${r.output}`);
    let sawBig = false, sawCat = false, compressed = 0;
    for (const f of files) {
      const file = path.join(dir, f);
      const ex = journalctl(['--file', file, '-o', 'export']);
      assert.equal(ex.code, 0, ex.stderr);
      const buf = fs.readFileSync(file);
      const rd = new JournalReader(buf, journalDecompress);
      // count DATA objects journald stored compressed (walk every object up to the tail)
      const tail = Number(buf.readBigUInt64LE(136));
      for (let p = Number(buf.readBigUInt64LE(88)); p && p <= tail;) {
        if (buf[p] === 1 && buf[p + 1] !== 0) compressed++;
        p += Math.ceil(Number(buf.readBigUInt64LE(p + 8)) / 8) * 8;
      }
      const ours = Buffer.concat([...rd.entries()].map((e) => {
        const fields = rd.fields(e.offset);
        for (const x of fields) {
          const s = x.toString('latin1');
          if (s === `BIG=${big}`) sawBig = true;
          if (s === 'MESSAGE=hello from systemd-cat') sawCat = true;
        }
        return exportEntry(rd.header.seqnumId, e, fields);
      }));
      assert.ok(ex.stdout.equals(ours), `${f}: export differs`);
      assert.equal(rd.damaged, null);
    }
    assert.ok(sawCat, 'stream entry read');
    assert.ok(sawBig, 'big field read');
    assert.ok(compressed > 0, 'journald compressed at least one field (the decompressor was exercised)');
  } finally { fs.rmSync(dir, { recursive: true, force: true }); }
});
