// E2E harness: boots the real `tsysd` on a temp unit dir inside a private PID namespace
// (`unshare --pid --fork --mount-proc`, so tsysd is PID 1 there and a kill bug can never reach a process
// outside the test), and drives it with the real `tsysctl`. Every daemon is stopped by pid in `stop()`,
// and its temp dir removed. Optional `net: true` adds a private network namespace with loopback up.
// Each daemon gets its own `--cgroup-name` (unique per test process and daemon): once its namespace is
// gone (clean exit or SIGKILL), `stop()` removes that cgroup tree if the daemon could not (rmdir of empty
// directories only), so test runs leave no cgroup behind.
import { randomBytes } from 'node:crypto';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { cgroupPrune, legacyHierarchies, ownCgroupDir } from '../../src/platform/cgroup';

export const ROOT = path.resolve(__dirname, '..', '..', '..');
// The esbuild bundles (dist/bundle/, `npm run build`) as bin/ and the image run them; TSYSD_TEST_BUNDLE=1
// runs every e2e test against them instead of tsc's dist/src.
export const BUNDLE_TSYSD = path.join(ROOT, 'dist', 'bundle', 'tsysd.js');
export const BUNDLE_TSYSCTL = path.join(ROOT, 'dist', 'bundle', 'tsysctl.js');
const bundled = process.env.TSYSD_TEST_BUNDLE === '1';
export const TSYSD = bundled ? BUNDLE_TSYSD : path.join(ROOT, 'dist', 'src', 'cli', 'tsysd.js');
export const TSYSCTL = bundled ? BUNDLE_TSYSCTL : path.join(ROOT, 'dist', 'src', 'cli', 'tsysctl.js');

export interface CtlResult { code: number; stdout: string; stderr: string }

export interface DaemonOptions {
  units: Record<string, string>;      // file name (may contain '/', e.g. 'x.service.d/a.conf') → content
  symlinks?: Record<string, string>;  // link name → target (e.g. masks, aliases)
  args?: string[];                    // extra tsysd args
  net?: boolean;                      // private network namespace with lo up
  ipc?: boolean;                      // private IPC namespace (POSIX message queues die with the daemon)
  env?: Record<string, string>;
  waitRunning?: boolean;              // wait until is-system-running is not 'initializing'/'starting'
  shellPrefix?: string;               // sh commands run in the namespace before tsysd (e.g. a tmpfs mount)
  /** Shell commands run inside the namespaces just before tsysd (e.g. tmpfs mounts over state directories:
   *  the mount namespace is private, so they vanish with the daemon). */
  setup?: string;
  /** Serve systemd's D-Bus face: /run/systemd and /run/dbus are tmpfs private to the daemon's mount namespace
   *  (never the host's), with /run/systemd/private and /run/systemd/system; run clients with `Daemon.inNs()`. */
  systemd?: boolean;
  /** As on a systemd host, /run is a mount point (a bind of itself inside the daemon's mount namespace, when
   *  the test machine's /run is not one): MountAPIVFS= then keeps it instead of mounting an empty tmpfs. */
  runMountPoint?: boolean;
  /** Capabilities dropped from tsysd's bounding set, e.g. ['sys_admin'] (an unprivileged container). */
  dropCaps?: string[];
  /** Unit directories searched before the test's own (the first one is where enable/mask write, like /etc). */
  unitPathsFirst?: string[];
  /** The manager's program (default TSYSD), e.g. BUNDLE_TSYSD. */
  entry?: string;
}

