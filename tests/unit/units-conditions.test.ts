// Condition*=/Assert*= evaluation over a fake OS (files, /proc, /sys, ids): the combination rules ('|'
// triggers, '!' negation, errors failing even when negated), each kind's parsing of its value, and the
// value helpers (compare operators, systemd's version order, fnmatch, sizes, permyriads). The comparison
// of every kind with systemd-analyze condition on the real machine is tests/e2e/conditions-oracle.test.ts.
import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import type { Condition } from '../../src/directives/types';
import { checkCondition, evaluateConditionList, fnmatch, versionCompare, SUPPORTED_KINDS, type ConditionEnv, type FileInfo } from '../../src/units/conditions';
import { CONDITION_KINDS } from '../../src/directives/table-unit';
import { capabilityFromName, parsePermyriad, parseSize, splitWords } from '../../src/units/condition-values';

function c(kind: string, value: string, o: Partial<Condition> = {}): Condition {
  return { kind, value, assert: false, trigger: false, negate: false, file: 'x.service', line: 1, ...o };
}

const F = (size = 3, mode = 0o644): FileInfo => ({ type: 'file', size, mode, mtimeNs: 5_000_000_000n });

function fakeEnv(over: Partial<ConditionEnv> = {}, files: Record<string, string> = {}): ConditionEnv {
  const st: Record<string, FileInfo> = {
    '/etc': { type: 'dir', size: 0, mode: 0o755 }, '/etc/a': F(), '/bin/x': F(10, 0o755), '/empty': F(0),
    '/usr/': { type: 'dir', size: 0, mode: 0o755, mtimeNs: 9_000_000_000n }, '/var/.updated': F(1),
  };
  const text: Record<string, string> = {
    '/proc/cmdline': 'quiet root=/dev/sda1 "opt=a b" debug\n',
    '/proc/1/cmdline': '/sbin/init\0splash\0',
    '/proc/self/status': 'Name:\tx\nCapBnd:\t0000000000001000\n',
    '/etc/os-release': 'ID=debian\nVERSION_ID="12"\nPRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\n',
    '/etc/machine-id': '0123456789abcdef0123456789abcdef\n',
    '/sys/fs/cgroup/cgroup.controllers': 'cpuset cpu io memory pids\n',
    '/proc/pressure/cpu': 'some avg10=1.50 avg60=0.20 avg300=0.05 total=1\nfull avg10=0.00 avg60=0.00 avg300=0.00 total=0\n',
    '/proc/pressure/io': 'some avg10=0.00 avg60=0.00 avg300=0.00 total=0\nfull avg10=0.00 avg60=0.00 avg300=0.00 total=0\n',
    '/proc/pressure/memory': 'some avg10=0.00 avg60=0.00 avg300=0.00 total=0\nfull avg10=12.34 avg60=0.00 avg300=0.00 total=0\n',
    '/sys/class/dmi/id/sys_vendor': 'QEMU\n',
    '/proc/cpuinfo': 'processor\t: 0\nflags\t\t: fpu sse4_2 avx pclmulqdq fma\n',
    '/sys/class/power_supply/BAT0/type': 'Battery\n', '/sys/class/power_supply/BAT0/status': 'Discharging\n',
    ...files,
  };
  const dirs: Record<string, string[]> = { '/etc': ['a', '.hidden'], '/hiddenonly': ['.x', 'y~', 'z.dpkg-old'], '/sys/class/power_supply': ['BAT0'] };
  return {
    access: (p) => p in st || p in text || p in dirs || p === '/run/systemd/first-boot-nope',
    stat: (p) => st[p] ?? null, lstat: (p) => (p === '/link' ? { type: 'symlink', size: 0, mode: 0o777 } : st[p] ?? null),
    readDir: (p) => dirs[p] ?? { errno: p === '/etc/a' ? 'ENOTDIR' : p === '/locked' ? 'EACCES' : 'ENOENT' },
    readFile: (p) => text[p] ?? null,
    globMatches: (p) => p === '/etc/*', isMountPoint: (p) => p === '/', readOnlyFs: (p) => (p === '/usr' ? true : p in st ? false : 'ENOENT'),
    isEncrypted: (p) => p === '/secret', container: () => 'docker', vm: () => null, inUserNamespace: () => false, hostname: () => 'web01',
    kernelRelease: () => '6.1.0-13-amd64', machine: () => 'x86_64', environment: () => ['FOO=bar', 'EMPTY='], getenv: () => undefined,
    uid: () => 0, euid: () => 0, gid: () => 0, egid: () => 0, groups: () => [4], isPid1: () => false, userName: () => 'root',
    lookupUser: (n) => (n === 'root' ? 0 : n === 'nobody' ? 65534 : null), lookupGroup: (n) => (n === 'adm' ? 4 : n === 'root' ? 0 : null),
    cgroupUnified: () => 'all', cgroupRoot: () => '/', cpusInAffinity: () => 2, totalMemory: () => 4 * 2 ** 30, auditAvailable: () => false,
    ...over,
  };
}

