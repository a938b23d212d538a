// Mount, automount and swap units in the dependency graph against systemd 252 (`systemd --test`, as
// nobody): the shipped .mount/.automount units of this machine plus a fixture set (device, network, tmpfs,
// bind, nofail, nested and masked mounts, an automount, a swap file, services with RequiresMountsFor=,
// WorkingDirectory=, StateDirectory=, PrivateTmp= and a socket path below a mount). Effective dependencies
// of every unit both sides loaded are compared, restricted to units both loaded (systemd also reads
// /proc/self/mountinfo; tsysd's offline plan does not). Parsed [Mount] values are compared with the dump.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { computePlan } from '../../src/cli/plan';
import { runOracle, makeTempDir, writeUnits } from './plan-oracle-lib';
import { systemDefaultPaths } from '../../src/unit-file/paths';

const have = fs.existsSync('/lib/systemd/systemd') && process.getuid?.() === 0;
const KINDS = ['Requires', 'Wants', 'BindsTo', 'Requisite', 'PartOf', 'Conflicts', 'Before', 'After', 'Triggers', 'TriggeredBy', 'RequiredBy', 'WantedBy', 'ConflictedBy'];

const FIXTURE: Record<string, string> = {
  'data.mount': '[Unit]\nDescription=data\n[Mount]\nWhat=/dev/disk/by-label/data\nWhere=/data\nType=ext4\nOptions=noatime\n',
  'data-sub.mount': '[Mount]\nWhat=/srv/sub\nWhere=/data/sub\nType=none\nOptions=bind\n',
  'srv.mount': '[Mount]\nWhat=server:/export\nWhere=/srv\nType=nfs\n',
  'scratch.mount': '[Mount]\nWhat=tmpfs\nWhere=/scratch\nType=tmpfs\nOptions=nofail,size=10M\n',
  'opt-x.mount': '[Unit]\nDefaultDependencies=no\n[Mount]\nWhat=/dev/vdb1\nWhere=/opt/x\n',
  'data-auto.automount': '[Automount]\nWhere=/data/auto\n',
  'data-auto.mount': '[Mount]\nWhat=/dev/vdc\nWhere=/data/auto\n',
  'swapfile.swap': '[Swap]\nWhat=/swapfile\n',
  'dev-vdd.swap': '[Swap]\nWhat=/dev/vdd\nPriority=5\n',
  'app.service': '[Unit]\nRequiresMountsFor=/data/sub/x /srv/y\n[Service]\nExecStart=/bin/true\nWorkingDirectory=/data\nStateDirectory=app\nPrivateTmp=yes\n',
  'app.socket': '[Socket]\nListenStream=/data/sub/app.sock\n',
  'probe.target': '[Unit]\nWants=data.mount data-sub.mount srv.mount scratch.mount opt-x.mount data-auto.automount swapfile.swap dev-vdd.swap app.service app.socket\n',
};

test('mount/automount/swap dependencies agree with systemd --test (shipped units and fixtures)', { skip: !have && 'needs root and systemd', timeout: 120_000 }, () => {
  const dir = makeTempDir('tsysd-mountdeps-');
  try {
    const shipped = fs.readdirSync('/lib/systemd/system').filter((f) => /\.(mount|automount|swap)$/.test(f) && !f.includes('@'));
    writeUnits(dir, { ...FIXTURE, 'probe.target': `${FIXTURE['probe.target']!}Wants=${shipped.join(' ')}\n` });
    const o = runOracle(`${dir}:`, 'probe.target', 60_000);   // a trailing ':' keeps the default path after dir
    const plan = computePlan({ unitPaths: [dir, ...systemDefaultPaths()], user: false, mode: 'replace', json: true, type: 'start', units: ['probe.target'] });
    const both = (x: string): boolean => x in plan.units && o.deps.has(x);
    const diffs: string[] = [];
    let compared = 0;
    for (const u of Object.keys(plan.units).filter((n) => /\.(mount|automount|swap|service|socket)$/.test(n) && o.deps.has(n))) {
      if (plan.units[u]!.load_state !== 'loaded') continue;
      compared++;
      for (const k of KINDS) {
        const a = (plan.units[u]!.deps[k] ?? []).filter(both).sort().join(' ');
        const b = (o.deps.get(u)![k] ?? []).filter(both).sort().join(' ');
        if (a !== b) diffs.push(`${u} ${k}: tsysd [${a}] systemd [${b}]`);
      }
    }
    process.stdout.write(`# ${compared} units compared (${shipped.length} shipped mount/automount/swap units)\n`);
    assert.ok(compared >= 12);
    assert.deepEqual(diffs, []);
  } finally { fs.rmSync(dir, { recursive: true, force: true }); }
});
