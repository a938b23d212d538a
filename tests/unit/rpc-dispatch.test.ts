// The JSON-RPC dispatcher (src/rpc/dispatch.ts) on its own: parse errors, invalid requests, unknown
// methods, notifications, handler errors (valid error objects pass through, anything else is an internal
// error), batches (order kept, notifications left out, size cap, empty batch) — the semantics the control
// server had with jayson's Server.call.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { RpcDispatcher, RPC_ERRORS, type RpcHandler, type RpcResponse } from '../../src/rpc/dispatch';

type Out = RpcResponse | RpcResponse[] | undefined;

function make(maxBatch = 3): { d: RpcDispatcher<string>; calls: string[] } {
  const calls: string[] = [];
  const m = new Map<string, RpcHandler<string>>([
    ['echo', async (p, ctx) => { calls.push(`echo:${ctx}`); return { p, ctx }; }],
    ['nothing', async () => { calls.push('nothing'); return undefined; }],
    ['fail', async () => { throw { code: 4, message: 'no such unit', data: { unit: 'x' } }; }],
    ['crash', async () => { throw new Error('boom'); }],
  ]);
  return { d: new RpcDispatcher(m, maxBatch), calls };
}

function call(d: RpcDispatcher<string>, req: unknown, ctx = 'c'): Promise<Out> {
  return new Promise((resolve) => d.call(req, ctx, resolve));
}

test('a request gets its result with its id; the context reaches the handler; undefined results are null', async () => {
  const { d } = make();
  assert.deepEqual(await call(d, '{"jsonrpc":"2.0","id":7,"method":"echo","params":{"a":1}}', 'peer'),
    { jsonrpc: '2.0', id: 7, result: { p: { a: 1 }, ctx: 'peer' } });
  assert.deepEqual(await call(d, { jsonrpc: '2.0', id: 'x', method: 'nothing' }), { jsonrpc: '2.0', id: 'x', result: null });
});

test('parse errors, invalid requests and unknown methods get the standard error objects', async () => {
  const { d } = make();
  const parse = await call(d, '{"jsonrpc":') as RpcResponse;
  assert.equal(parse.id, null);
  assert.deepEqual({ ...(parse.error as object), data: undefined }, { code: RPC_ERRORS.PARSE_ERROR, message: 'Parse Error', data: undefined });
  for (const bad of ['{"id":1,"method":"echo"}', '{"jsonrpc":"2.0","id":1,"method":5}', '{"jsonrpc":"2.0","id":{},"method":"echo"}',
    '{"jsonrpc":"2.0","id":1,"method":"echo","params":3}', '"hi"', 'null']) {
    assert.deepEqual(await call(d, bad), { jsonrpc: '2.0', id: null, error: { code: RPC_ERRORS.INVALID_REQUEST, message: 'Invalid request' } }, bad);
  }
  assert.deepEqual(await call(d, { jsonrpc: '2.0', id: 2, method: 'nope' }),
    { jsonrpc: '2.0', id: 2, error: { code: RPC_ERRORS.METHOD_NOT_FOUND, message: 'Method not found' } });
  assert.deepEqual(await call(d, { jsonrpc: '2.0', id: 3, method: 'toString' }),
    { jsonrpc: '2.0', id: 3, error: { code: RPC_ERRORS.METHOD_NOT_FOUND, message: 'Method not found' } });
});

test('handler errors: a JSON-RPC error object passes through, anything else is an internal error', async () => {
  const { d } = make();
  assert.deepEqual(await call(d, { jsonrpc: '2.0', id: 1, method: 'fail' }),
    { jsonrpc: '2.0', id: 1, error: { code: 4, message: 'no such unit', data: { unit: 'x' } } });
  assert.deepEqual(await call(d, { jsonrpc: '2.0', id: 2, method: 'crash' }),
    { jsonrpc: '2.0', id: 2, error: { code: RPC_ERRORS.INTERNAL_ERROR, message: 'Internal error' } });
});

test('notifications run but get no response, even when they fail', async () => {
  const { d, calls } = make();
  assert.equal(await call(d, { jsonrpc: '2.0', method: 'echo' }), undefined);
  assert.equal(await call(d, { jsonrpc: '2.0', id: null, method: 'nope' }), undefined);
  assert.deepEqual(calls, ['echo:c']);
});

test('batches: order kept, notifications left out, invalid members answered, empty and oversized refused', async () => {
  const { d } = make(3);
  const out = await call(d, JSON.stringify([
    { jsonrpc: '2.0', id: 1, method: 'echo', params: [1] }, { jsonrpc: '2.0', method: 'echo' }, { foo: 1 },
  ])) as RpcResponse[];
  assert.deepEqual(out, [
    { jsonrpc: '2.0', id: 1, result: { p: [1], ctx: 'c' } },
    { jsonrpc: '2.0', id: null, error: { code: RPC_ERRORS.INVALID_REQUEST, message: 'Invalid request' } },
  ]);
  assert.equal(await call(d, [{ jsonrpc: '2.0', method: 'echo' }]), undefined);
  assert.deepEqual(await call(d, '[]'), { jsonrpc: '2.0', id: null, error: { code: RPC_ERRORS.INVALID_REQUEST, message: 'Invalid request' } });
  assert.deepEqual(await call(d, [1, 2, 3, 4]), { jsonrpc: '2.0', id: null,
    error: { code: RPC_ERRORS.INVALID_REQUEST_MAX_BATCH_LENGTH_EXCEEDED, message: 'Invalid request: Maximum batch length exceeded' } });
  assert.equal(await call(d, [[{ jsonrpc: '2.0', id: 1, method: 'echo' }]]), undefined);
});
