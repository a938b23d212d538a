// The control server's protocol behaviour on a real unix socket with a fake manager: framing, JSON-RPC
// errors, param validation, batches, wait:true, subscriptions, authorisation decisions.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { RpcClient, RpcCallError } from '../../src/rpc/client';
import { ErrorCode, type RpcEvent } from '../../src/rpc/protocol';
import { harness, LineClient, req } from './rpc-helpers';

type Resp = { jsonrpc: string; id: unknown; result?: unknown; error?: { code: number; message: string; data?: Record<string, unknown> } };

test('malformed JSON gets -32700 and the connection keeps working', async () => {
  const h = await harness();
  try {
    const c = await LineClient.connect(h.sock);
    c.send('{"jsonrpc":"2.0", "id": 1, "method": \n');
    c.send(req(2, 'is-system-running'));
    const lines = await c.waitLines(2) as Resp[];
    const err = lines.find((l) => l.error);
    assert.equal(err?.error?.code, ErrorCode.PARSE_ERROR);
    assert.equal(err?.id, null);
    const ok = lines.find((l) => l.id === 2);
    assert.deepEqual(ok?.result, { state: 'running' });
    c.close();
  } finally { await h.close(); }
});

test('unknown method, invalid request, wrong param types', async () => {
  const h = await harness();
  try {
    const c = await LineClient.connect(h.sock);
    c.send(req(1, 'no-such-method'));
    c.send(JSON.stringify({ jsonrpc: '2.0', id: 2, method: 42 }) + '\n');
    c.send(req(3, 'start', { unit: 7 }));
    c.send(req(4, 'start', {}));
    c.send(req(5, 'status', ['a.service']));
    c.send(req(6, 'kill', { unit: 'a.service', whom: 'everyone' }));
    c.send(req(7, 'list-units', { patterns: ['a*', 3] }));
    c.send(req(8, 'constructor'));
    const lines = await c.waitLines(8) as Resp[];
    const by = (id: number): Resp | undefined => lines.find((l) => l.id === id);
    assert.equal(by(1)?.error?.code, ErrorCode.METHOD_NOT_FOUND);
    assert.equal(lines.filter((l) => l.error?.code === ErrorCode.INVALID_REQUEST).length, 1);
    assert.equal(by(3)?.error?.code, ErrorCode.INVALID_PARAMS);
    assert.equal(by(3)?.error?.data?.field, 'unit');
    assert.equal(by(4)?.error?.data?.field, 'unit');
    assert.equal(by(5)?.error?.code, ErrorCode.INVALID_PARAMS);
    assert.equal(by(6)?.error?.data?.field, 'whom');
    assert.equal(by(7)?.error?.data?.field, 'patterns');
    assert.equal(by(8)?.error?.code, ErrorCode.METHOD_NOT_FOUND);
    assert.equal(h.mgr.calls.length, 0, 'no invalid request reached the manager');
    c.close();
  } finally { await h.close(); }
});

test('batch requests and notifications', async () => {
  const h = await harness();
  try {
    const c = await LineClient.connect(h.sock);
    c.send(JSON.stringify([
      { jsonrpc: '2.0', id: 1, method: 'get-default' },
      { jsonrpc: '2.0', method: 'daemon-reload' },            // notification: runs, no response
      { jsonrpc: '2.0', id: 3, method: 'nope' },
    ]) + '\n');
    c.send('[]\n');
    const lines = await c.waitLines(2);
    const batch = lines.find((l) => Array.isArray(l)) as Resp[];
    assert.equal(batch.length, 2);
    assert.deepEqual(batch.find((r) => r.id === 1)?.result, { unit: 'multi-user.target' });
    assert.equal(batch.find((r) => r.id === 3)?.error?.code, ErrorCode.METHOD_NOT_FOUND);
    const empty = lines.find((l) => !Array.isArray(l)) as Resp;
    assert.equal(empty.error?.code, ErrorCode.INVALID_REQUEST);
    assert.ok(h.mgr.calls.some((x) => x.method === 'daemon-reload'));
    c.close();
  } finally { await h.close(); }
});

test('oversized request: INVALID_REQUEST, connection closed, others still served', async () => {
  const h = await harness({ limits: { maxRequestBytes: 64 * 1024 } });
  try {
    const big = await LineClient.connect(h.sock);
    const other = await RpcClient.connect(h.sock);
    big.send('{"jsonrpc":"2.0","id":1,"method":"show","params":{"unit":"' + 'x'.repeat(200 * 1024));
    assert.ok(await big.waitClosed());
    const l = big.lines[0] as Resp;
    assert.equal(l.error?.code, ErrorCode.INVALID_REQUEST);
    assert.match(l.error?.message ?? '', /exceeds/);
    assert.deepEqual(await other.call('is-system-running', {}), { state: 'running' });
    other.close();
  } finally { await h.close(); }
});

test('many requests pipelined on one connection are all answered, matched by id', async () => {
  const h = await harness();
  try {
    const c = await RpcClient.connect(h.sock);
    const rs = await Promise.all(Array.from({ length: 500 }, (_, i) => c.call('unit-states', { units: [i % 2 ? 'a.service' : 'b.service'] })));
    rs.forEach((r, i) => assert.equal(r[0]?.activeState, i % 2 ? 'active' : 'inactive'));
    c.close();
  } finally { await h.close(); }
});

