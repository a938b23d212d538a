// Fuzz of the control API's framing and dispatch (issue 12, permanent fuzzing): random and mutated request
// lines — broken JSON, wrong types, huge numbers, deep nesting, unicode, NULs, batches of anything, lines
// split at random points — sent to a real ControlServer (over a FakeManager) on a unix socket. For every
// connection: the server either answers the sentinel request that follows the garbage, or closes the
// connection (an over-long line); it never throws, and a fresh client is served afterwards. The dispatcher
// is also driven directly: `done` is called exactly once per call. Fixed seed and count (tests/helpers/fuzz.ts);
// TSYSD_FUZZ_SECONDS for longer, TSYSD_FUZZ_SEED to replay.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as net from 'node:net';
import { RpcClient } from '../../src/rpc/client';
import { RpcDispatcher } from '../../src/rpc/dispatch';
import { METHODS } from '../../src/rpc/protocol';
import { fuzz, type Fuzz } from '../helpers/fuzz';
import { harness } from './rpc-helpers';

const NAMES = Object.keys(METHODS);
const ATOMS: unknown[] = [null, true, false, 0, -1, 1e308, -0, 2 ** 53 + 1, '', 'a.service', '../../etc/passwd', 'x'.repeat(5000), '\u0000',
  '\ud800', '😀', [], {}, [[[[]]]], { unit: 'a.service' }, { units: ['a.service', 7] }, { __proto__: { x: 1 } }, { constructor: 'x' }];

function randomValue(f: Fuzz, depth = 0): unknown {
  const k = f.int(depth > 3 ? 3 : 6);
  if (k === 0) return f.pick(ATOMS);
  if (k === 1) return f.int(1000) - 500;
  if (k === 2) return f.pick(['start', 'status', 'a.service', 'wait', 'mode', 'replace', 'jsonrpc', '2.0']);
  if (k === 3) return Array.from({ length: f.int(4) }, () => randomValue(f, depth + 1));
  const o: Record<string, unknown> = {};
  for (let n = f.int(4); n > 0; n--) o[f.pick(['unit', 'units', 'mode', 'wait', 'lines', 'all', 'patterns', 'signal', 'whom', 'job', 'events', 'x'])] = randomValue(f, depth + 1);
  return o;
}

function randomRequest(f: Fuzz): unknown {
  const r: Record<string, unknown> = {};
  if (f.int(8)) r.jsonrpc = f.int(10) ? '2.0' : randomValue(f);
  if (f.int(8)) r.method = f.int(6) ? f.pick(NAMES) : randomValue(f);
  if (f.int(3)) r.params = f.int(4) ? randomValue(f) : { unit: 'a.service' };
  if (f.int(4)) r.id = f.int(5) ? f.int(1e6) : randomValue(f);
  return r;
}

function randomLine(f: Fuzz): string {
  const mode = f.int(6);
  if (mode === 0) return Array.from({ length: f.int(300) }, () => String.fromCharCode(f.int(0x3000))).join('').replace(/\n/g, ' ');
  if (mode === 1) return JSON.stringify(Array.from({ length: f.int(40) }, () => randomRequest(f)));
  let s = JSON.stringify(randomRequest(f));
  if (mode === 2) {   // mutate the JSON text
    const c = [...s];
    for (let k = 1 + f.int(4); k > 0; k--) {
      const at = f.int(c.length + 1);
      const op = f.int(3);
      if (op === 0) c.splice(at, 1);
      else if (op === 1) c.splice(at, 0, f.pick(['{', '}', '[', ']', '"', ',', ':', '\\', '\u0000', '\r', ' ']));
      else c.splice(at, 0, ...c.slice(0, f.int(c.length)));
    }
    s = c.join('').replace(/\n/g, ' ');
  }
  if (mode === 3) s = '['.repeat(f.int(3000)) + ']'.repeat(f.int(3000));
  return s;
}

test('fuzz: the dispatcher calls done exactly once for any input', async () => {
  const f = fuzz('rpc-dispatch', 5000);
  const methods = new Map<string, (p: unknown) => Promise<unknown>>(NAMES.map((n) => [n, async (p: unknown) => {
    if (p && typeof p === 'object' && 'x' in p) throw new Error('handler failure');
    return { ok: true };
  }]));
  const d = new RpcDispatcher<null>(methods, 64);
  while (f.more()) {
    const input = f.int(2) ? randomLine(f) : randomValue(f);
    let calls = 0;
    let timer: NodeJS.Timeout | undefined;
    await new Promise<void>((resolve) => {
      timer = setTimeout(resolve, 30000);   // done never called: the assertion below reports it
      f.check(input, () => d.call(input, null, () => { calls++; resolve(); }));
    });
    clearTimeout(timer);
    await new Promise((r) => setImmediate(r));
    f.check(input, () => assert.equal(calls, 1, 'done calls'));
  }
});

test('fuzz: random and mutated request lines over a real socket; the server answers or closes, and keeps serving', async () => {
  const f = fuzz('rpc-framing', 1000);
  const h = await harness({ limits: { maxRequestBytes: 64 * 1024 } });
  try {
    while (f.more()) {
      const lines = Array.from({ length: 1 + f.int(20) }, () => randomLine(f));
      const sentinel = 900000 + f.int(1000);
      const text = lines.join('\n') + `\n{"jsonrpc":"2.0","id":${sentinel},"method":"is-system-running"}\n`;
      const sock = net.connect(h.sock);
      await new Promise<void>((r) => sock.once('connect', () => r()));
      let got = '';
      const outcome = new Promise<'answered' | 'closed'>((resolve) => {
        sock.setEncoding('utf8');
        sock.on('data', (d: string) => { got += d; if (got.includes(`"id":${sentinel}`)) resolve('answered'); });
        sock.on('close', () => resolve(got.includes(`"id":${sentinel}`) ? 'answered' : 'closed'));
        sock.on('error', () => { /* close follows */ });
      });
      // Random chunking: the framing must not depend on where writes split.
      for (let i = 0; i < text.length;) { const n = 1 + f.int(4096); sock.write(text.slice(i, i + n)); i += n; }
      let timer: NodeJS.Timeout | undefined;
      const o = await Promise.race([outcome, new Promise<'timeout'>((r) => { timer = setTimeout(() => r('timeout'), 30000); })]);
      clearTimeout(timer);
      sock.destroy();
      f.check({ lines }, () => {
        assert.notEqual(o, 'timeout', 'neither answered nor closed');
        if (o === 'closed') assert.ok(Buffer.byteLength(text) > 64 * 1024 || /exceeds/.test(got), 'closed without an over-long line');
        for (const l of got.split('\n').filter(Boolean)) JSON.parse(l);   // every response line is JSON
      });
    }
    const c = await RpcClient.connect(h.sock);
    assert.deepEqual(await c.call('is-system-running', {}), { state: 'running' });
    c.close();
  } finally { await h.close(); }
});
