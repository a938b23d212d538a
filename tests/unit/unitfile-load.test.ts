// Loader: templates, aliases, linked files, masks, first-dir-wins, drop-in priority/sorting, .wants/.requires,
// alias loops — each compared with systemd 252's own view of the same tree (`systemd --test` dump, run as
// an unprivileged user, never as a manager), plus robustness cases.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { UnitFileIndex, loadUnitSource, loadUnitFile, invalidateIndexes } from '../../src/unit-file/load';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'tsysd-load-'));
process.on('exit', () => fs.rmSync(root, { recursive: true, force: true }));
const d1 = path.join(root, 'd1'), d2 = path.join(root, 'd2'), out = path.join(root, 'out');

function w(p: string, text: string): void { fs.mkdirSync(path.dirname(p), { recursive: true }); fs.writeFileSync(p, text); }
const svc = (desc: string): string => `[Unit]\nDescription=${desc}\n[Service]\nExecStart=/bin/true\n`;

// --- the tree ---
w(`${d2}/real.service`, svc('real'));
fs.mkdirSync(d1, { recursive: true });
fs.symlinkSync('../d2/real.service', `${d1}/alias.service`);
w(`${d1}/alias.service.d/50-al.conf`, '[Unit]\nDescription=via-alias\n');
w(`${d2}/t@.service`, svc('tpl'));
w(`${d1}/t@b.service`, svc('tb'));
fs.symlinkSync('t@.service', `${d2}/al@.service`);
w(`${out}/linked.service`, svc('out'));
fs.symlinkSync(`${out}/linked.service`, `${d1}/linked.service`);
fs.symlinkSync('/dev/null', `${d1}/masked.service`);
w(`${d2}/empty.service`, '');
w(`${d1}/dup.service`, svc('dup1'));
w(`${d2}/dup.service`, svc('dup2'));
w(`${d2}/ab-cd.service`, svc('x'));
w(`${d1}/ab-cd.service.d/10-a.conf`, '[Unit]\nDescription=d1-10a\n');
w(`${d2}/ab-cd.service.d/10-a.conf`, '[Unit]\nDescription=d2-10a\n');
w(`${d2}/ab-cd.service.d/05-b.conf`, '[Unit]\nDocumentation=man:b\n');
w(`${d1}/service.d/20-c.conf`, '[Unit]\nDocumentation=man:c\n');
w(`${d2}/ab-.service.d/15-d.conf`, '[Unit]\nDocumentation=man:d\n');
w(`${d1}/ab-.service.d/10-a.conf`, '[Unit]\nDocumentation=man:e\n');
w(`${d1}/ab-cd.service.d/not-a-conf.txt`, 'junk');
fs.mkdirSync(`${d1}/ab-cd.service.d/dir.conf`);
w(`${d2}/ab-cd@.service`, svc('inst'));
w(`${d2}/ab-cd@.service.d/30-f.conf`, '[Unit]\nDocumentation=man:f\n');
w(`${d2}/ab-cd@q.service.d/31-g.conf`, '[Unit]\nDocumentation=man:g\n');
fs.symlinkSync('loopb.service', `${d1}/loopa.service`);
fs.symlinkSync('loopa.service', `${d1}/loopb.service`);
fs.mkdirSync(`${d1}/dirunit.service`);
w(`${d1}/probe.target`, '[Unit]\nDescription=probe\nWants=alias.service t@a.service t@b.service al@z.service linked.service masked.service empty.service dup.service ab-cd.service ab-cd@q.service loopa.service\n');
fs.mkdirSync(`${d1}/probe.target.wants`);
fs.symlinkSync('/x/real.service', `${d1}/probe.target.wants/real.service`);
w(`${d1}/probe.target.wants/file.service`, svc('notlink'));
fs.mkdirSync(`${d2}/probe.target.requires`);
fs.symlinkSync('/x/dup.service', `${d2}/probe.target.requires/dup.service`);
fs.mkdirSync(`${d2}/t@.service.wants`);
fs.symlinkSync('/x/real@.service', `${d2}/t@.service.wants/real@.service`);
spawnSync('chmod', ['-R', 'a+rX', root]);

