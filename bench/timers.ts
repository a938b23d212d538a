// bench/timers: what timer units cost tsysd, next to an empty manager measured in the same run.
//  1. arm: boot with N timer units (a mix of OnCalendar=, OnBootSec=+OnUnitActiveSec=, Persistent= with
//     stamps on tmpfs) all waiting: exec → running, manager RSS, and the time `list-timers --all` takes;
//  2. elapse: M timers with the same OnCalendar= second (AccuracySec=1us), each starting its own oneshot
//     service (/bin/true): from that second until all M services have run, and the manager's CPU time
//     spent from boot to then.
// Each manager runs as PID 1 of its own PID (and mount) namespace with units, runtime dir and stamps on
// /dev/shm, and is stopped with SIGTERM. Never asserts speed.
//   node dist/bench/timers.js [--arm 10000] [--elapse 1000] [--json]
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { benchCgroupName, ROOT, sleep } from './baselines/harness';
import { pollRunning } from './baselines/tsysd';
import { programEntry } from './entry';

const TSYSD = programEntry(ROOT, 'tsysd');
const TSYSCTL = programEntry(ROOT, 'tsysctl');

function arg(name: string, dflt: string): string {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] ?? dflt : dflt;
}

interface Mgr { proc: ChildProcess; dir: string; sock: string; t0: bigint; pid(): number }

function start(units: Record<string, string>, label: string): Mgr {
  const dir = fs.mkdtempSync(path.join(fs.existsSync('/dev/shm') ? '/dev/shm' : os.tmpdir(), `tsysd-bench-timers-${label}-`));
  const unitDir = path.join(dir, 'units');
  fs.mkdirSync(unitDir);
  for (const [n, body] of Object.entries(units)) fs.writeFileSync(path.join(unitDir, n), body);
  fs.mkdirSync(path.join(dir, 'stamps'));
  const sock = path.join(dir, 'control.sock');
  const t0 = process.hrtime.bigint();
  const proc = spawn('unshare', ['--pid', '--fork', '--mount-proc', '--kill-child=SIGKILL', process.execPath, '--max-semi-space-size=2',
    '--v8-pool-size=1', TSYSD, '--system', '--unit-path', unitDir, '--target', 'bench.target', '--control-socket', sock,
    '--runtime-dir', path.join(dir, 'run'), '--cgroup-name', benchCgroupName(`timers-${label}`), '--no-forward-output'], {
    stdio: ['ignore', 'ignore', 'inherit'], env: { ...process.env, TZ: 'UTC', TSYSD_TIMER_STAMP_DIR: path.join(dir, 'stamps') },
  });
  return {
    proc, dir, sock, t0,
    pid(): number {
      try { return Number(fs.readFileSync(`/proc/${proc.pid}/task/${proc.pid}/children`, 'utf8').trim().split(/\s+/)[0] ?? 0); } catch { return 0; }
    },
  };
}

async function stop(m: Mgr): Promise<void> {
  const p = m.pid();
  if (p > 0) process.kill(p, 'SIGTERM');
  await Promise.race([new Promise((r) => m.proc.once('exit', r)), sleep(60_000)]);
  if (m.proc.exitCode === null) m.proc.kill('SIGKILL');
  fs.rmSync(m.dir, { recursive: true, force: true });
}

function rssMiB(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : NaN;
}
function cpuS(pid: number): number {
  const f = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  const rest = f.slice(f.lastIndexOf(')') + 2).split(' ');
  return (Number(rest[11]) + Number(rest[12])) / 100;   // utime + stime in clock ticks (USER_HZ 100)
}

async function booted(m: Mgr): Promise<number> {
  const ac = new AbortController();
  const t = setTimeout(() => ac.abort(), 300_000);
  const at = await pollRunning(m.sock, ac.signal);
  clearTimeout(t);
  if (at === null) throw new Error('manager did not reach running');
  return Number(at - m.t0) / 1e9;
}

function ctl(m: Mgr, args: string[]): { ms: number; out: string } {
  const t = process.hrtime.bigint();
  const r = spawnSync(process.execPath, [TSYSCTL, '--socket', m.sock, ...args], { encoding: 'utf8', maxBuffer: 1 << 28 });
  return { ms: Number(process.hrtime.bigint() - t) / 1e6, out: r.stdout };
}

const SERVICE = '[Unit]\nDefaultDependencies=no\n[Service]\nType=oneshot\nExecStart=/bin/true\n';

function armUnits(n: number): Record<string, string> {
  const u: Record<string, string> = { 'shared.service': SERVICE };
  const names: string[] = [];
  for (let i = 0; i < n; i++) {
    const name = `t${i}.timer`;
    names.push(name);
    const kind = i % 3;
    const timer = kind === 0 ? `OnCalendar=*-*-* ${String(i % 24).padStart(2, '0')}:${String(i % 60).padStart(2, '0')}:00`
      : kind === 1 ? `OnBootSec=${1 + (i % 50)}h\nOnUnitActiveSec=1d` : 'OnCalendar=weekly\nPersistent=yes\nRandomizedDelaySec=1h';
    u[name] = `[Unit]\nDefaultDependencies=no\n[Timer]\n${timer}\nUnit=shared.service\n`;
  }
  u['bench.target'] = targetWants(names);
  return u;
}

