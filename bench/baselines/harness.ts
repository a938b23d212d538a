// Boot-benchmark harness (bench/boot.ts): runs ONE supervisor with N long-running benchsvc services inside a
// private PID namespace (`unshare --pid --fork --mount-proc --kill-child`), on a tmpfs work dir under
// /dev/shm, and measures
//   start: exec of the supervisor → the Nth distinct "U" event (each benchsvc stamps CLOCK_MONOTONIC itself,
//          the same clock as process.hrtime, so reader latency does not count),
//   ready: (optional probe, tsysd) exec → the manager reports the boot finished,
//   RSS:   after boot, VmRSS of the supervisor process and of the whole supervision tree (every process in
//          the namespace except the benchsvc services and the benchinit stand-in PID 1), plus the tree's
//          PSS (smaps_rollup: shared pages divided among their users, so 1,000 s6-supervise processes
//          sharing libskarnet are not counted 1,000 times),
//   stop:  stop request → every service wrote its "D" event AND the supervisor exited.
// Invariants: every process it starts lives in that namespace or is the unshare process itself; cleanup
// SIGKILLs the namespace's PID 1 (the kernel then kills the rest) and the unshare process, by pid, always
// (finally), and removes the work dir. It never signals anything it did not start. A supervisor that makes
// cgroups below ours names its directory (`Launch.cgroupName`); once the namespace is gone the harness
// removes that tree (rmdir of empty directories only), whether or not the supervisor could.
import { randomBytes } from 'node:crypto';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { cgroupPrune, ownCgroupDir } from '../../src/platform/cgroup';


/** The environment a supervisor starts with: this process's, minus what a container's PID 1 would not
 *  inherit from a developer's shell. NODE_EXTRA_CA_CERTS (set on the development machine) makes every
 *  Node process parse ~140 certificates at start, ~40 ms that no container PID 1 pays. Exported for
 *  tsysctl timings. */
export function supervisorEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  delete env.NODE_EXTRA_CA_CERTS;
  return env;
}
export const ROOT = path.resolve(__dirname, '..', '..', '..');
export const SRC_DIR = path.join(ROOT, 'bench', 'baselines');

export interface Bins { dir: string; svc: string; spawnloop: string; benchinit: string }

/** Compile the C helpers (benchsvc, spawnloop, benchinit) into a tmpfs dir. */
export function buildBins(): Bins {
  const dir = fs.mkdtempSync('/dev/shm/tsysd-bench-bin-');
  const out: Record<string, string> = {};
  for (const name of ['benchsvc', 'spawnloop', 'benchinit']) {
    const dst = path.join(dir, name);
    const r = spawnSync('gcc', ['-O2', '-o', dst, path.join(SRC_DIR, `${name}.c`)], { encoding: 'utf8' });
    if (r.status !== 0) { fs.rmSync(dir, { recursive: true, force: true }); throw new Error(`gcc ${name}.c failed: ${r.stderr}`); }
    out[name] = dst;
  }
  return { dir, svc: out.benchsvc as string, spawnloop: out.spawnloop as string, benchinit: out.benchinit as string };
}

export interface Work { dir: string; fifo: string; bins: Bins }

export interface Launch {
  argv: string[];            // command to exec in the namespace
  pid1: boolean;             // true: it is the namespace's PID 1; false: wrapped by benchinit
  env?: Record<string, string>;
  /** optional readiness probe (resolves with hrtime ns when the manager says the boot is done) */
  probe?: (abort: AbortSignal) => Promise<bigint | null>;
  /** Name of the cgroup directory the supervisor creates below its own (= our) cgroup, if any. */
  cgroupName?: string;
  /** optional figures taken after the boot, before the RSS sample and the stop (bench/all: reload, list-units) */
  measure?: () => Promise<Record<string, number>>;
}

/** A fresh cgroup directory name for one supervisor run. */
export function benchCgroupName(system: string): string {
  return `tsysd-bench-${system}-${process.pid}-${randomBytes(3).toString('hex')}`;
}

/** rmdir the (empty) cgroup tree `name` below our own cgroup; retried briefly, since the kernel may report
 *  it populated for a moment after the namespace's last process was reaped. */
async function removeCgroup(name: string): Promise<void> {
  const o = ownCgroupDir();
  if (!('dir' in o)) return;
  const dir = path.join(o.dir, name);
  for (let i = 0; i < 40 && !cgroupPrune(dir); i++) await sleep(25);
}

export interface SystemDef {
  name: string;              // column "system"
  variant: string;           // column "variant"
  unavailable(): string | null;   // reason it cannot run here, or null
  prepare(work: Work, n: number): Launch;
  stop(supervisorPid: number, work: Work): void;
}

export interface RunResult {
  system: string; variant: string; n: number;
  startS: number | null; readyS: number | null; stopS: number | null;
  rssManagerMiB: number | null; rssTreeMiB: number | null; pssTreeMiB: number | null; procs: number | null;
  up: number; down: number; note: string;
  /** figures of Launch.measure, by name */
  extra: Record<string, number>;
}

