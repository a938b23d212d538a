// Fuzz: >= 10,000 mutated real unit files (from /lib/systemd/system) through the loader (UnitFileIndex /
// loadUnitSource) and the directive compiler (compileUnit): random byte flips, truncations, huge lines, NUL
// bytes, non-UTF-8, broken headers and continuations, unknown specifiers, deep drop-in trees, alias symlink
// loops and chains, dangling links, unreadable files, FIFOs and directories named like units.
// Every unit must yield a loaded/masked unit or at least one diagnostic, and nothing may throw.
// Deterministic (fixed seed); bounded to a few tens of seconds.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { UnitFileIndex, loadUnitSource, invalidateIndexes } from '../../src/unit-file/load';
import { hostSpecifierContext } from '../../src/unit-file/specifiers-host';
import { renderCat } from '../../src/cli/cat';
import { compileUnit } from '../../src/directives/compile';
import type { UnitSource } from '../../src/unit-file/types';
import { rng } from '../helpers/random';

const SEED = 0x5eed1234;
const ROUNDS = 10;
const PER_ROUND = 1000;


const corpus: { name: string; bytes: Buffer }[] = [];
for (const n of fs.readdirSync('/lib/systemd/system').sort()) {
  const p = path.join('/lib/systemd/system', n);
  try { if (fs.statSync(p).isFile() && /\.(service|socket|target|timer|path|mount|slice)$/.test(n)) corpus.push({ name: n, bytes: fs.readFileSync(p) }); } catch { /* skip */ }
}

const JUNK = ['\0', '\\', '\\\n', '[', ']', '=', '%', '%z', '%i', '"', "'", '\n[Unit\n', '\n[Service]\n', '\nExecStart=\n', '\n#', '\n;', '\r', '\t', '$', '${', '@'];

function mutate(r: () => number, src: Buffer, other: Buffer): Buffer {
  let b = Buffer.from(src);
  const ops = 1 + Math.floor(r() * 4);
  for (let k = 0; k < ops; k++) {
    const op = Math.floor(r() * 12);
    const pos = Math.floor(r() * (b.length + 1));
    switch (op) {
      case 0: { // byte flips
        const n = 1 + Math.floor(r() * 8);
        for (let i = 0; i < n && b.length; i++) b[Math.floor(r() * b.length)] = Math.floor(r() * 256);
        break;
      }
      case 1: b = b.subarray(0, pos); break; // truncation (0 → empty file = masked)
      case 2: b = Buffer.concat([b.subarray(0, pos), Buffer.alloc(1 + Math.floor(r() * 4)), b.subarray(pos)]); break; // NULs
      case 3: b = Buffer.concat([b.subarray(0, pos), Buffer.from([[0xff], [0xc3, 0x28], [0xe0, 0x80, 0xaf], [0xed, 0xa0, 0x80], [0xef, 0xbf, 0xbe]][Math.floor(r() * 5)]!), b.subarray(pos)]); break;
      case 4: { // long line (rarely over LONG_LINE_MAX)
        const len = r() < 0.005 ? (1 << 20) + 10 : Math.floor(r() * 8000);
        b = Buffer.concat([b.subarray(0, pos), Buffer.from('\nDescription=' + 'x'.repeat(len) + '\n'), b.subarray(pos)]);
        break;
      }
      case 5: b = Buffer.concat([b.subarray(0, pos), Buffer.from(JUNK[Math.floor(r() * JUNK.length)]!), b.subarray(pos)]); break;
      case 6: { // splice with another unit
        const cut = Math.floor(r() * (other.length + 1));
        b = Buffer.concat([b.subarray(0, pos), other.subarray(cut)]);
        break;
      }
      case 7: { // shuffle lines
        const lines = b.toString('latin1').split('\n');
        for (let i = lines.length - 1; i > 0; i--) { const j = Math.floor(r() * (i + 1)); [lines[i], lines[j]] = [lines[j]!, lines[i]!]; }
        b = Buffer.from(lines.join('\n'), 'latin1');
        break;
      }
      case 8: b = Buffer.concat([b, Buffer.from('\nExecStart=/bin/echo %' + String.fromCharCode(33 + Math.floor(r() * 90)) + ' "unbalanced\n')]); break;
      case 9: b = Buffer.concat([b, Buffer.from('\nEnvironment=A=1 \\\n# comment\n  B=2 \\')]); break;
      case 10: b = Buffer.from(b.toString('latin1').replace(/\]/g, r() < 0.5 ? '' : ']]'), 'latin1'); break;
      default: { // random bytes block
        const n = Math.floor(r() * 64);
        const blk = Buffer.alloc(n);
        for (let i = 0; i < n; i++) blk[i] = Math.floor(r() * 256);
        b = Buffer.concat([b.subarray(0, pos), blk, b.subarray(pos)]);
      }
    }
  }
  return b;
}

