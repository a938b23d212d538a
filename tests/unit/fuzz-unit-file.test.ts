// Fuzz: systemd's own unit-file fuzz corpus (tests/fixtures/fuzz-unit-file, copied from systemd v252.39,
// LGPL-2.1-or-later — see the README there) through the loader and the directive compiler, as is and
// mutated: byte flips, truncations, NULs, invalid UTF-8, huge lines, splices between corpus files, repeated
// sections and continuations. Every input must load or yield diagnostics, never throw, and every
// diagnostic is located (names the file it came from) and fits LINE_MAX once cut (issue 12 #6: one stored
// line was 859,020 characters, from oss-fuzz-6977). The unmutated corpus is also checked against the oracle:
// `systemd-analyze verify` (systemd 252) must give the same load verdict (loaded, or refused) for every file,
// except the differences listed in KNOWN_DIFFERENCES. Fixed seed and count in `npm test`
// (tests/helpers/fuzz.ts); TSYSD_FUZZ_SECONDS for longer runs, TSYSD_FUZZ_SEED to replay a failure.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { collectVerify } from '../../src/cli/verify';
import { compileUnit } from '../../src/directives/compile';
import { cutUtf8, LINE_MAX } from '../../src/logs/limits';
import { UnitFileIndex } from '../../src/unit-file/load';
import { hostSpecifierContext } from '../../src/unit-file/specifiers-host';
import { fuzz, type Fuzz } from '../helpers/fuzz';

const CORPUS_DIR = path.resolve(__dirname, '..', '..', '..', 'tests', 'fixtures', 'fuzz-unit-file');
const TYPES = new Set(['service', 'socket', 'target', 'device', 'mount', 'automount', 'swap', 'timer', 'path', 'slice', 'scope']);

interface Entry { name: string; type: string; body: Buffer }

/** fuzz-unit-file.c's format: the first line is the unit type, the rest the unit file. */
function corpus(): Entry[] {
  const out: Entry[] = [];
  for (const name of fs.readdirSync(CORPUS_DIR).sort()) {
    if (name === 'README.md' || name.startsWith('LICENSE')) continue;
    const b = fs.readFileSync(path.join(CORPUS_DIR, name));
    const nl = b.indexOf(10);
    const type = (nl < 0 ? b : b.subarray(0, nl)).toString('latin1').trim();
    out.push({ name, type: TYPES.has(type) ? type : 'service', body: nl < 0 ? Buffer.alloc(0) : b.subarray(nl + 1) });
  }
  return out;
}

const ctx = hostSpecifierContext(false);

function loadOne(dir: string, e: { type: string; body: Buffer }, label: string): void {
  const unit = `a.${e.type}`;
  fs.writeFileSync(path.join(dir, unit), e.body);
  let src;
  try { src = new UnitFileIndex([dir]).load(unit); } catch (err) { assert.fail(`loader threw for ${label}: ${(err as Error).stack}`); }
  assert.ok(src.loadState === 'loaded' || src.loadState === 'masked' || src.diagnostics.length > 0, `${label}: neither loaded nor diagnosed (${src.loadState})`);
  let cfg;
  try { cfg = compileUnit(src, ctx); } catch (err) { assert.fail(`compileUnit threw for ${label}: ${(err as Error).stack}`); }
  assert.equal(typeof cfg.loadState, 'string');
  for (const d of cfg.diagnostics) {
    assert.ok(d.message.length > 0, `${label}: empty diagnostic`);
    if (d.line > 0) assert.equal(path.basename(d.file), unit, `${label}: diagnostic at line ${d.line} names ${d.file}`);
    assert.ok(Buffer.byteLength(cutUtf8(`${d.file}:${d.line}: ${d.message}`, LINE_MAX)) <= LINE_MAX);
  }
}

const JUNK = ['\0', '\\\n', '\\', '[', ']', '[Unit]\n', '[Service]\n', '[Socket]\n', '[Install]\n', '=', '%', '%i', '%z', '"', "'",
  '\n#', '\n;', '\r', '\t', '$', '${', '@', '\xff', '\ufeff', 'ExecStart=', 'ListenStream=', 'Type=', 'Environment="', '\n'];

