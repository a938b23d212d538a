// E2E: the esbuild bundles (dist/bundle/tsysd.js, dist/bundle/tsysctl.js: loaders of the bundled code and
// its V8 code cache; tools/bundle.js), which bin/, the
// image and the benches run, behave as tsc's dist/src: the same boot, states, properties, list output and
// exit codes through the real tsysctl, and the lazily loaded subcommands (verify, analyze, show/status) work
// from inside the bundle. `TSYSD_TEST_BUNDLE=1 node tests/run.js` runs every e2e test on the bundles.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { BUNDLE_TSYSCTL, BUNDLE_TSYSD, ROOT, runCmd, startDaemon, type Daemon } from '../helpers/daemon';

const PLAIN_TSYSD = path.join(ROOT, 'dist', 'src', 'cli', 'tsysd.js');
const PLAIN_TSYSCTL = path.join(ROOT, 'dist', 'src', 'cli', 'tsysctl.js');

const units = {
  'app.target': '[Unit]\nDescription=App\nWants=web.service once.service bad.service\n',
  'web.service': '[Unit]\nDescription=Web server\n[Service]\nExecStart=/bin/sh -c "echo web-up; exec sleep 60"\n',
  'once.service': '[Service]\nType=oneshot\nRemainAfterExit=yes\nExecStart=/bin/echo once-ran\n',
  'bad.service': '[Service]\nExecStart=/bin/sh -c "exit 3"\n',
};
const PROPS = 'Id,Names,Description,LoadState,ActiveState,SubState,Result,Type,Restart,ExecMainCode,ExecMainStatus,KillMode,TimeoutStopUSec,Wants,After';

async function observe(d: Daemon, ctl: string): Promise<string[]> {
  const run = async (args: string[]): Promise<string> => {
    const r = await runCmd(process.execPath, [ctl, '--socket', d.sock, ...args], { env: { SYSTEMD_PAGER: '' } });
    return `${args.join(' ')} → ${r.code}\n${r.stdout}${r.stderr}`;
  };
  const out: string[] = [];
  out.push(await run(['is-system-running']));
  out.push(await run(['is-active', 'web.service', 'once.service', 'bad.service', 'app.target']));
  out.push(await run(['list-units', '--all', '--no-pager', '--plain']));
  for (const u of ['web.service', 'once.service', 'bad.service']) out.push(await run(['show', '-p', PROPS, u]));
  out.push(await run(['stop', 'web.service']));
  out.push(await run(['show', '-p', PROPS, 'web.service']));
  return out;
}

async function bootAndObserve(entry: string, ctl: string): Promise<{ seen: string[]; status: string }> {
  const d = await startDaemon({ units, args: ['--target', 'app.target'], entry });
  try {
    const status = (await runCmd(process.execPath, [ctl, '--socket', d.sock, 'status', '--no-pager', 'web.service'])).stdout;
    return { seen: await observe(d, ctl), status };
  } finally {
    assert.equal(await d.stop(), 0, 'the manager exits 0 on SIGTERM');
  }
}

test('the bundles are built from the sources tsc compiled (rebuilt here when older)', () => {
  const mtime = (p: string): number => { try { return fs.statSync(p).mtimeMs; } catch { return -1; } };
  const stale = [[BUNDLE_TSYSD, PLAIN_TSYSD], [BUNDLE_TSYSCTL, PLAIN_TSYSCTL]].some(([b, p]) => mtime(b as string) < mtime(p as string));
  if (stale) {   // `npx tsc -p .` without `npm run build`: compare against the current sources, not an old bundle
    const r = spawnSync(process.execPath, [path.join(ROOT, 'tools', 'bundle.js')], { encoding: 'utf8' });
    assert.equal(r.status, 0, `tools/bundle.js failed: ${r.stderr}`);
  }
  for (const f of [BUNDLE_TSYSD, BUNDLE_TSYSCTL]) assert.ok(fs.existsSync(f), `${f} missing: run npm run build`);
});

