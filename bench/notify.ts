// sd_notify benchmark (H11, issue #6): the real tsysd's notify socket next to a raw C datagram receiver
// (tests/fixtures/dgram-sink.c: SO_PASSCRED + recvmsg per datagram, same 8 MiB buffer) in the same run,
// with the same sender binary (tests/fixtures/notify-flood.c), tsysd and baseline runs interleaved:
//  1. throughput: a Type=notify NotifyAccess=all unit whose main process sends READY=1, forks SENDERS
//     children that each send PER "STATUS=<c>-<i>" datagrams (blocking sends: a full queue makes senders
//     wait, so nothing is dropped in the kernel), then "STATUS=done-<pid>" and sd_notify_barrier. The
//     barrier returning proves tsysd has handled every earlier datagram → datagrams/s over t0..barrier.
//     The control API's StatusText is polled too (when a client sees done-<pid>) and checked to be
//     exactly done-<MainPID> afterwards. Same again with the main process alone sending SENDERS*PER
//     datagrams (NotifyAccess=main: pid-table routing, no cgroup lookup). Baseline: the same sender
//     against the sink, whose datagram count is checked.
//  2. READY latency: a Type=notify NotifyAccess=main unit whose main process takes CLOCK_REALTIME just
//     before sending READY=1; the bench, subscribed to unit events over the control API, records when
//     ActiveState=active arrives; ROUNDS x start/stop → median/p90. (The event's own ts is Date.now()
//     in ms, too coarse to use.) Baseline: the same sender against the sink (the sink's receive time, and
//     when its stdout line reaches this process, the closest analogue of "a client sees it").
// All times are CLOCK_REALTIME µs; this process's clock is performance.now() aligned to Date.now() edges.
// Prints figures and ratios; asserts nothing. tsysd runs in a PID namespace (tests/helpers/daemon.ts);
// the sink and baseline senders are children of this process, killed by pid at the end.
// Usage: node dist/bench/notify.js [senders=100] [perSender=200] [rounds=20]   (TSYSD_BENCH_JSON=1: also a
// machine-readable `@json` line of the NotifyAccess=all rates, for bench/all)
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fixture } from '../tests/fixtures/build';
import { type Daemon, hasUnshare, sleep, startDaemon } from '../tests/helpers/daemon';
import { RpcClient } from '../src/rpc/client';
import type { RpcEvent } from '../src/rpc/protocol';

const SENDERS = Number(process.argv[2] ?? 100);
const PER = Number(process.argv[3] ?? 200);
const ROUNDS = Number(process.argv[4] ?? 20);
const TP_RUNS = 3;
const FLOOD = fixture('notify-flood');
const SINK = fixture('dgram-sink');

// ---- clock: performance.now() aligned to CLOCK_REALTIME (Date.now() edges, median of a few) -------------
function calibrate(): number {
  const offs: number[] = [];
  for (let i = 0; i < 9; i++) {
    const d0 = Date.now();
    let d = d0;
    let p = 0;
    while (d === d0) { p = performance.now(); d = Date.now(); }
    offs.push(d * 1000 - p * 1000);
  }
  offs.sort((a, b) => a - b);
  return offs[4] ?? 0;
}
let clockOff = calibrate();
const nowUs = (): number => performance.now() * 1000 + clockOff;

function stats(xs: number[]): { med: number; p90: number } {
  const s = [...xs].sort((a, b) => a - b);
  return { med: s[Math.floor(s.length / 2)] ?? NaN, p90: s[Math.floor(s.length * 0.9)] ?? NaN };
}

function parseKv(text: string): Record<string, string> {
  const o: Record<string, string> = {};
  for (const w of text.trim().split(/\s+/)) { const i = w.indexOf('='); if (i > 0) o[w.slice(0, i)] = w.slice(i + 1); }
  return o;
}

async function waitFile(p: string, timeoutMs = 30000): Promise<Record<string, string>> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    try { return parseKv(fs.readFileSync(p, 'utf8')); } catch { await sleep(2); }
  }
  throw new Error(`${p} never appeared`);
}

