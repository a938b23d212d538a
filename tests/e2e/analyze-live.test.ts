// E2E: `tsysd analyze` against a booted tsysd (PID 1 of a private PID namespace) running Debian's
// unaltered target units (multi-user, basic, sysinit, ... copied from /lib/systemd/system) plus a few
// services. The timestamps and dependency lists tsysd reports are handed to the REAL systemd-analyze 252
// through a fake org.freedesktop.systemd1 (tests/helpers/fake-systemd-bus.ts): `tsysd analyze time|blame|
// critical-chain|dot` must print exactly what systemd-analyze prints for the same data. `analyze dot`
// output (live, and offline over all of /lib/systemd/system) must be accepted by Graphviz `dot -Tsvg`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { RpcClient } from '../../src/rpc/client';
import { startDaemon, type Daemon } from '../helpers/daemon';
import { runTsysd } from '../helpers/tsysd-cli';
import { FakeSystemdBus, HAVE_ANALYZE, HAVE_DBUS_DAEMON, type FakeManager, type FakeUnit } from '../helpers/fake-systemd-bus';

const HAVE_DOT = spawnSync('dot', ['-V']).status === 0;
const DEBIAN_TARGETS = ['multi-user.target', 'basic.target', 'sysinit.target', 'sockets.target', 'timers.target', 'paths.target',
  'local-fs.target', 'local-fs-pre.target', 'swap.target', 'slices.target', 'rescue.target', 'shutdown.target', 'network.target']
  .filter((t) => fs.existsSync(`/lib/systemd/system/${t}`));

function dotToSvg(text: string): { code: number; svg: string; err: string } {
  const r = spawnSync('dot', ['-Tsvg'], { input: text, encoding: 'utf8', timeout: 120000, maxBuffer: 256 << 20 });
  return { code: r.status ?? 1, svg: r.stdout ?? '', err: r.stderr ?? '' };
}

const svc = (desc: string, body: string): string => `[Unit]\nDescription=${desc}\n[Service]\n${body}\n`;

async function bootDebianLike(): Promise<Daemon> {
  const units: Record<string, string> = {};
  for (const t of DEBIAN_TARGETS) units[t] = fs.readFileSync(`/lib/systemd/system/${t}`, 'utf8');
  units['slow-oneshot.service'] = svc('Slow oneshot', 'Type=oneshot\nRemainAfterExit=yes\nExecStart=/bin/sleep 0.4');
  units['notify-later.service'] = `[Unit]\nDescription=Notifies after a while\nAfter=slow-oneshot.service\n[Service]\nType=notify\nNotifyAccess=all\nExecStart=/bin/sh -c 'sleep 0.3; systemd-notify --ready; exec sleep 600'\n`;
  units['quick.service'] = svc('Quick', 'ExecStart=/bin/sleep 600');
  units['early.service'] = `[Unit]\nDescription=Early\nDefaultDependencies=no\nBefore=sysinit.target\n[Service]\nType=oneshot\nRemainAfterExit=yes\nExecStart=/bin/sleep 0.2\n`;
  const symlinks: Record<string, string> = {
    'multi-user.target.wants/slow-oneshot.service': '../slow-oneshot.service',
    'multi-user.target.wants/notify-later.service': '../notify-later.service',
    'multi-user.target.wants/quick.service': '../quick.service',
    'sysinit.target.wants/early.service': '../early.service',
    'default.target': 'multi-user.target',
  };
  return startDaemon({ units, symlinks, args: ['--no-forward-output'] });
}

/** What tsysd reports, as the fake systemd bus's data (ListUnits order = tsysd's list-units order). */
async function snapshot(sock: string): Promise<FakeManager> {
  const c = await RpcClient.connect(sock);
  try {
    const mgr = new Map((await c.call('show', { all: true })).properties);
    const list = await c.call('list-units', { all: true });
    const units: FakeUnit[] = [];
    const num = (p: Map<string, string>, k: string): number => Number(p.get(k) ?? '0') || 0;
    const strv = (p: Map<string, string>, k: string): string[] => (p.get(k) ?? '').split(' ').filter(Boolean);
    for (const u of list) {
      const p = new Map((await c.call('show', { unit: u.unit, all: true })).properties);
      units.push({
        id: u.unit, aliases: strv(p, 'Names').filter((n) => n !== u.unit),
        activating: num(p, 'InactiveExitTimestampMonotonic'), activated: num(p, 'ActiveEnterTimestampMonotonic'),
        deactivating: num(p, 'ActiveExitTimestampMonotonic'), deactivated: num(p, 'InactiveEnterTimestampMonotonic'),
        deps: { After: strv(p, 'After'), Requires: strv(p, 'Requires'), Requisite: strv(p, 'Requisite'), Wants: strv(p, 'Wants'), Conflicts: strv(p, 'Conflicts') },
      });
    }
    const timestamps: Record<string, number> = {};
    for (const [k, v] of mgr) if (k.endsWith('TimestampMonotonic')) timestamps[k] = Number(v) || 0;
    return { timestamps, units, virtualization: mgr.get('Virtualization') ?? '', architecture: mgr.get('Architecture') ?? '' };
  } finally { c.close(); }
}