test('a boot under the bundled manager and tsysctl matches tsc\'s dist/src, output for output', async () => {
  const plain = await bootAndObserve(PLAIN_TSYSD, PLAIN_TSYSCTL);
  const bundled = await bootAndObserve(BUNDLE_TSYSD, BUNDLE_TSYSCTL);
  assert.deepEqual(bundled.seen, plain.seen);
  assert.match(bundled.seen[1] ?? '', /^is-active .* → 0\nactive\nactive\nfailed\nactive\n$/);
  // status has pids and times: same shape, the service's own output included
  for (const s of [plain.status, bundled.status]) {
    assert.match(s, /● web\.service - Web server/);
    assert.match(s, /Active: active \(running\)/);
  }
});

test('the bundled tsysd runs its lazily loaded subcommands like dist/src', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tsysd-bundle-'));
  try {
    fs.writeFileSync(path.join(dir, 'x.service'), '[Service]\nExecStart=/bin/true\nBogusKey=1\n');
    for (const args of [['--version'], ['verify', path.join(dir, 'x.service')], ['analyze', 'calendar', '--base-time=2026-01-01 00:00:00 UTC', 'daily'], ['--help']]) {
      const a = spawnSync(process.execPath, [PLAIN_TSYSD, ...args], { encoding: 'utf8', env: { ...process.env, TZ: 'UTC' } });
      const b = spawnSync(process.execPath, [BUNDLE_TSYSD, ...args], { encoding: 'utf8', env: { ...process.env, TZ: 'UTC' } });
      assert.equal(b.status, a.status, `exit of tsysd ${args.join(' ')}`);
      assert.equal(b.stdout, a.stdout, `stdout of tsysd ${args.join(' ')}`);
      assert.equal(b.stderr, a.stderr, `stderr of tsysd ${args.join(' ')}`);
    }
    // `debug` is a no-op shim in the bundle unless $DEBUG is set; then the real module traces as in dist/src
    const traced = (entry: string): string => spawnSync(process.execPath, [entry, 'verify', path.join(dir, 'x.service')],
      { encoding: 'utf8', env: { ...process.env, DEBUG: 'tsysd:directives', DEBUG_HIDE_DATE: '1', DEBUG_COLORS: '0' } }).stderr;
    assert.match(traced(BUNDLE_TSYSD), /tsysd:directives x\.service: 2 assignments, 1 diagnostics, load state loaded/);
    assert.equal(traced(BUNDLE_TSYSD), traced(PLAIN_TSYSD));
    // V8 takes the code cache with the launcher's flags (bin/tsysd's; tsysctl: none), and runs without it
    const debug = { ...process.env, TSYSD_CODE_CACHE_DEBUG: '1' };
    const withFlags = spawnSync(process.execPath, ['--max-semi-space-size=2', '--v8-pool-size=1', BUNDLE_TSYSD, '--version'], { encoding: 'utf8', env: debug });
    assert.equal(withFlags.stderr, 'tsysd: code cache used\n');
    const other = spawnSync(process.execPath, ['--max-semi-space-size=4', BUNDLE_TSYSD, '--version'], { encoding: 'utf8', env: debug });
    assert.equal(other.stderr, 'tsysd: code cache rejected\n');
    assert.equal(other.stdout, withFlags.stdout);
    assert.equal(spawnSync(process.execPath, [BUNDLE_TSYSCTL, '--version'], { encoding: 'utf8', env: debug }).stderr, 'tsysctl: code cache used\n');
    const v = spawnSync(process.execPath, [BUNDLE_TSYSCTL, '--version'], { encoding: 'utf8' });
    assert.equal(v.status, 0);
    assert.equal(v.stdout, spawnSync(process.execPath, [PLAIN_TSYSCTL, '--version'], { encoding: 'utf8' }).stdout);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