export class Daemon {
  output = '';
  exitCode: number | null = null;
  private exited: Promise<number>;
  /** Runtime dir (notify socket...) under /run so PrivateTmp= services and other users can reach it. */
  runDir = '';
  /** The daemon's --cgroup-name (its unit cgroups live in `cgroupDir()`). */
  cgroupName = '';
  constructor(readonly dir: string, readonly unitDir: string, readonly sock: string, readonly proc: ChildProcess) {
    proc.stdout?.on('data', (d: Buffer) => { this.output += d.toString(); });
    proc.stderr?.on('data', (d: Buffer) => { this.output += d.toString(); });
    this.exited = new Promise((resolve) => {
      proc.on('exit', (code, signal) => {
        this.exitCode = code ?? (signal ? 128 : 1);
        resolve(this.exitCode);
      });
    });
  }

  /** The pid of tsysd itself (PID 1 inside the namespace), as seen from the test's namespace. */
  innerPid(): number {
    const pid = this.proc.pid;
    if (!pid) return 0;
    try {
      const kids = fs.readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean);
      return Number(kids[0] ?? 0);
    } catch { return 0; }
  }

  /** Absolute path of the daemon's cgroup base directory ('' when there is no cgroup2 mount). */
  cgroupDir(): string { return cgroupDirOf(this.cgroupName); }

  ctl(args: string[], opts: { env?: Record<string, string>; uid?: number; timeoutMs?: number; argv0?: string } = {}): Promise<CtlResult> {
    return runCtl(['--socket', this.sock, ...args], opts);
  }

  /** Run a program inside the daemon's PID and mount namespaces (e.g. the real systemctl, which needs
   *  the daemon's private /run/systemd). */
  inNs(argv: string[], opts: { env?: Record<string, string>; timeoutMs?: number; input?: string } = {}): Promise<CtlResult> {
    return runCmd('nsenter', ['-t', String(this.innerPid()), '-m', '-p', '--', ...argv], opts);
  }

  /** Send a signal to tsysd (PID 1 of its namespace). */
  signal(sig: NodeJS.Signals | number): void {
    const p = this.innerPid();
    if (p > 0) process.kill(p, sig);
  }

  waitExit(timeoutMs: number): Promise<number | null> {
    return Promise.race([this.exited, new Promise<null>((r) => setTimeout(() => r(null), timeoutMs).unref())]);
  }

  /** Orderly stop (SIGTERM to tsysd), then SIGKILL if it lingers; removes the temp dir. Returns the exit code. */
  async stop(timeoutMs = 20000): Promise<number> {
    if (this.exitCode === null) {
      this.signal('SIGTERM');
      const c = await this.waitExit(timeoutMs);
      if (c === null) {
        const p = this.innerPid();
        if (p > 0) { try { process.kill(p, 'SIGKILL'); } catch { /* gone */ } }
        await this.waitExit(5000);
        if (this.exitCode === null && this.proc.pid) { try { process.kill(this.proc.pid, 'SIGKILL'); } catch { /* gone */ } }
      }
    }
    await this.exited;
    await removeDaemonCgroup(this.cgroupName);
    fs.rmSync(this.dir, { recursive: true, force: true });
    if (this.runDir) fs.rmSync(this.runDir, { recursive: true, force: true });
    return this.exitCode ?? 1;
  }
}

/** Where a daemon started by this process with `--cgroup-name name` puts its unit cgroups (it inherits our
 *  cgroup: unshare does not change it). '' without a cgroup2 mount. */
export function cgroupDirOf(name: string): string {
  const o = ownCgroupDir();
  return name && 'dir' in o ? path.join(o.dir, name) : '';
}

let cgroupSeq = 0;
/** A fresh --cgroup-name for a daemon this test process starts. */
export function testCgroupName(): string {
  return `tsysd-test-${process.pid}-${++cgroupSeq}-${randomBytes(3).toString('hex')}`;
}

/** After the daemon's namespace is gone: rmdir its (empty) cgroup trees (unified, and the v1 hierarchies
 *  resource control used in hybrid mode). The kernel may report a cgroup as
 *  populated for a moment after its last process was reaped, hence the short retry. */
