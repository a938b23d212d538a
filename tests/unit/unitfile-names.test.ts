// Unit names: validation, parsing, templates, and escaping compared with the systemd-escape binary.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import {
  unitNameIsValid, parseUnitName, templateOf, instantiate, unitNameEscape, unitNameUnescape,
  unitNamePathEscape, unitNamePathUnescape, unitNameFromPath, mangleUnitName,
} from '../../src/unit-file/names';
import { expandSpecifiers } from '../../src/unit-file/specifiers';
import { hostSpecifierContext } from '../../src/unit-file/specifiers-host';
import { unitSearchPath } from '../../src/unit-file/paths';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

function sdEscape(args: string[]): string | null {
  const r = spawnSync('systemd-escape', args, { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.replace(/\n$/, '') : null;
}

test('names: validation rules', () => {
  for (const ok of ['foo.service', 'foo@bar.service', 'foo@.service', 'a:b_c.d-e\\x20.socket', 'foo@a@b.service', '-.mount', 'x.target'])
    assert.equal(unitNameIsValid(ok), true, ok);
  for (const bad of ['', 'foo', 'foo.bogus', '.service', '@foo.service', 'foo bar.service', 'foo/bar.service', 'fö.service', 'a'.repeat(248) + '.service'])
    assert.equal(unitNameIsValid(bad), false, bad);
  assert.equal(unitNameIsValid('a'.repeat(247) + '.service'), true, '255 chars is the maximum');
  assert.equal(unitNameIsValid('foo@.service', { plain: true, instance: true }), false);
  assert.equal(unitNameIsValid('foo@x.service', { template: true }), false);
});

test('names: parse, template, instantiate', () => {
  assert.deepEqual(parseUnitName('getty@tty1.service'), { prefix: 'getty', instance: 'tty1', type: 'service', isTemplate: false, isInstance: true });
  assert.deepEqual(parseUnitName('foo@.socket'), { prefix: 'foo', instance: '', type: 'socket', isTemplate: true, isInstance: false });
  assert.deepEqual(parseUnitName('a.b.target'), { prefix: 'a.b', instance: '', type: 'target', isTemplate: false, isInstance: false });
  assert.equal(parseUnitName('foo@a@b.service')?.instance, 'a@b');
  assert.equal(parseUnitName('nope'), null);
  assert.equal(templateOf('foo@bar.service'), 'foo@.service');
  assert.equal(templateOf('foo.service'), null);
  assert.equal(instantiate('foo@.service', 'x'), 'foo@x.service');
  assert.equal(instantiate('foo.service', 'x'), null);
  assert.equal(instantiate('foo@.service', 'a b'), null);
});

test('names: escaping equals systemd-escape', () => {
  const samples = ['a/b-c.d é', 'hello world', '.hidden', 'with\\backslash', 'dash-dash', 'ünïcödé/日本', 'a:b_c', 'tab\there', '-lead', 'x.y.z', '~!@#$%^&*()'];
  for (const s of samples) {
    assert.equal(unitNameEscape(s), sdEscape(['--', s]), `escape ${JSON.stringify(s)}`);
    assert.equal(unitNameUnescape(unitNameEscape(s)), s.replace(/\//g, '/'), 'roundtrip');
  }
  for (const s of ['a-b\\x2dc', 'foo\\x20bar-baz', 'x\\xc3\\xa9']) {
    assert.equal(unitNameUnescape(s), sdEscape(['-u', s]), `unescape ${s}`);
    assert.equal(unitNamePathUnescape(s), sdEscape(['--path', '-u', s]), `path unescape ${s}`);
  }
  for (const p of ['/', '/foo//bar/', '/dev/sda1', '/home/user name/x-y', '/.snapshots', '/a/./b', 'rel/path', '/a/../b']) {
    assert.equal(unitNamePathEscape(p), sdEscape(['--path', p]), `path escape ${p}`);
  }
  assert.equal(unitNameUnescape('bad\\q'), null);
  assert.equal(unitNamePathUnescape('-'), '/');
  assert.equal(unitNameFromPath('/dev/sda', '.device'), 'dev-sda.device');
  assert.equal(instantiate('foo@.service', unitNameEscape('x y')), sdEscape(['--template=foo@.service', 'x y']));
  assert.equal(mangleUnitName('sshd'), 'sshd.service');
  assert.equal(mangleUnitName('/home'), 'home.mount');
});

test('specifiers: every unit specifier as systemd expands it (template instance with escapes)', () => {
  const ctx = hostSpecifierContext(false);
  const unit = { id: 'ab-cd@foo-bar\\x2dbaz.service', prefix: 'ab-cd', instance: 'foo-bar\\x2dbaz', type: 'service', fragmentPath: '/lib/systemd/system/ssh.service' };
  const x = (t: string): string => { const r = expandSpecifiers(t, unit, ctx); assert.ok(r.ok, t); return r.value; };
  // values observed from systemd 252's test-mode dump for the same unit
  assert.equal(x('%n|%N|%p|%P|%i|%I|%j|%J|%f'), 'ab-cd@foo-bar\\x2dbaz.service|ab-cd@foo-bar\\x2dbaz|ab-cd|ab/cd|foo-bar\\x2dbaz|foo/bar-baz|cd|cd|/foo/bar-baz');
  assert.equal(x('%t %S %C %L %E %T %V'), '/run /var/lib /var/cache /var/log /etc /tmp /var/tmp');
  assert.equal(x('%d'), '/run/credentials/ab-cd@foo-bar\\x2dbaz.service');
  assert.equal(x('%u %U %g %G %h'), 'root 0 root 0 /root');
  assert.equal(x('%H'), os.hostname());
  assert.equal(x('%v'), os.release());
  assert.equal(x('%m'), fs.readFileSync('/etc/machine-id', 'utf8').trim());
  assert.match(x('%b'), /^[0-9a-f]{32}$/);
  assert.equal(x('%y'), fs.realpathSync('/lib/systemd/system/ssh.service'));
  assert.equal(x('%Y'), path.dirname(fs.realpathSync('/lib/systemd/system/ssh.service')));
  assert.equal(x('%a'), process.arch === 'x64' ? 'x86-64' : x('%a'));
  assert.equal(x('100%% %- end%'), '100% %- end%');
  assert.deepEqual(expandSpecifiers('a %x b', unit, ctx), { ok: false, error: 'Invalid slot' });
  assert.deepEqual(expandSpecifiers('%Z', unit, ctx), { ok: false, error: 'Invalid slot' });
  const plain = { id: 'dev-sda.device', prefix: 'dev-sda', instance: '', type: 'device', fragmentPath: '' };
  assert.deepEqual(expandSpecifiers('%f %i|', plain, ctx), { ok: true, value: '/dev/sda |' });
  const u = hostSpecifierContext(true, { HOME: '/home/x', XDG_RUNTIME_DIR: '/run/user/1000' });
  assert.equal(u.runtimeDir, '/run/user/1000');
  assert.equal(u.configDir, '/home/x/.config');
  assert.equal(u.stateDir, '/home/x/.local/state');
  assert.equal(u.logsDir, '/home/x/.local/state/log');
});

test('paths: defaults equal systemd-analyze unit-paths; SYSTEMD_UNIT_PATH rules; --unit-path replaces', () => {
  const run = (env: Record<string, string>): string[] => {
    const r = spawnSync('systemd-analyze', ['unit-paths'], { encoding: 'utf8', env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin', ...env } });
    return r.stdout.split('\n').filter(Boolean);
  };
  assert.deepEqual(unitSearchPath({ userMode: false, env: {} }), run({}));
  assert.deepEqual(unitSearchPath({ userMode: false, env: { SYSTEMD_UNIT_PATH: '/a:/b:' } }), run({ SYSTEMD_UNIT_PATH: '/a:/b:' }));
  assert.deepEqual(unitSearchPath({ userMode: false, env: { SYSTEMD_UNIT_PATH: '/a::/b' } }), run({ SYSTEMD_UNIT_PATH: '/a::/b' }));
  assert.deepEqual(unitSearchPath({ userMode: false, env: { SYSTEMD_UNIT_PATH: 'rel:/x/../y/' } }), run({ SYSTEMD_UNIT_PATH: 'rel:/x/../y/' }));
  assert.deepEqual(unitSearchPath({ userMode: false, unitPaths: ['/u1', '/u2'], env: { SYSTEMD_UNIT_PATH: '/a:' } }), ['/u1', '/u2']);
  const userEnv = { HOME: '/nonexistent', XDG_RUNTIME_DIR: '/run/user/65534' };
  const r = spawnSync('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', 'env', '-i', `HOME=${userEnv.HOME}`,
    `XDG_RUNTIME_DIR=${userEnv.XDG_RUNTIME_DIR}`, 'systemd-analyze', '--user', 'unit-paths'], { encoding: 'utf8' });
  assert.deepEqual(unitSearchPath({ userMode: true, env: userEnv }), r.stdout.split('\n').filter(Boolean));
});
