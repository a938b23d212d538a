// E2E: `tsysd analyze security` without --offline, against a running tsysd (PID 1 of a private PID
// namespace): the manager says which units exist and are loaded and where its unit files are; the table of
// one unit is exactly what systemd-analyze security --offline=yes prints for the same file (the real
// systemd-analyze 252, when installed); several units print their tables, a blank line between them, then the
// overview (UNIT EXPOSURE PREDICATE HAPPY); no UNIT gives the overview of every loaded long-running service
// (oneshots left out), as systemd-analyze does online; a non-service or unknown unit is refused with exit 1.
import { after, before, describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { startDaemon, type Daemon } from '../helpers/daemon';
import { runTsysd } from '../helpers/tsysd-cli';
import { HAVE_ANALYZE } from '../helpers/fake-systemd-bus';

const HARD = '[Service]\nExecStart=/bin/sleep 1000\nDynamicUser=yes\nPrivateNetwork=yes\nProtectHome=yes\nCapabilityBoundingSet=\n' +
  'SystemCallFilter=@system-service\nSystemCallArchitectures=native\nRestrictAddressFamilies=AF_UNIX\nRestrictNamespaces=yes\nUMask=0077\n';
const UNITS: Record<string, string> = {
  'hard.service': HARD,
  'soft.service': '[Service]\nExecStart=/bin/sleep 1000\n',
  'once.service': '[Service]\nType=oneshot\nRemainAfterExit=yes\nExecStart=/bin/true\n',
  'default.target': '[Unit]\nWants=hard.service soft.service once.service\nAfter=hard.service soft.service once.service\n',
};
const ENV = { TERM: 'xterm', LANG: 'C.UTF-8' };

describe('analyze security against a running manager', { timeout: 180000 }, () => {
  let d: Daemon;
  before(async () => { d = await startDaemon({ units: UNITS, net: true, waitRunning: true }); });
  after(async () => { await d.stop(); });

  const online = (args: string[]): ReturnType<typeof runTsysd> => runTsysd(['analyze', 'security', '--socket', d.sock, ...args], ENV);

  it('one unit: the same table as offline, and as systemd-analyze --offline=yes', async () => {
    const r = await online(['hard']);
    assert.equal(r.code, 0, r.stderr);
    const off = await runTsysd(['analyze', 'security', '--offline=yes', path.join(d.unitDir, 'hard.service')], ENV);
    assert.equal(r.stdout, off.stdout);
    assert.match(r.stdout, /\n→ Overall exposure level for hard\.service: [0-9]\.[0-9] [A-Z]+ \S+\n$/);
    if (HAVE_ANALYZE) {
      const sa = spawnSync('systemd-analyze', ['security', '--offline=yes', path.join(d.unitDir, 'hard.service')], { env: { ...process.env, ...ENV }, encoding: 'utf8' });
      assert.equal(r.stdout, sa.stdout);
    }
  });

  it('several units: their tables, then the overview in the given order', async () => {
    const r = await online(['soft.service', 'hard.service']);
    assert.equal(r.code, 0, r.stderr);
    const one = async (u: string): Promise<string> => (await online([u])).stdout;
    const [soft, hard] = [await one('soft.service'), await one('hard.service')];
    const exposure = (t: string): string => /: ([0-9]\.[0-9] [A-Z]+) /.exec(t)?.[1] ?? '?';
    const lines = r.stdout.slice(soft.length + 1 + hard.length + 1).split('\n');
    assert.equal(r.stdout.slice(0, soft.length + 1 + hard.length + 1), `${soft}\n${hard}\n`);
    assert.match(lines[0] ?? '', /^UNIT +EXPOSURE PREDICATE HAPPY$/);
    assert.deepEqual(lines.slice(1, 3).map((l) => l.split(/ +/).slice(0, 3).join(' ')),
      [`soft.service ${exposure(soft)}`, `hard.service ${exposure(hard)}`]);
  });

  it('no unit: the overview of every loaded long-running service, sorted; oneshots left out', async () => {
    const r = await online([]);
    assert.equal(r.code, 0, r.stderr);
    const units = r.stdout.trim().split('\n').slice(1).map((l) => l.split(' ')[0] ?? '');
    assert.ok(units.includes('hard.service') && units.includes('soft.service'), r.stdout);
    assert.ok(!units.includes('once.service'), r.stdout);
    assert.deepEqual(units, [...units].sort());
  });

  it('refusals: a non-service unit, a unit that does not exist', async () => {
    const t = await online(['default.target']);
    assert.equal(t.code, 1);
    assert.match(t.stderr, /Unit default\.target is not a service unit, refusing\./);
    const n = await online(['no-such-unit.service']);
    assert.equal(n.code, 1);
    assert.match(n.stderr, /Unit no-such-unit\.service not found, cannot analyze\./);
    assert.ok(fs.existsSync(d.sock));
  });
});
