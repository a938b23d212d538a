// Condition*=/Assert*= evaluation: combination rules ('|' triggers, '!' negation) with a fake env, and
// the real env over a temp directory.
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import type { Condition } from '../../src/directives/types';
import { checkCondition, evaluateConditionList, fnmatch, versionCompare, type ConditionEnv } from '../../src/units/conditions';
import { realConditionEnv } from '../../src/units/conditions-real';

function c(kind: string, value: string, o: Partial<Condition> = {}): Condition {
  return { kind, value, assert: false, trigger: false, negate: false, file: 'x.service', line: 1, ...o };
}

function fakeEnv(over: Partial<ConditionEnv> = {}): ConditionEnv {
  const files: Record<string, { type: 'file' | 'dir' | 'symlink'; size: number; mode: number }> = {
    '/etc': { type: 'dir', size: 0, mode: 0o755 }, '/etc/a': { type: 'file', size: 3, mode: 0o644 },
    '/bin/x': { type: 'file', size: 10, mode: 0o755 }, '/empty': { type: 'file', size: 0, mode: 0o644 },
  };
  return {
    stat: p => files[p] ?? null, lstat: p => (p === '/link' ? { type: 'symlink', size: 0, mode: 0o777 } : files[p] ?? null),
    readDir: p => (p === '/etc' ? ['a', '.hidden'] : p === '/hiddenonly' ? ['.x', 'y~'] : null),
    globMatches: p => p === '/etc/*', isMountPoint: p => p === '/', isReadOnlyFs: p => p === '/usr',
    container: () => 'docker', vm: () => null, inUserNamespace: () => false, hostname: () => 'web01',
    machineId: () => '0123456789abcdef0123456789abcdef', kernelCommandLine: () => 'quiet root=/dev/sda1 debug',
    environment: () => ({ FOO: 'bar', container: 'docker' }), uid: () => 0, userName: () => 'root',
    lookupUser: n => (n === 'root' ? 0 : n === 'nobody' ? 65534 : null), gids: () => [0, 4],
    lookupGroup: n => (n === 'adm' ? 4 : n === 'root' ? 0 : null), architecture: () => 'x86-64', firstBoot: () => false,
    cgroupControllers: () => ['cpu', 'memory', 'pids'], cgroupVersion: () => 2, hasCapability: n => n === 'CAP_NET_ADMIN',
    securityEnabled: n => n === 'apparmor', cpus: () => 2, memoryBytes: () => 4 * 2 ** 30, kernelRelease: () => '6.1.0-13-amd64',
    osRelease: () => ({ ID: 'debian', VERSION_ID: '12' }), kernelModuleLoaded: n => n === 'overlay', acPower: () => true,
    ...over,
  };
}

const env = fakeEnv();
const T = (kind: string, value: string): string => checkCondition(kind, value, env);

test('path checks', () => {
  assert.equal(T('PathExists', '/etc/a'), 'pass');
  assert.equal(T('PathExists', '/nope'), 'fail');
  assert.equal(T('PathExistsGlob', '/etc/*'), 'pass');
  assert.equal(T('PathIsDirectory', '/etc'), 'pass');
  assert.equal(T('PathIsDirectory', '/etc/a'), 'fail');
  assert.equal(T('PathIsSymbolicLink', '/link'), 'pass');
  assert.equal(T('PathIsMountPoint', '/'), 'pass');
  assert.equal(T('PathIsReadWrite', '/etc'), 'pass');
  assert.equal(T('DirectoryNotEmpty', '/etc'), 'pass');
  assert.equal(T('DirectoryNotEmpty', '/hiddenonly'), 'fail', 'hidden and backup files do not count');
  assert.equal(T('FileNotEmpty', '/etc/a'), 'pass');
  assert.equal(T('FileNotEmpty', '/empty'), 'fail');
  assert.equal(T('FileIsExecutable', '/bin/x'), 'pass');
  assert.equal(T('FileIsExecutable', '/etc/a'), 'fail');
});

test('virtualization: yes/no, container/vm, ids, private-users', () => {
  assert.equal(T('Virtualization', 'yes'), 'pass');
  assert.equal(T('Virtualization', 'no'), 'fail');
  assert.equal(T('Virtualization', 'container'), 'pass');
  assert.equal(T('Virtualization', 'vm'), 'fail');
  assert.equal(T('Virtualization', 'docker'), 'pass');
  assert.equal(T('Virtualization', 'lxc'), 'fail');
  assert.equal(T('Virtualization', 'private-users'), 'fail');
  const bare = fakeEnv({ container: () => null });
  assert.equal(checkCondition('Virtualization', 'no', bare), 'pass');
  const kvm = fakeEnv({ container: () => null, vm: () => 'kvm' });
  assert.equal(checkCondition('Virtualization', 'vm', kvm), 'pass');
  assert.equal(checkCondition('Virtualization', 'kvm', kvm), 'pass');
});

