// tsysd's built-in SysV generator (src/generators/sysv.ts) against systemd 252's systemd-sysv-generator on
// the same input: a fixture tree of init scripts and rcN.d links written here (every header kind, facility,
// Provides alias, chkconfig description/pidfile, usage/reload guess, priorities of header-less scripts,
// shadowing native units, masks, backup files, non-executables), and this machine's own /etc/init.d.
// Both generators write into temp directories; the files must agree line for line, except that lines
// systemd emits in hash-table order (the Before=/After= of header-less scripts) are compared as sets.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { generateSysv } from '../../src/generators/sysv';
import { applyOutput, BUILTIN_GENERATORS, runGenerators, type ProcessRunner } from '../../src/generators/runner';
import { realGenFs } from '../../src/platform/generators';
import { UnitFileIndex } from '../../src/unit-file/load';
import { systemDefaultPaths } from '../../src/unit-file/paths';

const REAL = '/lib/systemd/system-generators/systemd-sysv-generator';
const have = fs.existsSync(REAL);

function w(p: string, text: string, mode = 0o755): void { fs.mkdirSync(path.dirname(p), { recursive: true }); fs.writeFileSync(p, text, { mode }); }

const lsb = (h: string, body = 'case "$1" in start|stop) ;; *) echo "Usage: $0 {start|stop}";; esac\n'): string =>
  `#!/bin/sh\n### BEGIN INIT INFO\n${h}### END INIT INFO\n${body}`;

function fixture(root: string): void {
  const d = `${root}/init.d`;
  w(`${d}/alpha`, lsb('# Provides:          alpha alpha-mail mta\n# Required-Start:    $local_fs $remote_fs $network $named $time $syslog\n# Required-Stop:     $remote_fs\n# Should-Start:      postgresql mysql $portmap\n# Default-Start:     2 3 4 5\n# Default-Stop:      0 1 6\n# Short-Description: alpha 100% mail\n# Description:       a long text\n#                    over two lines\n',
    'echo "Usage: /etc/init.d/alpha {start|stop|restart|reload|force-reload}"\n'));
  w(`${d}/beta.sh`, lsb('# Provides: beta $beta-facility\n# X-Start-Before: alpha $network\n# X-Start-After: gamma\n# Description: only a long description\n#\tcontinued with a tab\n# not a continuation\n',
    'usage() {\n  echo "usage: $0 start|stop|\\\n   reload}"\n}\n'));
  w(`${d}/gamma`, '#!/bin/sh\n# chkconfig: 2345 20 80\n# description: Red Hat style \\\n#              description continued\n# pidfile: /run/gamma.pid\necho "Usage: gamma {start|stop|reload}"\n');
  w(`${d}/delta`, '#!/bin/sh\n# description: relative pid file\n# pidfile: run/delta.pid\nexit 0\n');
  w(`${d}/epsilon`, '#!/bin/sh\n# no headers at all\nexit 0\n');
  w(`${d}/zeta`, lsb('# Provides: zeta\n# Required-Start: $network\n# Short-Description:\n# Description: fallback to the long one\n'));
  w(`${d}/eta`, lsb('# Provides: eta\n# Short-Description: native unit exists\n'));
  w(`${d}/theta`, lsb('# Provides: theta\n# Short-Description: masked native unit\n'));
  w(`${d}/iota`, lsb('# Provides: iota\n'), 0o644);                         // not executable
  w(`${d}/kappa.dpkg-old`, lsb('# Provides: kappa\n'));                    // backup file
  w(`${d}/.hidden`, lsb('# Provides: hidden\n'));
  w(`${d}/lambda`, lsb('# Provides: lambda alias-of-lambda\n# Required-Start: $all\n# Short-Description: facility $all\n'));
  w(`${d}/mu`, lsb('# Provides: alias-of-lambda\n# Short-Description: a real script named like an alias\n'));
  w(`${d}/alias-of-lambda`, lsb('# Provides: alias-of-lambda\n# Short-Description: the real one wins\n'));
  w(`${d}/nu`, '#!/bin/sh\n# no headers, priority 10\n');
  w(`${d}/xi`, '#!/bin/sh\n# no headers, priority 30, pidfile: /run/xi.pid\n# pidfile: /run/xi.pid\n');
  fs.mkdirSync(`${d}/omicron`);                                             // a directory
  const links: Record<string, string[]> = {
    'rc1.d': ['K01alpha', 'S01gamma'],
    'rc2.d': ['S01alpha', 'S02beta.sh', 'S20gamma', 'S10nu', 'S30xi', 'S05epsilon', 'S01unknown', 'Sxxbad', 'S1', 'K20zeta'],
    'rc3.d': ['S01alpha', 'S20gamma', 'S10nu', 'S30xi'],
    'rc4.d': ['S01alpha'],
    'rc5.d': ['S01alpha', 'S99zeta', 'S40nu'],
  };
  for (const [dir, es] of Object.entries(links)) {
    fs.mkdirSync(`${root}/rc/${dir}`, { recursive: true });
    for (const e of es) fs.symlinkSync(`../init.d/${e.slice(3)}`, `${root}/rc/${dir}/${e}`);
  }
  w(`${root}/units/eta.service`, '[Service]\nExecStart=/bin/true\n', 0o644);
  fs.symlinkSync('/dev/null', `${root}/units/theta.service`);
}

/** Files and links below dir: name → text, or '-> target' for links. systemd appends the start-priority
 *  ordering of fix_order() in hash-table order: the trailing Before=/After= lines naming generated units are
 *  sorted (everything else keeps its order). */
