// The generator runner over an in-memory file system and a recording process runner: systemd's
// conf_files rules for the generator directories (first directory wins, masks hide a name, only executable
// regular files, hidden/backup names skipped, sorted by name), argv `normal early late`, the timeout and
// environment handed to the runner, built-ins only for names no directory provides, output directories
// created and trimmed when empty, and the search-path positions of the generator directories.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import type { GenFs, GenStat } from '../../src/generators/conf-files';
import { hiddenOrBackupFile, listExecutables } from '../../src/generators/conf-files';
import { GENERATOR_TIMEOUT_US, generatorEnvironment, runGenerators, type ProcessJob, type ProcessRunner } from '../../src/generators/runner';
import { generateRcLocal } from '../../src/generators/rc-local';
import { generatorBinaryPaths, generatorOutputDirs, systemDefaultPaths, userDefaultPaths, withGeneratorDirs } from '../../src/unit-file/paths';

type Node = { kind: 'file'; text: string; mode: number } | { kind: 'dir' } | { kind: 'link'; target: string } | { kind: 'null' };

class MemFs implements GenFs {
  nodes = new Map<string, Node>();
  constructor(init: Record<string, Node> = {}) { for (const [k, v] of Object.entries(init)) this.put(k, v); }
  put(p: string, n: Node): void {
    const parts = p.split('/').filter(Boolean);
    for (let i = 1; i < parts.length; i++) { const d = '/' + parts.slice(0, i).join('/'); if (!this.nodes.has(d)) this.nodes.set(d, { kind: 'dir' }); }
    this.nodes.set(p, n);
  }
  private resolve(p: string): Node | undefined {
    let n = this.nodes.get(p);
    for (let i = 0; n && n.kind === 'link' && i < 10; i++) n = this.nodes.get(n.target.startsWith('/') ? n.target : p.slice(0, p.lastIndexOf('/') + 1) + n.target);
    return n;
  }
  listDir(dir: string): string[] | null {
    if (this.resolve(dir)?.kind !== 'dir') return null;
    return [...this.nodes.keys()].filter((k) => k.startsWith(dir + '/') && !k.slice(dir.length + 1).includes('/')).map((k) => k.slice(dir.length + 1));
  }
  stat(p: string): GenStat | null {
    const n = this.nodes.get(p)?.kind === 'link' && (this.nodes.get(p) as { target: string }).target === '/dev/null' ? { kind: 'null' as const } : this.resolve(p);
    if (!n) return null;
    if (n.kind === 'null') return { type: 'other', mode: 0o666, size: 0, devNull: true };
    if (n.kind === 'dir') return { type: 'dir', mode: 0o755, size: 0, devNull: false };
    if (n.kind === 'file') return { type: 'file', mode: n.mode, size: n.text.length, devNull: false };
    return null;
  }
  isSymlink(p: string): boolean { return this.nodes.get(p)?.kind === 'link'; }
  readFile(p: string): string | null { const n = this.resolve(p); return n?.kind === 'file' ? n.text : null; }
  writeNew(p: string, text: string): number { if (this.nodes.has(p)) return -17; this.put(p, { kind: 'file', text, mode: 0o644 }); return 0; }
  symlink(target: string, p: string): number { if (this.nodes.has(p)) return -17; this.put(p, { kind: 'link', target }); return 0; }
  unlink(p: string): number { return this.nodes.delete(p) ? 0 : -2; }
  mkdirp(p: string): number { if (!this.nodes.has(p)) this.put(p, { kind: 'dir' }); return 0; }
  rmdir(p: string): number { if ((this.listDir(p) ?? ['x']).length) return -39; this.nodes.delete(p); return 0; }
  removeTree(p: string): number { for (const k of [...this.nodes.keys()]) if (k === p || k.startsWith(p + '/')) this.nodes.delete(k); return 0; }
}

const exe = (text = '#!/bin/sh\n'): Node => ({ kind: 'file', text, mode: 0o755 });

class Recorder implements ProcessRunner {
  calls: { jobs: ProcessJob[]; env: string[]; timeoutUs: number }[] = [];
  constructor(private readonly fs?: MemFs) {}
  async runAll(jobs: ProcessJob[], env: string[], timeoutUs: number): Promise<{ path: string; outcome: 'exited'; status: number }[]> {
    this.calls.push({ jobs, env, timeoutUs });
    // a generator that writes one unit into its normal directory (argv[1])
    for (const j of jobs) this.fs?.writeNew(`${j.argv[1]}/${j.path.slice(j.path.lastIndexOf('/') + 1)}.service`, '[Unit]\n');
    return jobs.map((j) => ({ path: j.path, outcome: 'exited' as const, status: j.path.endsWith('fails') ? 1 : 0 }));
  }
}

