// The web view's server (src/web/) against the fake ManagerApi of the RPC tests: listener parsing
// (loopback by default), static assets and security headers, the JSON API, the DNS-rebinding guard, the
// event stream (each event names its unit; log lines only for the asked unit), read-only unless actions
// are enabled AND the token is given, and the bound on an unread viewer's buffer.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as http from 'node:http';
import { parseWebListen } from '../../src/web/listen';
import { sseFrame } from '../../src/web/sse';
import { startWebServer, type WebServer } from '../../src/web/server';
import { FakeManager, unit } from './rpc-fake-manager';

function get(port: number, path: string, headers: Record<string, string> = {}): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }> {
  return new Promise((resolve, reject) => {
    http.get({ host: '127.0.0.1', port, path, headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => { body += d; });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    }).on('error', reject);
  });
}
function post(port: number, path: string, body: string, headers: Record<string, string> = {}): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, path, method: 'POST', headers: { 'content-type': 'application/json', ...headers } }, (res) => {
      let b = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => { b += d; });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: b }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** Open /events and collect frames until `until` says so. */
function stream(port: number, path: string): { frames: string[]; req: http.ClientRequest; res: Promise<http.IncomingMessage>; waitFor(pred: (f: string[]) => boolean, ms?: number): Promise<boolean> } {
  const frames: string[] = [];
  let buf = '';
  let resolveRes: (r: http.IncomingMessage) => void = () => undefined;
  const res = new Promise<http.IncomingMessage>((r) => { resolveRes = r; });
  const req = http.get({ host: '127.0.0.1', port, path }, (r) => {
    resolveRes(r);
    r.setEncoding('utf8');
    r.on('data', (d: string) => {
      buf += d;
      let i: number;
      while ((i = buf.indexOf('\n\n')) >= 0) { frames.push(buf.slice(0, i)); buf = buf.slice(i + 2); }
    });
  });
  req.on('error', () => undefined);
  return {
    frames, req, res,
    waitFor: async (pred, ms = 5000) => {
      const end = Date.now() + ms;
      while (Date.now() < end) { if (pred(frames)) return true; await new Promise((r) => setTimeout(r, 10)); }
      return pred(frames);
    },
  };
}

async function withServer(o: { actions?: boolean; token?: string; maxBufferBytes?: number }, fn: (s: WebServer, m: FakeManager, guarded: string[]) => Promise<void>): Promise<void> {
  const m = new FakeManager([unit('web.service', { description: 'Web' }), unit('db.service', { activeState: 'active' }), unit('multi-user.target', { activeState: 'active' })]);
  const guarded: string[] = [];
  const s = await startWebServer({
    listen: '127.0.0.1:0', api: m, actions: !!o.actions, token: o.token ?? '', version: 'test',
    guard: (u, f) => { guarded.push(u); f(); },
    limits: o.maxBufferBytes ? { maxBufferBytes: o.maxBufferBytes } : {},
  });
  try { await fn(s, m, guarded); } finally { await s.close(); }
}

test('listen address: loopback unless a host is given; unix socket paths; bad input refused', () => {
  assert.deepEqual(parseWebListen(':8080'), { kind: 'tcp', host: '127.0.0.1', port: 8080 });
  assert.deepEqual(parseWebListen('8080'), { kind: 'tcp', host: '127.0.0.1', port: 8080 });
  assert.deepEqual(parseWebListen('0.0.0.0:80'), { kind: 'tcp', host: '0.0.0.0', port: 80 });
  assert.deepEqual(parseWebListen('[::1]:81'), { kind: 'tcp', host: '::1', port: 81 });
  assert.deepEqual(parseWebListen('/run/tsysd/web.sock'), { kind: 'unix', path: '/run/tsysd/web.sock' });
  assert.throws(() => parseWebListen('localhost:http'));
  assert.throws(() => parseWebListen('70000'));
});

test('every SSE frame names its unit', () => {
  const f = sseFrame({ type: 'job', phase: 'new', job: { id: 3, unit: 'a.service', type: 'start', state: 'waiting' } });
  assert.equal(f.frame, 'event: job\ndata: {"type":"job","phase":"new","job":{"id":3,"unit":"a.service","type":"start","state":"waiting"},"unit":"a.service"}\n\n');
  assert.equal(sseFrame({ type: 'log', line: { seq: 1, ts: 1, unit: 'b.service', pid: 2, ident: 'x', stream: 'stdout', priority: 6, message: 'hi' } }).unit, 'b.service');
  assert.match(sseFrame({ type: 'manager', what: 'reloaded', ts: 1 }).frame, /"unit":""/);
});