// ---- the C sink -------------------------------------------------------------------------------------------
interface SinkLine { kind: string; kv: Record<string, string>; seenUs: number }
class Sink {
  private waiters: Array<(l: SinkLine) => void> = [];
  private buf = '';
  private constructor(readonly proc: ChildProcess) {
    proc.stdout?.on('data', (b: Buffer) => {
      const seen = nowUs();
      this.buf += b.toString();
      let nl: number;
      while ((nl = this.buf.indexOf('\n')) >= 0) {
        const line = this.buf.slice(0, nl);
        this.buf = this.buf.slice(nl + 1);
        const kind = line.split(' ')[0] ?? '';
        const l = { kind, kv: parseKv(line.slice(kind.length)), seenUs: seen };
        for (const w of this.waiters.splice(0)) w(l);
      }
    });
  }
  static start(sockPath: string): Promise<Sink> {
    const c = spawn(SINK, [sockPath], { stdio: ['ignore', 'pipe', 'inherit'] });
    const s = new Sink(c);
    return new Promise((resolve, reject) => {
      s.waiters.push((l) => (l.kind === 'listening' ? resolve(s) : reject(new Error('sink: ' + l.kind))));
      c.once('exit', (code) => reject(new Error(`dgram-sink exited ${code}`)));
    });
  }
  next(kind: string, timeoutMs = 30000): Promise<SinkLine> {
    return new Promise((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`sink: no '${kind}' line`)), timeoutMs);
      const w = (l: SinkLine): void => {
        if (l.kind === kind) { clearTimeout(t); resolve(l); } else this.waiters.push(w);
      };
      this.waiters.push(w);
    });
  }
  async stop(): Promise<void> { await killChild(this.proc); }
}

async function killChild(c: ChildProcess): Promise<void> {
  if (c.exitCode !== null || c.signalCode !== null || !c.pid) return;
  const done = new Promise((r) => c.once('exit', r));
  process.kill(c.pid, 'SIGTERM');
  await done;
}

function runSender(args: string[], notifySocket: string): ChildProcess {
  return spawn(FLOOD, args, { stdio: ['ignore', 'ignore', 'inherit'], env: { ...process.env, NOTIFY_SOCKET: notifySocket } });
}

// ---- tsysd ------------------------------------------------------------------------------------------------
interface Tp { rate: number; sendRate: number; apiRate: number; ms: number }

async function tsysdThroughput(rpc: RpcClient, unit: string, out: string): Promise<Tp> {
  fs.rmSync(out, { force: true });
  await rpc.call('start', { unit, wait: true });   // returns once READY=1 was handled
  // Poll StatusText through the control API until it shows done-<pid>.
  let apiSeen = 0;
  const pollEnd = Date.now() + 60000;
  while (Date.now() < pollEnd) {
    const r = await rpc.call('show', { unit, properties: ['StatusText'] });
    const st = r.properties.find(([k]) => k === 'StatusText')?.[1] ?? '';
    if (st.startsWith('done-')) { apiSeen = nowUs(); break; }
    await sleep(5);
  }
  const f = await waitFile(out);
  const r = await rpc.call('show', { unit, properties: ['StatusText', 'MainPID'] });
  const props = new Map(r.properties);
  if (props.get('StatusText') !== f['tag'] || `done-${props.get('MainPID') ?? ''}` !== f['tag']) {
    throw new Error(`tsysd StatusText=${props.get('StatusText')} MainPID=${props.get('MainPID')}, sender says ${f['tag']}`);
  }
  await rpc.call('stop', { unit, wait: true });
  return toTp(f, apiSeen);
}

function toTp(f: Record<string, string>, seenUs: number): Tp {
  const t0 = Number(f['t0']), sent = Number(f['sent']), bar = Number(f['barrier']), n = Number(f['n']);
  return { rate: n / ((bar - t0) / 1e6), sendRate: n / ((sent - t0) / 1e6), apiRate: seenUs > 0 ? n / ((seenUs - t0) / 1e6) : NaN, ms: (bar - t0) / 1000 };
}

interface Lat { procUs: number; seenUs: number }