const OUT = { normal: '/run/systemd/generator', early: '/run/systemd/generator.early', late: '/run/systemd/generator.late' };
const DIRS = ['/run/systemd/system-generators', '/etc/systemd/system-generators', '/usr/local/lib/systemd/system-generators', '/lib/systemd/system-generators'];

test('hidden and backup names are what systemd skips', () => {
  for (const n of ['.x', 'x~', 'x.dpkg-old', 'x.rpmnew', 'x.bak', 'x.swp', 'lost+found', 'aquota.user']) assert.equal(hiddenOrBackupFile(n), true, n);
  for (const n of ['x', 'x.sh', 'x.service', 'dpkg-old']) assert.equal(hiddenOrBackupFile(n), false, n);
});

test('listExecutables: first directory wins, masks hide lower ones, only executable regular files, sorted', () => {
  const fs = new MemFs({
    '/etc/systemd/system-generators/b-gen': exe(),
    '/etc/systemd/system-generators/masked-gen': { kind: 'link', target: '/dev/null' },
    '/etc/systemd/system-generators/empty-gen': { kind: 'file', text: '', mode: 0o755 },
    '/lib/systemd/system-generators/b-gen': exe(),
    '/lib/systemd/system-generators/a-gen': exe(),
    '/lib/systemd/system-generators/masked-gen': exe(),
    '/lib/systemd/system-generators/empty-gen': exe(),
    '/lib/systemd/system-generators/noexec-gen': { kind: 'file', text: 'x', mode: 0o644 },
    '/lib/systemd/system-generators/dir-gen': { kind: 'dir' },
    '/lib/systemd/system-generators/.hidden-gen': exe(),
    '/lib/systemd/system-generators/x.dpkg-new': exe(),
    '/lib/systemd/system-generators/link-gen': { kind: 'link', target: 'a-gen' },
  });
  const masked = new Set<string>();
  assert.deepEqual(listExecutables(fs, DIRS, masked), [
    { name: 'a-gen', path: '/lib/systemd/system-generators/a-gen' },
    { name: 'b-gen', path: '/etc/systemd/system-generators/b-gen' },
    { name: 'link-gen', path: '/lib/systemd/system-generators/link-gen' },
  ]);
  assert.deepEqual([...masked].sort(), ['empty-gen', 'masked-gen']);
});

test('runGenerators: argv, environment and timeout go to the runner; output dirs created, empty ones removed', async () => {
  const fs = new MemFs({ '/lib/systemd/system-generators/systemd-sysv-generator': exe(), '/lib/systemd/system-generators/systemd-rc-local-generator': exe(), '/lib/systemd/system-generators/z-fails': exe() });
  const r = new Recorder(fs);
  const logs: string[] = [];
  const rep = await runGenerators({ userMode: false, binaryDirs: DIRS, output: OUT, env: ['A=1'], fs, runner: r, builtins: true, unitExists: () => false, log: (l, m) => logs.push(`${l}: ${m}`) });
  assert.equal(r.calls.length, 1);
  assert.deepEqual(r.calls[0]!.jobs.map((j) => j.argv), ['systemd-rc-local-generator', 'systemd-sysv-generator', 'z-fails'].map((n) => [`/lib/systemd/system-generators/${n}`, OUT.normal, OUT.early, OUT.late]));
  assert.deepEqual(r.calls[0]!.env, ['A=1']);
  assert.equal(r.calls[0]!.timeoutUs, GENERATOR_TIMEOUT_US);
  assert.deepEqual(rep.builtins, [], 'real generators present: no built-in runs');
  assert.ok(logs.some((l) => l.startsWith('warning') && l.includes('z-fails exited with status 1')), logs.join('\n'));
  assert.equal(fs.stat(OUT.normal)?.type, 'dir', 'normal dir holds output');
  assert.equal(fs.stat(OUT.early), null, 'empty early dir trimmed');
  assert.equal(fs.stat(OUT.late), null, 'empty late dir trimmed');
});

