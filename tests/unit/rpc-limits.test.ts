// The control server under hostile or heavy load, on a real unix socket: 1,000 concurrent clients, a
// client that never reads, a client that disconnects mid-request, connection cap; memory stays bounded.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as net from 'node:net';
import { RpcClient } from '../../src/rpc/client';
import { harness, LineClient, req } from './rpc-helpers';
import { unit, FakeManager } from './rpc-fake-manager';

function gc(): void { const g = (globalThis as { gc?: () => void }).gc; if (g) g(); }

test('1,000 concurrent clients are all served', async () => {
  const h = await harness();
  try {
    const clients = await Promise.all(Array.from({ length: 1000 }, () => RpcClient.connect(h.sock)));
    const rs = await Promise.all(clients.map((c) => c.call('status', { unit: 'a.service' })));
    assert.equal(h.server.connectionCount, 1000);
    assert.equal(rs.length, 1000);
    assert.ok(rs.every((r) => r.activeState === 'active' && r.mainPid === 100));
    for (const c of clients) c.close();
    const end = Date.now() + 5000;
    while (h.server.connectionCount > 0 && Date.now() < end) await new Promise((r) => setTimeout(r, 20));
    assert.equal(h.server.connectionCount, 0);
  } finally { await h.close(); }
});

test('connection count cap: extra connections are closed at once, existing ones keep working', async () => {
  // An unprivileged peer: root may use the privileged reserve beyond maxConnections (tests/unit/rpc-caps).
  const h = await harness({ peerCred: () => ({ uid: 1000, gid: 1000, pid: 1 }), limits: { maxConnections: 5 } });
  try {
    const ok = await Promise.all(Array.from({ length: 5 }, () => RpcClient.connect(h.sock)));
    const extra = await LineClient.connect(h.sock);
    assert.ok(await extra.waitClosed(3000));
    for (const c of ok) assert.deepEqual(await c.call('get-default', {}), { unit: 'multi-user.target' });
    for (const c of ok) c.close();
  } finally { await h.close(); }
});

test('a client that never reads its responses is dropped; others are served; RSS growth bounded', async () => {
  const big = 'x'.repeat(8192);
  const mgr = new FakeManager([unit('a.service', { activeState: 'active', description: big })]);
  const h = await harness({ mgr, limits: { maxOutputBufferBytes: 1 << 20 } });
  try {
    gc();
    const rss0 = process.memoryUsage().rss;
    const hog = net.connect(h.sock);
    await new Promise<void>((r) => hog.once('connect', () => r()));
    hog.pause();                             // never read
    let closed = false;
    hog.on('close', () => { closed = true; });
    hog.on('error', () => { /* dropped */ });
    const line = req(1, 'status', { unit: 'a.service' });
    // keep sending for up to 10 s: ~8 KiB responses each, far more than the 1 MiB output bound
    const other = await RpcClient.connect(h.sock);
    const end = Date.now() + 10000;
    let sent = 0;
    while (!closed && Date.now() < end) {
      for (let i = 0; i < 200 && !closed; i++) { hog.write(line); sent++; }
      await new Promise((r) => setTimeout(r, 5));
      // the well-behaved client is served meanwhile
      assert.equal((await other.call('unit-states', { units: ['a.service'] }))[0]?.activeState, 'active');
    }
    assert.ok(closed, `hog was not dropped after ${sent} requests`);
    gc();
    const growth = process.memoryUsage().rss - rss0;
    assert.ok(growth < 64 * 1024 * 1024, `RSS grew by ${growth} bytes`);
    assert.equal((await other.call('status', { unit: 'a.service' })).description.length, 8192);
    other.close();
  } finally { await h.close(); }
});

test('clients that disconnect mid-request (plain and wait:true) do not disturb the server', async () => {
  const mgr = new FakeManager([unit('slow.service', { jobDelayMs: 100 }), unit('a.service', { activeState: 'active' })]);
  mgr.delayMs = 20;
  const h = await harness({ mgr });
  try {
    gc();
    const rss0 = process.memoryUsage().rss;
    for (let round = 0; round < 20; round++) {
      const cs = await Promise.all(Array.from({ length: 25 }, () => LineClient.connect(h.sock)));
      cs.forEach((c, i) => {
        c.send(i % 2 ? req(1, 'status', { unit: 'a.service' }) : req(1, 'start', { unit: 'slow.service', wait: true }));
        c.send('{"jsonrpc":"2.0","id":2,"method":"sta');   // half a request
      });
      await new Promise((r) => setTimeout(r, 5));
      for (const c of cs) c.close();
    }
    const end = Date.now() + 5000;
    while (h.server.connectionCount > 0 && Date.now() < end) await new Promise((r) => setTimeout(r, 20));
    assert.equal(h.server.connectionCount, 0);
    await new Promise((r) => setTimeout(r, 250));  // let the slow jobs finish: their waiters must be gone
    const c = await RpcClient.connect(h.sock);
    assert.equal((await c.call('start', { unit: 'slow.service', wait: true })).result, 'done');
    c.close();
    gc();
    assert.ok(process.memoryUsage().rss - rss0 < 64 * 1024 * 1024);
  } finally { await h.close(); }
});

