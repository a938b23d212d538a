// Syntax rules of semantics §1, each checked against `systemd-analyze verify` (syntax messages, their
// lines, and whether the unit fails to load) and, for values, against systemd's own test-mode dump.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { parseUnitBytes, parseUnitText } from '../../src/unit-file/parse';
import { formatDiagnostic } from '../../src/diag';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tsysd-syntax-'));
fs.chmodSync(tmp, 0o755);
process.on('exit', () => fs.rmSync(tmp, { recursive: true, force: true }));

const SYNTAX = /(Assignment outside of section|Missing '='|Missing key name|Invalid section header|Bad characters in section header|String is not UTF-8 clean)/;
let seq = 0;

/** Run systemd-analyze verify on the bytes; return syntax messages and whether loading failed. */
function oracle(bytes: Buffer): { file: string; lines: string[]; failed: boolean } {
  const dir = path.join(tmp, `c${seq++}`);
  fs.mkdirSync(dir);
  const file = path.join(dir, 't.service');
  fs.writeFileSync(file, bytes);
  const r = spawnSync('systemd-analyze', ['verify', file], { encoding: 'utf8' });
  const out = (r.stderr ?? '') + (r.stdout ?? '');
  return {
    file,
    lines: out.split('\n').filter((l) => SYNTAX.test(l)),
    failed: /failed to load properly/.test(out),
  };
}

function ours(bytes: Buffer, file: string): { lines: string[]; failed: boolean; res: ReturnType<typeof parseUnitBytes> } {
  const res = parseUnitBytes(bytes, file, 't.service');
  return { lines: res.diagnostics.map(formatDiagnostic).filter((l) => SYNTAX.test(l)), failed: res.fatal, res };
}

const SVC = '\n[Service]\nExecStart=/bin/true\n';
interface Case { name: string; text: Buffer | string; check?: (r: ReturnType<typeof parseUnitBytes>) => void }

const cases: Case[] = [
  { name: 'comment lines # and ; (also indented)', text: '# c\n; c\n[Unit]\n  # x=y\n\t; a=b\nDescription=d # not a comment' + SVC,
    check: (r) => { assert.equal(r.assignments[0]!.value, 'd # not a comment'); assert.equal(r.assignments.length, 2); } },
  { name: 'continuation joins with a space and skips comment lines', text: '[Unit]\nDescription=hi \\\n# c\n; d\n  there' + SVC,
    check: (r) => { const a = r.assignments[0]!; assert.equal(a.value, 'hi    there'); assert.equal(a.line, 5); assert.equal(a.firstLine, 2); } },
  { name: 'blank line ends a continuation', text: '[Unit]\nDescription=a \\\n\nFoo=bar' + SVC,
    check: (r) => { assert.equal(r.assignments[0]!.value, 'a'); assert.equal(r.assignments[1]!.key, 'Foo'); assert.equal(r.assignments[1]!.line, 4); } },
  { name: 'escaped backslash is not a continuation', text: '[Unit]\nDescription=a\\\\\nDocumentation=man:x' + SVC,
    check: (r) => { assert.equal(r.assignments[0]!.value, 'a\\\\'); assert.equal(r.assignments[1]!.key, 'Documentation'); } },
  { name: 'continuation at end of file', text: '[Service]\nExecStart=/bin/true\nEnvironment=A=1 \\',
    check: (r) => { assert.equal(r.assignments[1]!.value, 'A=1'); assert.equal(r.assignments[1]!.line, 3); } },
  { name: 'split at first =, trim key and value, inner whitespace kept', text: '[Unit]\n  Description  =  a = b  c  ' + SVC,
    check: (r) => { assert.equal(r.assignments[0]!.key, 'Description'); assert.equal(r.assignments[0]!.value, 'a = b  c'); } },
  { name: 'missing =', text: '[Unit]\nDescription=x\nNoEquals' + SVC },
  { name: 'empty key', text: '[Unit]\n=value\n  = v' + SVC },
  { name: 'assignment before any section', text: 'Foo=bar\nnoeq\n[Unit]\nDescription=x' + SVC,
    check: (r) => assert.equal(r.assignments[0]!.key, 'Description') },
  { name: '[Name without ] is fatal', text: '[Unit]\nDescription=x\n[Service\nExecStart=/bin/true\n' },
  { name: 'bad characters in section header are fatal', text: '[Unit]\nDescription=x\n[Ser"vice]\nExecStart=/bin/true\n' },
  { name: 'repeated sections merge, keys case-sensitive', text: '[Unit]\nDescription=x\n[Service]\nExecStart=/bin/true\n[Unit]\ndescription=y\n',
    check: (r) => { assert.deepEqual(r.sections.map((s) => [s.name, s.line]), [['Unit', 1], ['Service', 3], ['Unit', 5]]); assert.equal(r.assignments[2]!.section, 'Unit'); } },
  { name: 'CRLF line endings', text: '[Unit]\r\nDescription=x\r\n\r\nnoeq\r\n[Service]\r\nExecStart=/bin/true\r\n',
    check: (r) => assert.equal(r.assignments[0]!.value, 'x') },
  { name: 'lone CR and NUL end lines (read_line)', text: Buffer.from('[Unit]\rDescription=x\0noeq\n\0\nBar\n\r\rbaz' + SVC, 'latin1') },
  { name: 'invalid UTF-8 is fatal', text: Buffer.concat([Buffer.from('[Unit]\nDescription=h'), Buffer.from([0xff]), Buffer.from('i' + SVC)]) },
  { name: 'UTF-8 noncharacter is rejected like systemd', text: Buffer.concat([Buffer.from('[Unit]\nDescription=h'), Buffer.from([0xef, 0xb7, 0x90]), Buffer.from('i' + SVC)]) },
  { name: 'valid multibyte UTF-8 is fine', text: '[Unit]\nDescription=héllo ✓ 𝄞' + SVC,
    check: (r) => assert.equal(r.assignments[0]!.value, 'héllo ✓ 𝄞') },
  { name: 'UTF-8 BOM is skipped', text: Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('[Unit]\nDescription=x' + SVC)]),
    check: (r) => assert.equal(r.sections[0]!.name, 'Unit') },
  { name: 'X- sections and unknown sections are returned with their lines', text: '[Unit]\nDescription=x\n[X-Foo]\nA=1\n[Bogus]\nB=2' + SVC,
    check: (r) => { assert.deepEqual(r.sections.map((s) => s.name), ['Unit', 'X-Foo', 'Bogus', 'Service']); assert.equal(r.assignments[1]!.section, 'X-Foo'); } },
  { name: 'empty value is kept as an assignment (list reset)', text: '[Unit]\nDescription=x\nAfter=\n' + SVC,
    check: (r) => { assert.equal(r.assignments[1]!.key, 'After'); assert.equal(r.assignments[1]!.value, ''); } },
  { name: 'header with trailing text is invalid', text: '[Unit] x\nDescription=x' + SVC },
  { name: 'whitespace-only lines and leading blank lines', text: '\n   \n\t\n[Unit]\nDescription=x' + SVC },
];