test('job methods: queued reply, wait:true success, wait:true failure carries result and unitResult', async () => {
  const h = await harness();
  try {
    const c = await RpcClient.connect(h.sock);
    const q = await c.call('start', { unit: 'b.service' });
    assert.ok(q.job > 0);
    assert.equal(q.unit, 'b.service');
    const w = await c.call('restart', { unit: 'b.service', wait: true });
    assert.equal(w.result, 'done');
    await assert.rejects(c.call('start', { unit: 'bad.service', wait: true }), (e: unknown) => {
      assert.ok(e instanceof RpcCallError);
      assert.equal(e.code, ErrorCode.JOB_FAILED);
      assert.equal(e.data.result, 'failed');
      assert.equal(e.data.unitResult, 'exit-code');
      assert.equal(e.data.unit, 'bad.service');
      return true;
    });
    await assert.rejects(c.call('start', { unit: 'nope.service', wait: true }), (e: unknown) => e instanceof RpcCallError && e.code === ErrorCode.NO_SUCH_UNIT && /Unit nope.service not found\./.test(e.message));
    // try-restart of an inactive unit completes at once without a job
    const tr = await c.call('try-restart', { unit: 'bad.service', wait: true });
    assert.equal(tr.job, 0);
    c.close();
  } finally { await h.close(); }
});

test('a job that completes inside the call is still seen by wait:true', async () => {
  const h = await harness();
  // make jobs finish synchronously inside the manager call
  const orig = h.mgr.start.bind(h.mgr);
  h.mgr.start = async (p, caller) => {
    const r = await orig(p, caller);
    h.mgr.emit({ type: 'job', phase: 'removed', job: { id: r.job, unit: r.unit, type: 'start', state: 'running' }, result: 'timeout', unitResult: 'timeout' });
    return r;
  };
  try {
    const c = await RpcClient.connect(h.sock);
    await assert.rejects(c.call('start', { unit: 'b.service', wait: true }), (e: unknown) => e instanceof RpcCallError && e.data.result === 'timeout');
    c.close();
  } finally { await h.close(); }
});

test('subscribe delivers unit and job events filtered by unit; unsubscribe stops them', async () => {
  const h = await harness();
  try {
    const c = await RpcClient.connect(h.sock);
    const got: RpcEvent[] = [];
    c.onEvent((e) => got.push(e));
    const { subscription } = await c.call('subscribe', { units: ['b.service'], events: ['unit', 'job'] });
    await c.call('start', { unit: 'a.service', wait: true });
    await c.call('start', { unit: 'b.service', wait: true });
    await new Promise((r) => setTimeout(r, 20));
    assert.ok(got.length >= 3);
    assert.ok(got.every((e) => (e.type === 'unit' ? e.unit : e.type === 'job' ? e.job.unit : '') === 'b.service'));
    assert.ok(got.some((e) => e.type === 'job' && e.phase === 'removed' && e.result === 'done'));
    assert.ok(got.some((e) => e.type === 'unit' && e.activeState === 'active'));
    await c.call('unsubscribe', { subscription });
    const n = got.length;
    await c.call('stop', { unit: 'b.service', wait: true });
    await new Promise((r) => setTimeout(r, 20));
    assert.equal(got.length, n);
    await assert.rejects(c.call('unsubscribe', { subscription }), (e: unknown) => e instanceof RpcCallError && e.code === ErrorCode.INVALID_ARGUMENT);
    c.close();
  } finally { await h.close(); }
});

test('unprivileged peers may read but get "access denied" for state changes; caller identity reaches the manager', async () => {
  const h = await harness({ peerCred: () => ({ uid: 1000, gid: 1000, pid: 777 }) });
  try {
    const c = await RpcClient.connect(h.sock);
    assert.deepEqual(await c.call('is-system-running', {}), { state: 'running' });
    const st = await c.call('status', { unit: 'a.service' });
    assert.equal(st.activeState, 'active');
    for (const m of ['start', 'stop', 'restart', 'isolate'] as const) {
      await assert.rejects(c.call(m, { unit: 'a.service' }), (e: unknown) => e instanceof RpcCallError && e.code === ErrorCode.ACCESS_DENIED && e.message === 'Access denied');
    }
    await assert.rejects(c.call('enable', { units: ['a.service'] }), (e: unknown) => e instanceof RpcCallError && e.code === ErrorCode.ACCESS_DENIED);
    await assert.rejects(c.call('daemon-reload', {}), (e: unknown) => e instanceof RpcCallError && e.code === ErrorCode.ACCESS_DENIED);
    const statusCall = h.mgr.calls.find((x) => x.method === 'status');
    assert.deepEqual(statusCall?.caller, { uid: 1000, gid: 1000, pid: 777, privileged: false });
    assert.ok(!h.mgr.calls.some((x) => x.method === 'start'));
    c.close();
  } finally { await h.close(); }
});

test('user mode: the manager own uid is privileged, an unknown peer is not', async () => {
  const h = await harness({ userMode: true, managerUid: 1234, peerCred: () => ({ uid: 1234, gid: 1234, pid: 5 }) });
  const h2 = await harness({ peerCred: () => null });
  try {
    const c = await RpcClient.connect(h.sock);
    assert.equal((await c.call('start', { unit: 'b.service', wait: true })).result, 'done');
    c.close();
    const d = await RpcClient.connect(h2.sock);
    await assert.rejects(d.call('start', { unit: 'b.service' }), (e: unknown) => e instanceof RpcCallError && e.code === ErrorCode.ACCESS_DENIED);
    d.close();
  } finally { await h.close(); await h2.close(); }
});

test('manager exceptions become INTERNAL_ERROR, the server keeps serving', async () => {
  const h = await harness();
  h.mgr.getDefault = async () => { throw new TypeError('boom'); };
  try {
    const c = await RpcClient.connect(h.sock);
    await assert.rejects(c.call('get-default', {}), (e: unknown) => e instanceof RpcCallError && e.code === ErrorCode.INTERNAL_ERROR && e.message === 'boom');
    assert.deepEqual(await c.call('is-system-running', {}), { state: 'running' });
    c.close();
  } finally { await h.close(); }
});