test('pipelined requests beyond the in-flight bound are queued, not refused', async () => {
  const mgr = new FakeManager([unit('a.service', { activeState: 'active' })]);
  mgr.delayMs = 2;
  const h = await harness({ mgr, limits: { maxInFlightPerConnection: 4 } });
  try {
    const c = await RpcClient.connect(h.sock);
    let maxConcurrent = 0;
    let cur = 0;
    const orig = mgr.unitStates.bind(mgr);
    mgr.unitStates = async (p, caller) => { cur++; maxConcurrent = Math.max(maxConcurrent, cur); try { return await orig(p, caller); } finally { cur--; } };
    const rs = await Promise.all(Array.from({ length: 100 }, () => c.call('unit-states', { units: ['a.service'] })));
    assert.equal(rs.length, 100);
    assert.ok(maxConcurrent <= 4, `max concurrent ${maxConcurrent}`);
    c.close();
  } finally { await h.close(); }
});

test('total unprocessed input over all connections is bounded; a single reply larger than the output bound is delivered', async () => {
  const big = 'y'.repeat(300 * 1024);
  const mgr = new FakeManager([unit('a.service', { activeState: 'active', description: big })]);
  const h = await harness({ mgr, limits: { maxRequestBytes: 200 * 1024, maxTotalInputBytes: 256 * 1024, maxOutputBufferBytes: 64 * 1024 } });
  try {
    const cs = await Promise.all([0, 1, 2].map(() => LineClient.connect(h.sock)));
    const partial = '{"jsonrpc":"2.0","id":1,"method":"show","params":{"unit":"' + 'x'.repeat(150 * 1024);
    for (const c of cs) { c.send(partial); await new Promise((r) => setTimeout(r, 50)); }
    const closed = await Promise.all(cs.map((c) => c.waitClosed(1000)));
    assert.ok(closed.filter(Boolean).length >= 1, 'at least one connection over the global budget was closed');
    assert.ok(closed.filter((x) => !x).length >= 1, 'connections within the budget stay open');
    for (const c of cs) c.close();
    const ok = await RpcClient.connect(h.sock);
    assert.equal((await ok.call('status', { unit: 'a.service' })).description.length, big.length);
    ok.close();
  } finally { await h.close(); }
});

test('a subscriber that never reads its events is dropped; a reading subscriber keeps receiving', async () => {
  const h = await harness({ limits: { maxOutputBufferBytes: 256 * 1024 } });
  try {
    const slow = await LineClient.connect(h.sock);
    slow.send(req(1, 'subscribe', { events: ['log'] }));
    await slow.waitLines(1);
    slow.sock.pause();
    const fast = await RpcClient.connect(h.sock);
    let got = 0;
    fast.onEvent(() => { got++; });
    await fast.call('subscribe', { events: ['log'] });
    const msg = 'z'.repeat(1024);
    let seq = 0;
    const end = Date.now() + 10000;
    // (the paused client cannot see the close itself: EOF waits behind its unread data; watch the server)
    while (h.server.connectionCount > 1 && Date.now() < end) {
      for (let i = 0; i < 100; i++) h.mgr.emit({ type: 'log', line: { seq: ++seq, ts: 0, unit: 'a.service', pid: 1, ident: 'x', stream: 'stdout', priority: 6, message: msg } });
      await new Promise((r) => setTimeout(r, 2));
    }
    assert.equal(h.server.connectionCount, 1, `slow subscriber not dropped after ${seq} events`);
    assert.ok(seq * 1024 < 4 * 256 * 1024, `dropped only after ${seq} events`);
    slow.close();
    await new Promise((r) => setTimeout(r, 100));
    assert.ok(got > 0 && got <= seq);
    const before = got;
    h.mgr.emit({ type: 'log', line: { seq: ++seq, ts: 0, unit: 'a.service', pid: 1, ident: 'x', stream: 'stdout', priority: 6, message: 'last' } });
    const until = Date.now() + 3000;
    while (got === before && Date.now() < until) await new Promise((r) => setTimeout(r, 10));
    assert.equal(got, before + 1);
    fast.close();
  } finally { await h.close(); }
});
