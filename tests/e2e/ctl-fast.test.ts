// E2E: tsysctl's fast path (src/cli/ctl/fast.ts, run by the bundle's loader dist/bundle/tsysctl.js before it
// reads the bundle) prints and exits exactly as the full CLI (the same loader with TSYSD_CTL_FAST=0) for the
// probes it serves: is-active/is-failed (active, inactive, failed, unknown, several units, -q/--quiet),
// is-enabled (states and a missing unit), is-system-running, too few arguments, --socket=, the systemctl
// name; and what it does not serve (no manager, --wait, other options) goes to the full CLI.
// Which path ran is told by TSYSD_CODE_CACHE_DEBUG=1: only the full CLI's loader prints `tsysctl: code cache`.
import { test, before, after } from 'node:test';
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { BUNDLE_TSYSCTL, ROOT, runCmd, startDaemon, waitFor, type Daemon } from '../helpers/daemon';

const UNITS: Record<string, string> = {
  'sleeper.service': '[Service]\nExecStart=/bin/sleep 1000\n',
  'bad.service': '[Service]\nExecStart=/bin/false\n',
  'idle.service': '[Service]\nExecStart=/bin/true\n',
  'inst.service': '[Service]\nExecStart=/bin/sleep 1000\n[Install]\nWantedBy=multi-user.target\n',
  'multi-user.target': '[Unit]\nDescription=Multi-User System\n',
};

interface Run { code: number; stdout: string; stderr: string; full: boolean }

let d: Daemon;
let sysctl = '';

before(async () => {
  const mtime = (p: string): number => { try { return fs.statSync(p).mtimeMs; } catch { return -1; } };
  if (mtime(BUNDLE_TSYSCTL) < mtime(path.join(ROOT, 'dist', 'src', 'cli', 'tsysctl.js'))) {   // tsc without the bundle step
    const r = spawnSync(process.execPath, [path.join(ROOT, 'tools', 'bundle.js')], { encoding: 'utf8' });
    assert.equal(r.status, 0, `tools/bundle.js failed: ${r.stderr}`);
  }
  d = await startDaemon({ units: UNITS });
  await d.ctl(['start', 'sleeper.service']);
  await d.ctl(['start', 'bad.service']);
  assert.ok(await waitFor(async () => (await d.ctl(['is-failed', 'bad.service'])).code === 0), 'bad.service failed');
  sysctl = path.join(d.dir, 'systemctl');
  fs.symlinkSync(BUNDLE_TSYSCTL, sysctl);
});
after(async () => { if (d) await d.stop(); });

async function ctl(args: string[], fast: boolean, argv0 = BUNDLE_TSYSCTL, as?: { uid: number; env: Record<string, string> }): Promise<Run> {
  const env: Record<string, string> = { TSYSD_CODE_CACHE_DEBUG: '1', TSYSD_CTL_FAST: fast ? '1' : '0', ...as?.env };
  const argv = [process.execPath, argv0, ...args];
  const r = as ? await runCmd('setpriv', ['--reuid', String(as.uid), '--regid', String(as.uid), '--clear-groups', ...argv], { env })
    : await runCmd(argv[0] as string, argv.slice(1), { env });
  const marker = /^tsysctl: code cache \w+\n/m;
  return { code: r.code, stdout: r.stdout, stderr: r.stderr.replace(marker, ''), full: marker.test(r.stderr) };
}

/** The fast path's run of args: served by it (or not, when `served` is false), and the full CLI's output. */
async function same(args: string[], served: boolean, argv0?: string, as?: { uid: number; env: Record<string, string> }): Promise<Run> {
  const f = await ctl(args, true, argv0, as);
  const c = await ctl(args, false, argv0, as);
  assert.ok(c.full, `TSYSD_CTL_FAST=0 runs the full CLI: ${args.join(' ')}`);
  assert.equal(f.full, !served, `${args.join(' ')}: ${served ? 'served by the fast path' : 'left to the full CLI'}`);
  assert.deepEqual({ code: f.code, stdout: f.stdout, stderr: f.stderr }, { code: c.code, stdout: c.stdout, stderr: c.stderr }, args.join(' '));
  return f;
}

