// `podman --runtime runc ARGS` for the container e2e tests (crun fails on this kind of hybrid-cgroup host):
// collects stdout/stderr, SIGKILLs the client after `timeoutMs`, reports the exit code and the time taken;
// boundedUlimitsEnv, for `kube play` where podman's own rlimits for root cannot be set; buildImage, the image
// build scripts with one retry when podman loses a layer to a concurrent build.
import { spawn, spawnSync, type SpawnSyncReturns } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

export interface Res { code: number; stdout: string; stderr: string; ms: number }

export function podman(args: string[], timeoutMs = 60000, env: NodeJS.ProcessEnv = process.env): Promise<Res> {
  return new Promise((resolve) => {
    const t0 = Date.now();
    const p = spawn('podman', ['--runtime', 'runc', ...args], { stdio: ['ignore', 'pipe', 'pipe'], env });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (d: Buffer) => { stdout += d.toString(); });
    p.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
    const timer = setTimeout(() => p.kill('SIGKILL'), timeoutMs);
    p.on('close', (code, sig) => {
      clearTimeout(timer);
      resolve({ code: code ?? (sig ? 128 : 1), stdout, stderr, ms: Date.now() - t0 });
    });
  });
}

/** The bounded rlimits every container test runs with (podman's own for root need CAP_SYS_RESOURCE). */
export const BOUNDED_ULIMITS = ['nofile=1024:1024', 'nproc=1024:1024'];
/** The same as `podman run` options. */
export const ULIMIT_OPTS = BOUNDED_ULIMITS.flatMap((u) => ['--ulimit', u]);

const CAP_SYS_RESOURCE = 24;
const PODMAN_ROOT_RLIMIT = 1048576;

/** The environment for podman commands that create containers without `--ulimit` (`kube play`, whose YAML has
 *  no rlimits). As root, podman 4.3 gives every container RLIMIT_NOFILE and RLIMIT_NPROC of 1048576, which
 *  fails ("error setting rlimit type 7: operation not permitted") where the hard limits are lower and the
 *  caller lacks CAP_SYS_RESOURCE (some sandboxes). There it points CONTAINERS_CONF at a file in `dir` with the
 *  bounded limits the other container tests pass as --ulimit; podman then reads only that file, and its
 *  built-in defaults for the rest equal Debian's packaged containers.conf. Elsewhere it changes nothing. */
export function boundedUlimitsEnv(dir: string): NodeJS.ProcessEnv {
  const capEff = /^CapEff:\s*([0-9a-f]+)$/m.exec(fs.readFileSync('/proc/self/status', 'utf8'))?.[1] ?? '0';
  if ((BigInt(`0x${capEff}`) >> BigInt(CAP_SYS_RESOURCE)) & 1n) return process.env;
  const hard = spawnSync('sh', ['-c', 'ulimit -Hn; ulimit -Hu'], { encoding: 'utf8' }).stdout.trim().split('\n');
  if (hard.every((v) => v === 'unlimited' || Number(v) >= PODMAN_ROOT_RLIMIT)) return process.env;
  const conf = path.join(dir, 'containers.conf');
  fs.writeFileSync(conf, `[containers]\ndefault_ulimits = ${JSON.stringify(BOUNDED_ULIMITS).replace(/,/g, ', ')}\n`);
  return { ...process.env, CONTAINERS_CONF: conf };
}

/** Runs an image build script (dockerfiles/build.sh, the kube example's) with `env`. The e2e files run two at
 *  a time, and podman 4.3's concurrent builds sometimes lose a layer of one another ("layer not known",
 *  "identifier is not a container", a broken pipe in COPY; seen in two clean-clone CI runs): that failure is
 *  retried once, said on stderr; any other failure is returned as it is. */
export function buildImage(script: string, env: NodeJS.ProcessEnv, timeoutMs: number): SpawnSyncReturns<string> {
  const run = (): SpawnSyncReturns<string> => spawnSync(script, [], { env, encoding: 'utf8', timeout: timeoutMs });
  const b = run();
  if (b.status === 0 || !/layer not known|identifier is not a container/.test(`${b.stdout}${b.stderr}`)) return b;
  process.stderr.write(`# ${path.basename(path.dirname(script))}/${path.basename(script)}: podman lost a layer to a concurrent build; building again\n`);
  return run();
}
