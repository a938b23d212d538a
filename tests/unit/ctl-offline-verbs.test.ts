// tsysctl --root=DIR for add-wants, add-requires, link and revert, against the real systemctl 252
// `--root=DIR` on identical copies of one tree: stdout, stderr, exit code and the resulting tree must match
// (root paths normalised). Steps run in sequence on both trees, so state-changing verbs are compared too.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { TSYSCTL } from './ctl-helpers';

const SVC = '[Unit]\nDescription=a\n[Service]\nExecStart=/bin/true\n[Install]\nWantedBy=multi-user.target\n';
const FILES: Record<string, string> = {
  'usr/lib/systemd/system/a.service': SVC,
  'usr/lib/systemd/system/t@.service': SVC,
  'usr/lib/systemd/system/multi-user.target': '[Unit]\nDescription=t\n',
  'opt/b.service': SVC,
  'etc/systemd/system/a.service': SVC,
  'etc/systemd/system/a.service.d/o.conf': '[Unit]\nDescription=o\n',
  'run/systemd/system/a.service.d/p.conf': '[Unit]\nDescription=p\n',
  'etc/systemd/system.control/a.service.d/50-x.conf': '[Service]\nCPUWeight=5\n',
  'etc/systemd/system/c.service': '[Service]\nExecStart=/bin/true\n',
  'etc/systemd/system/c.service.d/o.conf': '[Unit]\nDescription=o\n',
};

function tree(): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'tsysctl-verbs-'));
  for (const [p, c] of Object.entries(FILES)) { fs.mkdirSync(path.dirname(path.join(d, p)), { recursive: true }); fs.writeFileSync(path.join(d, p), c); }
  return d;
}

function listing(root: string): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const e of fs.readdirSync(d, { withFileTypes: true }).sort((x, y) => x.name.localeCompare(y.name))) {
      const p = path.join(d, e.name);
      if (e.isSymbolicLink()) out.push(`${path.relative(root, p)} -> ${fs.readlinkSync(p)}`);
      else if (e.isDirectory()) { out.push(`${path.relative(root, p)}/`); walk(p); } else out.push(path.relative(root, p));
    }
  };
  walk(root);
  return out;
}

function run(cmd: string[], root: string, args: string[]): { code: number; stdout: string; stderr: string } {
  // cwd = the root's parent: `link opt/b.service` resolves relative to it (to a path outside the root, as systemctl does)
  const r = spawnSync(cmd[0] as string, [...cmd.slice(1), `--root=${root}`, '--no-pager', ...args],
    { encoding: 'utf8', cwd: path.dirname(root), env: { ...process.env, SYSTEMD_COLORS: '0', SYSTEMD_LOG_COLOR: '0' } });
  const norm = (s: string): string => s.split(root).join('ROOT');
  return { code: r.status ?? 128, stdout: norm(r.stdout), stderr: norm(r.stderr) };
}

// Not compared: `revert` of a unit that add-wants linked by its /etc path. systemctl --root chases such links
// to a root-prefixed path and so keeps them; without --root (SYSTEMCTL_INSTALL_CLIENT_SIDE=1 in a private mount
// namespace) it removes them, as tsysd does.
const STEPS: string[][] = [
  ['add-wants', 'multi-user.target', 't@x.service'],
  ['add-wants', 'multi-user.target', 't@x.service'],
  ['add-requires', '--runtime', 'multi-user', 't@y'],
  ['add-wants', 'multi-user.target', 'nope.service'],
  ['add-wants', 'nope.target', 'a.service'],
  ['add-wants', 'foo', 'a'],
  ['add-wants', 'multi-user.target'],
  ['add-wants', 'multi-user.target', 't@.service'],
  ['link', '/opt/b.service'],
  ['link', '/opt/c.service'],
  ['link', 'opt/b.service'],
  ['link'],
  ['revert', 'a.service', 'c.service'],
  ['revert', 'a'],
  ['revert', 'nope'],
  ['mask', 'a'],
  ['add-wants', 'multi-user.target', 'a'],
  ['revert', 'a'],
  ['add-wants', '-q', 'multi-user.target', 'a'],
];

test('add-wants/add-requires/link/revert --root match systemctl 252 step by step', (t) => {
  const a = tree();
  const b = tree();
  try {
    const mismatches: string[] = [];
    for (const step of STEPS) {
      const want = run(['systemctl'], a, step);
      const got = run([process.execPath, TSYSCTL], b, step);
      if (JSON.stringify(want) !== JSON.stringify(got)) mismatches.push(`${step.join(' ')}\n want ${JSON.stringify(want)}\n got  ${JSON.stringify(got)}`);
    }
    t.diagnostic(`${STEPS.length - mismatches.length}/${STEPS.length} steps identical`);
    assert.deepEqual(mismatches, []);
    assert.deepEqual(listing(b), listing(a));
  } finally {
    fs.rmSync(a, { recursive: true, force: true });
    fs.rmSync(b, { recursive: true, force: true });
  }
});
