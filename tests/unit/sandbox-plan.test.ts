// Unit: sandbox planning (src/exec/sandbox*.ts, src/directives/syscall-*.ts, patch-contexts.ts). The syscall
// group table is checked against the installed systemd 252 (`systemd-analyze syscall-filter`); the mount
// table follows namespace.c (ordering by path then mode priority, duplicate merging, inaccessible subtrees,
// redundant children, RootDirectory= prefixing); the fallbacks follow execute.c.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { SYSCALL_GROUP_TABLE } from '../../src/directives/syscall-groups';
import { compileUnit } from '../../src/directives/compile';
import { defaultExec } from '../../src/directives/defaults';
import { planMounts, pathCompare } from '../../src/exec/sandbox-mounts';
import { planSandbox, seccompOps, type SandboxInput } from '../../src/exec/sandbox';
import { siphash24 } from '../../src/exec/siphash';
import { dynamicUserName } from '../../src/directives/patch-contexts';
import type { ExecContext, UnitConfig } from '../../src/directives/types';
import type { SpecifierContext, UnitSource } from '../../src/unit-file/types';

const ctx: SpecifierContext = {
  userMode: false, hostname: 'h', machineId: 'm'.repeat(32), bootId: 'b'.repeat(32), kernelRelease: '6.1.0',
  architecture: 'x86-64', userName: 'root', uid: 0, groupName: 'root', gid: 0, home: '/root', shell: '/bin/sh',
  runtimeDir: '/run', stateDir: '/var/lib', cacheDir: '/var/cache', logsDir: '/var/log', configDir: '/etc', tmpDir: '/tmp', varTmpDir: '/var/tmp', osRelease: {}, realpath: (p: string) => p,
};

function compile(id: string, service: string): UnitConfig {
  const assignments = service.split('\n').filter((l) => l.includes('=')).map((l, i) => {
    const k = l.slice(0, l.indexOf('='));
    return { section: 'Service', key: k, value: l.slice(l.indexOf('=') + 1), file: `/u/${id}`, line: i + 2 };
  });
  const src = { id, names: [id], type: 'service', fragmentPath: `/u/${id}`, dropInPaths: [], loadState: 'loaded', diagnostics: [],
    assignments: [{ section: 'Service', key: 'ExecStart', value: '/bin/true', file: `/u/${id}`, line: 1 }, ...assignments],
    wantsFromDirs: [], requiresFromDirs: [], prefix: id.split(/[@.]/)[0], instance: '' } as unknown as UnitSource;
  return compileUnit(src, ctx);
}

const haveAnalyze = spawnSync('systemd-analyze', ['--version']).status === 0;

test('the @groups table equals systemd 252\'s (systemd-analyze syscall-filter)', { skip: !haveAnalyze && 'systemd-analyze not installed' }, () => {
  const out = spawnSync('systemd-analyze', ['syscall-filter', '--no-pager'], { encoding: 'utf8' }).stdout;
  const oracle = new Map<string, string[]>();
  let cur = '';
  for (const l of out.split('\n')) {
    if (l.startsWith('@')) { cur = l.trim(); oracle.set(cur, []); continue; }
    const w = l.trim();
    if (!cur || !w || w.startsWith('#')) continue;
    oracle.get(cur)?.push(w);
  }
  assert.deepEqual([...oracle.keys()].sort(), SYSCALL_GROUP_TABLE.map((g) => g.name).sort());
  for (const g of SYSCALL_GROUP_TABLE) {
    if (g.name === '@known') continue;   // the oracle lists only what its libseccomp knows there
    assert.deepEqual([...g.members].sort(), [...(oracle.get(g.name) ?? [])].sort(), g.name);
  }
});

test('SipHash-2-4 reference vector; DynamicUser= names as user_from_unit_name()', () => {
  const key = Uint8Array.from({ length: 16 }, (_, i) => i);
  assert.equal(siphash24(Uint8Array.from({ length: 15 }, (_, i) => i), key).toString(16), 'a129ca6149be45e5');
  assert.equal(siphash24(new Uint8Array(0), key).toString(16), '726fdb47dd0e0e31');
  assert.equal(dynamicUserName('foo-bar.service'), 'foo-bar');
  assert.equal(dynamicUserName('web@1.service'), 'web');
  assert.match(dynamicUserName('1bad.service'), /^_du[0-9a-f]{16}$/);
});

