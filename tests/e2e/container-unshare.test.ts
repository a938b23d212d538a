// E2E: the Debian image of container-debian.test.ts without a container engine (issue 18's `unshare`
// harness): its root file system exported with `podman export`, booted by dockerfiles/unshare-run.sh
// (new PID, mount, network, UTS, IPC and cgroup namespaces, pivot_root, a container engine's default
// capabilities) with tsysd as PID 1: `running`, no failed unit, every service active, SIGTERM to PID 1 =
// every service stopped and exit code 0. Cost: the tsysd layer on the cached package image (~15 s), the
// export (~2 s, ~370 MB under /var/tmp, removed at the end), the boot (~10 s).
import { buildImage, podman } from '../helpers/podman';
import { after, before, describe, test } from 'node:test';
import * as assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const TAG = `localhost/tsysd-debian:e2e-unshare-${process.pid}`;
const CTR = `tsysd-unshare-export-${process.pid}`;
const SERVICES = ['ssh', 'cron', 'nginx', 'rsyslog', 'redis-server', 'exim4', 'dbus', 'systemd-logind', 'systemd-journald'];
const PATH_ENV = 'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

function unusable(): string | null {
  if (process.getuid?.() !== 0) return 'needs root (unshare, mount, pivot_root)';
  if (spawnSync('sh', ['-c', 'command -v podman && command -v runc && command -v nsenter && command -v setpriv'], { encoding: 'utf8' }).status !== 0) {
    return 'podman, runc, nsenter or setpriv is not installed';
  }
  if (spawnSync('unshare', ['--pid', '--fork', '--mount', '--net', '--uts', '--ipc', '--cgroup', 'true']).status !== 0) return 'unshare cannot create namespaces here';
  const r = spawnSync('podman', ['--runtime', 'runc', 'info'], { encoding: 'utf8', timeout: 60000 });
  return r.status === 0 ? null : `podman is unusable here: ${(r.stderr || r.stdout).trim().split('\n').pop() ?? ''}`;
}

/** Runs a command in PID 1's namespaces and root (nsenter), with a clean environment. */
function inside(pid1: number, cmd: string[], timeoutMs = 60000): { code: number; stdout: string; stderr: string } {
  const r = spawnSync('nsenter', ['-t', String(pid1), '-m', '-p', '-u', '-i', '-n', '-r', '-w', 'env', '-i', PATH_ENV, ...cmd], { encoding: 'utf8', timeout: timeoutMs });
  return { code: r.status ?? 1, stdout: r.stdout ?? '', stderr: r.stderr ?? '' };
}

const skip = unusable();

