// Control-socket caps (issue 12 findings 3 and 4), on a real unix socket with injected peer credentials:
// a per-uid share of connections and a reserve only root may use (an unprivileged user holding many idle
// connections locked root out: one global cap of 1,024), the idle timeout, and the reply bound (a batch
// of 256 list-units built one ~38 MB reply; six unread batches cost +215 MiB).
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as net from 'node:net';
import { RpcClient } from '../../src/rpc/client';
import { ConnectionAdmission } from '../../src/rpc/conn-limits';
import { LIMITS } from '../../src/rpc/protocol';
import { harness, LineClient, req } from './rpc-helpers';
import { FakeManager, unit } from './rpc-fake-manager';

function gc(): void { const g = (globalThis as { gc?: () => void }).gc; if (g) g(); }
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

test('admission: per-uid share, global cap for unprivileged peers, a reserve only privileged peers use', () => {
  const a = new ConnectionAdmission({ maxConnections: 10, maxConnectionsPerUid: 4, privilegedReserve: 3 });
  assert.deepEqual([1, 2, 3, 4, 5].map(() => a.admit(1000, false)), [true, true, true, true, false]);
  for (let i = 0; i < 4; i++) assert.ok(a.admit(1001, false));
  assert.ok(a.admit(1002, false) && a.admit(1002, false));
  assert.equal(a.admit(1003, false), false, 'unprivileged total reached');
  assert.deepEqual([0, 0, 0, 0, 0].map(() => a.admit(0, true)), [true, true, true, false, false].map((x, i) => i < 3 ? x : false));
  a.release(1000, false);
  assert.ok(a.admit(1003, false));
  a.release(0, true);
  assert.ok(a.admit(0, true));
  assert.equal(a.total, 13);
  // The defaults: root always has room beyond what all users together may hold.
  assert.ok(LIMITS.privilegedReserve > 0 && LIMITS.maxConnectionsPerUid < LIMITS.maxConnections);
});

/** Open a connection as `uid` (the injected credential source reads `who.uid` at accept time). */
async function connectAs(sock: string, who: { uid: number }, uid: number): Promise<LineClient> {
  who.uid = uid;
  const c = await LineClient.connect(sock);
  await sleep(5);   // let the server accept it (and read the credential) before the next one
  return c;
}

test('one user holding its share of idle connections cannot lock out root or other users', async () => {
  const who = { uid: 0 };
  const h = await harness({ peerCred: () => ({ uid: who.uid, gid: who.uid, pid: 4242 }), limits: { maxConnections: 30, maxConnectionsPerUid: 10, privilegedReserve: 5 } });
  const all: LineClient[] = [];
  try {
    for (let i = 0; i < 25; i++) all.push(await connectAs(h.sock, who, 65534));
    await sleep(100);
    assert.equal(all.filter((c) => c.closed).length, 15, 'connections beyond the per-uid share are closed');
    // Another user still gets in; so does root, also once the unprivileged total is full.
    for (let i = 0; i < 20; i++) all.push(await connectAs(h.sock, who, 1000 + (i % 2)));
    await sleep(100);
    const root = await connectAs(h.sock, who, 0);
    all.push(root);
    root.send(req(1, 'is-system-running'));
    const lines = await root.waitLines(1, 3000);
    assert.deepEqual((lines[0] as { result: unknown }).result, { state: 'running' });
    assert.equal(root.closed, false);
  } finally {
    for (const c of all) c.close();
    await h.close();
  }
});

test('idle connections are closed after idleTimeoutMs; subscribers and job waiters are not', async () => {
  const mgr = new FakeManager([unit('slow.service', { jobDelayMs: 1500 })]);
  const h = await harness({ mgr, limits: { idleTimeoutMs: 300 } });
  try {
    const idle = await LineClient.connect(h.sock);
    const sub = await LineClient.connect(h.sock);
    sub.send(req(1, 'subscribe', { events: ['unit'] }));
    await sub.waitLines(1);
    const waiter = await RpcClient.connect(h.sock);
    const job = waiter.call('start', { unit: 'slow.service', wait: true });
    assert.ok(await idle.waitClosed(5000), 'idle connection closed');
    assert.equal(sub.closed, false, 'a subscriber stays');
    assert.equal((await job).result, 'done', 'a job waiter stays until its job finished');
    sub.close();
    waiter.close();
  } finally { await h.close(); }
});

test('a 256-request batch of list-units gets a bounded reply; unread batches do not pile up memory', async () => {
  const desc = 'd'.repeat(1500);
  const units = Array.from({ length: 100 }, (_, i) => unit(`u${i}.service`, { activeState: 'active', description: desc }));   // ~150 KiB per list-units
  const h = await harness({ mgr: new FakeManager(units), limits: { maxReplyBytes: 4 << 20 } });
  try {
    const batch = JSON.stringify(Array.from({ length: 256 }, (_, i) => ({ jsonrpc: '2.0', id: i, method: 'list-units', params: { all: true } }))) + '\n';
    // One batch, read: each element either the whole list or OVERLOADED, the line bounded.
    const c = net.connect(h.sock);
    await new Promise<void>((r) => c.once('connect', () => r()));
    let text = '';
    c.setEncoding('utf8');
    const line = new Promise<string>((resolve) => c.on('data', (d: string) => { text += d; const nl = text.indexOf('\n'); if (nl >= 0) resolve(text.slice(0, nl)); }));
    c.write(batch);
    const reply = await line;
    c.destroy();
    assert.ok(reply.length < (4 << 20) + 64 * 1024, `reply of ${reply.length} bytes`);
    const items = JSON.parse(reply) as Array<{ id: number; result?: unknown[]; error?: { code: number; message: string } }>;
    assert.equal(items.length, 256);
    const ok = items.filter((x) => Array.isArray(x.result));
    const over = items.filter((x) => x.error?.code === 17);
    assert.ok(ok.length >= 1 && over.length >= 1 && ok.length + over.length === 256, `${ok.length} results, ${over.length} refused`);
    assert.match(over[0]?.error?.message ?? '', /Reply too large/);
    // Six unread batches on one connection: bounded growth, and the connection is dropped.
    gc();
    const rss0 = process.memoryUsage().rss;
    const hog = net.connect(h.sock);
    await new Promise<void>((r) => hog.once('connect', () => r()));
    hog.pause();
    hog.on('error', () => { /* dropped */ });
    for (let i = 0; i < 6; i++) hog.write(batch);
    const other = await RpcClient.connect(h.sock);
    for (let i = 0; i < 20; i++) { assert.equal((await other.call('list-units', { all: true })).length, 100); await sleep(20); }
    gc();
    const growth = process.memoryUsage().rss - rss0;
    assert.ok(growth < 96 * 1024 * 1024, `RSS grew by ${Math.round(growth / 1048576)} MiB`);
    hog.destroy();
    other.close();
  } finally { await h.close(); }
});