interface DumpUnit { loadState: string; fragment: string; dropins: string[]; aliases: string[]; wants: string[]; requires: string[]; description: string }

function oracleDump(): Map<string, DumpUnit> {
  const r = spawnSync('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', 'env', '-i', 'HOME=/tmp',
    `SYSTEMD_UNIT_PATH=${d1}:${d2}:/lib/systemd/system`, '/lib/systemd/systemd', '--test', '--system', '--unit=probe.target', '--no-pager'],
  { encoding: 'utf8', maxBuffer: 64 << 20 });
  const m = new Map<string, DumpUnit>();
  let cur: DumpUnit | null = null;
  for (const line of r.stdout.split('\n')) {
    const h = /^\t-> Unit (.*):$/.exec(line);
    if (h) { cur = { loadState: '', fragment: '', dropins: [], aliases: [], wants: [], requires: [], description: '' }; m.set(h[1]!, cur); continue; }
    if (!cur) continue;
    const kv = /^\t\t([A-Za-z ]+): (.*)$/.exec(line);
    if (!kv) continue;
    const [k, v] = [kv[1]!, kv[2]!];
    if (k === 'Unit Load State') cur.loadState = v;
    else if (k === 'Fragment Path') cur.fragment = v;
    else if (k === 'DropIn Path') cur.dropins.push(v);
    else if (k === 'Alias') cur.aliases.push(v);
    else if (k === 'Description') cur.description = v;
    else if (k === 'Wants' && v.endsWith('(origin-file)')) cur.wants.push(v.replace(/ \(.*$/, ''));
    else if (k === 'Requires' && v.endsWith('(origin-file)')) cur.requires.push(v.replace(/ \(.*$/, ''));
  }
  return m;
}

const dump = oracleDump();
const idx = new UnitFileIndex([d1, d2, '/lib/systemd/system']);

function lastValue(name: string, key: string): string | undefined {
  const u = idx.load(name);
  let v: string | undefined;
  for (const a of u.assignments) if (a.section === 'Unit' && a.key === key) v = a.value;
  return v;
}

const requested = ['alias.service', 't@a.service', 't@b.service', 'al@z.service', 'linked.service', 'masked.service',
  'empty.service', 'dup.service', 'ab-cd.service', 'ab-cd@q.service', 'loopa.service', 'real.service'];

for (const name of requested) {
  test(`load: ${name} agrees with systemd (id, load state, fragment, drop-ins, aliases)`, () => {
    const u = idx.load(name);
    const o = dump.get(u.id);
    assert.ok(o, `systemd knows unit ${u.id}`);
    assert.equal(u.loadState, o.loadState);
    if (o.fragment) assert.equal(u.fragmentPath, o.fragment);
    assert.deepEqual(u.dropInPaths, o.dropins);
    assert.deepEqual(u.names.filter((n) => n !== u.id).sort(), o.aliases.sort());
    if (u.loadState === 'loaded') assert.equal(lastValue(name, 'Description'), o.description);
  });
}

test('load: .wants/.requires dirs agree with systemd (symlinks only, template dirs for instances)', () => {
  const p = idx.load('probe.target');
  const o = dump.get('probe.target')!;
  for (const x of p.wantsFromDirs) assert.ok(o.wants.includes(x), `systemd also wants ${x}`);
  assert.deepEqual(p.wantsFromDirs, ['real.service']);
  assert.deepEqual(p.requiresFromDirs, ['dup.service']);
  assert.ok(p.diagnostics.some((d) => d.message.includes('is not a symlink, ignoring')));
  assert.deepEqual(idx.load('t@a.service').wantsFromDirs, ['real@a.service']);
});

test('load: alias names, template instances and ids', () => {
  const a = idx.load('alias.service');
  assert.equal(a.id, 'real.service');
  assert.deepEqual(a.names, ['real.service', 'alias.service']);
  assert.equal(a.requested, 'alias.service');
  const i = idx.load('t@a.service');
  assert.deepEqual([i.id, i.prefix, i.instance, i.type], ['t@a.service', 't', 'a', 'service']);
  assert.ok(i.names.includes('al@a.service'));
  const z = idx.load('al@z.service');
  assert.equal(z.id, 't@z.service');
  assert.equal(z.fragmentPath, `${d2}/t@.service`);
});

test('load: never throws; directory named like a unit, missing unit, invalid name', () => {
  const d = idx.load('dirunit.service');
  assert.equal(d.loadState, 'not-found', 'a directory is not a unit file (systemd skips DT_DIR entries)');
  assert.equal(idx.load('nope.service').loadState, 'not-found');
  const bad = idx.load('bad name');
  assert.equal(bad.loadState, 'error');
  assert.equal(bad.diagnostics[0]!.fatal, true);
});

test('load: listUnitFiles is first-dir-wins and skips invalid names/dirs', () => {
  const files = new UnitFileIndex([d1, d2]).listUnitFiles();
  const dup = files.find((f) => f.name === 'dup.service');
  assert.equal(dup?.dir, d1);
  assert.ok(!files.some((f) => f.name === 'dirunit.service'));
  assert.ok(files.some((f) => f.name === 't@.service'));
});

test('load: loadUnitSource caches per search path; invalidate sees new files', () => {
  const dir = fs.mkdtempSync(path.join(root, 'c-'));
  assert.equal(loadUnitSource('new.service', [dir]).loadState, 'not-found');
  w(`${dir}/new.service`, svc('n'));
  assert.equal(loadUnitSource('new.service', [dir]).loadState, 'not-found', 'cached');
  invalidateIndexes();
  assert.equal(loadUnitSource('new.service', [dir]).loadState, 'loaded');
});

test('load: loadUnitFile loads a file by path with its own directory first', () => {
  const u = loadUnitFile(`${d2}/ab-cd.service`, ['/lib/systemd/system']);
  assert.equal(u.loadState, 'loaded');
  assert.equal(u.fragmentPath, `${d2}/ab-cd.service`);
  assert.deepEqual(u.dropInPaths.map((p) => path.basename(p)), ['05-b.conf', '10-a.conf', '15-d.conf']);
});

test('load: fatal syntax error in the fragment → error; in a drop-in → unit still loads', () => {
  const dir = fs.mkdtempSync(path.join(root, 'f-'));
  w(`${dir}/bad.service`, '[Unit\nDescription=x\n');
  w(`${dir}/good.service`, svc('g'));
  w(`${dir}/good.service.d/a.conf`, '[Unit]\nDocumentation=man:a\n[Bad\nDescription=never\n');
  const ix = new UnitFileIndex([dir]);
  const b = ix.load('bad.service');
  assert.equal(b.loadState, 'error');
  assert.equal(b.diagnostics[0]!.line, 1);
  const g = ix.load('good.service');
  assert.equal(g.loadState, 'loaded');
  assert.deepEqual(g.assignments.map((a) => a.key), ['Description', 'ExecStart', 'Documentation']);
  assert.ok(g.diagnostics.some((d) => d.message.startsWith('Invalid section header') && d.line === 3 && !d.fatal));
});

test('load: 10,000 generated units load fast through one index', () => {
  // tmpfs when it has room: 10,000 small files on a disk-backed /tmp measure the disk, not the loader
  let base = root;
  try { const st = fs.statfsSync('/dev/shm'); if (st.bavail * st.bsize > 256 * 1024 * 1024) base = '/dev/shm'; } catch { /* keep /tmp */ }
  const dir = fs.mkdtempSync(path.join(base, 'tsysd-many-'));
  process.on('exit', () => fs.rmSync(dir, { recursive: true, force: true }));
  for (let i = 0; i < 10000; i++) fs.writeFileSync(`${dir}/g${i}.service`, svc(`gen ${i}`));
  const ix = new UnitFileIndex([dir]);
  const t0 = process.hrtime.bigint();
  let n = 0;
  for (let i = 0; i < 10000; i++) n += ix.load(`g${i}.service`).assignments.length;
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  assert.equal(n, 20000);
  console.log(`# loaded 10000 units in ${ms.toFixed(0)} ms`);
});