const env = fakeEnv();
const T = (kind: string, value: string, e = env): string => checkCondition(kind, value, e);

test('every condition kind of the [Unit] table is evaluated (none passes by default)', () => {
  assert.deepEqual([...CONDITION_KINDS].sort(), [...SUPPORTED_KINDS].sort());
  assert.equal(T('NoSuchKind', 'x'), 'error');
});

test('path checks', () => {
  assert.equal(T('PathExists', '/etc/a'), 'pass');
  assert.equal(T('PathExists', '/nope'), 'fail');
  assert.equal(T('PathExistsGlob', '/etc/*'), 'pass');
  assert.equal(T('PathIsDirectory', '/etc'), 'pass');
  assert.equal(T('PathIsDirectory', '/etc/a'), 'fail');
  assert.equal(T('PathIsSymbolicLink', '/link'), 'pass');
  assert.equal(T('PathIsMountPoint', '/'), 'pass');
  assert.equal(T('PathIsReadWrite', '/etc'), 'pass');
  assert.equal(T('PathIsReadWrite', '/usr'), 'fail');
  assert.equal(T('PathIsReadWrite', '/nope'), 'fail');
  assert.equal(T('PathIsEncrypted', '/secret'), 'pass');
  assert.equal(T('PathIsEncrypted', '/etc'), 'fail');
  assert.equal(T('DirectoryNotEmpty', '/etc'), 'pass');
  assert.equal(T('DirectoryNotEmpty', '/hiddenonly'), 'fail', 'hidden and backup files do not count');
  assert.equal(T('DirectoryNotEmpty', '/etc/a'), 'fail');
  assert.equal(T('DirectoryNotEmpty', '/locked'), 'pass', 'systemd: any error other than ENOENT/ENOTDIR counts as not empty');
  assert.equal(T('FileNotEmpty', '/etc/a'), 'pass');
  assert.equal(T('FileNotEmpty', '/empty'), 'fail');
  assert.equal(T('FileIsExecutable', '/bin/x'), 'pass');
  assert.equal(T('FileIsExecutable', '/etc/a'), 'fail');
  assert.equal(T('NeedsUpdate', '/var'), 'pass', '/usr newer than /var/.updated');
  assert.equal(T('NeedsUpdate', '/etc'), 'pass', 'no .updated file');
  assert.equal(T('NeedsUpdate', '/usr'), 'fail', 'read-only: never');
});

test('virtualization: yes/no, container/vm, ids, private-users', () => {
  assert.equal(T('Virtualization', 'yes'), 'pass');
  assert.equal(T('Virtualization', 'no'), 'fail');
  assert.equal(T('Virtualization', 'container'), 'pass');
  assert.equal(T('Virtualization', 'vm'), 'fail');
  assert.equal(T('Virtualization', 'docker'), 'pass');
  assert.equal(T('Virtualization', 'lxc'), 'fail');
  assert.equal(T('Virtualization', 'private-users'), 'fail');
  assert.equal(T('Virtualization', 'no', fakeEnv({ container: () => null })), 'pass');
  const kvm = fakeEnv({ container: () => null, vm: () => 'kvm' });
  assert.equal(T('Virtualization', 'vm', kvm), 'pass');
  assert.equal(T('Virtualization', 'kvm', kvm), 'pass');
  assert.equal(T('Virtualization', 'kvm', fakeEnv({ vm: () => 'kvm' })), 'fail', 'a container hides the VM');
});

