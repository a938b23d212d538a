// lint.ts with a fake machine (LintEnv): systemd-analyze's own post-load checks and tsysd's lint checks,
// wording and placement (file:line of the setting), and "not enforced" reported once per directive.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Assignment, SpecifierContext, UnitSource } from '../../src/unit-file/types';
import { compileUnit } from '../../src/directives/compile';
import { lintChecks, notEnforcedInfos, systemdVerifyChecks, type LintEnv } from '../../src/directives/lint';

const ctx: SpecifierContext = {
  userMode: false, hostname: 'h', machineId: '', bootId: '', kernelRelease: '', architecture: 'x86-64', userName: 'root', uid: 0,
  groupName: 'root', gid: 0, home: '/root', shell: '/bin/sh', runtimeDir: '/run', stateDir: '/var/lib', cacheDir: '/var/cache',
  logsDir: '/var/log', configDir: '/etc', tmpDir: '/tmp', varTmpDir: '/var/tmp', osRelease: {}, realpath: (p: string) => p,
};
function source(id: string, lines: [string, string, string][]): UnitSource {
  const file = `/u/${id}`;
  const assignments: Assignment[] = lines.map(([section, key, value], i) => ({ section, key, value, file, line: i + 1 }));
  const dot = id.lastIndexOf('.');
  return { requested: id, id, names: [id], loadState: 'loaded', fragmentPath: file, dropInPaths: [], assignments, wantsFromDirs: [],
    requiresFromDirs: [], prefix: id.slice(0, dot), instance: '', type: id.slice(dot + 1), diagnostics: [] };
}
const env: LintEnv = {
  executableProblem: (p) => (p === '/bin/true' ? null : p === '/noexec' ? 'Permission denied' : 'No such file or directory'),
  fileExists: (p) => p === '/etc/present',
  userExists: (n) => n === 'root',
  groupExists: (n) => n === 'root',
  unitExists: (n) => ['present.service', 'web.service'].includes(n),
};

test('systemd-analyze checks: first command of each Exec list, missing requirements, socket service', () => {
  const src = source('a.service', [
    ['Unit', 'Requires', 'missing.service present.service'], ['Unit', 'Wants', 'gone.service dev-sda.device'],
    ['Service', 'ExecStart', '/missing/bin'], ['Service', 'ExecStartPre', '-/also/missing'], ['Service', 'ExecStop', '/noexec'],
  ]);
  const cfg = compileUnit(src, ctx);
  assert.deepEqual(systemdVerifyChecks(cfg, env).map((d) => d.message), [
    'Command /missing/bin is not executable: No such file or directory', 'Command /noexec is not executable: Permission denied',
    'Failed to create a.service/start: Unit missing.service not found.',
  ]);
  const sock = compileUnit(source('db.socket', [['Socket', 'ListenStream', '/run/db.sock']]), ctx);
  assert.deepEqual(systemdVerifyChecks(sock, env).map((d) => d.message), ['service db.service not loaded, socket cannot be started.']);
  const web = compileUnit(source('web.socket', [['Socket', 'ListenStream', '80']]), ctx);
  assert.deepEqual(systemdVerifyChecks(web, env), []);
});

test('lint checks: later commands, EnvironmentFile, User/Group, referenced units — at the setting line', () => {
  const src = source('b.service', [
    ['Service', 'ExecStart', '/bin/true'], ['Service', 'ExecStartPost', '/bin/true'], ['Service', 'ExecStartPost', '/x/y'],
    ['Service', 'EnvironmentFile', '/etc/absent'], ['Service', 'EnvironmentFile', '-/etc/optional'], ['Service', 'EnvironmentFile', '/etc/present'],
    ['Service', 'User', 'nosuch'], ['Service', 'Group', '1234'], ['Unit', 'OnFailure', 'gone.service'], ['Unit', 'Wants', 'gone2.service x.device'],
  ]);
  const cfg = compileUnit(src, ctx);
  assert.deepEqual(lintChecks(cfg, src, env).map((d) => [d.line, d.level, d.message]), [
    [3, 'warning', 'tsysd: command /x/y is not executable: No such file or directory'],
    [4, 'warning', 'tsysd: EnvironmentFile= /etc/absent does not exist (the start will fail)'],
    [7, 'warning', 'tsysd: User=nosuch does not exist on this system'],
    [9, 'warning', 'tsysd: OnFailure=gone.service refers to a unit that does not exist'],
    [10, 'info', 'tsysd: Wants=gone2.service refers to a unit that does not exist'],
  ]);
});

test('not-enforced directives are reported once per key across units', () => {
  const seen = new Set<string>();
  const a = compileUnit(source('a.service', [['Service', 'ExecStart', '/bin/true'], ['Service', 'CPUSchedulingPolicy', 'fifo'], ['Service', 'IPAddressDeny', 'any']]), ctx);
  const b = compileUnit(source('b.service', [['Service', 'ExecStart', '/bin/true'], ['Service', 'CPUSchedulingPolicy', 'batch']]), ctx);
  assert.deepEqual(notEnforcedInfos(a, seen).map((d) => [d.unit, d.line, d.message]), [
    ['a.service', 2, 'CPUSchedulingPolicy= is parsed but not enforced by tsysd'], ['a.service', 3, 'IPAddressDeny= is parsed but not enforced by tsysd'],
  ]);
  assert.deepEqual(notEnforcedInfos(b, seen), []);
});
