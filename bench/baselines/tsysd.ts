// tsysd under bench/boot: N generated services (DefaultDependencies=no so only the benchmark's own graph
// counts) pulled in by bench.target, booted by `tsysd --system --target bench.target` as PID 1 of the
// benchmark's PID namespace (its container mode). Variants: flat (independent services) or a 10-layer DAG
// (each service of layer k Requires= and is After= two services of layer k-1), Type=simple or Type=notify
// (benchsvc sends READY=1). "ready" = exec → the control socket answers is-system-running with running or
// degraded (a tiny JSON-RPC client polling every 20 ms). Stop = SIGTERM (orderly shutdown in a container).
// bench/all also runs N idle listening sockets (TSYSD_SOCKETS) and, after its 10,000-service boot, times
// tsysctl and the real busctl against the live manager (ctlFigures).
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { benchCgroupName, median, ROOT, sleep, supervisorEnv, type Launch, type SystemDef, type Work } from './harness';
import { programEntry } from '../entry';

// TSYSD_BENCH_ROOT: a snapshot of the project (dist/src, build/Release, node_modules, package.json) to run
// instead of the working tree, so a concurrent `tsc` in a shared tree cannot change the code mid-run.
const TROOT = process.env.TSYSD_BENCH_ROOT || ROOT;
// the bundle (bench/entry.ts); resolved when a run is prepared, so a missing bundle is reported as unavailable
const tsysdEntry = (): string => programEntry(TROOT, 'tsysd');
export const LAYERS = 10;

export function generateUnits(dir: string, n: number, opts: { dag: boolean; notify: boolean; svc: string; fifo: string }): void {
  fs.mkdirSync(dir, { recursive: true });
  const per = Math.max(1, Math.ceil(n / LAYERS));
  const names: string[] = [];
  for (let i = 0; i < n; i++) {
    const name = `svc${i}.service`;
    names.push(name);
    const layer = Math.floor(i / per);
    const lines = ['[Unit]', `Description=bench service ${i}`, 'DefaultDependencies=no'];
    if (opts.dag && layer > 0) {
      const base = (layer - 1) * per;
      const deps = [...new Set([base + (i % per), base + ((i + 1) % per)])].map((j) => `svc${j}.service`);
      lines.push(`Requires=${deps.join(' ')}`, `After=${deps.join(' ')}`);
    }
    lines.push('', '[Service]', `Type=${opts.notify ? 'notify' : 'simple'}`, `ExecStart=${opts.svc} svc${i} ${opts.fifo}`);
    fs.writeFileSync(path.join(dir, name), lines.join('\n') + '\n');
  }
  const t = ['[Unit]', 'Description=bench target', 'DefaultDependencies=no'];
  for (let i = 0; i < names.length; i += 64) t.push(`Wants=${names.slice(i, i + 64).join(' ')}`);
  fs.writeFileSync(path.join(dir, 'bench.target'), t.join('\n') + '\n');
}

/** N socket units listening on unix sockets under `sockDir`, each with its service (never started), and one
 *  benchsvc service, svc0.service, whose start event marks the boot (bench/all's run of idle sockets). */
export function generateSocketUnits(dir: string, n: number, opts: { svc: string; fifo: string; sockDir: string }): void {
  fs.mkdirSync(dir, { recursive: true });
  fs.mkdirSync(opts.sockDir, { recursive: true });
  const names: string[] = [];
  for (let i = 0; i < n; i++) {
    names.push(`sock${i}.socket`);
    fs.writeFileSync(path.join(dir, `sock${i}.socket`), `[Unit]\nDescription=bench socket ${i}\nDefaultDependencies=no\n\n[Socket]\nListenStream=${opts.sockDir}/${i}\n`);
    fs.writeFileSync(path.join(dir, `sock${i}.service`), `[Unit]\nDescription=bench socket service ${i}\nDefaultDependencies=no\n\n[Service]\nExecStart=${opts.svc} sock${i} ${opts.fifo}\n`);
  }
  fs.writeFileSync(path.join(dir, 'svc0.service'), `[Unit]\nDescription=bench marker\nDefaultDependencies=no\n\n[Service]\nExecStart=${opts.svc} svc0 ${opts.fifo}\n`);
  const t = ['[Unit]', 'Description=bench target', 'DefaultDependencies=no', 'Wants=svc0.service'];
  for (let i = 0; i < names.length; i += 64) t.push(`Wants=${names.slice(i, i + 64).join(' ')}`);
  fs.writeFileSync(path.join(dir, 'bench.target'), t.join('\n') + '\n');
}