test('host, kernel command line (PID 1\'s in a container), environment', () => {
  assert.equal(T('Host', 'web*'), 'pass');
  assert.equal(T('Host', 'WEB01'), 'pass');
  assert.equal(T('Host', 'db01'), 'fail');
  assert.equal(T('Host', '01234567-89ab-cdef-0123-456789abcdef'), 'pass');
  assert.equal(T('Host', '0123456789abcdef0123456789abcde0'), 'fail');
  assert.equal(T('KernelCommandLine', 'splash'), 'pass', 'in a container: PID 1\'s command line');
  const bare = fakeEnv({ container: () => null });
  assert.equal(T('KernelCommandLine', 'debug', bare), 'pass');
  assert.equal(T('KernelCommandLine', 'root', bare), 'pass');
  assert.equal(T('KernelCommandLine', 'root=/dev/sda1', bare), 'pass');
  assert.equal(T('KernelCommandLine', 'opt=a b', bare), 'pass', 'quoted words');
  assert.equal(T('KernelCommandLine', 'root=/dev/sdb', bare), 'fail');
  assert.equal(T('KernelCommandLine', 'qui', bare), 'fail');
  assert.equal(T('Environment', 'FOO'), 'pass');
  assert.equal(T('Environment', 'FOO=bar'), 'pass');
  assert.equal(T('Environment', 'FOO=baz'), 'fail');
  assert.equal(T('Environment', 'FO'), 'fail');
  assert.equal(T('Environment', 'EMPTY'), 'pass');
});

test('user, group, architecture, first boot, cgroup, capabilities, security, firmware, AC power', () => {
  assert.equal(T('User', 'root'), 'pass');
  assert.equal(T('User', '0'), 'pass');
  assert.equal(T('User', 'nobody'), 'fail');
  assert.equal(T('User', '@system'), 'pass');
  assert.equal(T('User', 'someone'), 'fail');
  assert.equal(T('Group', 'adm'), 'pass');
  assert.equal(T('Group', '0'), 'pass');
  assert.equal(T('Group', '5'), 'fail');
  assert.equal(T('Group', 'adm', fakeEnv({ isPid1: () => true })), 'fail', 'PID 1 resolves no group names but root');
  assert.equal(T('Architecture', 'x86-64'), 'pass');
  assert.equal(T('Architecture', 'arm64'), 'fail');
  assert.equal(T('Architecture', 'amd64'), 'fail', 'unknown names never match');
  assert.equal(T('Architecture', 'native'), 'pass');
  assert.equal(T('FirstBoot', 'no'), 'pass');
  assert.equal(T('FirstBoot', 'yes'), 'fail');
  assert.equal(T('FirstBoot', 'maybe'), 'error');
  assert.equal(T('ControlGroupController', 'cpu memory'), 'pass');
  assert.equal(T('ControlGroupController', 'devices'), 'fail');
  assert.equal(T('ControlGroupController', 'bpf-firewall'), 'fail');
  assert.equal(T('ControlGroupController', 'nonsense'), 'pass', 'nothing parseable: systemd says yes');
  assert.equal(T('ControlGroupController', 'v2'), 'pass');
  assert.equal(T('ControlGroupController', 'v1'), 'fail');
  assert.equal(T('Capability', 'CAP_NET_ADMIN'), 'pass', 'bit 12');
  assert.equal(T('Capability', 'cap_net_admin'), 'pass');
  assert.equal(T('Capability', '12'), 'pass');
  assert.equal(T('Capability', 'CAP_SYS_ADMIN'), 'fail');
  assert.equal(T('Capability', 'NET_ADMIN'), 'error', 'not a capability name');
  assert.equal(T('Security', 'selinux'), 'fail');
  assert.equal(T('Security', 'audit'), 'fail');
  assert.equal(T('Security', 'bogus'), 'fail');
  assert.equal(T('Firmware', 'uefi'), 'fail');
  assert.equal(T('Firmware', 'smbios-field(sys_vendor = QEMU)'), 'pass');
  assert.equal(T('Firmware', 'smbios-field(sys_vendor $= Q*)'), 'pass');
  assert.equal(T('Firmware', 'smbios-field(sys_vendor = KVM)'), 'fail');
  assert.equal(T('Firmware', 'smbios-field(sys_vendor)'), 'error');
  assert.equal(T('Firmware', 'device-tree-compatible(foo)'), 'fail');
  assert.equal(T('Firmware', 'bios'), 'fail');
  assert.equal(T('ACPower', 'false'), 'pass', 'a discharging battery and no online supply');
  assert.equal(T('ACPower', 'true', fakeEnv({}, { '/sys/class/power_supply/BAT0/status': 'Charging\n' })), 'pass');
  assert.equal(T('ACPower', 'x'), 'error');
});