test('analyze time/blame/critical-chain/dot on a booted tsysd = systemd-analyze 252 on the same timestamps', {
  skip: !HAVE_ANALYZE || !HAVE_DBUS_DAEMON ? 'systemd-analyze or dbus-daemon missing' : false, timeout: 180_000,
}, async () => {
  const d = await bootDebianLike();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tsysd-analyze-live-'));
  let bus: FakeSystemdBus | null = null;
  try {
    const env = { TSYSD_SOCKET: d.sock, LANG: 'C.UTF-8' };
    const m = await snapshot(d.sock);
    assert.ok(m.units.length >= 15, `units: ${m.units.map((u) => u.id).join(' ')}`);
    bus = await FakeSystemdBus.start(dir, m);
    // tsysd runs in "container" scope (no security phase): systemd-analyze's user scope takes the same path.
    for (const verb of [['time'], ['blame'], ['critical-chain'], ['critical-chain', 'notify-later.service', 'basic.target'], ['critical-chain', '--fuzz=300ms'], ['dot'], ['dot', '--order', 'multi-user.target'], ['dot', '--require', '*.target']]) {
      const mine = await runTsysd(['analyze', ...verb], env);
      const theirs = await bus.analyze(['--user', ...verb]);
      assert.equal(theirs.code, 0, `systemd-analyze ${verb.join(' ')}: ${theirs.stderr}`);
      assert.equal(mine.code, 0, `tsysd analyze ${verb.join(' ')}: ${mine.stderr}`);
      assert.equal(mine.stdout, theirs.stdout, `analyze ${verb.join(' ')}`);
    }
    const blame = (await runTsysd(['analyze', 'blame'], env)).stdout;
    for (const u of ['slow-oneshot.service', 'notify-later.service', 'early.service']) assert.match(blame, new RegExp(`\\s${u.replace('.', '\\.')}\\n`));
    const chain = (await runTsysd(['analyze', 'critical-chain'], env)).stdout;
    assert.match(chain, /^multi-user\.target @/m);
    assert.match(chain, /└─notify-later\.service @\S+ \+\S+\n\s+└─slow-oneshot\.service @/);
    if (HAVE_DOT) {
      const dot = (await runTsysd(['analyze', 'dot'], env)).stdout;
      const r = dotToSvg(dot);
      assert.equal(r.code, 0, r.err);
      assert.match(r.svg, /<svg[\s\S]*<title>notify&#45;later\.service<\/title>[\s\S]*<\/svg>/);
    }
  } finally {
    await bus?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
    assert.equal(await d.stop(), 0);
  }
});

test('analyze dot offline over every unit in /lib/systemd/system is accepted by Graphviz dot -Tsvg', { skip: HAVE_DOT ? false : 'graphviz missing', timeout: 300_000 }, async () => {
  const all = await runTsysd(['analyze', 'dot', '--unit-path', '/lib/systemd/system']);
  assert.equal(all.code, 0, all.stderr);
  const edges = all.stdout.split('\n').filter((l) => l.startsWith('\t"')).length;
  assert.ok(edges > 500, `only ${edges} edges`);
  assert.match(all.stdout, /^digraph systemd \{\n/);
  assert.match(all.stdout, /\t"multi-user\.target"->"basic\.target" \[color="green"\];\n/);
  assert.match(all.stdout, /\t"multi-user\.target"->"rescue\.target" \[color="red"\];\n/);
  const r = dotToSvg(all.stdout);
  assert.equal(r.code, 0, r.err);
  // One unit with --order / --require: only edges touching it, only the asked kinds.
  const ord = await runTsysd(['analyze', 'dot', '--order', '--unit-path', '/lib/systemd/system', 'multi-user.target']);
  const lines = ord.stdout.split('\n').filter((l) => l.startsWith('\t'));
  assert.ok(lines.length > 0);
  for (const l of lines) { assert.match(l, /"multi-user\.target"/); assert.match(l, /color="green"/); }
  const req = await runTsysd(['analyze', 'dot', '--require', '--unit-path', '/lib/systemd/system', 'multi-user.target']);
  for (const l of req.stdout.split('\n').filter((x) => x.startsWith('\t'))) assert.doesNotMatch(l, /color="green"/);
  assert.equal(dotToSvg(req.stdout).code, 0);
  // What `systemctl show` would call the unit's Requires=/Wants=: a requirement edge for each.
  assert.match(req.stdout, /\t"multi-user\.target"->"basic\.target" \[color="black"\];\n/);
});