function tryDo(f: () => void): void { try { f(); } catch { /* fixture creation may legitimately fail */ } }

test('fuzz: 10,000 mutated unit files through loader and compileUnit never throw', { timeout: 180000 }, () => {
  assert.ok(corpus.length > 50, 'real unit corpus present');
  const r = rng(SEED);
  const ctx = hostSpecifierContext(false);
  // tmpfs when available: ~20k small files on a disk-backed /tmp cost minutes of fs time, not loader time
  const tmpBase = (() => {
    try {
      fs.accessSync('/dev/shm', fs.constants.W_OK);
      const st = fs.statfsSync('/dev/shm');
      return st.bavail * st.bsize > 256 * 1024 * 1024 ? '/dev/shm' : os.tmpdir();
    } catch { return os.tmpdir(); }
  })();
  const root = fs.mkdtempSync(path.join(tmpBase, 'tsysd-fuzz-'));
  const stats = { units: 0, loaded: 0, masked: 0, error: 0, notFound: 0, badSetting: 0, diagnostics: 0, dropins: 0 };
  const t0 = Date.now();
  const phase = { load: 0, rm: 0 };
  try {
    for (let round = 0; round < ROUNDS; round++) {
      const dir = path.join(root, `r${round}`);
      const dir2 = path.join(root, `r${round}b`);
      fs.mkdirSync(dir); fs.mkdirSync(dir2);
      const names: string[] = [];
      for (let i = 0; i < PER_ROUND; i++) {
        const base = corpus[Math.floor(r() * corpus.length)]!;
        const other = corpus[Math.floor(r() * corpus.length)]!;
        const type = base.name.slice(base.name.lastIndexOf('.') + 1);
        const kind = r();
        const name = kind < 0.05 ? `t${i}@.${type}` : kind < 0.1 ? `a-b-c-d-e-f-${i}.${type}` : `u${i}.${type}`;
        const file = path.join(r() < 0.9 ? dir : dir2, name);
        fs.writeFileSync(file, mutate(r, base.bytes, other.bytes));
        names.push(kind < 0.05 ? `t${i}@inst-${i}\\x2dx.${type}` : name);
        if (r() < 0.08) { // drop-ins, sometimes many, sometimes mutated, in both dirs
          const n = 1 + Math.floor(r() * 10);
          for (let k = 0; k < n; k++) {
            const d = `${r() < 0.7 ? dir : dir2}/${name}.d`;
            fs.mkdirSync(d, { recursive: true });
            fs.writeFileSync(`${d}/${String(k).padStart(2, '0')}-x.conf`, mutate(r, Buffer.from('[Unit]\nDescription=drop\n[Service]\nEnvironment=X=1\n'), other.bytes));
            stats.dropins++;
          }
        }
        if (r() < 0.01) tryDo(() => fs.chmodSync(file, 0)); // unreadable (root may still read)
      }
      // deep drop-in tree: every dash prefix level, type-wide dirs, nested junk dirs, masked and dangling drop-ins
      for (const lvl of ['a-', 'a-b-', 'a-b-c-', 'a-b-c-d-', 'a-b-c-d-e-', 'a-b-c-d-e-f-']) {
        for (const t of ['service', 'socket', 'target']) {
          const d = `${dir}/${lvl}.${t}.d`;
          fs.mkdirSync(`${d}/nested/deeper.conf`, { recursive: true });
          fs.writeFileSync(`${d}/50-${lvl}.conf`, mutate(r, Buffer.from('[Unit]\nDocumentation=man:x\n'), corpus[0]!.bytes));
          tryDo(() => fs.symlinkSync('/dev/null', `${d}/60-masked.conf`));
          tryDo(() => fs.symlinkSync(`${d}/nope.conf`, `${d}/70-dangling.conf`));
          tryDo(() => fs.symlinkSync(`${d}/80-loop.conf`, `${d}/80-loop.conf`));
        }
      }
      for (const t of ['service', 'socket', 'target']) { fs.mkdirSync(`${dir}/${t}.d`, { recursive: true }); fs.writeFileSync(`${dir}/${t}.d/99-all.conf`, '[Unit]\nDocumentation=man:all\n'); }
      // alias loops, long chains, dangling aliases, self links, links out of the tree, FIFOs, dirs named like units
      tryDo(() => { fs.symlinkSync('loopb.service', `${dir}/loopa.service`); fs.symlinkSync('loopa.service', `${dir}/loopb.service`); });
      tryDo(() => fs.symlinkSync('self.service', `${dir}/self.service`));
      for (let k = 0; k < 70; k++) tryDo(() => fs.symlinkSync(`chain${k + 1}.service`, `${dir}/chain${k}.service`));
      tryDo(() => fs.symlinkSync('/nonexistent/x.service', `${dir}/dangling.service`));
      tryDo(() => fs.symlinkSync('/dev/zero', `${dir}/zero.service`));
      tryDo(() => fs.symlinkSync(`${root}/outside-loop.service`, `${dir}/outloop.service`));
      tryDo(() => fs.symlinkSync(`${dir}/outloop.service`, `${root}/outside-loop.service`));
      tryDo(() => fs.symlinkSync('u1.socket', `${dir}/badalias.service`));
      tryDo(() => fs.mkdirSync(`${dir}/dir.service`));
      fs.writeFileSync(`${dir}/u0.service`, corpus[0]!.bytes);
      tryDo(() => fs.mkdirSync(`${dir}/u0.service.wants/sub.service`, { recursive: true }));
      tryDo(() => fs.writeFileSync(`${dir}/u0.service.wants/file.service`, 'x'));
      tryDo(() => fs.symlinkSync('/x/y', `${dir}/u0.service.wants/not a name`));
      spawnSync('mkfifo', [`${dir}/fifo.service`, `${dir}/service.d/fifo.conf`]);
      names.push('loopa.service', 'self.service', 'chain0.service', 'dangling.service', 'zero.service', 'outloop.service',
        'badalias.service', 'dir.service', 'fifo.service', 'bad name', 'x'.repeat(300) + '.service', '@.service', 'u0.service');

      const tLoad = Date.now();
      const idx = new UnitFileIndex([dir, dir2]);
      for (const name of names) {
        let src: UnitSource;
        try {
          src = round % 2 === 0 ? idx.load(name) : loadUnitSource(name, [dir, dir2]);
        } catch (e) { assert.fail(`loader threw for ${name}: ${(e as Error).stack}`); }
        stats.units++;
        const okSrc = src.loadState === 'loaded' || src.loadState === 'masked' || src.diagnostics.length > 0;
        assert.ok(okSrc, `loader gave neither a unit nor a diagnostic for ${name} (${src.loadState})`);
        let cfg;
        try { cfg = compileUnit(src, ctx); } catch (e) { assert.fail(`compileUnit threw for ${name} (${src.fragmentPath}): ${(e as Error).stack}`); }
        assert.equal(typeof cfg.loadState, 'string');
        assert.ok(cfg.loadState === 'loaded' || cfg.loadState === 'masked' || cfg.diagnostics.length > 0,
          `compileUnit gave neither a unit nor a diagnostic for ${name} (${cfg.loadState})`);
        try { renderCat(src); } catch (e) { assert.fail(`renderCat threw for ${name}: ${(e as Error).message}`); }
        stats.diagnostics += cfg.diagnostics.length;
        if (cfg.loadState === 'loaded') stats.loaded++;
        else if (cfg.loadState === 'masked') stats.masked++;
        else if (cfg.loadState === 'not-found') stats.notFound++;
        else if (cfg.loadState === 'bad-setting') stats.badSetting++;
        else stats.error++;
      }
      phase.load += Date.now() - tLoad;
      const tRm = Date.now();
      invalidateIndexes();
      fs.rmSync(dir, { recursive: true, force: true });
      fs.rmSync(dir2, { recursive: true, force: true });
      phase.rm += Date.now() - tRm;
    }
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
  assert.ok(stats.units >= 10000, `fed ${stats.units} units`);
  assert.ok(stats.loaded > 0 && stats.badSetting + stats.error > 0 && stats.notFound > 0 && stats.masked > 0, JSON.stringify(stats));
  console.log(`# fuzz: ${JSON.stringify(stats)} in ${Date.now() - t0} ms (load+compile ${phase.load} ms, cleanup ${phase.rm} ms)`);
});