test('static page, JSON API, security headers and the localhost-only Host guard', async () => {
  await withServer({}, async (s, _m, guarded) => {
    const index = await get(s.port, '/');
    assert.equal(index.status, 200);
    assert.match(index.headers['content-type'] ?? '', /text\/html/);
    assert.match(String(index.headers['content-security-policy'] ?? ''), /default-src 'none'; script-src 'self'/);
    assert.match(index.body, /<script src="\/app\.js"><\/script>/);
    assert.doesNotMatch(index.body, /https?:\/\//, 'no external resources');
    const js = await get(s.port, '/app.js');
    assert.equal(js.status, 200);
    assert.doesNotMatch(js.body, /https?:\/\/(?!www\.w3\.org\/2000\/svg)/, 'no external resources');
    const units = JSON.parse((await get(s.port, '/api/units')).body) as Array<{ unit: string }>;
    assert.deepEqual(units.map((u) => u.unit).sort(), ['db.service', 'multi-user.target', 'web.service']);
    const detail = JSON.parse((await get(s.port, '/api/unit?name=web.service')).body) as { text: string[]; status: { id: string }; properties: [string, string][] };
    assert.equal(detail.status.id, 'web.service');
    assert.match(detail.text[0] ?? '', /web\.service - Web/);
    assert.ok(detail.properties.length > 0);
    assert.equal((await get(s.port, '/nope')).status, 404);
    assert.equal((await get(s.port, '/api/state', { host: 'evil.example:8080' })).status, 421, 'DNS rebinding guard');
    assert.equal((await get(s.port, '/api/state', { host: 'localhost:1234' })).status, 200);
    const st = JSON.parse((await get(s.port, '/api/state')).body) as { state: string; actions: boolean };
    assert.deepEqual([st.state, st.actions], ['running', false]);
    assert.ok(guarded.includes('web.service') && guarded.includes(''), 'calls into the manager go through the guard');
  });
});

test('events: unit and job events for everyone, log lines only for viewers of that unit', async () => {
  await withServer({}, async (s, m) => {
    const all = stream(s.port, '/events');
    const webLog = stream(s.port, '/events?log=web.service');
    assert.ok(await all.waitFor((f) => f.some((x) => x.includes('event: hello'))));
    assert.ok(await webLog.waitFor((f) => f.some((x) => x.includes('event: hello'))));
    await m.start({ unit: 'web.service' }, { uid: 0, gid: 0, pid: 1, privileged: true });
    assert.ok(await all.waitFor((f) => f.some((x) => x.startsWith('event: unit\n') && x.includes('"unit":"web.service"') && x.includes('"activeState":"active"'))));
    assert.ok(all.frames.some((x) => x.startsWith('event: job\n') && x.includes('"unit":"web.service"')));
    const line = { seq: 7, ts: 1, unit: 'web.service', pid: 5, ident: 'web', stream: 'stdout' as const, priority: 6, message: 'hello from web' };
    m.emit({ type: 'log', line });
    m.emit({ type: 'log', line: { ...line, seq: 8, unit: 'db.service', message: 'from db' } });
    assert.ok(await webLog.waitFor((f) => f.some((x) => x.includes('hello from web'))));
    await new Promise((r) => setTimeout(r, 100));
    assert.ok(!all.frames.some((x) => x.startsWith('event: log')), 'no log lines without ?log=');
    assert.ok(!webLog.frames.some((x) => x.includes('from db')), 'only the asked unit\'s log');
    assert.equal(s.hub.count, 2);
    all.req.destroy(); webLog.req.destroy();
  });
});

test('read-only unless --web-actions and the token; with both, actions reach the manager as a privileged caller', async () => {
  await withServer({}, async (s, m) => {
    const r = await post(s.port, '/api/action', JSON.stringify({ verb: 'start', unit: 'web.service' }), { authorization: 'Bearer x' });
    assert.equal(r.status, 403);
    assert.ok(!m.calls.some((c) => c.method === 'start'));
  });
  const token = 'a'.repeat(64);
  await withServer({ actions: true, token }, async (s, m) => {
    assert.equal((await post(s.port, '/api/action', JSON.stringify({ verb: 'start', unit: 'web.service' }))).status, 401);
    assert.equal((await post(s.port, '/api/action', JSON.stringify({ verb: 'start', unit: 'web.service' }), { authorization: `Bearer ${'b'.repeat(64)}` })).status, 401);
    assert.equal((await post(s.port, '/api/action', JSON.stringify({ verb: 'kill', unit: 'web.service' }), { authorization: `Bearer ${token}` })).status, 400);
    assert.equal((await post(s.port, '/api/action', 'x'.repeat(10000), { authorization: `Bearer ${token}` })).status, 413);
    assert.ok(!m.calls.some((c) => c.method === 'start'));
    const ok = await post(s.port, '/api/action', JSON.stringify({ verb: 'start', unit: 'web.service' }), { authorization: `Bearer ${token}` });
    assert.equal(ok.status, 200, ok.body);
    const call = m.calls.find((c) => c.method === 'start');
    assert.ok(call && call.caller.privileged);
    assert.equal((await get(s.port, '/api/action')).status, 404);
  });
});

test('a viewer that does not read is dropped once its unsent output passes the bound; readers keep receiving', async () => {
  await withServer({ maxBufferBytes: 64 << 10 }, async (s, m) => {
    const reader = stream(s.port, '/events');
    const slow = stream(s.port, '/events');
    const slowRes = await slow.res;
    slowRes.pause();
    assert.ok(await reader.waitFor((f) => f.length > 0));
    await new Promise((r) => setTimeout(r, 50));
    let i = 0;
    // Enough events to fill the socket buffers of the paused viewer and then the server's bound.
    while (s.hub.stats().dropped === 0 && i < 200000) {
      for (let k = 0; k < 100; k++, i++) m.emit({ type: 'unit', unit: `u${i}.service`, loadState: 'loaded', activeState: 'active', subState: 'running', result: 'success', ts: i });
      await new Promise((r) => setTimeout(r, 1));   // the reading viewer gets to read
    }
    assert.equal(s.hub.stats().dropped, 1, `dropped after ${i} events`);
    assert.equal(s.hub.count, 1);
    m.emit({ type: 'unit', unit: 'last.service', loadState: 'loaded', activeState: 'active', subState: 'running', result: 'success', ts: 0 });
    assert.ok(await reader.waitFor((f) => f.some((x) => x.includes('last.service')), 20000));
    reader.req.destroy(); slow.req.destroy();
  });
});
