// [Install] verbs, differential against the real `systemctl --root=DIR` (systemd 252, offline): the same
// command sequence runs on two identical trees; stdout, stderr, exit code and the resulting symlink tree
// must be identical after every command.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import * as I from '../../src/unit-file/install';

const base = fs.mkdtempSync(path.join(os.tmpdir(), 'tsysd-install-'));
process.on('exit', () => fs.rmSync(base, { recursive: true, force: true }));

function w(p: string, t: string): void { fs.mkdirSync(path.dirname(p), { recursive: true }); fs.writeFileSync(p, t); }
const SVC = '[Service]\nExecStart=/bin/true\n';

function fixture(R: string): void {
  const u = `${R}/usr/lib/systemd/system`;
  fs.mkdirSync(`${R}/etc/systemd/system`, { recursive: true });
  w(`${u}/foo.service`, `[Unit]\nDescription=foo\n${SVC}[Install]\nWantedBy=multi-user.target\nRequiredBy=x.target\nAlias=bar.service\nAlso=other.service\n`);
  w(`${u}/other.service`, `${SVC}[Install]\nWantedBy=default.target\n`);
  w(`${u}/tp@.service`, `${SVC}[Install]\nWantedBy=multi-user.target %p-%i.target\nDefaultInstance=def\n`);
  w(`${u}/nodef@.service`, `${SVC}[Install]\nWantedBy=multi-user.target\n`);
  w(`${u}/static.service`, SVC);
  w(`${u}/alsoonly.service`, `${SVC}[Install]\nAlso=foo.service\n`);
  w(`${u}/multi-user.target`, '[Unit]\nDescription=MU\n');
  w(`${u}/graphical.target`, '[Unit]\nDescription=G\n[Install]\nAlias=default.target\n');
  w(`${R}/lib/systemd/system/split.service`, `${SVC}[Install]\nWantedBy=multi-user.target\n`);
  w(`${R}/opt/linked.service`, `${SVC}[Install]\nWantedBy=multi-user.target\n`);
  fs.mkdirSync(`${u}/sysinit.target.wants`);
  fs.symlinkSync('../static.service', `${u}/sysinit.target.wants/static.service`);
  w(`${u}/tm@.service`, `${SVC}[Install]\nWantedBy=multi-user.target\nAlias=al@.service\n`);
  w(`${u}/up.service`, `${SVC}[Install]\nUpheldBy=multi-user.target\nRequiredBy=multi-user.target\nAlias=conflict.service\n`);
  fs.symlinkSync('/usr/lib/systemd/system/static.service', `${R}/etc/systemd/system/conflict.service`);
  w(`${u}/spec.service`, `${SVC}[Install]\nWantedBy=multi-user.target\nAlias=%p-alias.service\nAlso=masked2.service\n`);
  fs.symlinkSync('/dev/null', `${R}/etc/systemd/system/masked2.service`);
  w(`${u}/reset.service`, `${SVC}[Install]\nWantedBy=multi-user.target\nWantedBy=\nWantedBy=sockets.target "quoted.target"\n`);
  w(`${u}/badspec.service`, `${SVC}[Install]\nWantedBy=%I.target\n`);
  w(`${u}/syntax.service`, `junk\n[Unit]\nnoequals\n[Bogus]\nA=1\n${SVC}[Install]\nWantedBy=multi-user.target\nFoo=bar\n`);
  fs.symlinkSync('/usr/lib/systemd/system/foo.service', `${R}/etc/systemd/system/foo-link.service`);
  w(`${u}/foo.service.d/x.conf`, '[Install]\nWantedBy=dropin.target\n');
}

function tree(R: string): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isSymbolicLink()) out.push(`${path.relative(R, p)} -> ${fs.readlinkSync(p)}`);
      else if (e.isDirectory()) walk(p);
    }
  };
  walk(R);
  return out.sort();
}

function ours(R: string, cmd: string[]): { stdout: string; stderr: string; rc: number } {
  const o: I.InstallOptions = { root: R };
  const args: string[] = [];
  for (const a of cmd) {
    if (a === '--force') o.force = true;
    else if (a === '--global') o.global = true;
    else if (a === '--runtime') o.runtime = true;
    else if (a.startsWith('--preset-mode=')) o.presetMode = a.split('=')[1] as I.InstallOptions['presetMode'];
    else args.push(a);
  }
  const [verb, ...rest] = args;
  const r: I.InstallResult =
    verb === 'enable' ? I.enableUnits(rest, o) : verb === 'disable' ? I.disableUnits(rest, o)
      : verb === 'reenable' ? I.reenableUnits(rest, o) : verb === 'is-enabled' ? I.isEnabled(rest, o)
        : verb === 'mask' ? I.maskUnits(rest, o) : verb === 'unmask' ? I.unmaskUnits(rest, o)
          : verb === 'preset' ? I.presetUnits(rest, o) : verb === 'preset-all' ? I.presetAllUnits(o)
            : verb === 'get-default' ? I.getDefault(o) : verb === 'set-default' ? I.setDefault(rest[0]!, o)
              : verb === 'list-unit-files' ? I.listUnitFilesCommand({ ...o, patterns: rest })
                : I.linkUnits(rest, o);
  const j = (l: string[]): string => (l.length ? l.join('\n') + '\n' : '');
  return { stdout: j(r.stdout), stderr: j(r.stderr), rc: r.exitCode };
}