/** Poll `is-system-running` over the control socket until it is running/degraded; resolves with hrtime ns. */
export async function pollRunning(sock: string, abort: AbortSignal): Promise<bigint | null> {
  let id = 0;
  while (!abort.aborted) {
    const state = await new Promise<string | null>((resolve) => {
      const s = net.connect(sock);
      let buf = '';
      const done = (v: string | null): void => { s.destroy(); resolve(v); };
      s.on('connect', () => s.write(JSON.stringify({ jsonrpc: '2.0', id: ++id, method: 'is-system-running', params: {} }) + '\n'));
      s.on('data', (d: Buffer) => {
        buf += d.toString();
        const nl = buf.indexOf('\n');
        if (nl < 0) return;
        try {
          const msg = JSON.parse(buf.slice(0, nl)) as { result?: { state?: string } };
          done(msg.result?.state ?? null);
        } catch { done(null); }
      });
      s.on('error', () => done(null));
      setTimeout(() => done(null), 2000).unref();
    });
    if (state === 'running' || state === 'degraded') return process.hrtime.bigint();
    await sleep(20);
  }
  return null;
}

/** Extra node options for the manager, e.g. TSYSD_BENCH_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof". */
function nodeArgs(): string[] {
  // The node options bin/tsysd runs the manager with, then any extra ones for this run.
  return ['--max-semi-space-size=2', '--v8-pool-size=1', ...(process.env.TSYSD_BENCH_NODE_ARGS ?? '').split(/\s+/).filter(Boolean)];
}


/** Wall seconds of `FILE ARGV`, its stdout bytes, stderr text and exit code. stdout and stderr are pipes read
 *  to the end: `tsysctl` and its `node -e 0` baseline are spawned alike, so neither pays for stdio set-up
 *  the other skips. */
function runTimed(file: string, argv: string[], env: NodeJS.ProcessEnv): Promise<{ s: number; bytes: number; err: string; code: number | null }> {
  return new Promise((resolve, reject) => {
    const t0 = process.hrtime.bigint();
    const c = spawn(file, argv, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let bytes = 0, err = '';
    c.stdout.on('data', (b: Buffer) => { bytes += b.length; });
    c.stderr.on('data', (b: Buffer) => { err += b.toString(); });
    c.on('error', reject);
    c.on('close', (code) => resolve({ s: Number(process.hrtime.bigint() - t0) / 1e9, bytes, err, code }));
  });
}

const ctlEnv = (sock: string): NodeJS.ProcessEnv => ({ ...supervisorEnv(), TSYSD_SOCKET: sock, SYSTEMD_PAGER: '' });

/** Run `tsysctl ARGS` against `sock`; resolves with wall seconds and stdout bytes (rejects on a non-zero exit). */
export async function timeCtl(sock: string, args: string[]): Promise<{ s: number; bytes: number }> {
  const r = await runTimed(process.execPath, [programEntry(TROOT, 'tsysctl'), ...args], ctlEnv(sock));
  // status exits 3 for an inactive unit; anything above is a failure of the call itself
  if (r.code !== null && r.code <= 3) return { s: r.s, bytes: r.bytes };
  throw new Error(`tsysctl ${args.join(' ')} exited ${r.code}: ${r.err.trim()}`);
}

/** Wall seconds and reply bytes of the real `busctl` calling Manager.ListUnits over tsysd's private D-Bus socket
 *  `bus` (peer to peer, as systemctl talks to /run/systemd/private); null when busctl is not installed. */
async function timeBusListUnits(bus: string): Promise<{ s: number; bytes: number } | null> {
  let r;
  try {
    r = await runTimed('busctl', [`--address=unix:path=${bus}`, 'call', 'org.freedesktop.systemd1', '/org/freedesktop/systemd1',
      'org.freedesktop.systemd1.Manager', 'ListUnits'], supervisorEnv());
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw e;
  }
  if (r.code === 0) return { s: r.s, bytes: r.bytes };
  throw new Error(`busctl ListUnits exited ${r.code}: ${r.err.trim()}`);
}

/** list-units through tsysctl (time, bytes) and ListUnits through busctl (time, bytes). */
async function listFigures(sock: string, bus: string, out: Record<string, number>): Promise<void> {
  const lu = await timeCtl(sock, ['list-units', '--all', '--no-pager']);
  out.listUnitsS = lu.s;
  out.listUnitsBytes = lu.bytes;
  const dl = await timeBusListUnits(bus);
  if (dl) { out.dbusListUnitsS = dl.s; out.dbusListUnitsBytes = dl.bytes; }
}

/** After-boot figures of bench/all's scale run: daemon-reload, list-units and D-Bus ListUnits (time and bytes), status of one unit,
 *  list-unit-files (time and bytes), `tsysctl is-active` next to `node -e 0` (medians of 15 interleaved pairs). */
async function ctlFigures(sock: string, bus: string): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  await listFigures(sock, bus, out);
  out.statusS = (await timeCtl(sock, ['status', '--no-pager', 'svc0.service'])).s;
  // every unit file's enablement state, asked of the manager (one search-directory scan per listing)
  const uf = await timeCtl(sock, ['list-unit-files', '--no-pager']);
  out.listUnitFilesS = uf.s;
  out.listUnitFilesBytes = uf.bytes;
  out.reloadS = (await timeCtl(sock, ['daemon-reload'])).s;
  out.listUnitsAfterReloadS = (await timeCtl(sock, ['list-units', '--all', '--no-pager'])).s;
  // issue 20: a probe costs no more than a bare node; 15 interleaved pairs, medians (wall seconds)
  const probe: number[] = [], bare: number[] = [];
  for (let i = 0; i < 15; i++) {
    probe.push((await timeCtl(sock, ['is-active', 'svc0.service'])).s);
    bare.push((await runTimed(process.execPath, ['-e', '0'], ctlEnv(sock))).s);
  }
  out.isActiveS = median(probe);
  out.nodeBareS = median(bare);
  return out;
}

