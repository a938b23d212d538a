// `tsysd verify` as a command (node dist/src/cli/verify.js): FILE and UNIT arguments, --unit-path, --json
// shape, exit status, systemd-style messages at file:line, and the lint checks systemd lacks.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';

const VERIFY = path.join(__dirname, '..', '..', 'src', 'cli', 'verify.js');

interface Msg { file: string; line: number; unit: string; level: string; fatal: boolean; message: string }

function withDir(files: Record<string, string>, fn: (dir: string) => void): void {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tsysd-verify-cli-'));
  try {
    for (const [n, body] of Object.entries(files)) fs.writeFileSync(path.join(dir, n), body);
    fn(dir);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
function run(args: string[]): { code: number; out: string; err: string } {
  const r = spawnSync(process.execPath, [VERIFY, ...args], { encoding: 'utf8', timeout: 60_000 });
  return { code: r.status ?? -1, out: r.stdout, err: r.stderr };
}

test('a clean unit verifies with exit 0 and no messages', () => {
  withDir({ 'good.service': '[Unit]\nDescription=good\n[Service]\nExecStart=/bin/true\n' }, (dir) => {
    const r = run([path.join(dir, 'good.service')]);
    assert.equal(r.code, 0, r.err);
    assert.equal(r.err, '');
    assert.equal(r.out, '');
  });
});

test('--json: fatal errors at file:line, lint checks, ordering cycles, "not enforced" once per directive', () => {
  withDir({
    'bad.service': '[Service]\nExecStart=/bin/true "unbalanced\n',
    'a.service': '[Unit]\nAfter=b.service\n[Service]\nExecStart=/bin/true\nCPUSchedulingPolicy=fifo\n',
    'b.service': '[Unit]\nAfter=a.service\nWants=nowhere.service\n[Service]\nExecStart=/bin/true\nCPUSchedulingPolicy=batch\nFoo=1\n',
    'lint.service': '[Unit]\nRequires=missing.service\n[Service]\nExecStart=/bin/true\nEnvironmentFile=/nonexistent/tsysd-env\n'
      + 'EnvironmentFile=-/nonexistent/optional\nUser=tsysd-no-such-user\nExecStartPost=/bin/true\nExecStartPost=/nonexistent/bin/x\n',
  }, (dir) => {
    const r = run(['--json', ...['bad', 'a', 'b', 'lint'].map((n) => path.join(dir, `${n}.service`))]);
    const j = JSON.parse(r.out) as { exit_code: number; messages: Msg[] };
    assert.equal(r.code, 1);
    assert.equal(j.exit_code, 1);
    const find = (pred: (m: Msg) => boolean): Msg | undefined => j.messages.find(pred);
    const fatal = find((m) => m.unit === 'bad.service' && m.line === 2);
    assert.deepEqual(fatal && { file: fatal.file, level: fatal.level, fatal: fatal.fatal, message: fatal.message },
      { file: path.join(dir, 'bad.service'), level: 'error', fatal: true, message: 'Unbalanced quoting, ignoring: "/bin/true "unbalanced"' });
    assert.ok(find((m) => m.unit === 'b.service' && m.line === 7 && m.message === "Unknown key 'Foo' in section [Service], ignoring."));
    assert.ok(find((m) => m.message.includes('ordering cycle') && m.message.includes('a.service') && m.message.includes('b.service')));
    assert.ok(find((m) => m.unit === 'lint.service' && m.message === 'Failed to create lint.service/start: Unit missing.service not found.' && m.level === 'error'));
    assert.ok(find((m) => m.unit === 'lint.service' && m.line === 5 && m.message.includes('/nonexistent/tsysd-env') && m.level === 'warning'));
    assert.ok(!find((m) => m.message.includes('/nonexistent/optional')));
    assert.ok(find((m) => m.unit === 'lint.service' && m.line === 7 && m.message.includes('User=tsysd-no-such-user')));
    assert.ok(find((m) => m.unit === 'lint.service' && m.line === 9 && m.message.includes('/nonexistent/bin/x')));
    assert.ok(find((m) => m.unit === 'b.service' && m.level === 'info' && m.message.includes('Wants=nowhere.service')));
    const ne = j.messages.filter((m) => m.message === 'CPUSchedulingPolicy= is parsed but not enforced by tsysd');
    assert.equal(ne.length, 1);
    assert.deepEqual([ne[0]!.unit, ne[0]!.line, ne[0]!.level], ['a.service', 5, 'info']);
  });
});

test('UNIT names with --unit-path, text output as file:line: message, masked units', () => {
  withDir({ 'x.service': '[Service]\nType=bogus\nExecStart=/bin/true\n', 'm.service': '' }, (dir) => {
    fs.symlinkSync('/dev/null', path.join(dir, 'n.service'));
    const r = run(['--unit-path', dir, 'x.service']);
    assert.equal(r.code, 0);
    assert.equal(r.err, `${path.join(dir, 'x.service')}:2: Failed to parse service type, ignoring: bogus\n`);
    const m = run(['--unit-path', dir, 'n.service']);
    assert.equal(m.code, 1);
    assert.match(m.err, /Unit n\.service is masked\./);
  });
});

test('templates are verified as instance "i", like systemd-analyze', () => {
  withDir({ 'tpl@.service': '[Service]\nExecStart=/bin/echo %i\nSyslogIdentifier=%Z\n' }, (dir) => {
    const r = run(['--json', path.join(dir, 'tpl@.service')]);
    const j = JSON.parse(r.out) as { exit_code: number; messages: Msg[] };
    assert.equal(j.exit_code, 0);
    assert.deepEqual(j.messages.map((m) => [m.unit, m.line, m.message]),
      [['tpl@i.service', 3, "Failed to resolve unit specifiers in '%Z', ignoring: Invalid slot"]]);
  });
});
