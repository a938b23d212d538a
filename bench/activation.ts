// Socket-activation benchmark (H9, issue #7), tsysd next to systemd-socket-activate on the same trivial
// service (tests/fixtures/sock-serve.c) in the same run:
//  1. first-connection latency, Accept=no: connect → first byte of the answer from a freshly activated
//     service (tsysd: socket listening, service stopped between rounds; baseline: a fresh
//     `systemd-socket-activate -l ADDR sock-serve`, which execs the service on the first connection);
//  2. Accept=yes: connect → first byte (the instance's greeting) and accepted connections/s, sequential
//     and 8 clients in parallel (tsysd: foo.socket Accept=yes + foo@.service StandardInput=socket;
//     baseline: `systemd-socket-activate --inetd -a -l ADDR sock-serve`).
// Prints figures and ratios; asserts nothing. TriggerLimitIntervalSec=0 on the tsysd socket (the baseline
// has no trigger limit; systemd's default 200/2 s would stop a busy Accept=yes socket).
// Usage: node dist/bench/activation.js [rounds=30] [seconds=4]   (TSYSD_BENCH_JSON=1: also an `@json` line of
// the 1-client rates, for bench/all)
import { spawn, type ChildProcess } from 'node:child_process';
import * as net from 'node:net';
import { type Daemon, hasUnshare, startDaemon, sleep } from '../tests/helpers/daemon';
import { fixture } from '../tests/fixtures/build';
import { freePort } from '../tests/fixtures/sock-helpers';

const SERVE = fixture('sock-serve');
const ROUNDS = Number(process.argv[2] ?? 30);
const SECONDS = Number(process.argv[3] ?? 4);
const RATE_RUNS = 3;   // 1-client rate windows per side, interleaved; the median is printed

/** Connect, send `line` (if any), resolve with ms until the first byte; then finish the exchange and close. */
function firstByte(port: number, line: string | null): Promise<number> {
  return new Promise((resolve, reject) => {
    const t0 = process.hrtime.bigint();
    const s = net.connect({ host: '127.0.0.1', port });
    let first = -1;
    let buf = '';
    const t = setTimeout(() => { s.destroy(); reject(new Error('timeout')); }, 15000);
    s.on('connect', () => { if (line !== null) s.write(line + '\n'); });
    s.on('data', (b: Buffer) => {
      if (first < 0) first = Number(process.hrtime.bigint() - t0) / 1e6;
      buf += b.toString();
      if (line === null && !buf.includes('got=')) s.write('x\n');
    });
    s.on('error', (e) => { clearTimeout(t); reject(e); });
    s.on('close', () => { clearTimeout(t); if (first >= 0) resolve(first); else reject(new Error(`closed without data (${buf})`)); });
  });
}

async function rate(port: number, parallel: number, seconds: number): Promise<number> {
  const end = Date.now() + seconds * 1000;
  let n = 0;
  const t0 = process.hrtime.bigint();
  await Promise.all(Array.from({ length: parallel }, async () => {
    while (Date.now() < end) { await firstByte(port, null); n++; }
  }));
  return n / (Number(process.hrtime.bigint() - t0) / 1e9);
}

function stats(xs: number[]): { med: number; p90: number } {
  const s = [...xs].sort((a, b) => a - b);
  return { med: s[Math.floor(s.length / 2)] ?? NaN, p90: s[Math.floor(s.length * 0.9)] ?? NaN };
}

function ssa(args: string[]): Promise<ChildProcess> {
  const c = spawn('systemd-socket-activate', args, { stdio: ['ignore', 'ignore', 'pipe'] });
  return new Promise((resolve, reject) => {
    let err = '';
    c.stderr.on('data', (b: Buffer) => { err += b.toString(); if (/Listening on/.test(err)) resolve(c); });
    c.on('exit', (code) => reject(new Error(`systemd-socket-activate exited ${code}: ${err}`)));
  });
}

async function stopChild(c: ChildProcess): Promise<void> {
  if (c.exitCode !== null || c.signalCode !== null) return;
  const done = new Promise((r) => c.once('exit', r));
  c.kill('SIGTERM');
  await done;
}

async function waitSub(d: Daemon, unit: string, sub: string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    const r = await d.ctl(['show', '-p', 'SubState', '--value', unit]);
    if (r.stdout.trim() === sub) return;
    await sleep(20);
  }
  throw new Error(`${unit} never reached ${sub}`);
}