/** A bench run of the manager as PID 1 on `units`, ready when is-system-running says so; with `bus`, systemd's
 *  D-Bus API is served on that socket and `measure` gets the control and bus sockets after the boot. */
function launchTsysd(work: Work, units: string, bus: string | null,
  measure?: (sock: string, bus: string) => Promise<Record<string, number>>): Launch {
  const sock = path.join(work.dir, 'run', 'control.sock');
  const cgroupName = benchCgroupName('tsysd');
  return {
    argv: [process.execPath, ...nodeArgs(), tsysdEntry(), '--system', '--container', '--unit-path', units, '--target', 'bench.target',
      '--control-socket', sock, '--runtime-dir', path.join(work.dir, 'run'), '--no-forward-output',
      '--log-level', 'warning', '--cgroup-name', cgroupName, '--dbus-private', bus ?? 'no'],
    pid1: true,
    cgroupName,
    env: { DEBUG: '' },
    probe: (abort) => pollRunning(sock, abort),
    ...(bus && measure ? { measure: () => measure(sock, bus) } : {}),
  };
}

const unavailable = (): string | null => { try { tsysdEntry(); return null; } catch (e) { return (e as Error).message; } };

function variant(dag: boolean, notify: boolean, measure = false): SystemDef {
  return {
    name: 'tsysd',
    variant: `${dag ? `dag${LAYERS}` : 'flat'} ${notify ? 'notify' : 'simple'}`,
    unavailable,
    prepare(work: Work, n: number) {
      const units = path.join(work.dir, 'units');
      generateUnits(units, n, { dag, notify, svc: work.bins.svc, fifo: work.fifo });
      // the measured run serves D-Bus as tsysd does by default as PID 1 (ListUnits is one of its figures)
      return launchTsysd(work, units, measure ? path.join(work.dir, 'run', 'dbus.sock') : null, ctlFigures);
    },
    stop(pid: number) { process.kill(pid, 'SIGTERM'); },
  };
}

/** N idle listening sockets (and their N services, loaded, never started) plus one marker service: run with
 *  n = 1 (the marker's events); "ready" is exec → the manager reports running with every socket listening. */
export const TSYSD_SOCKETS = (n: number): SystemDef => ({
  name: 'tsysd',
  variant: `${n} sockets`,
  unavailable,
  prepare(work: Work) {
    const units = path.join(work.dir, 'units');
    generateSocketUnits(units, n, { svc: work.bins.svc, fifo: work.fifo, sockDir: path.join(work.dir, 's') });
    return launchTsysd(work, units, path.join(work.dir, 'run', 'dbus.sock'), async (sock, bus) => {
      const out: Record<string, number> = {};
      await listFigures(sock, bus, out);
      return out;
    });
  },
  stop(pid: number) { process.kill(pid, 'SIGTERM'); },
});

export const TSYSD_VARIANTS: SystemDef[] = [variant(false, false), variant(true, false), variant(false, true), variant(true, true)];
/** flat Type=simple, plus the after-boot control figures (bench/all's 10,000-service run) */
export const TSYSD_MEASURED: SystemDef = variant(false, false, true);
