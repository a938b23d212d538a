// bench/spawn: time to spawn and reap N long-running services through the whole tsysd path
// (prepareExec → the addon's spawn: clone fast path, direct exec of a plain command or the tsysd-exec
// helper otherwise (TSYSD_SPAWN=helper|posix selects the slower paths); exec outcome awaited; then SIGKILL
// and reap via the SIGCHLD reaper), next to two baselines measured in the same run:
// a tiny C posix_spawn loop (the floor) and Node's child_process.spawn. Prints figures and ratios; never
// asserts. Usage: node dist/bench/spawn.js [N=1000]
// Invariant: the child_process baseline runs (and fully reaps) BEFORE the native reaper is started, since
// the reaper reaps every child of the process.
import { spawn as cpSpawn, spawnSync, type ChildProcess } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { fixture } from '../tests/fixtures/build';
import { createRealPlatform } from '../src/platform/real';
import { prepareExec } from '../src/exec/prepare';
import { defaultConfig } from '../src/directives/defaults';

const N = Number(process.argv[2] ?? '1000');
const SLEEP = '/bin/sleep';

async function nodeBaseline(): Promise<{ spawnMs: number; totalMs: number }> {
  const t0 = performance.now();
  const kids: ChildProcess[] = [];
  const spawned: Promise<void>[] = [];
  for (let i = 0; i < N; i++) {
    const c = cpSpawn(SLEEP, ['1000'], { stdio: 'ignore' });
    kids.push(c);
    spawned.push(new Promise((res) => c.once('spawn', () => res())));
  }
  await Promise.all(spawned);
  const t1 = performance.now();
  const exited = kids.map((c) => new Promise<void>((res) => c.once('exit', () => res())));
  for (const c of kids) c.kill('SIGKILL');
  await Promise.all(exited);
  return { spawnMs: t1 - t0, totalMs: performance.now() - t0 };
}

function cFloor(): { spawnMs: number; totalMs: number } {
  const r = spawnSync(fixture('spawn-floor'), [String(N), SLEEP, '1000'], { encoding: 'utf8' });
  const m = /spawn_ms=([\d.]+) total_ms=([\d.]+)/.exec(r.stdout);
  if (!m) throw new Error('spawn-floor failed: ' + r.stdout + r.stderr);
  return { spawnMs: Number(m[1]), totalMs: Number(m[2]) };
}

async function tsysdPath(): Promise<{ spawnMs: number; totalMs: number; failures: number }> {
  // Creating the platform starts the reaper (after the child_process baseline is done).
  const p = createRealPlatform();
  const cfg = defaultConfig('bench.service');
  const exits = new Map<number, () => void>();
  p.onChildExit((e) => exits.get(e.pid)?.());
  const t0 = performance.now();
  const pids: number[] = [];
  const outcomes: Promise<boolean>[] = [];
  const gone: Promise<void>[] = [];
  for (let i = 0; i < N; i++) {
    const prep = prepareExec(p, { path: SLEEP, argv: [SLEEP, '1000'], ignoreFailure: false, noEnvExpand: false, privileged: '', file: '', line: 0 }, cfg,
      { kind: 'start', unitName: `bench-${i}.service`, invocationId: 'f'.repeat(32), listenFds: [], listenFdNames: [], notifySocket: '', mainPid: null,
        watchdogUs: 0, stdin: -1, stdout: -1, stderr: -1, userMode: false, managerEnvironment: [], managerPid: process.pid, cgroup: '', privileged: true });
    if (!prep.ok) throw new Error(prep.error.message);
    let ok!: (v: boolean) => void;
    outcomes.push(new Promise((res) => { ok = res; }));
    const r = p.spawn(prep.req, (o) => ok(o.ok));
    if ('errno' in r) throw new Error(r.message);
    pids.push(r.pid);
    gone.push(new Promise((res) => exits.set(r.pid, res)));
  }
  const results = await Promise.all(outcomes);
  const t1 = performance.now();
  for (const pid of pids) p.kill(pid, 9);
  await Promise.all(gone);
  return { spawnMs: t1 - t0, totalMs: performance.now() - t0, failures: results.filter((x) => !x).length };
}

async function main(): Promise<void> {
  const node = await nodeBaseline();
  const c = cFloor();
  const t = await tsysdPath();
  const rate = (ms: number): string => `${Math.round((N / ms) * 1000)}/s`;
  const row = (name: string, r: { spawnMs: number; totalMs: number }): string =>
    `${name.padEnd(34)} spawn ${r.spawnMs.toFixed(0).padStart(6)} ms (${rate(r.spawnMs).padStart(7)})   spawn+kill+reap ${r.totalMs.toFixed(0).padStart(6)} ms (${rate(r.totalMs).padStart(7)})`;
  console.log(`bench/spawn: ${N} long-running processes (${SLEEP} 1000), spawn until exec'd, then SIGKILL + reap`);
  console.log(row('C posix_spawn loop (floor)', c));
  console.log(row('Node child_process.spawn', node));
  console.log(row('tsysd (prepareExec+spawn+reaper)  ', t));
  console.log(`tsysd vs C floor: ${(t.totalMs / c.totalMs).toFixed(2)}x the time; vs child_process.spawn: ${(node.totalMs / t.totalMs).toFixed(2)}x faster` +
    (t.failures ? `; ${t.failures} exec failures` : ''));
}

void main();