function targetWants(names: string[]): string {
  const t = ['[Unit]', 'DefaultDependencies=no'];
  for (let i = 0; i < names.length; i += 64) t.push(`Wants=${names.slice(i, i + 64).join(' ')}`);
  return t.join('\n') + '\n';
}

const f = (x: number, d = 2): string => (Number.isFinite(x) ? x.toFixed(d) : '-');

async function main(): Promise<void> {
  const nArm = Number(arg('--arm', '10000'));
  const nElapse = Number(arg('--elapse', '1000'));
  const rows: Record<string, string | number>[] = [];
  process.stdout.write(`bench/timers: node ${process.version}, ${os.cpus().length} CPUs, units and state on tmpfs\n`);

  // empty manager, same run
  let m = start({ 'bench.target': '[Unit]\nDefaultDependencies=no\n' }, 'empty');
  try {
    const boot = await booted(m);
    await sleep(500);
    rows.push({ case: 'empty manager', units: 0, bootS: boot, rssMiB: rssMiB(m.pid()), cpuS: cpuS(m.pid()), listMs: ctl(m, ['list-timers', '--all']).ms, note: '' });
  } finally { await stop(m); }

  // 1. arming
  m = start(armUnits(nArm), 'arm');
  try {
    const boot = await booted(m);
    await sleep(500);
    const l = ctl(m, ['list-timers', '--all']);
    const listed = /(\d+) timers listed/.exec(l.out)?.[1] ?? '?';
    rows.push({ case: 'arm', units: nArm, bootS: boot, rssMiB: rssMiB(m.pid()), cpuS: cpuS(m.pid()), listMs: l.ms, note: `${listed} timers listed` });
  } finally { await stop(m); }

  // 2. elapsing in the same second
  const u: Record<string, string> = {};
  const names: string[] = [];
  const at = new Date(Date.now() + 30_000 + Math.max(0, nElapse - 1000) * 20);   // after the boot, whatever N
  const hms = `${String(at.getUTCHours()).padStart(2, '0')}:${String(at.getUTCMinutes()).padStart(2, '0')}:${String(at.getUTCSeconds()).padStart(2, '0')}`;
  for (let i = 0; i < nElapse; i++) {
    names.push(`e${i}.timer`);
    u[`e${i}.timer`] = `[Unit]\nDefaultDependencies=no\n[Timer]\nOnCalendar=*-*-* ${hms}\nAccuracySec=1us\n`;
    u[`e${i}.service`] = `[Unit]\nDefaultDependencies=no\n[Service]\nType=oneshot\nRemainAfterExit=yes\nExecStart=/bin/true\n`;
  }
  u['bench.target'] = targetWants(names);
  m = start(u, 'elapse');
  try {
    const boot = await booted(m);
    const cpuBefore = cpuS(m.pid());
    const target = Math.floor(at.getTime() / 1000) * 1000;
    while (Date.now() < target) await sleep(20);
    let done = 0;
    let doneAt = 0;
    for (let k = 0; k < 3000 && done < nElapse; k++) {
      done = (ctl(m, ['list-units', '--type=service', '--state=active', '--no-legend', 'e*.service']).out.match(/\n/g) ?? []).length;
      doneAt = Date.now();
      if (done < nElapse) await sleep(100);
    }
    rows.push({ case: 'elapse same second', units: nElapse * 2, bootS: boot, rssMiB: rssMiB(m.pid()), cpuS: cpuS(m.pid()) - cpuBefore,
      listMs: NaN, note: `${done}/${nElapse} services ran within ${f((doneAt - target) / 1000)} s of the second` });
  } finally { await stop(m); }

  const head = ['case', 'units', 'boot s', 'RSS MiB', 'CPU s', 'list-timers ms', 'note'];
  const body = rows.map((r) => [String(r.case), String(r.units), f(Number(r.bootS)), f(Number(r.rssMiB), 1), f(Number(r.cpuS)), f(Number(r.listMs), 0), String(r.note)]);
  const all = [head, ...body];
  const w = head.map((_, i) => Math.max(...all.map((row) => (row[i] ?? '').length)));
  process.stdout.write(all.map((row) => row.map((c, i) => c.padEnd(w[i] ?? 0)).join('  ').trimEnd()).join('\n') + '\n');
  process.stdout.write('CPU s: the manager\'s user+system time from exec to the measurement (elapse: only while the timers fired and the services ran)\n');
  if (process.argv.includes('--json')) process.stdout.write(JSON.stringify(rows) + '\n');
}

main().catch((e: unknown) => { process.stderr.write(`bench/timers: ${e instanceof Error ? e.stack ?? e.message : String(e)}\n`); process.exitCode = 1; });
