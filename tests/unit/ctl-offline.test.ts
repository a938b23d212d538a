// tsysctl --root=DIR (offline unit-file verbs, no daemon) against the real systemctl 252 `--root=DIR` on
// identical copies of the same tree: stdout, stderr and exit code must match byte for byte (root paths
// normalised). Each step runs on both trees in sequence, so state-changing verbs are compared too.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { TSYSCTL } from './ctl-helpers';

const UNITS: Record<string, string> = {
  'usr/lib/systemd/system/foo.service': '[Unit]\nDescription=Foo\n[Service]\nExecStart=/bin/true\n[Install]\nWantedBy=multi-user.target\nAlias=bar.service\n',
  'usr/lib/systemd/system/st.service': '[Service]\nExecStart=/bin/true\n',
  'usr/lib/systemd/system/web.socket': '[Socket]\nListenStream=8080\n[Install]\nWantedBy=sockets.target\n',
  'usr/lib/systemd/system/web.service': '[Service]\nExecStart=/bin/true\n[Install]\nAlso=web.socket\n',
  'usr/lib/systemd/system/multi-user.target': '[Unit]\nDescription=Multi-User\n',
  'usr/lib/systemd/system/sockets.target': '[Unit]\nDescription=Sockets\n',
  'usr/lib/systemd/system/graphical.target': '[Unit]\nDescription=Graphical\n',
  'usr/lib/systemd/system-preset/90-test.preset': 'enable foo.service\ndisable *\n',
};

function tree(): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'tsysctl-root-'));
  fs.mkdirSync(path.join(d, 'etc/systemd/system'), { recursive: true });
  for (const [p, c] of Object.entries(UNITS)) { fs.mkdirSync(path.dirname(path.join(d, p)), { recursive: true }); fs.writeFileSync(path.join(d, p), c); }
  return d;
}

function run(cmd: string[], root: string, args: string[]): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(cmd[0] as string, [...cmd.slice(1), `--root=${root}`, '--no-pager', ...args], { encoding: 'utf8', env: { ...process.env, SYSTEMD_COLORS: '0', SYSTEMD_LOG_COLOR: '0' } });
  const norm = (s: string): string => s.split(root).join('ROOT');
  return { code: r.status ?? 128, stdout: norm(r.stdout), stderr: norm(r.stderr) };
}

const STEPS: string[][] = [
  ['list-unit-files'],
  ['is-enabled', 'foo.service', 'st.service'],
  ['is-enabled', 'nope.service'],
  ['enable', 'foo.service'],
  ['is-enabled', 'foo', 'bar.service'],
  ['list-unit-files', '--no-legend'],
  ['list-unit-files', '--state=enabled'],
  ['enable', 'web.service'],
  ['list-unit-files', '*.socket'],
  ['disable', 'foo.service'],
  ['enable', 'st.service'],
  ['mask', 'st.service'],
  ['is-enabled', 'st.service'],
  ['unmask', 'st.service'],
  ['set-default', 'graphical.target'],
  ['get-default'],
  ['preset', 'foo.service'],
  ['reenable', 'foo.service'],
  ['list-unit-files', '--type=target'],
];

test('tsysctl --root matches systemctl 252 --root step by step', (t) => {
  const a = tree();
  const b = tree();
  const sys = ['systemctl'];
  const ts = [process.execPath, TSYSCTL];
  const link = path.join(b, 'systemctl');
  fs.symlinkSync(TSYSCTL, link);
  const tsAsSystemctl = [process.execPath, link];
  try {
    const mismatches: string[] = [];
    for (const step of STEPS) {
      const want = run(sys, a, step);
      const got = run(step[0] === 'enable' ? tsAsSystemctl : ts, b, step);
      if (JSON.stringify(want) !== JSON.stringify(got)) mismatches.push(`${step.join(' ')}\n want ${JSON.stringify(want)}\n got  ${JSON.stringify(got)}`);
    }
    t.diagnostic(`${STEPS.length - mismatches.length}/${STEPS.length} steps identical`);
    assert.deepEqual(mismatches, []);
  } finally {
    fs.rmSync(a, { recursive: true, force: true });
    fs.rmSync(b, { recursive: true, force: true });
  }
});