test('CPUs, Memory, KernelVersion, OSRelease, CPUFeature, Credential, pressure', () => {
  assert.equal(T('CPUs', '>=2'), 'pass');
  assert.equal(T('CPUs', '>2'), 'fail');
  assert.equal(T('CPUs', '2'), 'pass', 'default operator >=');
  assert.equal(T('CPUs', '1'), 'pass');
  assert.equal(T('CPUs', '=3'), 'fail');
  assert.equal(T('CPUs', 'many'), 'error');
  assert.equal(T('Memory', '>=1G'), 'pass');
  assert.equal(T('Memory', '<2G'), 'fail');
  assert.equal(T('Memory', '>= 4096M'), 'pass');
  assert.equal(T('Memory', '8G'), 'fail');
  assert.equal(T('Memory', '>=1G', fakeEnv({}, { '/sys/fs/cgroup/memory.max': '536870912\n' })), 'fail', 'the root cgroup limit counts');
  assert.equal(T('KernelVersion', '>=5.10'), 'pass');
  assert.equal(T('KernelVersion', '<6'), 'fail');
  assert.equal(T('KernelVersion', '6.1.*'), 'pass');
  assert.equal(T('KernelVersion', '>=5.4 <6.2'), 'pass');
  assert.equal(T('KernelVersion', '>= 5.4'), 'pass', 'space after the first operator');
  assert.equal(T('KernelVersion', '=6.1.0-13-amd64'), 'pass', '= is a string comparison');
  assert.equal(T('KernelVersion', '=6.1'), 'fail');
  assert.equal(T('OSRelease', 'ID=debian'), 'pass');
  assert.equal(T('OSRelease', 'VERSION_ID>=11'), 'pass');
  assert.equal(T('OSRelease', 'ID!=debian'), 'fail');
  assert.equal(T('OSRelease', 'ID$=deb*'), 'pass');
  assert.equal(T('OSRelease', 'PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"'), 'pass');
  assert.equal(T('OSRelease', 'MISSING='), 'error', 'empty value after the operator');
  assert.equal(T('OSRelease', 'ID'), 'error');
  assert.equal(T('CPUFeature', 'SSE4_2'), 'pass');
  assert.equal(T('CPUFeature', 'pclmul'), 'pass', 'systemd\'s name, /proc/cpuinfo\'s pclmulqdq');
  assert.equal(T('CPUFeature', 'fma3'), 'pass');
  assert.equal(T('CPUFeature', 'sse4-2'), 'fail');
  assert.equal(T('CPUFeature', 'avx512f'), 'fail', 'not in systemd\'s CPUID table');
  assert.equal(T('Credential', 'token'), 'fail');
  const creds = fakeEnv({ getenv: (n) => (n === 'CREDENTIALS_DIRECTORY' ? '/run/credentials/x.service' : undefined), access: (p) => p === '/run/credentials/x.service/token' });
  assert.equal(T('Credential', 'token', creds), 'pass');
  assert.equal(T('Credential', '../token', creds), 'fail');
  assert.equal(T('CPUPressure', '10%'), 'pass', 'system cpu: some avg300 0.05 <= 10%');
  assert.equal(T('CPUPressure', '1%/10sec'), 'fail', 'some avg10 1.50 > 1%');
  assert.equal(T('MemoryPressure', '12.34%/10sec'), 'pass', 'full avg10 12.34 <= 12.34%');
  assert.equal(T('MemoryPressure', '12.33%/10sec'), 'fail');
  assert.equal(T('IOPressure', '0%/1min'), 'pass');
  assert.equal(T('IOPressure', 'lots'), 'error');
  assert.equal(T('IOPressure', '5%/2min'), 'error');
  assert.equal(T('MemoryPressure', 'nosuch.slice:1%'), 'pass', 'a cgroup that does not exist passes');
  assert.equal(T('MemoryPressure', '1%', fakeEnv({}, { '/proc/pressure/io': undefined as unknown as string })), 'pass', 'no PSI: pass');
});

