// E2E: the Debian image of container-debian.test.ts under *rootless* podman (issue 18): the image is built
// as root, copied into the storage of the unprivileged user `tsysd-rootless` (`podman save | podman load`,
// as that user) and run by that user with runc, --network=none and bounded ulimits: `running`, no failed
// unit, ssh and nginx (and the other services) active, `podman stop` exit code 0 after every service
// stopped. The user, its subuid/subgid range and its overlay storage come from .ci/rootless-user.sh (which
// .ci/run calls); the test skips, saying so, only when that user or podman is missing. On this host
// (cgroup v1 hybrid) rootless podman runs without cgroups (cgroupfs manager, no delegation): tsysd tracks
// processes by session, as under rootful podman's read-only cgroups.
// Cost: build of the tsysd layer (~15 s, cached package image), save/load (~10 s), boot (~10 s).
import { buildImage, podman, type Res, ULIMIT_OPTS } from '../helpers/podman';
import { after, before, describe, test } from 'node:test';
import * as assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import * as path from 'node:path';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const USER = process.env['TSYSD_ROOTLESS_USER'] ?? 'tsysd-rootless';
const HOME = `/var/lib/${USER}`;
const TAG = `localhost/tsysd-debian:e2e-rootless-${process.pid}`;
const NAME = `tsysd-rootless-e2e-${process.pid}-${Date.now().toString(36)}`;
const LIMITS = ['--network=none', ...ULIMIT_OPTS];
const SERVICES = ['ssh', 'nginx', 'cron', 'rsyslog', 'redis-server', 'exim4', 'dbus', 'systemd-logind', 'systemd-journald'];

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** `podman --runtime runc ARGS` as the rootless user (cwd /: its home is the only place it may read). */
function userPodman(args: string[], timeoutMs = 60000, stdin?: NodeJS.ReadableStream): Promise<Res> {
  return new Promise((resolve) => {
    const t0 = Date.now();
    const p = spawn('runuser', ['-u', USER, '--', 'env', `HOME=${HOME}`, 'podman', '--runtime', 'runc', ...args],
      { stdio: [stdin ? 'pipe' : 'ignore', 'pipe', 'pipe'], cwd: '/' });
    if (stdin && p.stdin) stdin.pipe(p.stdin);
    let stdout = '';
    let stderr = '';
    p.stdout?.on('data', (d: Buffer) => { stdout += d.toString(); });
    p.stderr?.on('data', (d: Buffer) => { stderr += d.toString(); });
    const timer = setTimeout(() => p.kill('SIGKILL'), timeoutMs);
    p.on('close', (code, sig) => { clearTimeout(timer); resolve({ code: code ?? (sig ? 128 : 1), stdout, stderr, ms: Date.now() - t0 }); });
  });
}

function unusable(): string | null {
  if (process.getuid?.() !== 0) return 'needs root (to build the image and switch to the rootless user)';
  if (spawnSync('sh', ['-c', 'command -v podman && command -v runc && command -v runuser && command -v newuidmap'], { encoding: 'utf8' }).status !== 0) {
    return 'podman, runc, runuser or newuidmap (uidmap) is not installed';
  }
  if (spawnSync('id', [USER]).status !== 0) return `no user ${USER} (create it with .ci/rootless-user.sh)`;
  const sub = spawnSync('grep', ['-q', `^${USER}:`, '/etc/subuid', '/etc/subgid']);
  if (sub.status !== 0) return `${USER} has no /etc/subuid or /etc/subgid range (.ci/rootless-user.sh adds them)`;
  return null;
}

const skip = unusable();

