// e2e: RLIMIT_NOFILE of services under the real daemon (src/platform/nofile.ts, systemd 252 main.c): a
// plain service (spawned directly by the clone child) and one through the helper (User= forces it) get
// soft 1024 and a hard limit of either what the manager inherited (no CAP_SYS_RESOURCE to raise it) or
// min(nr_open, max(inherited, 524288)); LimitNOFILE= still wins. Each service writes `ulimit -Sn -Hn`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { hasUnshare, startDaemon, waitFor } from '../helpers/daemon';

const skip = hasUnshare() ? false : 'unshare --pid is not available';

function ownHard(): number {
  const l = fs.readFileSync('/proc/self/limits', 'utf8').split('\n').find((x) => x.startsWith('Max open files')) ?? '';
  const f = l.split(/\s+/);
  return f[4] === 'unlimited' ? Infinity : Number(f[4]);
}

test('services get soft 1024 and systemd\'s hard limit by default; LimitNOFILE= wins', { skip }, async () => {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'tsysd-nofile-'));
  fs.chmodSync(out, 0o777);
  const sh = (f: string): string => `/bin/sh -c "ulimit -Sn > ${out}/${f}.tmp; ulimit -Hn >> ${out}/${f}.tmp; mv ${out}/${f}.tmp ${out}/${f}; exec sleep 600"`;
  const d = await startDaemon({
    units: {
      'plain.service': `[Service]\nExecStart=${sh('plain')}\n`,
      'helper.service': `[Service]\nUser=nobody\nExecStart=${sh('helper')}\n`,
      'own.service': `[Service]\nLimitNOFILE=4096:8192\nExecStart=${sh('own')}\n`,
      'boot.target': '[Unit]\nWants=plain.service helper.service own.service\n',
    },
    args: ['--target', 'boot.target'],
  });
  try {
    const read = (f: string): string[] => fs.readFileSync(path.join(out, f), 'utf8').trim().split('\n');
    await waitFor(() => ['plain', 'helper', 'own'].every((f) => fs.existsSync(path.join(out, f))), 20000);
    const h = ownHard();
    const nr = Number(fs.readFileSync('/proc/sys/fs/nr_open', 'utf8'));
    const allowed = new Set([String(h), String(Math.min(nr, Math.max(h, 524288)))]);
    for (const f of ['plain', 'helper']) {
      const [soft, hard] = read(f);
      assert.equal(soft, '1024', `${f}: soft limit`);
      assert.ok(allowed.has(hard ?? ''), `${f}: hard limit ${hard} is one of ${[...allowed].join(', ')}`);
    }
    assert.deepEqual(read('own'), ['4096', '8192']);
  } finally {
    await d.stop();
    fs.rmSync(out, { recursive: true, force: true });
  }
});
