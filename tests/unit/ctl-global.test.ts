// `tsysctl --global` (deb-systemd-helper --user runs `systemctl --root=/ --global --preset-mode=enable-only
// preset UNIT`): the same output, exit codes and resulting tree as the real systemctl 252 on twin roots.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const TSYSCTL = path.join(__dirname, '..', '..', 'src', 'cli', 'tsysctl.js');
const hasSystemctl = spawnSync('sh', ['-c', 'command -v systemctl']).status === 0;

function tree(root: string): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      out.push(path.relative(root, p) + (e.isSymbolicLink() ? ` -> ${fs.readlinkSync(p)}` : ''));
      if (e.isDirectory()) walk(p);
    }
  };
  walk(root);
  return out.sort();
}

test('--global enable/is-enabled/disable/preset match systemctl 252', { skip: !hasSystemctl && 'systemctl not installed' }, () => {
  const base = fs.mkdtempSync(path.join(os.tmpdir(), 'tsysd-global-'));
  try {
    const roots = ['a', 'b'].map((n) => path.join(base, n));
    for (const r of roots) {
      fs.mkdirSync(path.join(r, 'usr/lib/systemd/user'), { recursive: true });
      fs.writeFileSync(path.join(r, 'usr/lib/systemd/user/foo.service'), '[Service]\nExecStart=/bin/true\n[Install]\nWantedBy=default.target\n');
      fs.mkdirSync(path.join(r, 'usr/lib/systemd/user-preset'), { recursive: true });
      fs.writeFileSync(path.join(r, 'usr/lib/systemd/user-preset/90-default.preset'), 'enable *\n');
    }
    const [ra, rb] = roots as [string, string];
    for (const verb of [['enable', 'foo.service'], ['is-enabled', 'foo.service'], ['disable', 'foo.service'], ['is-enabled', 'foo.service'],
      ['--preset-mode=enable-only', 'preset', 'foo.service'], ['is-enabled', 'foo.service'], ['list-unit-files']]) {
      const a = spawnSync('systemctl', [`--root=${ra}`, '--global', '--no-pager', ...verb], { encoding: 'utf8' });
      const b = spawnSync(process.execPath, [TSYSCTL, `--root=${rb}`, '--global', '--no-pager', ...verb], { encoding: 'utf8' });
      const norm = (s: string, r: string): string => s.split(r).join('<root>');
      assert.equal(norm(b.stdout, rb), norm(a.stdout, ra), `stdout of ${verb.join(' ')}`);
      assert.equal(norm(b.stderr, rb), norm(a.stderr, ra), `stderr of ${verb.join(' ')}`);
      assert.equal(b.status, a.status, `exit code of ${verb.join(' ')}`);
      assert.deepEqual(tree(rb), tree(ra), `tree after ${verb.join(' ')}`);
    }
  } finally { fs.rmSync(base, { recursive: true, force: true }); }
});