test('combination: all non-triggers must pass; at least one trigger; negation; errors fail', () => {
  const ok = (list: Condition[]): boolean => evaluateConditionList(list, env).ok;
  assert.equal(ok([]), true);
  assert.equal(ok([c('PathExists', '/etc/a'), c('PathExists', '/nope')]), false);
  assert.equal(ok([c('PathExists', '/nope', { negate: true })]), true);
  assert.equal(ok([c('PathExists', '/nope', { trigger: true }), c('PathExists', '/etc/a', { trigger: true })]), true);
  assert.equal(ok([c('PathExists', '/nope', { trigger: true }), c('PathExists', '/nope2', { trigger: true })]), false);
  assert.equal(ok([c('PathExists', '/nope', { trigger: true }), c('PathExists', '/etc/a', { trigger: true }), c('PathExists', '/x')]), false);
  assert.equal(ok([c('PathExists', '/etc/a', { trigger: true, negate: true }), c('Host', 'web01')]), false);
  assert.equal(ok([c('FirstBoot', 'maybe', { negate: true })]), false, 'an undeterminable entry fails even negated');
  assert.equal(ok([c('Capability', 'bogus', { negate: true })]), false);
  const r = evaluateConditionList([c('Host', 'web01'), c('PathExists', '/nope')], env);
  assert.equal(r.failed?.kind, 'PathExists');
  assert.deepEqual(r.entries.map((e) => e.result), ['pass', 'fail']);
});

test('value helpers: version order, fnmatch, words, sizes, permyriads, capability names', () => {
  const order = ['122.1', '123~rc1-1', '123', '123-a', '123-a.1', '123-1', '123-1.1', '123^post1', '123.a-1', '123.1-1', '123a-1', '124-1'];
  for (let i = 0; i + 1 < order.length; i++) assert.equal(versionCompare(order[i]!, order[i + 1]!), -1, `${order[i]} < ${order[i + 1]}`);
  assert.equal(versionCompare('6.1.0-13', '6.10'), -1);
  assert.equal(versionCompare('00123', '123'), 0);
  assert.ok(fnmatch('a[bc]?', 'acx'));
  assert.ok(fnmatch('a[!b]c', 'axc') && !fnmatch('a[!b]c', 'abc'));
  assert.ok(fnmatch('a\\*', 'a*') && !fnmatch('a\\*', 'ab'));
  assert.deepEqual(splitWords(`a "b c" 'd'e f\\ g`, true), ['a', 'b c', 'de', 'f g']);
  assert.equal(splitWords('"open', true), null);
  assert.equal(parseSize('1G'), 2 ** 30);
  assert.equal(parseSize('1.5K'), 1536);
  assert.equal(parseSize('1G 512M'), 2 ** 30 + 2 ** 29);
  assert.equal(parseSize('x'), null);
  assert.equal(parsePermyriad('12.34%'), 1234);
  assert.equal(parsePermyriad('12.3%'), 1230);
  assert.equal(parsePermyriad('5‰'), 50);
  assert.equal(parsePermyriad('7‱'), 7);
  assert.equal(parsePermyriad('101%'), null);
  assert.equal(capabilityFromName('CAP_BPF'), 39);
  assert.equal(capabilityFromName('63'), 63);
  assert.equal(capabilityFromName('64'), null);
});