async function tsysdReady(rpc: RpcClient, out: string): Promise<Lat> {
  fs.rmSync(out, { force: true });
  let resolveActive: (v: { ts: number; seen: number }) => void = () => {};
  const active = new Promise<{ ts: number; seen: number }>((r) => { resolveActive = r; });
  current = (e) => {
    if (e.type === 'unit' && e.unit === 'ready.service' && e.activeState === 'active') resolveActive({ ts: e.ts, seen: nowUs() });
  };
  await rpc.call('start', { unit: 'ready.service' });
  const a = await Promise.race([active, sleep(30000).then(() => { throw new Error('ready.service never became active'); })]);
  current = null;
  const f = await waitFile(out);
  const sent = Number(f['sent']);
  await rpc.call('stop', { unit: 'ready.service', wait: true });
  return { procUs: a.ts - sent, seenUs: a.seen - sent };
}
let current: ((e: RpcEvent) => void) | null = null;

// ---- baseline ---------------------------------------------------------------------------------------------
async function sinkThroughput(sink: Sink, sock: string, k: number, m: number, out: string): Promise<Tp> {
  fs.rmSync(out, { force: true });
  const ready = sink.next('ready', 60000);
  const done = sink.next('done', 60000);
  const c = runSender(['flood', String(k), String(m), out, 'exit'], sock);
  const exited = new Promise<number | null>((r) => c.once('exit', (code) => r(code)));
  const r = await ready;
  const l = await done;
  const code = await exited;
  if (code !== 0) throw new Error(`notify-flood exited ${code}`);
  const f = await waitFile(out);
  // The sink counts every datagram: READY=1 (counted in r.n) + the flood + done must all have arrived.
  const got = Number(l.kv['n']) - Number(r.kv['n']);
  if (got !== Number(f['n']) + 1) throw new Error(`sink counted ${got - 1} flood datagrams, expected ${f['n']}`);
  return toTp(f, l.seenUs);
}

async function sinkReady(sink: Sink, sock: string, out: string): Promise<Lat> {
  fs.rmSync(out, { force: true });
  const ready = sink.next('ready');
  const c = runSender(['ready', out], sock);
  try {
    const l = await ready;
    const f = await waitFile(out);
    const sent = Number(f['sent']);
    return { procUs: Number(l.kv['at']) - sent, seenUs: l.seenUs - sent };
  } finally { await killChild(c); }
}