function snapshot(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (d: string, rel: string): void => {
    for (const e of fs.existsSync(d) ? fs.readdirSync(d, { withFileTypes: true }) : []) {
      const p = path.join(d, e.name), r = rel ? `${rel}/${e.name}` : e.name;
      if (e.isSymbolicLink()) out.set(r, `-> ${fs.readlinkSync(p)}`);
      else if (e.isDirectory()) walk(p, r);
      else out.set(r, fs.readFileSync(p, 'utf8'));
    }
  };
  walk(dir, '');
  const generated = new Set([...out.keys()].filter((k) => !k.includes('/')));
  for (const [k, t] of out) {
    if (t.startsWith('-> ')) continue;
    const lines = t.split('\n');
    for (const kind of ['Before=', 'After=']) {
      const idx = lines.map((l, i) => (l.startsWith(kind) ? i : -1)).filter((i) => i >= 0);
      let j = idx.length;
      while (j > 0 && generated.has(lines[idx[j - 1]!]!.slice(kind.length))) j--;
      const tail = idx.slice(j).map((i) => lines[i]!).sort();
      idx.slice(j).forEach((i, n) => { lines[i] = tail[n]!; });
    }
    out.set(k, lines.join('\n'));
  }
  return out;
}

function runReal(root: string, initd: string, rcnd: string, unitPath: string | null): string {
  const out = path.join(root, 'real');
  for (const s of ['n', 'e', 'l']) fs.mkdirSync(`${out}/${s}`, { recursive: true });
  const env: Record<string, string> = { PATH: '/usr/bin:/bin', SYSTEMD_LOG_LEVEL: 'err', SYSTEMD_SYSVINIT_PATH: initd, SYSTEMD_SYSVRCND_PATH: rcnd };
  if (unitPath) env['SYSTEMD_UNIT_PATH'] = unitPath;
  const r = spawnSync(REAL, [`${out}/n`, `${out}/e`, `${out}/l`], { env, encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return `${out}/l`;
}

async function runMine(root: string, initd: string, rcnd: string, searchPath: string[]): Promise<string> {
  const out = path.join(root, 'mine');
  const ix = new UnitFileIndex(searchPath, false);
  const noProcesses: ProcessRunner = { runAll: async () => [] };
  const logs: string[] = [];
  // Through the runner, as the daemon does: no executables in the generator dirs → the built-ins run.
  const rep = await runGenerators({
    userMode: false, binaryDirs: [path.join(root, 'no-generators')], output: { normal: `${out}/n`, early: `${out}/e`, late: `${out}/l` },
    env: [], fs: realGenFs(), runner: noProcesses, builtins: true, unitExists: (n) => ix.load(n).loadState !== 'not-found',
    log: (l, m) => logs.push(`${l} ${m}`), sysvInitPath: [initd], sysvRcndPath: [rcnd],
  });
  assert.deepEqual(rep.builtins, BUILTIN_GENERATORS.map((b) => b.name));
  return `${out}/l`;
}

test('built-in SysV generator writes what systemd-sysv-generator writes (fixture tree)', { skip: !have && 'no systemd-sysv-generator' }, async () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'tsysd-sysv-'));
  try {
    fixture(root);
    const real = runReal(root, `${root}/init.d`, `${root}/rc`, `${root}/units`);
    const mine = await runMine(root, `${root}/init.d`, `${root}/rc`, [`${root}/units`]);
    const a = snapshot(mine), b = snapshot(real);
    assert.ok(b.size >= 15, `the real generator produced ${b.size} entries`);
    process.stdout.write(`# fixture: ${[...b.keys()].sort().join(' ')}\n`);
    assert.deepEqual([...a.keys()].sort(), [...b.keys()].sort());
    for (const [k, v] of b) assert.equal(a.get(k), v, k);
    // a spot check of what the fixture is for: facilities, alias, description escaping
    assert.match(b.get('alpha.service')!, /^Description=LSB: alpha 100%% mail$/m);
    assert.equal(b.get('alpha-mail.service'), '-> alpha.service');
  } finally { fs.rmSync(root, { recursive: true, force: true }); }
});

test('built-in SysV generator agrees with systemd-sysv-generator on this machine\'s /etc/init.d', { skip: !have && 'no systemd-sysv-generator' }, async () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'tsysd-sysv-'));
  try {
    const real = runReal(root, '/etc/init.d', '/etc', null);
    const sp = systemDefaultPaths().filter((p) => !p.includes('/generator'));
    const mine = await runMine(root, '/etc/init.d', '/etc', sp);
    const a = snapshot(mine), b = snapshot(real);
    assert.deepEqual([...a.keys()].sort(), [...b.keys()].sort());
    for (const [k, v] of b) assert.equal(a.get(k), v, k);
    process.stdout.write(`# /etc/init.d: ${[...b.keys()].filter((k) => !k.includes('/')).length} generated units agree\n`);
  } finally { fs.rmSync(root, { recursive: true, force: true }); }
});

test('generateSysv is pure: the same input gives the same output', () => {
  const input = { scripts: [{ file: 'x', path: '/etc/init.d/x', text: lsb('# Provides: x y\n# Required-Start: $network\n') }], rcDirs: { 'rc2.d': ['S01x'] }, unitExists: () => false };
  assert.deepEqual(generateSysv(input), generateSysv(input));
  const out = generateSysv(input);
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'tsysd-sysv-'));
  try {
    applyOutput(realGenFs(), root, out, () => undefined, 'test');
    assert.equal(fs.readlinkSync(`${root}/y.service`), 'x.service');
    assert.equal(fs.readlinkSync(`${root}/multi-user.target.wants/x.service`), '../x.service');
  } finally { fs.rmSync(root, { recursive: true, force: true }); }
});