test('runGenerators: built-ins run for the generator names the image lacks, never for masked names or users', async () => {
  const base = { '/etc/init.d/foo': exe('#!/bin/sh\n### BEGIN INIT INFO\n# Provides: foo\n### END INIT INFO\n'), '/etc/rc2.d/S01foo': { kind: 'link', target: '../init.d/foo' } as Node, '/etc/rc.local': exe() };
  let fs = new MemFs(base);
  let r = new Recorder();
  let rep = await runGenerators({ userMode: false, binaryDirs: DIRS, output: OUT, env: [], fs, runner: r, builtins: true, unitExists: () => false, log: () => undefined });
  assert.deepEqual(rep.builtins, ['systemd-sysv-generator', 'systemd-rc-local-generator']);
  assert.match(fs.readFile(`${OUT.late}/foo.service`) ?? '', /^ExecStart=\/etc\/init.d\/foo start$/m);
  assert.equal((fs.nodes.get(`${OUT.late}/multi-user.target.wants/foo.service`) as { target: string }).target, '../foo.service');
  assert.match(fs.readFile(`${OUT.normal}/rc-local.service`) ?? '', /^ExecStart=\/etc\/rc.local start$/m);
  assert.equal((fs.nodes.get(`${OUT.normal}/multi-user.target.wants/rc-local.service`) as { target: string }).target, '../rc-local.service');

  fs = new MemFs({ ...base, '/etc/systemd/system-generators/systemd-sysv-generator': { kind: 'link', target: '/dev/null' } });
  rep = await runGenerators({ userMode: false, binaryDirs: DIRS, output: OUT, env: [], fs, runner: r, builtins: true, unitExists: () => true, log: () => undefined });
  assert.deepEqual(rep.builtins, ['systemd-rc-local-generator'], 'a masked generator stays off');
  assert.equal((fs.nodes.get(`${OUT.normal}/multi-user.target.wants/rc-local.service`) as { target: string }).target, '/lib/systemd/system/rc-local.service', 'the shipped unit is linked when it exists');
  assert.equal(fs.stat(`${OUT.late}/foo.service`), null);

  fs = new MemFs(base);
  r = new Recorder();
  rep = await runGenerators({ userMode: true, binaryDirs: ['/usr/lib/systemd/user-generators'], output: OUT, env: [], fs, runner: r, builtins: true, unitExists: () => false, log: () => undefined });
  assert.deepEqual([rep.builtins, r.calls.length, fs.stat(OUT.normal)], [[], 0, null], 'user manager: nothing to run, no directories');
});

test('rc-local: nothing without an executable /etc/rc.local', () => {
  assert.deepEqual(generateRcLocal(false, () => true).entries, []);
});

test('generator environment: manager env, SYSTEMD_SCOPE, SYSTEMD_IN_INITRD, virtualization, architecture', () => {
  const e = generatorEnvironment({ HOME: '/root', container: 'podman' }, ['PATH=/usr/bin:/bin'], { userMode: false, virtualization: { kind: 'container', id: 'podman' }, architecture: 'x86-64', firstBoot: false });
  assert.deepEqual(e.sort(), ['HOME=/root', 'PATH=/usr/bin:/bin', 'SYSTEMD_ARCHITECTURE=x86-64', 'SYSTEMD_FIRST_BOOT=0', 'SYSTEMD_IN_INITRD=0', 'SYSTEMD_SCOPE=system', 'SYSTEMD_VIRTUALIZATION=container:podman', 'container=podman']);
  const u = generatorEnvironment({}, [], { userMode: true, virtualization: null, architecture: 'arm64', firstBoot: null });
  assert.deepEqual(u.sort(), ['SYSTEMD_ARCHITECTURE=arm64', 'SYSTEMD_SCOPE=user']);
});

test('generator directories sit where systemd puts them in the search path', () => {
  const sp = systemDefaultPaths();
  const d = generatorOutputDirs(false, {})!;
  assert.ok(sp.indexOf(d.early) < sp.indexOf('/etc/systemd/system'));
  assert.ok(sp.indexOf(d.normal) > sp.indexOf('/run/systemd/system') && sp.indexOf(d.normal) < sp.indexOf('/usr/local/lib/systemd/system'));
  assert.equal(sp[sp.length - 1], d.late);
  const env = { XDG_RUNTIME_DIR: '/run/user/7', HOME: '/home/u' };
  const ud = generatorOutputDirs(true, env)!;
  const usp = userDefaultPaths(env);
  assert.equal(ud.normal, '/run/user/7/systemd/generator');
  assert.ok(usp.includes(ud.early) && usp.includes(ud.normal) && usp[usp.length - 1] === ud.late);
  assert.equal(generatorOutputDirs(true, {}), null, 'no $XDG_RUNTIME_DIR: no user generators');
  const t = { normal: '/t/g', early: '/t/e', late: '/t/l' };
  const moved = withGeneratorDirs(sp, d, t);
  assert.deepEqual([moved.indexOf('/t/e'), moved.indexOf('/t/g'), moved.indexOf('/t/l')], [sp.indexOf(d.early), sp.indexOf(d.normal), sp.indexOf(d.late)]);
  assert.deepEqual(withGeneratorDirs(['/u'], d, t), ['/t/e', '/u', '/t/g', '/t/l']);
  assert.deepEqual(generatorBinaryPaths(false, {}), ['/run/systemd/system-generators', '/etc/systemd/system-generators', '/usr/local/lib/systemd/system-generators', '/lib/systemd/system-generators']);
  assert.deepEqual(generatorBinaryPaths(true, { SYSTEMD_GENERATOR_PATH: '/x:' })[0], '/x');
  assert.deepEqual(generatorBinaryPaths(true, { SYSTEMD_GENERATOR_PATH: '/x' }), ['/x']);
});