const ns = (): bigint => process.hrtime.bigint();
const sec = (a: bigint, b: bigint): number => Number(b - a) / 1e9;
export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** The median (the mean of the middle two for an even count); NaN for none. Every bench's one median. */
export function median(xs: readonly number[]): number {
  const v = [...xs].sort((a, b) => a - b);
  const m = Math.floor(v.length / 2);
  if (v.length === 0) return NaN;
  return v.length % 2 ? (v[m] as number) : ((v[m - 1] as number) + (v[m] as number)) / 2;
}

class Events {
  up = new Map<string, bigint>();
  down = new Map<string, bigint>();
  supervisorExit: bigint | null = null;
  private sock: net.Socket;
  private buf = '';
  private waiters: Array<() => void> = [];
  constructor(fifo: string) {
    // O_RDWR: writers never block on open, and the FIFO never reports EOF while we hold it.
    const fd = fs.openSync(fifo, fs.constants.O_RDWR | fs.constants.O_NONBLOCK);
    this.sock = new net.Socket({ fd, readable: true, writable: false });
    this.sock.on('data', (d: Buffer) => this.feed(d.toString('latin1')));
    this.sock.on('error', () => { /* closed at the end */ });
  }
  private feed(s: string): void {
    this.buf += s;
    let i: number;
    while ((i = this.buf.indexOf('\n')) >= 0) {
      const line = this.buf.slice(0, i);
      this.buf = this.buf.slice(i + 1);
      const [kind, id, t] = line.split(' ');
      if (!id || !t) continue;
      const ts = BigInt(t);
      if (kind === 'U' && !this.up.has(id)) this.up.set(id, ts);
      else if (kind === 'D' && !this.down.has(id)) this.down.set(id, ts);
      else if (kind === 'X') this.supervisorExit = ts;
    }
    for (const w of this.waiters.splice(0)) w();
  }
  async until(pred: () => boolean, timeoutMs: number): Promise<boolean> {
    const end = Date.now() + timeoutMs;
    while (!pred()) {
      const left = end - Date.now();
      if (left <= 0) return false;
      await new Promise<void>((r) => { this.waiters.push(r); setTimeout(r, Math.min(left, 50)); });
    }
    return true;
  }
  static max(m: Map<string, bigint>): bigint {
    let x = 0n;
    for (const v of m.values()) if (v > x) x = v;
    return x;
  }
  close(): void { this.sock.destroy(); }
}

function children(pid: number): number[] {
  try {
    return fs.readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
  } catch { return []; }
}

function parentOf(pid: number): number {
  try {
    const st = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return Number(st.slice(st.lastIndexOf(')') + 2).split(' ')[1]);
  } catch { return 0; }
}

function rssKiB(pid: number): number {
  try {
    const m = /VmRSS:\s+(\d+)/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) : 0;
  } catch { return 0; }
}