export async function removeDaemonCgroup(name: string): Promise<void> {
  const dirs = [cgroupDirOf(name), ...(name ? [...legacyHierarchies().values()].map((h) => path.join(h.own, name)) : [])];
  for (const dir of dirs) {
    if (!dir) continue;
    for (let i = 0; i < 40 && !cgroupPrune(dir); i++) await sleep(25);
  }
}

export function writeUnits(dir: string, units: Record<string, string>, symlinks: Record<string, string> = {}): void {
  for (const [name, content] of Object.entries(units)) {
    const p = path.join(dir, name);
    fs.mkdirSync(path.dirname(p), { recursive: true });
    fs.writeFileSync(p, content);
  }
  for (const [name, target] of Object.entries(symlinks)) {
    const p = path.join(dir, name);
    fs.mkdirSync(path.dirname(p), { recursive: true });
    fs.symlinkSync(target, p);
  }
}

export async function startDaemon(o: DaemonOptions): Promise<Daemon> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tsysd-e2e-'));
  fs.chmodSync(dir, 0o755);   // services that drop privileges must reach the notify socket inside
  const unitDir = path.join(dir, 'units');
  fs.mkdirSync(unitDir);
  writeUnits(unitDir, o.units, o.symlinks);
  const sock = path.join(dir, 'control.sock');
  const args = ['--pid', '--fork', '--mount-proc', '--kill-child=SIGKILL'];
  if (o.net) args.push('--net');
  if (o.ipc) args.push('--ipc');
  const runDir = fs.mkdtempSync(fs.existsSync('/run') ? '/run/tsysd-e2e-' : path.join(dir, 'run-'));
  fs.chmodSync(runDir, 0o755);
  const cgroupName = testCgroupName();
  // TSYSD_BENCH_NODE_ARGS (benches, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof"): extra node options for the daemon.
  const nodeArgs = (process.env.TSYSD_BENCH_NODE_ARGS ?? '').split(/\s+/).filter(Boolean);
  const inner = [process.execPath, ...nodeArgs, o.entry ?? TSYSD, '--system', ...(o.unitPathsFirst ?? []).flatMap((p) => ['--unit-path', p]), '--unit-path', unitDir, '--control-socket', sock,
    '--runtime-dir', runDir, '--cgroup-name', cgroupName,
    ...(o.systemd ? ['--sd-booted'] : ['--dbus-private', 'no', '--no-sd-booted']), ...(o.args ?? [])];
  const pre = [o.net ? 'ip link set lo up' : '', o.runMountPoint ? '{ mountpoint -q /run || mount --bind /run /run; }' : '',
    o.systemd ? 'mkdir -p /run/systemd /run/dbus && mount -t tmpfs -o mode=0755 tsysd-test /run/systemd && mount -t tmpfs -o mode=0755 tsysd-test /run/dbus' : '',
    o.shellPrefix ?? '', o.setup ?? ''].filter((x) => x !== '').join(' && ');
  const drop = o.dropCaps?.length ? ['setpriv', `--bounding-set=${o.dropCaps.map((c) => `-${c}`).join(',')}`,
    `--inh-caps=${o.dropCaps.map((c) => `-${c}`).join(',')}`, '--'] : [];
  const cmd = pre ? ['sh', '-c', `${pre} && exec "$@"`, 'sh', ...drop, ...inner] : [...drop, ...inner];
  const proc = spawn('unshare', [...args, ...cmd], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...(o.env ?? {}), DEBUG: process.env.TSYSD_TEST_DEBUG ?? '' },
  });
  const d = new Daemon(dir, unitDir, sock, proc);
  d.runDir = runDir;
  d.cgroupName = cgroupName;
  const deadline = Date.now() + 15000;
  while (Date.now() < deadline) {
    if (d.exitCode !== null) throw new Error(`tsysd exited early (${d.exitCode}):\n${d.output}`);
    if (await canConnect(sock)) break;
    await sleep(30);
  }
  if (!(await canConnect(sock))) { await d.stop(); throw new Error(`tsysd did not open its control socket:\n${d.output}`); }
  if (o.waitRunning !== false) {
    await d.ctl(['is-system-running', '--wait'], { timeoutMs: 30000 });
  }
  return d;
}