test('host, kernel command line, environment', () => {
  assert.equal(T('Host', 'web*'), 'pass');
  assert.equal(T('Host', 'WEB01'), 'pass');
  assert.equal(T('Host', 'db01'), 'fail');
  assert.equal(T('Host', '01234567-89ab-cdef-0123-456789abcdef'), 'pass');
  assert.equal(T('KernelCommandLine', 'debug'), 'pass');
  assert.equal(T('KernelCommandLine', 'root'), 'pass');
  assert.equal(T('KernelCommandLine', 'root=/dev/sda1'), 'pass');
  assert.equal(T('KernelCommandLine', 'root=/dev/sdb'), 'fail');
  assert.equal(T('KernelCommandLine', 'qui'), 'fail');
  assert.equal(T('Environment', 'FOO'), 'pass');
  assert.equal(T('Environment', 'FOO=bar'), 'pass');
  assert.equal(T('Environment', 'FOO=baz'), 'fail');
});

test('user, group, architecture, first boot, cgroup, capabilities, security', () => {
  assert.equal(T('User', 'root'), 'pass');
  assert.equal(T('User', '0'), 'pass');
  assert.equal(T('User', 'nobody'), 'fail');
  assert.equal(T('User', '@system'), 'pass');
  assert.equal(T('Group', 'adm'), 'pass');
  assert.equal(T('Group', '5'), 'fail');
  assert.equal(T('Architecture', 'x86-64'), 'pass');
  assert.equal(T('Architecture', 'arm64'), 'fail');
  assert.equal(T('Architecture', 'native'), 'pass');
  assert.equal(T('FirstBoot', 'no'), 'pass');
  assert.equal(T('FirstBoot', 'yes'), 'fail');
  assert.equal(T('ControlGroupController', 'cpu memory'), 'pass');
  assert.equal(T('ControlGroupController', 'io'), 'fail');
  assert.equal(T('ControlGroupController', 'v2'), 'pass');
  assert.equal(T('CapabilityBoundingSet', 'CAP_NET_ADMIN'), 'pass');
  assert.equal(T('CapabilityBoundingSet', 'CAP_SYS_ADMIN'), 'fail');
  assert.equal(T('Security', 'apparmor'), 'pass');
  assert.equal(T('Security', 'selinux'), 'fail');
});

test('CPUs, Memory, KernelVersion, OSRelease comparisons', () => {
  assert.equal(T('CPUs', '>=2'), 'pass');
  assert.equal(T('CPUs', '>2'), 'fail');
  assert.equal(T('CPUs', '2'), 'pass');
  assert.equal(T('Memory', '>=1G'), 'pass');
  assert.equal(T('Memory', '<2G'), 'fail');
  assert.equal(T('Memory', '>= 4096M'), 'pass');
  assert.equal(T('KernelVersion', '>=5.10'), 'pass');
  assert.equal(T('KernelVersion', '<6'), 'fail');
  assert.equal(T('KernelVersion', '6.1.*'), 'pass');
  assert.equal(T('KernelVersion', '>=5.4 <6.2'), 'pass');
  assert.equal(T('OSRelease', 'ID=debian'), 'pass');
  assert.equal(T('OSRelease', 'VERSION_ID>=11'), 'pass');
  assert.equal(T('OSRelease', 'ID!=debian'), 'fail');
  assert.equal(T('KernelModuleLoaded', 'overlay'), 'pass');
  assert.equal(T('Firmware', 'uefi'), 'unsupported');
  assert.equal(versionCompare('6.1.0-13', '6.10'), -1);
  assert.ok(fnmatch('a[bc]?', 'acx'));
});