test('is-active and is-failed: active, inactive, failed, unknown, several units, --quiet', async () => {
  const s = ['--socket', d.sock];
  assert.deepEqual(await same([...s, 'is-active', 'sleeper.service'], true), { code: 0, stdout: 'active\n', stderr: '', full: false });
  assert.equal((await same([...s, 'is-active', 'idle'], true)).stdout, 'inactive\n');
  assert.equal((await same([...s, 'is-active', 'bad.service'], true)).code, 3);
  assert.equal((await same([...s, 'is-active', 'bad.service'], true)).stdout, 'failed\n');
  assert.equal((await same([...s, 'is-active', 'no-such.service'], true)).stdout, 'inactive\n');
  assert.equal((await same([...s, 'is-active', 'sleeper', 'bad', 'idle', 'no-such.service'], true)).stdout, 'active\nfailed\ninactive\ninactive\n');
  await same([...s, 'is-active', 'idle', 'no-such.service'], true);
  assert.deepEqual(await same([...s, 'is-active', '-q', 'bad.service'], true), { code: 3, stdout: '', stderr: '', full: false });
  await same([...s, '--quiet', 'is-active', 'sleeper.service'], true);
  await same([...s, 'is-failed', 'bad.service'], true);
  await same([...s, 'is-failed', 'sleeper.service', 'idle.service'], true);
  await same([...s, 'is-failed', '--quiet', 'sleeper.service'], true);
  assert.deepEqual(await same([...s, 'is-active'], true), { code: 1, stdout: '', stderr: 'Too few arguments.\n', full: false });
});

test('is-enabled, is-system-running, --socket=, --no-pager and the systemctl name', async () => {
  const s = [`--socket=${d.sock}`];
  assert.equal((await same([...s, 'is-enabled', 'inst.service'], true)).stdout, 'disabled\n');
  await same([...s, 'is-enabled', 'sleeper.service', 'inst.service'], true);
  const missing = await same([...s, 'is-enabled', 'no-such.service'], true);
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /^Failed to get unit file state for no-such\.service: /);
  await same([...s, 'is-system-running'], true);
  await same([...s, '--no-pager', 'is-active', 'sleeper.service'], true);
  await same([...s, 'is-active', 'sleeper.service'], true, sysctl);
});

test('no manager, --wait and other options go to the full CLI, which says what it says today', async () => {
  const gone = path.join(d.dir, 'no-such.sock');
  const r = await same(['--socket', gone, 'is-active', 'sleeper.service'], false);
  assert.deepEqual({ code: r.code, stdout: r.stdout }, { code: 1, stdout: '' });
  assert.equal(r.stderr, `Failed to connect to bus: No such file or directory (tsysd control socket ${gone})\n`);
  assert.deepEqual(await same(['--socket', gone, 'is-system-running'], false), { code: 3, stdout: 'offline\n', stderr: '', full: true });
  await same(['--socket', gone, '-q', 'is-failed', 'bad.service'], false);
  await same(['--socket', d.sock, 'is-system-running', '--wait'], false);
  await same(['--socket', d.sock, '-qa', 'is-active', 'sleeper.service'], false);
  await same(['--socket', d.sock, 'is-active', '--', 'sleeper.service'], false);
  // a verb the fast path does not serve (not `status`: its "Ns ago" and CPU: change between the two runs)
  await same(['--socket', d.sock, 'show', '-p', 'Id,ActiveState,SubState,MainPID', 'sleeper.service'], false);
  await same(['--socket', d.sock, '--bogus', 'is-active', 'sleeper.service'], false);
});

test('not root and no --socket: the user manager\'s socket after the system one, as the full CLI tries them', {
  skip: fs.existsSync('/run/tsysd/control.sock') && 'a system tsysd socket exists on this machine',
}, async () => {
  const xdg = path.join(d.dir, 'xdg');
  fs.mkdirSync(path.join(xdg, 'tsysd'), { recursive: true, mode: 0o755 });
  fs.chmodSync(xdg, 0o755);
  fs.symlinkSync(d.sock, path.join(xdg, 'tsysd', 'control.sock'));
  const as = { uid: 65534, env: { XDG_RUNTIME_DIR: xdg, TSYSD_SOCKET: '' } };
  assert.equal((await same(['is-active', 'sleeper.service', 'bad.service'], true, undefined, as)).stdout, 'active\nfailed\n');
  await same(['--system', 'is-active', 'sleeper.service'], false, undefined, as);
});