describe('Debian image under tsysd in the unshare harness (no container engine)', { skip: skip ?? false, timeout: 10 * 60 * 1000 }, () => {
  let rootfs = '';
  let harness: ChildProcess | undefined;
  let output = '';
  let exited: Promise<number> = Promise.resolve(-1);
  let pid1 = 0;

  before(async () => {
    const t0 = Date.now();
    const b = buildImage(path.join(ROOT, 'dockerfiles', 'build.sh'), { ...process.env, TSYSD_FLAVOR: 'debian', TSYSD_IMAGE: TAG, TSYSD_SKIP_COMPILE: '1' }, 8 * 60 * 1000);
    assert.equal(b.status, 0, `build.sh failed:\n${b.stdout}\n${b.stderr}`);
    try {
      const c = await podman(['create', '--name', CTR, TAG]);
      assert.equal(c.code, 0, c.stderr);
      rootfs = fs.mkdtempSync('/var/tmp/tsysd-unshare-rootfs-');
      fs.chmodSync(rootfs, 0o755);   // it becomes / (mkdtemp's 0700 would lock every service user out)
      const x = spawnSync('sh', ['-c', `podman --runtime runc export ${CTR} | tar -C "${rootfs}" --numeric-owner -xf -`], { encoding: 'utf8', timeout: 5 * 60 * 1000 });
      assert.equal(x.status, 0, x.stderr);
      process.stderr.write(`# image built and exported in ${((Date.now() - t0) / 1000).toFixed(1)} s\n`);
    } finally {
      await podman(['rm', '-f', CTR]);
      await podman(['rmi', '-f', TAG]);
    }
  });

  after(async () => {
    if (harness && harness.exitCode === null) {
      harness.kill('SIGKILL');   // --kill-child: its PID 1 dies with it, and the namespaces with that
      await exited;
    }
    if (rootfs) fs.rmSync(rootfs, { recursive: true, force: true });
  });

  test('boots to running: no failed unit, every service active', async () => {
    harness = spawn(path.join(ROOT, 'dockerfiles', 'unshare-run.sh'), [rootfs], { stdio: ['ignore', 'pipe', 'pipe'] });
    harness.stdout?.on('data', (d: Buffer) => { output += d.toString(); });
    harness.stderr?.on('data', (d: Buffer) => { output += d.toString(); });
    const h = harness;
    exited = new Promise((resolve) => h.on('close', (code, sig) => resolve(code ?? (sig ? 128 : 1))));
    for (let i = 0; i < 200 && !pid1 && h.exitCode === null; i++) {
      await sleep(100);
      pid1 = Number(spawnSync('pgrep', ['-P', String(h.pid)], { encoding: 'utf8' }).stdout.trim().split('\n')[0]) || 0;
    }
    assert.ok(pid1 > 0, `no PID 1 under unshare:\n${output}`);
    let w = inside(pid1, ['tsysctl', 'is-system-running', '--wait'], 180000);
    for (let i = 0; i < 60 && /^(offline|unknown)?$/.test(w.stdout.trim()); i++) {
      await sleep(250);
      w = inside(pid1, ['tsysctl', 'is-system-running', '--wait'], 180000);
    }
    assert.equal(w.stdout.trim(), 'running', `is-system-running: ${w.stdout}${w.stderr}\noutput:\n${output}`);
    assert.equal(inside(pid1, ['readlink', '/proc/1/exe']).stdout.trim(), '/usr/local/bin/node', 'tsysd (node) is PID 1');
    const failed = inside(pid1, ['tsysctl', 'list-units', '--failed', '--plain', '--no-legend']);
    assert.equal(failed.stdout.trim(), '', failed.stdout);
    const a = inside(pid1, ['tsysctl', 'is-active', ...SERVICES.map((s) => `${s}.service`)]);
    assert.deepEqual(a.stdout.trim().split('\n'), SERVICES.map(() => 'active'), a.stdout);
    const exim = inside(pid1, ['systemctl', 'show', '-p', 'SourcePath', 'exim4.service']);
    assert.equal(exim.stdout, 'SourcePath=/etc/init.d/exim4\n');
    assert.equal(inside(pid1, ['redis-cli', 'ping']).stdout.trim(), 'PONG');
  });

  test('SIGTERM to PID 1: every service stopped, exit code 0', async (t) => {
    if (!pid1 || !harness || harness.exitCode !== null) { t.skip('not booted'); return; }
    process.kill(pid1, 'SIGTERM');
    let timer: NodeJS.Timeout | undefined;
    const code = await Promise.race([exited, new Promise<number>((r) => { timer = setTimeout(() => r(-1), 120000); })]);
    clearTimeout(timer);
    assert.equal(code, 0, `exit code ${code}\n${output}`);
    const tail = output.slice(output.indexOf('SIGTERM received'));
    assert.ok(output.includes('SIGTERM received'), output);
    for (const s of SERVICES) assert.match(tail, new RegExp(`\\[  OK  \\] Stopped ${s.replace('-', '\\-')}\\.service`), tail);
    assert.match(tail, /tsysd: exiting with status 0\./);
    // multi-user.target is ordered after the services (stops first), sysinit.target before them (stops last).
    assert.ok(tail.indexOf('Stopped target multi-user.target') < tail.indexOf('Stopped ssh.service'), tail);
    assert.ok(tail.indexOf('Stopped ssh.service') < tail.indexOf('Stopped target sysinit.target'), tail);
  });
});