for (const c of cases) {
  test(`syntax: ${c.name}`, () => {
    const bytes = typeof c.text === 'string' ? Buffer.from(c.text, 'utf8') : c.text;
    const o = oracle(bytes);
    const u = ours(bytes, o.file);
    assert.deepEqual(u.lines, o.lines, 'syntax diagnostics (file:line: message) equal systemd-analyze verify');
    assert.equal(u.failed, o.failed, 'fatal iff systemd fails to load the unit');
    c.check?.(u.res);
  });
}

test('syntax: physical line over LONG_LINE_MAX is fatal like systemd (No buffer space available)', () => {
  const bytes = Buffer.from('[Unit]\nDescription=' + 'a'.repeat(1 << 20) + SVC);
  const o = oracle(bytes);
  const u = ours(bytes, o.file);
  assert.equal(o.failed, true);
  assert.equal(u.failed, true);
  assert.equal(u.res.diagnostics[0]!.line, 2);
});

test('syntax: continued value equals what systemd stores (test-mode dump)', () => {
  const dir = path.join(tmp, 'dump');
  fs.mkdirSync(dir);
  fs.chmodSync(dir, 0o755);
  const text = '[Unit]\nDescription=one \\\n# skipped\n   two\\\n; also skipped\nthree   \n[Service]\nExecStart=/bin/true\n';
  fs.writeFileSync(path.join(dir, 'cont.service'), text);
  fs.chmodSync(path.join(dir, 'cont.service'), 0o644);
  const r = spawnSync('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', 'env', '-i', 'HOME=/tmp',
    `SYSTEMD_UNIT_PATH=${dir}:/lib/systemd/system`, '/lib/systemd/systemd', '--test', '--system', '--unit=cont.service', '--no-pager'],
  { encoding: 'utf8' });
  const m = /-> Unit cont\.service:\n\t\tDescription: (.*)\n/.exec(r.stdout);
  assert.ok(m, 'systemd dump has the unit');
  const ours2 = parseUnitText(text, 'x', 'cont.service').assignments[0]!.value;
  assert.equal(ours2, m[1]);
});

test('syntax: never throws on random bytes', () => {
  let s = 12345;
  const rnd = (): number => { s = (s * 1103515245 + 12345) & 0x7fffffff; return s; };
  for (let i = 0; i < 2000; i++) {
    const b = Buffer.alloc(rnd() % 300);
    for (let k = 0; k < b.length; k++) b[k] = rnd() % 8 === 0 ? [0x5b, 0x5d, 0x3d, 0x5c, 0x0a, 0x23, 0][rnd() % 7]! : rnd() & 0xff;
    const r = parseUnitBytes(b, 'f', 'u.service');
    assert.ok(Array.isArray(r.assignments));
  }
});