function differential(name: string, setup: (R: string) => void, script: string[][]): void {
  test(`install vs systemctl --root: ${name}`, () => {
    const A = path.join(base, `${name}-A`), B = path.join(base, `${name}-B`);
    for (const R of [A, B]) { fixture(R); setup(R); }
    let n = 0;
    for (const cmd of script) {
      const s = spawnSync('systemctl', [`--root=${A}`, '--no-pager', ...cmd], { encoding: 'utf8' });
      const o = ours(B, cmd);
      const norm = (t: string, R: string): string => t.split(R).join('ROOT');
      assert.equal(norm(o.stderr, B), norm(s.stderr, A), `stderr of: ${cmd.join(' ')}`);
      assert.equal(norm(o.stdout, B), norm(s.stdout, A), `stdout of: ${cmd.join(' ')}`);
      assert.equal(o.rc, s.status, `exit code of: ${cmd.join(' ')}`);
      assert.deepEqual(tree(B), tree(A), `tree after: ${cmd.join(' ')}`);
      n++;
    }
    console.log(`# ${name}: ${n} commands identical to systemctl --root`);
  });
}

const c = (s: string): string[] => s.split(' ');

differential('enable-disable', () => undefined, [
  'enable foo.service', 'is-enabled foo.service bar.service other.service static.service tp@.service', 'disable foo.service',
  'enable tp@.service', 'enable tp@x.service', 'is-enabled tp@.service tp@x.service tp@y.service tp@def.service', 'disable tp@.service',
  'enable nodef@.service', 'enable nodef@a.service', 'is-enabled nodef@.service nodef@a.service', 'enable static.service',
  'is-enabled static.service', 'enable alsoonly.service', 'is-enabled alsoonly.service foo.service', 'disable alsoonly.service',
  'enable nope.service', 'disable nope.service', 'is-enabled nope.service', 'enable split.service', 'enable /opt/linked.service',
  'is-enabled linked.service', 'disable linked.service', 'reenable foo.service', 'enable tm@.service', 'enable tm@q.service',
  'is-enabled tm@q.service al@q.service tm@.service', 'disable tm@.service', 'enable up.service', 'enable --force up.service',
  'is-enabled up.service conflict.service', 'enable spec.service', 'is-enabled spec.service spec-alias.service masked2.service',
  'disable spec-alias.service', 'enable reset.service', 'is-enabled reset.service', 'disable reset.service', 'enable badspec.service',
  'enable foo-link.service', 'is-enabled foo-link.service', 'disable foo-link.service', 'enable syntax.service', 'is-enabled syntax.service',
  'list-unit-files',
].map(c));

differential('mask-runtime-default', () => undefined, [
  'mask foo.service', 'mask foo.service', 'enable foo.service', 'is-enabled foo.service', 'unmask foo.service', 'is-enabled foo.service',
  'enable --runtime foo.service', 'is-enabled foo.service', 'disable --runtime foo.service', 'mask --runtime static.service',
  'is-enabled static.service', 'unmask --runtime static.service', 'get-default', 'set-default multi-user.target', 'get-default',
  'set-default graphical.target', 'get-default', 'set-default default.target', 'enable graphical.target',
  'is-enabled graphical.target default.target multi-user.target', 'list-unit-files foo* *.target',
].map(c));

differential('presets', (R) => {
  w(`${R}/usr/lib/systemd/system-preset/90-x.preset`, 'disable other.service\nenable tp@.service a b\nenable foo*\ndisable *\n');
  w(`${R}/etc/systemd/system-preset/50-y.preset`, 'ignore static.service\nenable alsoonly.service\nbogus line\n');
  w(`${R}/lib/systemd/system-preset/90-x.preset`, 'enable *\n');
}, [
  'preset foo.service other.service tp@.service static.service alsoonly.service', 'list-unit-files', 'preset-all', 'list-unit-files',
  'preset --preset-mode=enable-only up.service', 'preset tp@.service', 'preset-all --preset-mode=disable-only', 'list-unit-files',
].map(c));

