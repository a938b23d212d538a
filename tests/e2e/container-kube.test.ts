// E2E: the Pod of docs/kubernetes.md under `podman kube play` (issue 18). The manifest is extracted verbatim
// from the doc, the doc's unit files are the ones baked into its image (dockerfiles/app-on-tsysd/, tagged
// localhost/app-on-tsysd:1.0 as the manifest names it). Checks: the units come up in order (db-proxy, then
// api Type=notify, worker) and the system is `running`; the livenessProbe, which podman 4.3 turns into the
// container's healthcheck, passes (`podman healthcheck run`); the readiness/startup endpoint GET /healthz
// answers 200 inside the pod (podman 4.3 does not execute httpGet, startup or readiness probes: checked
// here ourselves, see the doc); `podman pod stop` then `podman kube down` is the orderly shutdown: units
// stopped in reverse order (api's ExecStop= drain before db-proxy stops), exit code 0. (`kube down` alone
// SIGKILLs on podman < 5.1, podman issue #22397; the doc says so.)
// The pod name and image tag are fixed by the manifest, so one test run at a time holds a host lock; the
// pod, its containers, the image and the `run` volume are removed by name at the end.
import { hostLock } from '../helpers/host-lock';
import { buildImage, boundedUlimitsEnv, podman } from '../helpers/podman';
import { after, before, describe, test } from 'node:test';
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const DOC = path.join(ROOT, 'docs', 'kubernetes.md');
const APP_DIR = path.join(ROOT, 'dockerfiles', 'app-on-tsysd');
const BASE_TAG = `localhost/tsysd:e2e-kube-${process.pid}`;
const APP_TAG = 'localhost/app-on-tsysd:1.0';
const CTR = 'app-app';   // podman's name for container "app" of pod "app"

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

function fenced(md: string, lang: string): string {
  const m = new RegExp('```' + lang + '\\n([\\s\\S]*?)```').exec(md);
  assert.ok(m?.[1], `no \`\`\`${lang} block in ${DOC}`);
  return m[1];
}

function podmanUnusable(): string | null {
  if (spawnSync('sh', ['-c', 'command -v podman && command -v runc && command -v catatonit'], { encoding: 'utf8' }).status !== 0) {
    return 'podman, runc or catatonit (the pod infra container) is not installed';
  }
  const r = spawnSync('podman', ['--runtime', 'runc', 'info'], { encoding: 'utf8', timeout: 60000 });
  return r.status === 0 ? null : `podman is unusable here: ${(r.stderr || r.stdout).trim().split('\n').pop() ?? ''}`;
}

const skip = podmanUnusable();

