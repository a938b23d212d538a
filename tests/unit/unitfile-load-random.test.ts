// Randomized differential test of the loader against systemd 252's own loader (`systemd --test` dump, run as
// an unprivileged user, never as a manager): seeded random trees over three search dirs with duplicated
// names, templates/instances, alias symlinks (valid, cross-type, dangling, chained), masks, drop-ins at unit /
// template / dash-prefix / type / alias level with colliding file names, and .wants/.requires entries.
// For every unit systemd loads, id, load state, fragment, drop-in list, alias names, the effective
// Description= and wants/requires-from-dirs must agree.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { UnitFileIndex } from '../../src/unit-file/load';
import { parseUnitName } from '../../src/unit-file/names';
import { rng } from '../helpers/random';

const TREES = Number(process.env['TSYSD_TREES'] ?? 10);


interface DumpUnit { ls: string; fr: string; di: string[]; al: string[]; desc: string; wants: string[]; requires: string[] }

function dump(dirs: string[], probe: string): Map<string, DumpUnit> {
  const r = spawnSync('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', 'env', '-i', 'HOME=/tmp',
    `SYSTEMD_UNIT_PATH=${dirs.join(':')}:/lib/systemd/system`, '/lib/systemd/systemd', '--test', '--system', `--unit=${probe}`, '--no-pager'],
  { encoding: 'utf8', maxBuffer: 64 << 20 });
  const m = new Map<string, DumpUnit>();
  let cur: DumpUnit | null = null;
  for (const line of r.stdout.split('\n')) {
    const h = /^\t-> Unit (.*):$/.exec(line);
    if (h) { cur = { ls: '', fr: '', di: [], al: [], desc: '', wants: [], requires: [] }; m.set(h[1]!, cur); continue; }
    const kv = /^\t\t([A-Za-z ]+): (.*)$/.exec(line);
    if (!cur || !kv) continue;
    const [k, v] = [kv[1]!, kv[2]!];
    if (k === 'Unit Load State') cur.ls = v;
    else if (k === 'Fragment Path') cur.fr = v;
    else if (k === 'DropIn Path') cur.di.push(v);
    else if (k === 'Alias') cur.al.push(v);
    else if (k === 'Description') cur.desc = v;
    else if (k === 'Wants' && v.endsWith('(origin-file)')) cur.wants.push(v.replace(/ \(.*$/, ''));
    else if (k === 'Requires' && v.endsWith('(origin-file)')) cur.requires.push(v.replace(/ \(.*$/, ''));
  }
  return m;
}

test('load (random trees): agrees with systemd 252 on ids, states, fragments, drop-ins, aliases, wants dirs', () => {
  const base = fs.mkdtempSync(path.join(os.tmpdir(), 'tsysd-lrand-'));
  fs.chmodSync(base, 0o755); // the oracle runs as nobody
  let compared = 0;
  try {
    for (let tree = 0; tree < TREES; tree++) {
      const r = rng(1000 + tree);
      const pick = <T>(a: T[]): T => a[Math.floor(r() * a.length)]!;
      const root = path.join(base, `t${tree}`);
      const dirs = [`${root}/d1`, `${root}/d2`, `${root}/d3`];
      for (const d of dirs) fs.mkdirSync(d, { recursive: true });
      const prefixes = ['a', 'a-b', 'a-b-c', 'b-c', 'q', 'a-', 'x-y-z'];
      const names: string[] = [];
      // unit files
      for (let i = 0; i < 24; i++) {
        const type = r() < 0.8 ? 'service' : 'target';
        const tpl = type === 'service' && r() < 0.3;
        const name = tpl ? `${pick(prefixes)}${i % 3}@.${type}` : `${pick(prefixes)}${r() < 0.5 ? '' : `-${i}`}.${type}`;
        const body = type === 'service' ? `[Unit]\nDescription=${name} frag\n[Service]\nExecStart=/bin/true\n` : `[Unit]\nDescription=${name} frag\n`;
        const copies = r() < 0.2 ? 2 : 1;
        for (let c = 0; c < copies; c++) {
          const d = pick(dirs);
          const p = `${d}/${name}`;
          if (fs.existsSync(p)) continue;
          fs.writeFileSync(p, r() < 0.05 ? '' : body.replace('frag', `frag ${path.basename(d)}`));
        }
        if (tpl) { names.push(name.replace('@.', `@i${i}.`), name.replace('@.', '@x-y.')); if (r() < 0.3) fs.writeFileSync(`${pick(dirs)}/${name.replace('@.', '@x-y.')}`, body.replace('frag', 'instance file')); }
        else names.push(name);
      }
      const existing = (): string[] => dirs.flatMap((d) => fs.readdirSync(d).filter((n) => parseUnitName(n) && fs.lstatSync(`${d}/${n}`).isFile()).map((n) => `${d}/${n}`));
      // aliases and masks
      for (let i = 0; i < 10; i++) {
        const targets = existing();
        if (!targets.length) break;
        const t = pick(targets);
        const tn = path.basename(t);
        const tp = parseUnitName(tn)!;
        const kind = r();
        const aliasName = tp.isTemplate ? `al${i}@.${tp.type}` : kind < 0.1 ? `al${i}.socket` : `al${i}.${tp.type}`;
        const d = pick(dirs);
        const target = kind < 0.3 ? tn : kind < 0.4 ? `/nonexistent/${tn}` : kind < 0.5 ? '/dev/null' : t;
        try { fs.symlinkSync(target, `${d}/${aliasName}`); } catch { continue; }
        names.push(tp.isTemplate ? aliasName.replace('@.', '@i0.') : aliasName);
        if (r() < 0.3) { try { fs.symlinkSync(aliasName, `${pick(dirs)}/chain${i}.${tp.type}`); names.push(`chain${i}.${tp.type}`); } catch { /* exists */ } }
      }
      // drop-ins with colliding names at every level
      const levels = [...new Set(names.map((n) => n))].concat(['a-.service', 'a-b-.service', 'b-.service', 'x-.service', 'x-y-.service', 'service', 'target']);
      for (const u of names.map((n) => n.replace(/@[^.]*\./, '@.'))) levels.push(u);
      for (let i = 0; i < 30; i++) {
        const lvl = pick(levels);
        const d = `${pick(dirs)}/${lvl}.d`;
        fs.mkdirSync(d, { recursive: true });
        const f = pick(['10-a.conf', '20-b.conf', '30-c.conf', 'x.txt']);
        if (fs.existsSync(`${d}/${f}`)) continue;
        fs.writeFileSync(`${d}/${f}`, `[Unit]\nDescription=${path.basename(path.dirname(d))}/${lvl}/${f}\n`);
      }
      // .wants / .requires of some units
      for (let i = 0; i < 8; i++) {
        const u = pick(names);
        const d = `${pick(dirs)}/${u.replace(r() < 0.5 ? /@[^.]*\./ : /$^/, '@.')}.${r() < 0.7 ? 'wants' : 'requires'}`;
        fs.mkdirSync(d, { recursive: true });
        const dep = r() < 0.3 ? 'dep@.service' : `dep${i}.service`;
        try { fs.symlinkSync(`/x/${dep}`, `${d}/${dep}`); } catch { /* exists */ }
      }
      fs.writeFileSync(`${dirs[0]}/probe.target`, `[Unit]\nDescription=probe\nWants=${names.join(' ')}\n`);
      spawnSync('chmod', ['-R', 'a+rX', root]);

      const sd = dump(dirs, 'probe.target');
      const ix = new UnitFileIndex([...dirs, '/lib/systemd/system']);
      for (const name of names) {
        const u = ix.load(name);
        const o = sd.get(u.id);
        if (!o) { assert.equal(u.loadState === 'loaded' && u.id !== name, false, `systemd has no unit ${u.id} (requested ${name}) in tree ${tree}`); continue; }
        const ctx = `tree ${tree}, ${name} → ${u.id}`;
        assert.equal(u.loadState, o.ls, `load state: ${ctx}`);
        if (o.fr) assert.equal(u.fragmentPath, o.fr, `fragment: ${ctx}`);
        if (u.loadState !== 'loaded') { compared++; continue; }
        // systemd walks alias drop-in dirs in hash-set order (it varies from run to run), so when two alias
        // dirs hold the same file name either one may win: accept that, and nothing else.
        const idDirs = new Set<string>([`${u.id}.d`, `${u.type}.d`]);
        const ip = parseUnitName(u.id);
        if (ip?.isInstance) idDirs.add(`${ip.prefix}@.${ip.type}.d`);
        for (let pre = ip?.prefix ?? ''; pre.lastIndexOf('-') > 0;) { pre = pre.slice(0, pre.lastIndexOf('-')); idDirs.add(`${pre}-.${u.type}.d`); }
        const aliasDir = (p: string): boolean => !idDirs.has(path.basename(path.dirname(p)));
        assert.deepEqual(u.dropInPaths.map((p) => path.basename(p)), o.di.map((p) => path.basename(p)), `drop-in names: ${ctx}`);
        let hashOrder = false;
        u.dropInPaths.forEach((p, i) => { if (p !== o.di[i]) { hashOrder = true; assert.ok(aliasDir(p) && aliasDir(o.di[i]!), `drop-ins: ${ctx}: ${p} vs ${o.di[i]}`); } });
        assert.deepEqual(u.names.filter((n) => n !== u.id).sort(), o.al.sort(), `aliases: ${ctx}`);
        let desc = '';
        for (const a of u.assignments) if (a.section === 'Unit' && a.key === 'Description') desc = a.value;
        if (!hashOrder) assert.equal(desc, o.desc, `description: ${ctx}`);
        for (const w of u.wantsFromDirs) assert.ok(o.wants.includes(w), `wants ${w}: ${ctx}`);
        for (const w of u.requiresFromDirs) assert.ok(o.requires.includes(w), `requires ${w}: ${ctx}`);
        compared++;
      }
    }
  } finally {
    if (process.env['TSYSD_KEEP_TREES']) console.log(`# kept ${base}`); else fs.rmSync(base, { recursive: true, force: true });
  }
  assert.ok(compared > 100, `compared ${compared}`);
  console.log(`# random trees: ${compared} unit loads agree with systemd 252`);
});