describe('Debian image under tsysd, rootless podman', { skip: skip ?? false, timeout: 10 * 60 * 1000 }, () => {
  let built = false;
  let loaded = false;
  let started = false;
  const exec = (cmd: string[], timeoutMs = 60000): Promise<Res> => userPodman(['exec', NAME, ...cmd], timeoutMs);

  before(async () => {
    const info = await userPodman(['info', '--format', '{{.Host.Security.Rootless}} {{.Store.GraphDriverName}}']);
    assert.equal(info.code, 0, `rootless podman does not work for ${USER}: ${info.stderr}`);
    assert.equal(info.stdout.trim(), 'true overlay', `${USER}'s storage driver must be overlay (vfs makes the container's / mode 0700): run .ci/rootless-user.sh`);
    const t0 = Date.now();
    const b = buildImage(path.join(ROOT, 'dockerfiles', 'build.sh'), { ...process.env, TSYSD_FLAVOR: 'debian', TSYSD_IMAGE: TAG, TSYSD_SKIP_COMPILE: '1' }, 8 * 60 * 1000);
    assert.equal(b.status, 0, `build.sh failed:\n${b.stdout}\n${b.stderr}`);
    built = true;
    const save = spawn('podman', ['--runtime', 'runc', 'save', TAG], { stdio: ['ignore', 'pipe', 'inherit'] });
    const load = await userPodman(['load'], 5 * 60 * 1000, save.stdout);
    assert.equal(load.code, 0, load.stderr);
    loaded = true;
    process.stderr.write(`# image ${TAG} built and loaded into ${USER}'s storage in ${((Date.now() - t0) / 1000).toFixed(1)} s\n`);
  });

  after(async () => {
    if (started) await userPodman(['rm', '-f', '-t', '0', NAME]);
    if (loaded) await userPodman(['rmi', '-f', TAG]);
    if (built) await podman(['rmi', '-f', TAG]);
  });

  test('boots to running as an unprivileged user: no failed unit, ssh and nginx active', async () => {
    const r = await userPodman(['run', '-d', '--name', NAME, ...LIMITS, '--tmpfs', '/run:rw,mode=0755', TAG]);
    assert.equal(r.code, 0, r.stderr);
    started = true;
    const uid = spawnSync('id', ['-u', USER], { encoding: 'utf8' }).stdout.trim();
    const map = await exec(['cat', '/proc/self/uid_map']);
    assert.match(map.stdout, new RegExp(`^\\s*0\\s+${uid}\\s+1\\s*$`, 'm'), `container root is not ${USER}: ${map.stdout}`);
    let w = await exec(['tsysctl', 'is-system-running', '--wait'], 180000);
    for (let i = 0; i < 60 && /^(offline|unknown)?$/.test(w.stdout.trim()); i++) {
      await sleep(250);
      w = await exec(['tsysctl', 'is-system-running', '--wait'], 180000);
    }
    const logs = (await userPodman(['logs', NAME])).stdout;
    assert.equal(w.stdout.trim(), 'running', `is-system-running: ${w.stdout}${w.stderr}\nlogs:\n${logs}`);
    const failed = await exec(['tsysctl', 'list-units', '--failed', '--plain', '--no-legend']);
    assert.equal(failed.stdout.trim(), '', failed.stdout);
    const a = await exec(['tsysctl', 'is-active', ...SERVICES.map((s) => `${s}.service`)]);
    assert.deepEqual(a.stdout.trim().split('\n'), SERVICES.map(() => 'active'), a.stdout);
    const http = "require('http').get('http://127.0.0.1/',r=>{process.stdout.write(String(r.statusCode));r.resume()}).on('error',e=>{console.error(e.message);process.exit(1)})";
    assert.equal((await exec(['node', '-e', http])).stdout, '200');
    const ssh = "const s=require('net').connect(22,'127.0.0.1');s.once('data',d=>{process.stdout.write(d.toString().split('\\r')[0]);s.destroy()});s.on('error',e=>{console.error(e.message);process.exit(1)})";
    assert.match((await exec(['node', '-e', ssh])).stdout, /^SSH-2\.0-OpenSSH/);
  });

  test('podman stop: every service stopped, exit code 0', async (t) => {
    if (!started) { t.skip('not started'); return; }
    const s = await userPodman(['stop', '-t', '60', NAME], 120000);
    assert.equal(s.code, 0, s.stderr);
    const code = (await userPodman(['inspect', NAME, '--format', '{{.State.ExitCode}}'])).stdout.trim();
    const logs = (await userPodman(['logs', NAME])).stdout;
    assert.equal(code, '0', `exit code ${code} (137 = SIGKILL)\n${logs}`);
    const tail = logs.slice(logs.indexOf('SIGTERM received'));
    assert.ok(logs.includes('SIGTERM received'), logs);
    for (const svc of SERVICES) assert.ok(tail.includes(`Stopped ${svc}.service`), `no "Stopped ${svc}.service" in\n${tail}`);
    assert.ok(tail.indexOf('Stopped target multi-user.target') < tail.indexOf('Stopped ssh.service'), tail);
    assert.match(tail, /tsysd: exiting with status 0\./);
  });
});