describe('docs/kubernetes.md pod under podman kube play', { skip: skip ?? false, timeout: 10 * 60 * 1000 }, () => {
  let release: (() => void) | undefined;
  let tmp = '';
  let yaml = '';
  let played = false;
  let runVolumeExisted = true;

  before(async () => {
    release = await hostLock('podman-kube-app');
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tsysd-kube-'));
    yaml = path.join(tmp, 'app-pod.yaml');
    fs.writeFileSync(yaml, fenced(fs.readFileSync(DOC, 'utf8'), 'yaml'));
    runVolumeExisted = (await podman(['volume', 'exists', 'run'])).code === 0;
    assert.equal((await podman(['pod', 'exists', 'app'])).code, 1, 'a pod named "app" already exists here: the test will not touch it');
    const t0 = Date.now();
    const b = buildImage(path.join(APP_DIR, 'build.sh'), { ...process.env, TSYSD_IMAGE: BASE_TAG, TSYSD_SKIP_COMPILE: '1', APP_IMAGE: APP_TAG }, 6 * 60 * 1000);
    assert.equal(b.status, 0, `app-on-tsysd/build.sh failed:\n${b.stdout}\n${b.stderr}`);
    process.stderr.write(`# images ${BASE_TAG} + ${APP_TAG} built in ${((Date.now() - t0) / 1000).toFixed(1)} s\n`);
  });

  after(async () => {
    if (played) await podman(['pod', 'rm', '-f', '-t', '0', 'app']);
    if (!runVolumeExisted) await podman(['volume', 'rm', '-f', 'run']);
    await podman(['rmi', '-f', APP_TAG, BASE_TAG]);
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
    release?.();
  });

  test('the doc\'s unit files are the image\'s', () => {
    const doc = fenced(fs.readFileSync(DOC, 'utf8'), 'ini');
    const files = ['db-proxy.service', 'api.service', 'worker.service', 'app.target'].map((f) => fs.readFileSync(path.join(APP_DIR, 'units', f), 'utf8'));
    assert.equal(doc, files.join('\n'));
    assert.match(fs.readFileSync(yaml, 'utf8'), new RegExp(`image: ${APP_TAG.replace(/\./g, '\\.')} `));
  });

  test('kube play: units up in order, running, probes pass', async () => {
    const p = await podman(['kube', 'play', yaml], 120000, boundedUlimitsEnv(tmp));
    played = true;
    assert.equal(p.code, 0, p.stdout + p.stderr);
    let w = await podman(['exec', CTR, 'tsysctl', 'is-system-running', '--wait'], 120000);
    for (let i = 0; i < 60 && /^(offline|unknown)?$/.test(w.stdout.trim()); i++) {
      await sleep(250);
      w = await podman(['exec', CTR, 'tsysctl', 'is-system-running', '--wait'], 120000);
    }
    const logs = (await podman(['logs', CTR])).stdout;
    assert.equal(w.stdout.trim(), 'running', `is-system-running: ${w.stdout}${w.stderr}\nlogs:\n${logs}`);
    const act = await podman(['exec', CTR, 'tsysctl', 'is-active', 'db-proxy.service', 'api.service', 'worker.service', 'app.target']);
    assert.equal(act.stdout, 'active\nactive\nactive\nactive\n');
    const sub = await podman(['exec', CTR, 'tsysctl', 'show', '-p', 'Type', '-p', 'StatusText', 'api.service']);
    assert.equal(sub.stdout, 'Type=notify\nStatusText=serving\n');
    // db-proxy's listener was up before api sent READY=1 (api checks it), app.target after api.
    const order = ['db-proxy: listening', 'api: db-proxy: ok', 'Started api.service', 'Reached target app.target'].map((s) => logs.indexOf(s));
    assert.ok(order.every((x, i) => x >= 0 && (i === 0 || x > (order[i - 1] ?? 0))), logs);

    // livenessProbe → podman healthcheck (podman 4.3 converts only the liveness probe).
    const hc = await podman(['inspect', CTR, '--format', '{{json .Config.Healthcheck.Test}}']);
    assert.equal(hc.stdout.trim(), '["CMD-SHELL","tsysd-probe","live","||","exit","1"]');
    const run = await podman(['healthcheck', 'run', CTR], 60000);
    assert.equal(run.code, 0, run.stdout + run.stderr);
    assert.equal((await podman(['inspect', CTR, '--format', '{{.State.Health.Status}}'])).stdout.trim(), 'healthy');
    // startupProbe/readinessProbe: GET /healthz on the "health" port, and the api on its port, from inside the pod.
    const get = (port: number, p: string): string => `require('http').get('http://127.0.0.1:${port}${p}',r=>{let b='';r.on('data',d=>b+=d);r.on('end',()=>process.stdout.write(r.statusCode+' '+b))}).on('error',e=>{console.error(e.message);process.exit(1)})`;
    const hz = await podman(['exec', CTR, 'node', '-e', get(8080, '/healthz')]);
    assert.equal(hz.stdout, '200 {"state":"running","failed":[]}\n', hz.stderr);
    assert.equal((await podman(['exec', CTR, 'node', '-e', get(8000, '/')])).stdout, '200 api: ok\n');
    assert.equal((await podman(['exec', CTR, 'tsysd-probe', 'ready'])).code, 0);
  });

  test('pod stop + kube down: units stopped in reverse order, exit code 0', async () => {
    const s = await podman(['pod', 'stop', '-t', '60', 'app'], 120000);
    assert.equal(s.code, 0, s.stderr);
    const code = (await podman(['inspect', CTR, '--format', '{{.State.ExitCode}}'])).stdout.trim();
    const logs = (await podman(['logs', CTR])).stdout;
    assert.equal(code, '0', `exit code ${code} (137 = SIGKILL)\n${logs}`);
    const tail = logs.slice(logs.indexOf('SIGTERM received'));
    assert.ok(logs.includes('SIGTERM received'), logs);
    const at = (s: string): number => tail.indexOf(s);
    for (const s of ['Stopped target app.target', 'api: draining', 'api-drain: 200', 'Stopped api.service', 'Stopped worker.service',
      'db-proxy: SIGTERM', 'Stopped db-proxy.service', 'tsysd: exiting with status 0.']) assert.ok(at(s) >= 0, `no "${s}" in\n${tail}`);
    assert.ok(at('Stopped target app.target') < at('Stopping api.service'), tail);
    assert.ok(at('api: drained') < at('Stopped api.service'), tail);
    assert.ok(at('Stopped api.service') < at('Stopping db-proxy.service'), tail);
    assert.ok(at('Stopped db-proxy.service') < at('exiting with status 0'), tail);
    const d = await podman(['kube', 'down', yaml], 120000);
    assert.equal(d.code, 0, d.stdout + d.stderr);
    played = false;
    assert.equal((await podman(['pod', 'exists', 'app'])).code, 1, 'kube down left the pod');
    if (!runVolumeExisted) assert.equal((await podman(['volume', 'exists', 'run'])).code, 1, 'kube down left the emptyDir volume "run"');
    process.stderr.write(`# podman pod stop took ${s.ms} ms, kube down ${d.ms} ms\n`);
  });
});