test('SystemCallFilter=: allow list starts from @default, ~ removes, :errno only on deny entries', () => {
  const c = compile('a.service', 'SystemCallFilter=@system-service\nSystemCallFilter=~@swap:EILSEQ @mount\nSystemCallErrorNumber=EPERM');
  const f = c.exec.sandbox.systemCallFilter!;
  assert.equal(f.allowList, true);
  assert.equal(f.calls.get('execve'), -1, '@default is always allowed');
  assert.equal(f.calls.get('swapoff'), 84, '~name:errno on an allow list keeps the call with its errno');
  assert.equal(f.calls.has('mount'), false, 'removed by ~@mount');
  assert.equal(c.exec.sandbox.systemCallErrorNumber, 1);
  const d = compile('b.service', 'SystemCallFilter=~@clock\nSystemCallFilter=@debug:EPERM');
  assert.equal(d.exec.sandbox.systemCallFilter!.allowList, false);
  assert.ok(d.exec.sandbox.systemCallFilter!.calls.has('settimeofday'));
  assert.ok(d.diagnostics.some((x) => x.message === 'Allow-listed system calls cannot take error number, ignoring: @debug:EPERM'));
  const ops = seccompOps(c.exec.sandbox);
  const set = ops.find((o) => o.startsWith('set\x1fe1\x1fallow\x1f'));
  assert.ok(set && set.includes('swapoff=e84') && !set.includes(',mount,'), set);
});

test('CapabilityBoundingSet=: empty = none, ~ = all, merges later assignments; implied drops (unit_patch_contexts)', () => {
  assert.deepEqual(compile('a.service', 'CapabilityBoundingSet=').exec.capabilityBoundingSet, []);
  assert.equal(compile('a.service', 'CapabilityBoundingSet=~').exec.capabilityBoundingSet, null);
  assert.deepEqual(compile('a.service', 'CapabilityBoundingSet=CAP_CHOWN\nCapabilityBoundingSet=CAP_KILL').exec.capabilityBoundingSet, ['CAP_CHOWN', 'CAP_KILL']);
  const p = compile('a.service', 'PrivateDevices=yes\nProtectClock=yes').exec.capabilityBoundingSet ?? [];
  for (const gone of ['CAP_MKNOD', 'CAP_SYS_RAWIO', 'CAP_SYS_TIME', 'CAP_WAKE_ALARM']) assert.ok(!p.includes(gone), gone);
  assert.ok(p.includes('CAP_SYS_ADMIN'));
  const du = compile('foo.service', 'DynamicUser=yes\nProtectHome=tmpfs').exec;
  assert.deepEqual([du.user, du.group, du.privateTmp, du.noNewPrivileges, du.sandbox.protectSystem, du.sandbox.protectHome, du.sandbox.restrictSUIDSGID, du.sandbox.removeIPC],
    ['foo', 'foo', true, true, 'strict', 'tmpfs', true, true]);
});

const base = (ex: ExecContext, over: Partial<Parameters<typeof planMounts>[0]> = {}): Parameters<typeof planMounts>[0] => ({
  sb: ex.sandbox, sandboxing: true, ignoreProtectPaths: false, rootDirectory: '', privateTmp: null, noNewPrivileges: false,
  execBinds: [], emptyDirectories: [], resolve: (p) => p, mountApiVfs: false, ...over,
});

test('mount table: namespace.c order, duplicates (most restrictive wins), inaccessible subtrees and redundant children dropped', () => {
  assert.ok(pathCompare('/', '/a') < 0 && pathCompare('/a/b', '/a') > 0 && pathCompare('/a/b', '/ab') < 0);
  const ex = defaultExec();
  ex.sandbox.protectSystem = 'strict';
  ex.sandbox.protectHome = 'yes';
  ex.sandbox.readWritePaths = ['/var/lib/x', '-/run/y'];
  ex.sandbox.readOnlyPaths = ['/home/u', '/usr/share'];
  ex.sandbox.inaccessiblePaths = ['/var/lib/x/secret'];
  const m = planMounts(base(ex, { privateTmp: { tmp: '/tmp/p/tmp', varTmp: '/var/tmp/p/tmp' } }));
  assert.deepEqual(m.map((e) => `${e.mode} ${e.path}${e.ignore ? ' -' : ''}`), [
    'read-only /', 'rw-implicit /dev', 'inaccessible /home -', 'rw-implicit /proc', 'inaccessible /root -',
    'inaccessible /run/credentials -', 'inaccessible /run/user -', 'read-write /run/y -', 'rw-implicit /sys', 'private-tmp /tmp',
    'read-write /var/lib/x', 'inaccessible /var/lib/x/secret', 'private-tmp /var/tmp',
  ]);
  // /home/u (below inaccessible /home) and /usr/share (read-only below read-only /) are gone; /home's
  // strict rw-implicit duplicate lost to ProtectHome='s inaccessible entry.
});