// ---- main -------------------------------------------------------------------------------------------------
async function main(): Promise<void> {
  if (!hasUnshare()) { console.log('notify bench: needs unshare (root); nothing measured'); return; }
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tsysd-bench-notify-'));
  fs.chmodSync(tmp, 0o755);
  const out = (n: string): string => path.join(tmp, n);
  const sinkSock = out('sink.sock');
  const N = SENDERS * PER;
  const lines: string[] = [];
  let sink: Sink | null = null;
  let d: Daemon | null = null;
  try {
    d = await startDaemon({
      units: {
        'flood.service': `[Unit]\nStartLimitIntervalSec=0\n[Service]\nType=notify\nNotifyAccess=all\nTasksMax=infinity\n`
          + `ExecStart=${FLOOD} flood ${SENDERS} ${PER} ${out('flood.out')}\n`,
        'solo.service': `[Unit]\nStartLimitIntervalSec=0\n[Service]\nType=notify\nNotifyAccess=main\n`
          + `ExecStart=${FLOOD} flood 0 ${N} ${out('solo.out')}\n`,
        'ready.service': `[Unit]\nStartLimitIntervalSec=0\n[Service]\nType=notify\nNotifyAccess=main\nExecStart=${FLOOD} ready ${out('ready.out')}\n`,
      },
    });
    sink = await Sink.start(sinkSock);
    const rpc = await RpcClient.connect(d.sock);
    rpc.onEvent((e) => { if (current) current(e); });
    await rpc.call('subscribe', { events: ['unit'], units: ['ready.service'] });
    clockOff = calibrate();

    // Throughput, tsysd and baseline interleaved run by run (the machine is shared; drift hits both).
    const tTp: Tp[] = [], bTp: Tp[] = [], tSolo: Tp[] = [], bSolo: Tp[] = [];
    await tsysdThroughput(rpc, 'solo.service', out('solo.out'));            // warm-up (JIT)
    await sinkThroughput(sink, sinkSock, 0, N, out('b.out'));
    for (let i = 0; i < TP_RUNS; i++) {
      tTp.push(await tsysdThroughput(rpc, 'flood.service', out('flood.out')));
      bTp.push(await sinkThroughput(sink, sinkSock, SENDERS, PER, out('b.out')));
      tSolo.push(await tsysdThroughput(rpc, 'solo.service', out('solo.out')));
      bSolo.push(await sinkThroughput(sink, sinkSock, 0, N, out('b.out')));
    }
    // READY latency, interleaved likewise.
    const tLat: Lat[] = [], bLat: Lat[] = [];
    await tsysdReady(rpc, out('ready.out'));                                 // warm-up
    for (let i = 0; i < ROUNDS; i++) {
      tLat.push(await tsysdReady(rpc, out('ready.out')));
      bLat.push(await sinkReady(sink, sinkSock, out('r.out')));
    }
    rpc.close();

    const med = (xs: Tp[], f: (t: Tp) => number): number => stats(xs.map(f)).med;
    const k = (x: number): string => `${(x / 1000).toFixed(1)}k/s`;
    const ms = (x: number): string => `${(x / 1000).toFixed(2)} ms`;
    const tpLine = (label: string, t: Tp[], b: Tp[]): void => {
      const tr = med(t, (x) => x.rate), br = med(b, (x) => x.rate);
      const ta = med(t, (x) => x.apiRate), ba = med(b, (x) => x.apiRate);
      lines.push(`${label}tsysd ${k(tr)} (${med(t, (x) => x.ms).toFixed(0)} ms; a client sees StatusText=done at ${k(ta)}) | `
        + `C sink ${k(br)} (${med(b, (x) => x.ms).toFixed(0)} ms; stdout line at ${k(ba)}) | ratio ${(tr / br).toFixed(3)}x`);
    };
    lines.push(`sd_notify bench (${N} datagrams per run, median of ${TP_RUNS} runs; READY latency over ${ROUNDS} rounds; `
      + `tsysd in a PID namespace; net.unix.max_dgram_qlen=${readQlen()}; each datagram handled = barrier returned)`);
    tpLine(`throughput, ${SENDERS} senders x ${PER} (NotifyAccess=all): `, tTp, bTp);
    // bench/all reads this line (TSYSD_BENCH_JSON=1): every run's rates, interleaved pairs in order
    if (process.env.TSYSD_BENCH_JSON) lines.push('@json ' + JSON.stringify({ tsysd: tTp.map((x) => x.rate), base: bTp.map((x) => x.rate) }));
    tpLine(`throughput, main pid alone (NotifyAccess=main):  `, tSolo, bSolo);
    const tl = stats(tLat.map((l) => l.seenUs)), bh = stats(bLat.map((l) => l.procUs)), bs = stats(bLat.map((l) => l.seenUs));
    lines.push(`READY=1 send → ActiveState=active event at a control-API client: tsysd median ${ms(tl.med)} p90 ${ms(tl.p90)}`);
    lines.push(`READY=1 send → C sink recvmsg returned:            median ${ms(bh.med)} p90 ${ms(bh.p90)} | ratio tsysd/sink ${(tl.med / bh.med).toFixed(1)}x`);
    lines.push(`READY=1 send → C sink's stdout line at this process: median ${ms(bs.med)} p90 ${ms(bs.p90)} | ratio tsysd/that ${(tl.med / bs.med).toFixed(1)}x`);
  } finally {
    if (sink) await sink.stop();
    if (d) await d.stop();
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  console.log(lines.join('\n'));
}

function readQlen(): string {
  try { return fs.readFileSync('/proc/sys/net/unix/max_dgram_qlen', 'utf8').trim(); } catch { return '?'; }
}

main().catch((e: unknown) => { console.error(e); process.exit(1); });
