// Unit tests for the --health-listen endpoint (src/manager/health.ts): status codes per system state, JSON
// body, 404/405, HEAD, address parsing, and that close() releases the port. Binds 127.0.0.1 port 0 only.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as http from 'node:http';
import * as net from 'node:net';
import { healthStatus, parseListenAddr, startHealthServer, type HealthState } from '../../src/manager/health';

function get(port: number, p: string, method = 'GET'): Promise<{ code: number; body: string; headers: http.IncomingHttpHeaders }> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, path: p, method, agent: false }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => { body += d.toString(); });
      res.on('end', () => resolve({ code: res.statusCode ?? 0, body, headers: res.headers }));
    });
    req.on('error', reject);
    req.end();
  });
}

test('GET /healthz follows the system state: 200 only when running', async () => {
  let st: HealthState = { state: 'starting', failed: [] };
  const srv = await startHealthServer('127.0.0.1:0', () => st);
  try {
    assert.ok(srv.port > 0);
    let r = await get(srv.port, '/healthz');
    assert.equal(r.code, 503);
    assert.deepEqual(JSON.parse(r.body), { state: 'starting', failed: [] });
    assert.equal(r.headers['content-type'], 'application/json');

    st = { state: 'running', failed: [] };
    r = await get(srv.port, '/healthz');
    assert.equal(r.code, 200);
    assert.deepEqual(JSON.parse(r.body), { state: 'running', failed: [] });

    st = { state: 'degraded', failed: ['flaky.service', 'db.socket'] };
    r = await get(srv.port, '/healthz?verbose=1');
    assert.equal(r.code, 503);
    assert.deepEqual(JSON.parse(r.body), { state: 'degraded', failed: ['flaky.service', 'db.socket'] });

    st = { state: 'stopping', failed: [] };
    r = await get(srv.port, '/healthz');
    assert.equal(r.code, 503);
    assert.equal(JSON.parse(r.body).state, 'stopping');
  } finally {
    await srv.close();
  }
});

test('getState is read per request and errors give 500, not a crash', async () => {
  let calls = 0;
  const srv = await startHealthServer('127.0.0.1:0', () => {
    calls++;
    if (calls === 2) throw new Error('boom');
    return { state: 'running', failed: [] };
  });
  try {
    assert.equal((await get(srv.port, '/healthz')).code, 200);
    const r = await get(srv.port, '/healthz');
    assert.equal(r.code, 500);
    assert.match(JSON.parse(r.body).error, /boom/);
    assert.equal((await get(srv.port, '/healthz')).code, 200);
    assert.equal(calls, 3);
  } finally {
    await srv.close();
  }
});

test('other paths are 404, other methods 405, HEAD has no body', async () => {
  const srv = await startHealthServer('127.0.0.1:0', () => ({ state: 'running', failed: [] }));
  try {
    assert.equal((await get(srv.port, '/')).code, 404);
    assert.equal((await get(srv.port, '/healthz/x')).code, 404);
    const p = await get(srv.port, '/healthz', 'POST');
    assert.equal(p.code, 405);
    assert.equal(p.headers.allow, 'GET, HEAD');
    const h = await get(srv.port, '/healthz', 'HEAD');
    assert.equal(h.code, 200);
    assert.equal(h.body, '');
  } finally {
    await srv.close();
  }
});

test('close() releases the port even with a keep-alive connection open', async () => {
  const srv = await startHealthServer('127.0.0.1:0', () => ({ state: 'running', failed: [] }));
  const port = srv.port;
  const agent = new http.Agent({ keepAlive: true });
  await new Promise<void>((resolve, reject) => {
    http.get({ host: '127.0.0.1', port, path: '/healthz', agent }, (res) => { res.resume(); res.on('end', () => resolve()); }).on('error', reject);
  });
  await srv.close();
  agent.destroy();
  const refused = await new Promise<boolean>((resolve) => {
    const s = net.connect(port, '127.0.0.1');
    s.on('connect', () => { s.destroy(); resolve(false); });
    s.on('error', () => resolve(true));
  });
  assert.ok(refused, 'port still accepting after close()');
});

test('listen errors reject (address in use)', async () => {
  const a = await startHealthServer('127.0.0.1:0', () => ({ state: 'running', failed: [] }));
  try {
    await assert.rejects(startHealthServer(`127.0.0.1:${a.port}`, () => ({ state: 'running', failed: [] })), /EADDRINUSE/);
  } finally {
    await a.close();
  }
});

test('parseListenAddr and healthStatus', () => {
  assert.deepEqual(parseListenAddr('127.0.0.1:8080'), { host: '127.0.0.1', port: 8080 });
  assert.deepEqual(parseListenAddr(':9000'), { host: '0.0.0.0', port: 9000 });
  assert.deepEqual(parseListenAddr('9000'), { host: '0.0.0.0', port: 9000 });
  assert.deepEqual(parseListenAddr('[::1]:81'), { host: '::1', port: 81 });
  assert.deepEqual(parseListenAddr('localhost:0'), { host: 'localhost', port: 0 });
  assert.throws(() => parseListenAddr('host:abc'), /invalid/);
  assert.throws(() => parseListenAddr('h:70000'), /invalid port/);
  for (const s of ['initializing', 'starting', 'degraded', 'maintenance', 'stopping', 'offline']) assert.equal(healthStatus(s), 503);
  assert.equal(healthStatus('running'), 200);
});