async function main(): Promise<void> {
  if (!hasUnshare()) { console.log('activation bench: needs unshare (root); nothing measured'); return; }
  const pNo = await freePort(), pYes = await freePort();
  const d = await startDaemon({
    units: {
      'lazy.socket': `[Socket]\nListenStream=127.0.0.1:${pNo}\n`,
      'lazy.service': `[Unit]\nStartLimitIntervalSec=0\n[Service]\nExecStart=${SERVE}\n`,
      'acc.socket': `[Socket]\nListenStream=127.0.0.1:${pYes}\nAccept=yes\nTriggerLimitIntervalSec=0\n`,
      'acc@.service': `[Service]\nExecStart=${SERVE}\nStandardInput=socket\n`,
    },
  });
  const out: string[] = [];
  try {
    await d.ctl(['start', 'lazy.socket', 'acc.socket']);
    // 1. Accept=no first-connection latency.
    const tNo: number[] = [];
    for (let i = 0; i < ROUNDS; i++) {
      tNo.push(await firstByte(pNo, 'hi'));
      await d.ctl(['stop', 'lazy.service']);
      await waitSub(d, 'lazy.socket', 'listening');
    }
    const bNo: number[] = [];
    for (let i = 0; i < ROUNDS; i++) {
      const port = await freePort();
      const c = await ssa(['-l', `127.0.0.1:${port}`, SERVE]);
      try { bNo.push(await firstByte(port, 'hi')); } finally { await stopChild(c); }
    }
    // 2. Accept=yes; the 1-client rate windows of tsysd and the baseline interleaved (the machine is shared).
    const pB = await freePort();
    const b = await ssa(['--inetd', '-a', '-l', `127.0.0.1:${pB}`, SERVE]);
    const tYes: number[] = [], bYes: number[] = [], tR1: number[] = [], bR1: number[] = [];
    let tRate8 = 0, bRate8 = 0;
    try {
      for (let i = 0; i < ROUNDS; i++) tYes.push(await firstByte(pYes, null));
      for (let i = 0; i < ROUNDS; i++) bYes.push(await firstByte(pB, null));
      for (let i = 0; i < RATE_RUNS; i++) {
        tR1.push(await rate(pYes, 1, SECONDS));
        bR1.push(await rate(pB, 1, SECONDS));
      }
      tRate8 = await rate(pYes, 8, SECONDS);
      bRate8 = await rate(pB, 8, SECONDS);
    } finally { await stopChild(b); }
    const tRate1 = stats(tR1).med, bRate1 = stats(bR1).med;

    const a = stats(tNo), bb = stats(bNo), y = stats(tYes), by = stats(bYes);
    const f = (x: number): string => x.toFixed(2);
    out.push(`socket activation bench (${ROUNDS} rounds, ${SECONDS} s rate windows; tsysd in a PID namespace, same sock-serve service)`);
    out.push(`Accept=no first connection → first byte: tsysd median ${f(a.med)} ms p90 ${f(a.p90)} ms | systemd-socket-activate median ${f(bb.med)} ms p90 ${f(bb.p90)} ms | ratio ${f(a.med / bb.med)}x`);
    out.push(`Accept=yes connect → first byte:         tsysd median ${f(y.med)} ms p90 ${f(y.p90)} ms | systemd-socket-activate median ${f(by.med)} ms p90 ${f(by.p90)} ms | ratio ${f(y.med / by.med)}x`);
    out.push(`Accept=yes connections/s, 1 client (median of ${RATE_RUNS}): tsysd ${tRate1.toFixed(0)}/s | systemd-socket-activate ${bRate1.toFixed(0)}/s | ratio ${f(tRate1 / bRate1)}x`);
    if (process.env.TSYSD_BENCH_JSON) out.push('@json ' + JSON.stringify({ tsysd: tR1, base: bR1 }));
    out.push(`Accept=yes connections/s, 8 clients:     tsysd ${tRate8.toFixed(0)}/s | systemd-socket-activate ${bRate8.toFixed(0)}/s | ratio ${f(tRate8 / bRate8)}x`);
  } finally {
    await d.stop();
  }
  console.log(out.join('\n'));
}

main().catch((e: unknown) => { console.error(e); process.exit(1); });
