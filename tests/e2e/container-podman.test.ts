// E2E: the container image (dockerfiles/) built and run with podman (runc, no network, bounded ulimits):
// the demo boots, `tsysctl` works through `podman exec`, socket activation answers inside the container,
// orphans of `podman exec` are reaped by tsysd as PID 1, `podman logs` shows each service's output with its
// unit name, a hardened unit (PrivateTmp=, ProtectSystem=strict, seccomp settings) starts with systemd 252's
// fallbacks (namespace skipped, reported once; seccomp and implied NoNewPrivileges= kept), and `podman stop
// -t 30` is an orderly shutdown with exit code 0 well inside the grace period.
// Cost: the base rootfs is debootstrap'd once (~45 s) and cached in /var/cache/tsysd-rootfs (override with
// TSYSD_ROOTFS_CACHE); each run then builds a uniquely tagged image (~10 s) and removes it and its
// container at the end. Needs podman, runc, debootstrap, gcc (.ci/run installs them).
import { buildImage, podman, ULIMIT_OPTS } from '../helpers/podman';
import { after, before, describe, test } from 'node:test';
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const TAG = `localhost/tsysd:e2e-${process.pid}`;
const NAME = `tsysd-e2e-${process.pid}-${Date.now().toString(36)}`;
const RUN_OPTS = ['--network=none', ...ULIMIT_OPTS, '--tmpfs', '/run:rw,mode=0755'];


const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function logsUntil(pred: (logs: string) => boolean, timeoutMs: number): Promise<string> {
  const end = Date.now() + timeoutMs;
  let logs = '';
  while (Date.now() < end) {
    const r = await podman(['logs', NAME]);
    logs = r.stdout + r.stderr;
    if (pred(logs)) break;
    await sleep(500);
  }
  return logs;
}

/** A line `<unit>.service[<pid>]: <msg>`: the service's own output, prefixed with its unit name. */
function prefixed(logs: string, unit: string, msg: string): boolean {
  return logs.split('\n').some((l) => l.startsWith(`${unit}.service[`) && /^\S+\[\d+\]: /.test(l) && l.endsWith(msg));
}