function pssKiB(pid: number): number {
  try {
    const m = /^Pss:\s+(\d+)/m.exec(fs.readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8'));
    return m ? Number(m[1]) : 0;
  } catch { return 0; }
}

function exeOf(pid: number): string {
  try { return fs.readlinkSync(`/proc/${pid}/exe`); } catch { return ''; }
}

/** Every process under `root` (inclusive), depth first. */
function tree(root: number): number[] {
  const out: number[] = [];
  const stack = [root];
  while (stack.length) {
    const p = stack.pop() as number;
    out.push(p);
    stack.push(...children(p));
  }
  return out;
}

export async function runOne(sys: SystemDef, bins: Bins, n: number, timeoutS: number): Promise<RunResult> {
  const res: RunResult = {
    system: sys.name, variant: sys.variant, n, startS: null, readyS: null, stopS: null,
    rssManagerMiB: null, rssTreeMiB: null, pssTreeMiB: null, procs: null, up: 0, down: 0, note: '', extra: {},
  };
  const why = sys.unavailable();
  if (why) { res.note = why; return res; }
  const dir = fs.mkdtempSync(`/dev/shm/tsysd-bench-${sys.name}-`);
  const work: Work = { dir, fifo: path.join(dir, 'events.fifo'), bins };
  const mk = spawnSync('mkfifo', ['-m', '0666', work.fifo]);
  if (mk.status !== 0) throw new Error('mkfifo failed');
  const ev = new Events(work.fifo);
  let proc: ChildProcess | null = null;
  let nsInit = 0;
  let cgroupName = '';
  const abort = new AbortController();
  try {
    const launch = sys.prepare(work, n);
    cgroupName = launch.cgroupName ?? '';
    const argv = launch.pid1 ? launch.argv : [bins.benchinit, work.fifo, ...launch.argv];
    const logFd = fs.openSync(path.join(dir, 'supervisor.log'), 'a');
    let exitTs: bigint | null = null;
    const t0 = ns();
    proc = spawn('unshare', ['--pid', '--fork', '--mount-proc', '--kill-child=SIGKILL', ...argv], {
      stdio: ['ignore', logFd, logFd], env: { ...supervisorEnv(), ...(launch.env ?? {}) },
    });
    fs.closeSync(logFd);
    const exited = new Promise<void>((r) => proc?.on('exit', () => { exitTs = ns(); r(); }));
    const unsharePid = proc.pid ?? 0;
    // Find the namespace's PID 1 and the supervisor (PID 1 itself, or benchinit's only direct child).
    let supervisor = 0;
    for (let i = 0; i < 400 && supervisor === 0 && exitTs === null; i++) {
      nsInit = children(unsharePid)[0] ?? 0;
      supervisor = nsInit && (launch.pid1 ? nsInit : (children(nsInit)[0] ?? 0));
      if (!supervisor) await sleep(5);
    }
    const probe = launch.probe ? launch.probe(abort.signal) : null;
    const allUp = await ev.until(() => ev.up.size >= n || exitTs !== null, timeoutS * 1000);
    res.up = ev.up.size;
    if (ev.up.size >= n) res.startS = sec(t0, Events.max(ev.up));
    else res.note = allUp ? `supervisor exited early with ${ev.up.size}/${n} up` : `timeout: ${ev.up.size}/${n} up`;
    if (probe) {
      let timer: NodeJS.Timeout | undefined;
      const t = await Promise.race([probe, new Promise<null>((r) => { timer = setTimeout(() => r(null), timeoutS * 1000); })]);
      clearTimeout(timer);   // a pending timer would keep bench/boot alive for `timeoutS` after the last run
      if (t !== null) res.readyS = sec(t0, t);
      else res.note += (res.note ? '; ' : '') + 'no ready report';
    }
    if (res.startS !== null) {
      await sleep(200); // let the boot settle (post-start bookkeeping) before sampling memory
      let all = 0;
      let pss = 0;
      let count = 0;
      for (const p of tree(nsInit)) {
        const exe = exeOf(p);
        if (exe === bins.svc || (!launch.pid1 && p === nsInit)) continue;
        all += rssKiB(p);
        pss += pssKiB(p);
        count++;
      }
      res.rssManagerMiB = rssKiB(supervisor) / 1024;
      res.rssTreeMiB = all / 1024;
      res.pssTreeMiB = pss / 1024;
      res.procs = count;
      if (launch.measure) {
        try { res.extra = await launch.measure(); } catch (e) { res.note += (res.note ? '; ' : '') + `measure failed: ${String(e)}`; }
      }
      const t1 = ns();
      sys.stop(supervisor, work);
      const stopped = await ev.until(
        () => ev.down.size >= n && (launch.pid1 ? exitTs !== null : ev.supervisorExit !== null),
        timeoutS * 1000);
      res.down = ev.down.size;
      const end = launch.pid1 ? exitTs : ev.supervisorExit;
      if (stopped && end !== null) {
        const last = Events.max(ev.down);
        res.stopS = sec(t1, last > end ? last : end);
      } else {
        res.note += (res.note ? '; ' : '') + `stop incomplete: ${ev.down.size}/${n} down, supervisor ${end === null ? 'alive' : 'exited'}`;
      }
    }
    void exited;
  } finally {
    abort.abort();
    if (res.note && !res.note.startsWith('needs') && !res.note.startsWith('daemon not built')) {
      try {
        const log = fs.readFileSync(path.join(dir, 'supervisor.log'), 'utf8').trim().split('\n').slice(-8).join('\n    ');
        process.stderr.write(`  ${sys.name}/${sys.variant} N=${n}: ${res.note}; last lines of its output:\n    ${log}\n`);
      } catch { /* no log */ }
    }
    // Kill the namespace's PID 1 only while it is provably ours (its parent is our live unshare): a pid
    // that already exited could have been reused by an unrelated process.
    if (nsInit > 0 && proc && proc.exitCode === null && proc.signalCode === null && parentOf(nsInit) === proc.pid) {
      try { process.kill(nsInit, 'SIGKILL'); } catch { /* gone */ }
    }
    if (proc && proc.exitCode === null && proc.signalCode === null) {
      const p = proc;
      const gone = new Promise<void>((r) => p.once('exit', () => r()));
      await Promise.race([gone, sleep(3000)]);
      if (p.exitCode === null && p.signalCode === null && p.pid) { try { process.kill(p.pid, 'SIGKILL'); } catch { /* gone */ } }
      await Promise.race([gone, sleep(3000)]);
    }
    ev.close();
    if (cgroupName && proc && (proc.exitCode !== null || proc.signalCode !== null)) await removeCgroup(cgroupName);
    fs.rmSync(dir, { recursive: true, force: true });
  }
  return res;
}

export function which(cmd: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;
}
