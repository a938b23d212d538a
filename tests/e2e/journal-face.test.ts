// e2e: tsysctl's journalctl face against the real journalctl on the same files: the same selection
// (-u with globs, -t, -p ranges, FIELD=value, -n, -r, -g, --since/--until, -b) and the same output
// (-o export byte for byte, -o json as objects, -o short/short-iso/short-precise/short-unix/cat/with-unit as text).
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { JournalStorage } from '../../src/journal/storage';
import { JOURNALCTL, tmpdir } from '../unit/journal-helpers';

const MID = '3d1219c7c4c5404aaa1f6d2a48adfda4';
const BOOT1 = '11111111111111111111111111111111';
const BOOT2 = 'bdc4e6d71764431e8bf98b638a25e36c';

function writeJournal(root: string): void {
  const t0 = 1_790_000_000_000_000;
  for (const [b, boot] of [[0, BOOT1], [1, BOOT2]] as const) {
    const st = new JournalStorage({ runtimeRoot: root, persistentRoot: '/nonexistent', machineId: MID, bootId: boot });
    st.open();
    for (let i = 0; i < 60; i++) {
      const unit = ['web.service', 'db.service', 'worker@1.service'][i % 3]!;
      const f = [`MESSAGE=${b ? 'second' : 'first'} boot line ${i}${i % 7 === 0 ? '\nsecond line' : ''}`, `PRIORITY=${i % 8}`, `SYSLOG_IDENTIFIER=${unit.split(/[@.]/)[0]}`,
        `_PID=${100 + i}`, `_SYSTEMD_UNIT=${unit}`, '_HOSTNAME=testhost', `_BOOT_ID=${boot}`, '_TRANSPORT=stdout'];
      if (i === 5) f.push('UNIT=web.service', 'SYSLOG_IDENTIFIER=tsysd', '_PID=1');
      st.enqueue(f.map((x) => Buffer.from(x)), t0 + b * 3_600_000_000 + i * 1_000_000, 1000 + i * 1000);
    }
    st.close();
  }
}

test('journalctl face equals journalctl on the same files', { skip: !JOURNALCTL }, () => {
  const root = tmpdir('tsysd-face-');
  try {
    writeJournal(root);
    const dir = path.join(root, MID);
    const link = path.join(root, 'journalctl');
    fs.symlinkSync(path.resolve(__dirname, '../../src/cli/tsysctl.js'), link);
    const env = { ...process.env, TZ: 'UTC', SYSTEMD_COLORS: '0', LC_ALL: 'C.UTF-8' };
    delete (env as Record<string, string | undefined>).TSYSD_SOCKET;
    const ours = (args: string[]): string => {
      const r = spawnSync(process.execPath, [link, '-D', dir, '--no-pager', ...args], { env, maxBuffer: 64 << 20 });
      assert.equal(r.status, 0, r.stderr.toString());
      return r.stdout.toString('latin1');
    };
    const real = (args: string[]): string => {
      const r = spawnSync(JOURNALCTL, ['-D', dir, '--no-pager', ...args], { env, maxBuffer: 64 << 20 });
      return r.stdout.toString('latin1');
    };
    const selections = [[], ['-u', 'web.service'], ['-u', 'worker@*'], ['-u', 'db'], ['-t', 'web'], ['-p', 'err'], ['-p', 'warning..err'],
      ['_PID=103', '_PID=104'], ['-n', '5'], ['-r', '-n', '3'], ['-g', 'LINE 1[0-9]'], ['--since', '@1790000010', '--until', '@1790000020'],
      ['-b', '-1'], ['-b', BOOT2]];
    let compared = 0;
    for (const sel of selections) {
      assert.equal(ours([...sel, '-o', 'export']), real([...sel, '-o', 'export']), `export ${sel.join(' ')}`);
      const pj = (s: string): unknown[] => s.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as unknown);
      assert.deepEqual(pj(ours([...sel, '-o', 'json'])), pj(real([...sel, '-o', 'json'])), `json ${sel.join(' ')}`);
      compared++;
    }
    for (const mode of ['short', 'short-iso', 'short-precise', 'short-unix', 'cat']) {
      assert.equal(ours(['-u', 'web.service', '-o', mode]), real(['-u', 'web.service', '-o', mode]), `-o ${mode}`);
    }
    assert.ok(compared === selections.length);
    assert.match(ours(['--disk-usage']), /^Archived and active journals take up \S+ in the file system\.\n$/);
    assert.equal(ours(['--list-boots']).trim().split('\n').length, 2);
  } finally { fs.rmSync(root, { recursive: true, force: true }); }
});