differential('global-user-units', (R) => {
  w(`${R}/usr/lib/systemd/user/u.service`, `${SVC}[Install]\nWantedBy=default.target\nAlias=u2.service\n`);
  w(`${R}/usr/lib/systemd/user/default.target`, '[Unit]\nDescription=d\n');
  w(`${R}/usr/lib/systemd/user-preset/90.preset`, 'disable u.service\n');
}, [
  '--global enable u.service', '--global is-enabled u.service u2.service', '--global list-unit-files', '--global disable u.service',
  '--global mask u.service', '--global unmask u.service', '--global preset u.service', '--global is-enabled u.service',
].map(c));

{
  // seeded random command sequence over all fixture units and verbs
  let seed = Number(process.env['TSYSD_INSTALL_SEED'] ?? 7);
  const rnd = (): number => { seed = (seed * 1103515245 + 12345) & 0x7fffffff; return seed / 0x7fffffff; };
  const units = ['foo.service', 'bar.service', 'other.service', 'tp@.service', 'tp@x.service', 'tp@def.service', 'nodef@.service',
    'nodef@a.service', 'static.service', 'alsoonly.service', 'multi-user.target', 'graphical.target', 'default.target', 'split.service',
    'tm@.service', 'tm@q.service', 'al@q.service', 'up.service', 'conflict.service', 'spec.service', 'spec-alias.service',
    'masked2.service', 'reset.service', 'foo-link.service', 'nope.service', 'syntax.service'];
  const verbs = ['enable', 'disable', 'reenable', 'is-enabled', 'mask', 'unmask', 'preset', 'enable --runtime', 'disable --runtime',
    'mask --runtime', 'unmask --runtime', 'enable --force', 'set-default', 'get-default', 'list-unit-files', 'preset-all'];
  const script: string[][] = [];
  for (let i = 0; i < Number(process.env['TSYSD_INSTALL_CMDS'] ?? 120); i++) {
    const v = verbs[Math.floor(rnd() * verbs.length)]!;
    const n = 1 + Math.floor(rnd() * 2);
    const us = Array.from({ length: n }, () => units[Math.floor(rnd() * units.length)]!);
    if (v === 'get-default' || v === 'list-unit-files' || v === 'preset-all') script.push(c(v));
    else if (v === 'set-default') script.push(['set-default', us[0]!.endsWith('.target') ? us[0]! : 'multi-user.target']);
    else script.push([...c(v), ...us]);
  }
  differential('random-sequence', (R) => {
    w(`${R}/usr/lib/systemd/system-preset/90-x.preset`, 'disable other.service\nenable tp@.service a b\nenable foo*\ndisable *\n');
  }, script);
}

test('install: renderUnitFileList and unitFileState API', () => {
  const R = path.join(base, 'api');
  fixture(R);
  const sd = (u: string): string => spawnSync('systemctl', [`--root=${R}`, 'is-enabled', u], { encoding: 'utf8' }).stdout.trim();
  assert.deepEqual(I.unitFileState('foo.service', { root: R }), { state: sd('foo.service') });
  for (const u of ['static.service', 'masked2.service', 'tp@.service', 'tp@def.service', 'conflict.service', 'graphical.target', 'alsoonly.service'])
    assert.deepEqual(I.unitFileState(u, { root: R }), { state: sd(u) }, u);
  assert.deepEqual(I.unitFileState('nope.service', { root: R }), { error: 'ENOENT', warnings: [] });
  const e = I.enableUnits(['foo.service'], { root: R });
  assert.equal(e.exitCode, 0);
  assert.ok(e.changes.some((x) => x.type === 'symlink' && x.path.endsWith('multi-user.target.wants/foo.service')));
  assert.deepEqual(I.unitFileState('foo.service', { root: R }), { state: sd('foo.service') });
  // explicit unit dirs: the first is the config dir, presets come from DIR-preset
  const D = path.join(base, 'units');
  w(`${D}/a.service`, `${SVC}[Install]\nWantedBy=multi-user.target\n`);
  w(`${D}/b.service`, `${SVC}[Install]\nWantedBy=multi-user.target\n`);
  w(`${D}-preset/10.preset`, 'disable b.service\n');
  const p = I.presetAllUnits({ unitPaths: [D] });
  assert.equal(p.exitCode, 0);
  assert.ok(fs.lstatSync(`${D}/multi-user.target.wants/a.service`).isSymbolicLink());
  assert.ok(!fs.existsSync(`${D}/multi-user.target.wants/b.service`));
  assert.deepEqual(I.listUnitFiles({ unitPaths: [D] }).map((x) => [x.name, x.state, x.preset]), [['a.service', 'enabled', 'enabled'], ['b.service', 'disabled', 'disabled']]);
});