test('combination: all non-triggers must pass; at least one trigger; negation', () => {
  const ok = (list: Condition[]): boolean => evaluateConditionList(list, env).ok;
  assert.equal(ok([]), true);
  assert.equal(ok([c('PathExists', '/etc/a'), c('PathExists', '/nope')]), false);
  assert.equal(ok([c('PathExists', '/nope', { negate: true })]), true);
  assert.equal(ok([c('PathExists', '/nope', { trigger: true }), c('PathExists', '/etc/a', { trigger: true })]), true);
  assert.equal(ok([c('PathExists', '/nope', { trigger: true }), c('PathExists', '/nope2', { trigger: true })]), false);
  assert.equal(ok([c('PathExists', '/nope', { trigger: true }), c('PathExists', '/etc/a', { trigger: true }), c('PathExists', '/x')]), false);
  assert.equal(ok([c('PathExists', '/etc/a', { trigger: true, negate: true }), c('Host', 'web01')]), false);
  assert.equal(ok([c('FirstBoot', 'maybe', { negate: true })]), false, 'an undeterminable entry fails even negated');
  assert.equal(ok([c('Firmware', 'uefi')]), true, 'unsupported kinds pass');
  const r = evaluateConditionList([c('Host', 'web01'), c('PathExists', '/nope')], env);
  assert.equal(r.failed?.kind, 'PathExists');
  assert.deepEqual(r.entries.map(e => e.result), ['pass', 'fail']);
});

test('real env: paths in a temp dir, container via container= env, user, cpus', () => {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'tsysd-cond-'));
  try {
    fs.writeFileSync(path.join(d, 'f'), 'x');
    fs.writeFileSync(path.join(d, 'e'), '');
    fs.writeFileSync(path.join(d, 'x'), '#!/bin/sh\n', { mode: 0o755 });
    fs.mkdirSync(path.join(d, 'sub'));
    fs.symlinkSync(path.join(d, 'f'), path.join(d, 'l'));
    fs.symlinkSync(path.join(d, 'missing'), path.join(d, 'dangling'));
    const e = realConditionEnv({ container: 'podman', FOO: '1' });
    const R = (k: string, v: string): string => checkCondition(k, v, e);
    assert.equal(R('PathExists', path.join(d, 'f')), 'pass');
    assert.equal(R('PathExists', path.join(d, 'dangling')), 'fail');
    assert.equal(R('PathIsSymbolicLink', path.join(d, 'dangling')), 'pass');
    assert.equal(R('PathExistsGlob', path.join(d, 's*')), 'pass');
    assert.equal(R('PathExistsGlob', path.join(d, 'zz*')), 'fail');
    assert.equal(R('PathIsDirectory', path.join(d, 'sub')), 'pass');
    assert.equal(R('DirectoryNotEmpty', path.join(d, 'sub')), 'fail');
    assert.equal(R('DirectoryNotEmpty', d), 'pass');
    assert.equal(R('FileNotEmpty', path.join(d, 'e')), 'fail');
    assert.equal(R('FileIsExecutable', path.join(d, 'x')), 'pass');
    assert.equal(R('PathIsMountPoint', '/proc'), 'pass');
    assert.equal(R('PathIsMountPoint', d), 'fail');
    assert.equal(R('PathIsReadWrite', d), 'pass');
    assert.equal(R('Virtualization', 'container'), 'pass');
    assert.equal(R('Virtualization', 'podman'), 'pass');
    assert.equal(R('Environment', 'FOO=1'), 'pass');
    assert.equal(R('User', String(process.getuid?.() ?? 0)), 'pass');
    assert.equal(R('CPUs', `=${os.availableParallelism()}`), 'pass');
    assert.equal(R('Memory', '>=1M'), 'pass');
    assert.equal(R('Host', os.hostname()), 'pass');
    assert.equal(R('Architecture', process.arch === 'x64' ? 'x86-64' : process.arch), 'pass');
  } finally {
    fs.rmSync(d, { recursive: true, force: true });
  }
});

test('CPUFeature/Firmware/Credential: evaluated when the env provides them, unsupported otherwise', () => {
  const e = fakeEnv({ cpuFlags: () => ['sse4_2', 'avx'], firmware: k => k === 'uefi', hasCredential: n => n === 'token' });
  assert.equal(checkCondition('CPUFeature', 'sse4-2', e), 'pass');
  assert.equal(checkCondition('CPUFeature', 'avx512f', e), 'fail');
  assert.equal(checkCondition('Firmware', 'uefi', e), 'pass');
  assert.equal(checkCondition('Firmware', 'device-tree', e), 'fail');
  assert.equal(checkCondition('Credential', 'token', e), 'pass');
  assert.equal(checkCondition('Credential', 'other', e), 'fail');
  assert.equal(checkCondition('CPUFeature', 'avx', fakeEnv()), 'unsupported');
  const real = realConditionEnv({});
  assert.equal(checkCondition('CPUFeature', 'definitely_not_a_flag', real), 'fail');
});