function mutate(f: Fuzz, b: Buffer, other: Buffer): Buffer {
  let out = b;
  for (let k = 1 + f.int(5); k > 0; k--) {
    const pos = f.int(out.length + 1);
    switch (f.int(9)) {
      case 0: { out = Buffer.from(out); for (let i = 1 + f.int(8); i > 0 && out.length; i--) out[f.int(out.length)] = f.int(256); break; }
      case 1: out = out.subarray(0, pos); break;
      case 2: out = Buffer.concat([out.subarray(0, pos), Buffer.from(f.pick(JUNK), 'latin1'), out.subarray(pos)]); break;
      case 3: out = Buffer.concat([out.subarray(0, pos), other.subarray(f.int(other.length + 1))]); break;
      case 4: out = Buffer.concat([out.subarray(0, pos), Buffer.from(`\nDescription=${'x'.repeat(f.int(3) === 0 ? 70000 : f.int(5000))}\n`), out.subarray(pos)]); break;
      case 5: { const lines = out.toString('latin1').split('\n'); const i = f.int(lines.length); lines.splice(i, 0, ...lines.slice(i, i + 1 + f.int(20))); out = Buffer.from(lines.join('\n'), 'latin1'); break; }
      case 6: { const lines = out.toString('latin1').split('\n'); for (let i = lines.length - 1; i > 0; i--) { const j = f.int(i + 1); [lines[i], lines[j]] = [lines[j] as string, lines[i] as string]; } out = Buffer.from(lines.join('\n'), 'latin1'); break; }
      case 7: out = Buffer.concat([out.subarray(0, pos), Buffer.from(`\n${f.pick(['ExecStart', 'Environment', 'ListenStream', 'Requires', 'User', 'TimeoutSec', 'OnCalendar', 'What'])}=${f.pick(JUNK)}${f.pick(JUNK)}\\\n${f.pick(JUNK)}\n`, 'latin1'), out.subarray(pos)]); break;
      default: out = Buffer.concat([out.subarray(0, pos), Buffer.from([0xc3, 0x28, 0xe0, 0x80, 0xaf, 0xed, 0xa0, 0x80].slice(0, 1 + f.int(8))), out.subarray(pos)]);
    }
  }
  return out.length > (1 << 20) ? out.subarray(0, 1 << 20) : out;
}

test('systemd\'s fuzz corpus for unit files: every file loads or is diagnosed, nothing throws', () => {
  const entries = corpus();
  assert.ok(entries.length >= 30, `corpus has ${entries.length} files`);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tsysd-fuzz-corpus-'));
  try {
    for (const e of entries) loadOne(dir, e, e.name);
  } finally { fs.rmSync(dir, { recursive: true, force: true }); }
});

const haveAnalyze = spawnSync('systemd-analyze', ['--version']).status === 0;

const SCOPE = 'systemd never loads a scope from a unit file (scopes are transient: "not found"); tsysd loads it';
/** Corpus files where tsysd's load verdict differs from systemd 252's, with the reason. A fix must remove
 *  its entry (the test fails on a stale entry as on a new difference). */
const KNOWN_DIFFERENCES: Record<string, string> = {
  'directives.scope': SCOPE,
  'empty.scope': SCOPE,
  'oss-fuzz-10007': 'a ListenStream= whose specifier expansion systemd refuses (too long) stays a listener in tsysd, so the socket is not refused for lacking Listen*=',
};

test('the corpus as is: the same load verdict as systemd-analyze verify', { skip: !haveAnalyze && 'systemd-analyze not installed' }, () => {
  const entries = corpus();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tsysd-fuzz-oracle-'));
  try {
    const files = entries.map((e, i) => {
      const f = path.join(dir, `u${i}.${e.type}`);
      fs.writeFileSync(f, e.body);
      return f;
    });
    const r = spawnSync('systemd-analyze', ['verify', '--man=no', ...files], { encoding: 'latin1', timeout: 120_000, maxBuffer: 64 << 20 });
    const refusedBySystemd = new Set<string>();
    for (const m of `${r.stdout}\n${r.stderr}`.matchAll(/^Unit (\S+) (?:has a bad unit file setting|failed to load properly|not found)/gm)) refusedBySystemd.add(m[1]!);
    let v;
    try { v = collectVerify(files, { unitPaths: [], userMode: false }); } catch (err) { assert.fail(`verify threw: ${(err as Error).stack}`); }
    const loadedByUs = new Set(v.units.filter((u) => u.loadState === 'loaded').map((u) => u.id));
    const differ: Record<string, string> = {};
    entries.forEach((e, i) => {
      const id = `u${i}.${e.type}`;
      const sd = refusedBySystemd.has(id) ? 'refused' : 'loaded';
      const ours = loadedByUs.has(id) ? 'loaded' : 'refused';
      if (sd !== ours) differ[e.name] = `systemd ${sd}, tsysd ${ours}`;
    });
    const known: Record<string, string> = {};
    for (const name of Object.keys(differ)) if (name in KNOWN_DIFFERENCES) known[name] = differ[name]!;
    console.log(`corpus verdicts: ${entries.length} files, ${entries.length - Object.keys(differ).length} agree with systemd-analyze verify`);
    assert.deepEqual(Object.keys(differ).sort(), Object.keys(KNOWN_DIFFERENCES).sort(), `verdicts differ: ${JSON.stringify(differ, null, 1)}`);
  } finally { fs.rmSync(dir, { recursive: true, force: true }); }
});

test('mutated copies of systemd\'s corpus (seeded, bounded; TSYSD_FUZZ_SECONDS for longer)', () => {
  const entries = corpus().filter((e) => e.body.length <= 65536);   // fuzz-unit-file.c's own input bound
  const f = fuzz('unit-file', 3000);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tsysd-fuzz-mut-'));
  try {
    while (f.more()) {
      const e = f.pick(entries);
      const body = mutate(f, e.body, f.pick(entries).body);
      const type = f.int(10) === 0 ? f.pick([...TYPES]) : e.type;
      f.check(body, () => loadOne(dir, { type, body }, `${e.name} (mutated)`));
    }
  } finally { fs.rmSync(dir, { recursive: true, force: true }); }
});