export function runCtl(args: string[], opts: { env?: Record<string, string>; uid?: number; timeoutMs?: number; argv0?: string } = {}): Promise<CtlResult> {
  return new Promise((resolve) => {
    let cmd = process.execPath;
    let full = [TSYSCTL, ...args];
    if (opts.argv0) full = [opts.argv0, ...args];
    if (opts.uid !== undefined) {
      full = ['--reuid', String(opts.uid), '--regid', String(opts.uid), '--clear-groups', cmd, ...full];
      cmd = 'setpriv';
    }
    const p = spawn(cmd, full, { env: { ...process.env, ...(opts.env ?? {}) }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (b: Buffer) => { stdout += b.toString(); });
    p.stderr.on('data', (b: Buffer) => { stderr += b.toString(); });
    const t = setTimeout(() => { p.kill('SIGKILL'); }, opts.timeoutMs ?? 30000);
    p.on('close', (code, sig) => {
      clearTimeout(t);
      resolve({ code: code ?? (sig ? 128 : 1), stdout, stderr });
    });
  });
}

export function runCmd(cmd: string, args: string[], opts: { env?: Record<string, string>; timeoutMs?: number; input?: string } = {}): Promise<CtlResult> {
  return new Promise((resolve) => {
    const p = spawn(cmd, args, { env: { ...process.env, ...(opts.env ?? {}) }, stdio: [opts.input !== undefined ? 'pipe' : 'ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    p.stdout?.on('data', (b: Buffer) => { stdout += b.toString(); });
    p.stderr?.on('data', (b: Buffer) => { stderr += b.toString(); });
    if (opts.input !== undefined) p.stdin?.end(opts.input);
    const t = setTimeout(() => { p.kill('SIGKILL'); }, opts.timeoutMs ?? 30000);
    p.on('close', (code, sig) => {
      clearTimeout(t);
      resolve({ code: code ?? (sig ? 128 : 1), stdout, stderr });
    });
  });
}

export function canConnect(sock: string): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect(sock);
    s.on('connect', () => { s.destroy(); resolve(true); });
    s.on('error', () => resolve(false));
  });
}

export function sleep(ms: number): Promise<void> { return new Promise((r) => setTimeout(r, ms)); }

/** Poll `fn` until it returns true or the timeout passes; returns the last value. */
export async function waitFor(fn: () => Promise<boolean> | boolean, timeoutMs = 10000, stepMs = 50): Promise<boolean> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    if (await fn()) return true;
    if (Date.now() > end) return false;
    await sleep(stepMs);
  }
}

/** `show -p P --value UNIT` convenience. */
export async function prop(d: Daemon, unit: string, p: string): Promise<string> {
  const r = await d.ctl(['show', '-p', p, '--value', unit]);
  return r.stdout.trim();
}

/** Pids in the daemon's PID namespace (as seen from the test's /proc) whose cmdline matches `re`. */
export function nsPids(d: Daemon, re: RegExp): number[] {
  const inner = d.innerPid();
  if (inner <= 0) return [];
  let ns: string;
  try { ns = fs.readlinkSync(`/proc/${inner}/ns/pid`); } catch { return []; }
  const out: number[] = [];
  for (const e of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(e)) continue;
    try {
      if (fs.readlinkSync(`/proc/${e}/ns/pid`) !== ns) continue;
      if (re.test(fs.readFileSync(`/proc/${e}/cmdline`, 'utf8').replace(/\0/g, ' '))) out.push(Number(e));
    } catch { /* gone */ }
  }
  return out;
}

export function hasUnshare(): boolean {
  return spawnSync('unshare', ['--pid', '--fork', '--mount-proc', 'true']).status === 0;
}