describe('container image under podman', { timeout: 8 * 60 * 1000 }, () => {
  let built = false;
  let started = false;

  before(async () => {
    for (const tool of ['podman', 'runc', 'debootstrap', 'gcc']) {
      assert.equal(spawnSync('sh', ['-c', `command -v ${tool}`]).status, 0, `${tool} is not installed (apt-get install podman runc debootstrap)`);
    }
    const t0 = Date.now();
    const b = buildImage(path.join(ROOT, 'dockerfiles', 'build.sh'), { ...process.env, TSYSD_IMAGE: TAG, TSYSD_SKIP_COMPILE: '1' }, 6 * 60 * 1000);
    assert.equal(b.status, 0, `build.sh failed:\n${b.stdout}\n${b.stderr}`);
    built = true;
    process.stderr.write(`# image ${TAG} built in ${((Date.now() - t0) / 1000).toFixed(1)} s\n`);
  });

  after(async () => {
    if (started) await podman(['rm', '-f', '-t', '0', NAME]);
    if (built) await podman(['rmi', '-f', TAG]);
  });

  test('the demo boots and tsysctl answers through podman exec', async () => {
    const r = await podman(['run', '-d', '--name', NAME, ...RUN_OPTS, '-e', 'TSYSD_HEALTH_LISTEN=127.0.0.1:8080', TAG]);
    assert.equal(r.code, 0, r.stderr);
    started = true;
    // Right after `podman run` tsysd may not have bound its control socket yet ("offline"): retry.
    let w = await podman(['exec', NAME, 'tsysctl', 'is-system-running', '--wait'], 90000);
    for (let i = 0; i < 60 && /^(offline|unknown)?$/.test(w.stdout.trim()); i++) {
      await sleep(250);
      w = await podman(['exec', NAME, 'tsysctl', 'is-system-running', '--wait'], 90000);
    }
    const logs = (await podman(['logs', NAME])).stdout;
    assert.match(w.stdout.trim(), /^(running|degraded)$/, `is-system-running: ${w.stdout}${w.stderr}\nlogs:\n${logs}`);
    const st = await podman(['exec', NAME, 'tsysctl', 'status']);
    assert.equal(st.code, 0, st.stdout + st.stderr);
    const hello = await podman(['exec', NAME, 'tsysctl', 'status', 'hello-notify.service']);
    assert.equal(hello.code, 0, hello.stdout + hello.stderr);
    assert.match(hello.stdout, /Active: active \(running\)/);
    const prep = await podman(['exec', NAME, 'tsysctl', 'is-active', 'prepare.service', 'echo.socket', 'demo.target']);
    assert.deepEqual(prep.stdout.trim().split('\n'), ['active', 'active', 'active'], prep.stdout + prep.stderr);
    // `systemctl` is the same client under systemd's name.
    const sc = await podman(['exec', NAME, 'systemctl', 'is-active', 'hello-notify.service']);
    assert.equal(sc.stdout.trim(), 'active');
  });

  test('socket activation works inside the container (echo.socket, Accept=yes)', async () => {
    const js = "const s=require('net').connect(17777,'127.0.0.1');let b='';s.on('data',d=>{b+=d;if(b.includes('\\n')){process.stdout.write(b);s.end();}});s.write('ping-from-exec\\n');setTimeout(()=>process.exit(2),5000).unref();";
    const r = await podman(['exec', NAME, 'node', '-e', js]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, 'ping-from-exec\n');
  });

  test('the health endpoint reports the failed demo unit (flaky.service hits its start limit)', async () => {
    const js = "require('http').get('http://127.0.0.1:8080/healthz',r=>{let b='';r.on('data',d=>b+=d);r.on('end',()=>{process.stdout.write(r.statusCode+' '+b)})}).on('error',e=>{console.error(e.message);process.exit(1)})";
    let last = '';
    const end = Date.now() + 40000;
    while (Date.now() < end) {
      const r = await podman(['exec', NAME, 'node', '-e', js]);
      last = r.stdout + r.stderr;
      if (last.startsWith('503 ') && last.includes('flaky.service')) break;
      await sleep(1000);
    }
    assert.match(last, /^503 /, last);
    const body = JSON.parse(last.slice(4)) as { state: string; failed: string[] };
    assert.deepEqual(body, { state: 'degraded', failed: ['flaky.service'] });
    const st = await podman(['exec', NAME, 'tsysctl', 'is-system-running']);
    assert.equal(st.stdout.trim(), 'degraded');
    assert.equal(st.code, 1);
  });

  test('orphans of podman exec are reaped by tsysd (no zombies)', async () => {
    // Each exec leaves 20 background children that outlive their shell: they are re-parented to PID 1.
    const r = await podman(['exec', NAME, 'sh', '-c', 'for i in $(seq 20); do (sleep 0.3 &) ; done; exit 0']);
    assert.equal(r.code, 0, r.stderr);
    await sleep(2000);
    const z = await podman(['exec', NAME, 'sh', '-c', 'cat /proc/[0-9]*/stat 2>/dev/null']);
    const zombies = z.stdout.split('\n').filter((l) => /\) Z /.test(l));
    assert.deepEqual(zombies, [], `zombies in the container:\n${zombies.join('\n')}`);
  });

  test('podman logs shows every service output prefixed with its unit name', async () => {
    const want: Array<[string, string]> = [
      ['prepare', 'prepared prepare for user root'],
      ['prepare', 'second step of the oneshot'],
      ['hello-notify', 'warming up for 1s'],
      ['flaky', 'flaky: up, crashing in 2s'],
    ];
    const logs = await logsUntil((l) => want.every(([u, m]) => prefixed(l, u, m)), 15000);
    for (const [u, m] of want) assert.ok(prefixed(logs, u, m), `no line "${m}" prefixed with ${u} in podman logs:\n${logs}`);
  });

  test('a hardened unit starts in the unprivileged container with systemd\'s fallbacks (namespace skipped once, seccomp kept)', async () => {
    // No --privileged: the container has no CAP_SYS_ADMIN, so no mount namespace. systemd 252 runs such a
    // unit anyway ("assuming containerized execution"), once per unit, and still applies the seccomp
    // settings, with NoNewPrivileges= implied.
    const unit = [
      '[Service]', 'Type=oneshot', 'RemainAfterExit=yes',
      'ExecStart=/bin/sh -c \'grep -E "^(NoNewPrivs|Seccomp):" /proc/self/status | tr "\\\\t" " "; echo ok > /tmp/sbx-probe\'',
      'PrivateTmp=yes', 'ProtectSystem=strict', 'ProtectHome=yes', 'PrivateDevices=yes', 'ProtectKernelTunables=yes',
      'RestrictAddressFamilies=AF_UNIX', 'SystemCallArchitectures=native', '',
    ].join('\n');
    const w = await podman(['exec', NAME, 'sh', '-c', `cat > /etc/systemd/system/sbx.service <<'EOF'\n${unit}EOF\ntsysctl daemon-reload`]);
    assert.equal(w.code, 0, w.stdout + w.stderr);
    for (const verb of ['start', 'restart']) {
      const r = await podman(['exec', NAME, 'tsysctl', verb, 'sbx.service'], 60000);
      assert.equal(r.code, 0, `${verb}: ${r.stdout}${r.stderr}\n${(await podman(['logs', NAME])).stdout}`);
    }
    const active = await podman(['exec', NAME, 'tsysctl', 'is-active', 'sbx.service']);
    assert.equal(active.stdout.trim(), 'active');
    const logs = await logsUntil((l) => prefixed(l, 'sbx', 'NoNewPrivs: 1') && prefixed(l, 'sbx', 'Seccomp: 2'), 15000);
    assert.ok(prefixed(logs, 'sbx', 'NoNewPrivs: 1'), `NoNewPrivileges= implied by the seccomp settings:\n${logs}`);
    assert.ok(prefixed(logs, 'sbx', 'Seccomp: 2'), `seccomp filter applied:\n${logs}`);
    const note = 'sbx.service: Failed to set up namespace, assuming containerized execution and ignoring.';
    assert.equal(logs.split(note).length - 1, 1, `the fallback is reported once per unit:\n${logs}`);
  });

  test('podman stop -t 30: orderly shutdown, exit code 0, inside the grace period', async () => {
    const s = await podman(['stop', '-t', '30', NAME], 60000);
    assert.equal(s.code, 0, s.stderr);
    const code = await podman(['inspect', NAME, '--format', '{{.State.ExitCode}}']);
    const logs = (await podman(['logs', NAME])).stdout;
    assert.equal(code.stdout.trim(), '0', `exit code ${code.stdout.trim()} after stop (137 = SIGKILL after the grace period)\n${logs}`);
    const after = logs.slice(logs.indexOf('SIGTERM'));
    assert.ok(logs.includes('SIGTERM'), logs);
    for (const u of ['hello-notify.service', 'prepare.service', 'echo.socket']) assert.match(after, new RegExp(`(Stopped|Closed) ${u.replace('.', '\\.')}`), after);
    // Reverse dependency order: hello-notify (After=prepare) stops before prepare.
    assert.ok(after.indexOf('Stopped hello-notify.service') < after.indexOf('Stopped prepare.service'), after);
    process.stderr.write(`# podman stop took ${s.ms} ms\n`);
  });
});