test('mount table: RootDirectory= prefixes tables and binds but not plain access paths (those outside are dropped); symlinks followed', () => {
  const ex = defaultExec();
  ex.rootDirectory = '/srv/r';
  ex.sandbox.protectSystem = 'yes';
  ex.sandbox.readOnlyPaths = ['/etc', '+/etc'];
  const m = planMounts(base(ex, { rootDirectory: '/srv/r', resolve: (p) => p.replace(/^\/srv\/r\/lib(?=\/|$)/, '/srv/r/usr/lib') }));
  assert.deepEqual(m.map((e) => `${e.mode} ${e.path}`), [
    'read-only /srv/r/bin', 'read-only /srv/r/boot', 'read-only /srv/r/efi', 'read-only /srv/r/etc', 'read-only /srv/r/lib64',
    'inaccessible /srv/r/run/credentials', 'read-only /srv/r/sbin', 'read-only /srv/r/usr',
  ]);
});

function inp(ex: ExecContext, support: Partial<SandboxInput['support']> = {}): SandboxInput {
  return {
    ex, unitName: 'u.service', joinsNamespaceOf: [], fullyPrivileged: false, userMode: false,
    support: { mnt: true, net: true, ipc: true, uts: true, user: true, seccomp: true, capSysAdmin: true, ...support },
    resolve: (p) => p, privateTmp: ex.privateTmp ? { tmp: '/tmp/t', varTmp: '/var/tmp/t' } : null, execDirectories: [],
    emptyDirectories: [], execSymlinks: [], stateDir: '/run/tsysd/sandbox', dynamicUser: null,
  };
}

test('fallbacks without namespaces: mount sandbox "assuming containerized execution", net/UTS warn, fs rearrangement insists', () => {
  const ex = defaultExec();
  ex.privateTmp = true;
  ex.sandbox.protectSystem = 'full';
  ex.sandbox.privateNetwork = true;
  ex.sandbox.protectHostname = true;
  const p = planSandbox(inp(ex, { mnt: false, net: false, uts: false, capSysAdmin: false }));
  assert.ok(p.ok);
  assert.equal(p.req?.mountNs, 'try');
  assert.equal(p.req?.netns, null);
  assert.deepEqual(p.logs.map((l) => l.text), [
    'PrivateNetwork=yes is configured, but network namespace setup failed, ignoring: Operation not permitted',
    'Failed to set up namespace, assuming containerized execution and ignoring.',
    'ProtectHostname=yes is configured, but UTS namespace setup is prohibited (container manager?), ignoring namespace setup.',
  ]);
  assert.equal(p.req?.nnpIfUnprivileged, true);
  const t = defaultExec();
  t.sandbox.temporaryFileSystem = [{ path: '/srv', options: '' }];
  const q = planSandbox(inp(t, { mnt: false }));
  assert.ok(q.ok && q.req?.mountNs === 'insist');
  const same = defaultExec();
  same.sandbox.bindMounts = [{ source: '/a', destination: '/a', readOnly: true, recursive: true, ignoreMissing: false }];
  assert.equal((planSandbox(inp(same)) as { req: { mountNs: string } }).req.mountNs, 'try', 'a bind onto itself only narrows');
  const img = defaultExec();
  img.sandbox.rootImage = '/x.raw';
  const r = planSandbox(inp(img));
  assert.ok(!r.ok && /RootImage=\/x.raw is not supported/.test(r.message));
});

test('PrivateUsers= without CAP_SYS_ADMIN: the namespaces made inside the user namespace need no fallback (redis-server.service)', () => {
  const ex = defaultExec();
  ex.privateTmp = true;
  ex.sandbox.protectSystem = 'strict';
  ex.sandbox.protectHostname = true;
  ex.sandbox.privateUsers = true;
  const p = planSandbox(inp(ex, { mnt: false, uts: false, capSysAdmin: false, user: true }));
  assert.ok(p.ok);
  assert.equal(p.req?.privateUsers, true);
  assert.equal(p.req?.mountNs, 'try');
  assert.deepEqual(p.logs.map((l) => l.text), []);
  // no user namespaces either: the fallbacks as without PrivateUsers=
  const q = planSandbox(inp(ex, { mnt: false, uts: false, capSysAdmin: false, user: false }));
  assert.ok(q.ok);
  assert.equal(q.logs.length, 2, q.logs.map((l) => l.text).join('\n'));
});

test('a plain unit needs no sandbox; a "+" command gets only ReadWritePaths= and binds', () => {
  assert.equal((planSandbox(inp(defaultExec())) as { req: unknown }).req, null);
  const ex = defaultExec();
  ex.sandbox.protectSystem = 'strict';
  ex.sandbox.readWritePaths = ['/var/lib/a'];
  ex.sandbox.systemCallFilter = { allowList: false, calls: new Map([['swapon', -1]]) };
  const p = planSandbox({ ...inp(ex), fullyPrivileged: true });
  assert.ok(p.ok);
  assert.deepEqual(p.req?.mounts.map((m) => m.path), ['/run/credentials', '/var/lib/a']);
  assert.deepEqual(p.req?.seccomp, []);
});
