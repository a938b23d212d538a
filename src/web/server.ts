// The web view (`tsysd --web-listen ADDR [--web-actions]`): one node:http server with the static page
// (src/web/static: HTML, JS, CSS; no framework, no CDN), a small JSON API over the manager, the live event
// stream at GET /events (sse.ts) and the boot chart of `analyze plot`.
// Routes: GET / /app.js /app.css | GET /api/state /api/units /api/unit?name= /api/jobs /api/logs?unit=&lines=
// /api/plot.svg | GET /events?log=UNIT (repeatable) | POST /api/action {verb, unit} (only with actions on).
// Invariants: read-only unless started with actions AND the request carries `Authorization: Bearer
// <token>` (the token lives in a 0600 file next to the control socket: whoever can read it could act over
// the socket anyway); every call into the manager goes through `guard` (the manager's crash barrier) and
// only through WebApi (the same interface the control socket serves); a loopback listener answers only
// Host headers that name loopback (no DNS rebinding); bodies are bounded; close() ends every connection.
import * as http from 'node:http';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { AddressInfo } from 'node:net';
import { timingSafeEqual } from 'node:crypto';
import type { Caller, ManagerApi } from '../rpc/api';
import { SseHub, SSE_LIMITS, type SseLimits } from './sse';
import { hostHeaderName, isLoopback, parseWebListen } from './listen';
import { renderBootChart } from './chart';

export type WebApi = Pick<ManagerApi, 'listUnits' | 'status' | 'show' | 'listJobs' | 'logs' | 'isSystemRunning'
  | 'managerInfo' | 'start' | 'stop' | 'restart' | 'onEvent'>;

export interface WebOptions {
  listen: string;
  api: WebApi;
  /** Allow start/stop/restart with the token. */
  actions: boolean;
  token: string;
  /** Who actions are attributed to in the manager's log. */
  actionCaller?: Caller;
  /** Enter the manager through its crash barrier (the daemon: mgr.guard('web', unit, fn)). */
  guard?: (unit: string, fn: () => void) => void;
  staticDir?: string;
  limits?: Partial<SseLimits>;
  version?: string;
}

export interface WebServer { url: string; port: number; hub: SseHub; close(): Promise<void> }

const READER: Caller = { uid: 65534, gid: 65534, pid: 0, privileged: false };
const MAX_BODY = 4096;
const ACTIONS = new Set(['start', 'stop', 'restart']);
const TYPES: Record<string, string> = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8' };
const SECURITY_HEADERS = {
  'content-security-policy': "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; frame-ancestors 'none'; form-action 'none'",
  'x-content-type-options': 'nosniff', 'referrer-policy': 'no-referrer', 'cache-control': 'no-store',
};

// src/web/static of the project: three levels up from dist/src/web (tsc), two from dist/bundle (esbuild)
export const STATIC_DIR = [3, 2].map((up) => path.resolve(__dirname, ...Array<string>(up).fill('..'), 'src', 'web', 'static'))
  .find((d) => fs.existsSync(d)) ?? path.resolve(__dirname, '..', '..', '..', 'src', 'web', 'static');

function loadStatic(dir: string): Map<string, { type: string; body: Buffer }> {
  const out = new Map<string, { type: string; body: Buffer }>();
  for (const f of ['index.html', 'app.js', 'app.css']) {
    out.set(f === 'index.html' ? '/' : `/${f}`, { type: TYPES[path.extname(f)] ?? 'application/octet-stream', body: fs.readFileSync(path.join(dir, f)) });
  }
  return out;
}

class HttpError extends Error { constructor(readonly status: number, message: string) { super(message); } }

export async function startWebServer(o: WebOptions): Promise<WebServer> {
  const where = parseWebListen(o.listen);
  const files = loadStatic(o.staticDir ?? STATIC_DIR);
  const hub = new SseHub({ ...SSE_LIMITS, ...(o.limits ?? {}) });
  hub.attach((l) => o.api.onEvent(l));
  const loopbackOnly = where.kind === 'tcp' && isLoopback(where.host);
  const token = Buffer.from(o.token);
  const call = <T>(unit: string, fn: () => Promise<T>): Promise<T> => {
    if (!o.guard) return fn();
    let p: Promise<T> | null = null;
    o.guard(unit, () => { p = fn(); });
    return p ?? Promise.reject(new HttpError(500, 'internal error (see the manager log)'));
  };

  const json = (res: http.ServerResponse, status: number, body: unknown): void => {
    const s = JSON.stringify(body);
    res.writeHead(status, { ...SECURITY_HEADERS, 'content-type': 'application/json; charset=utf-8', 'content-length': String(Buffer.byteLength(s)) });
    res.end(s);
  };

  const authorised = (req: http.IncomingMessage): boolean => {
    if (!o.actions || token.length === 0) return false;
    const m = /^Bearer (\S+)$/.exec(req.headers.authorization ?? '');
    if (!m) return false;
    const given = Buffer.from(m[1] as string);
    return given.length === token.length && timingSafeEqual(given, token);
  };

  const readBody = (req: http.IncomingMessage): Promise<string> => new Promise((resolve, reject) => {
    let size = 0;
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY) { reject(new HttpError(413, 'request body too large')); return; }   // the rest is read and dropped
      chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });

  const route = async (req: http.IncomingMessage, res: http.ServerResponse): Promise<void> => {
    if (loopbackOnly && !isLoopback(hostHeaderName(req.headers.host ?? ''))) throw new HttpError(421, 'this web view answers only for localhost');
    const url = new URL(req.url ?? '/', 'http://localhost');
    const p = url.pathname;
    const method = req.method ?? 'GET';
    if (method === 'POST' && p === '/api/action') {
      if (!o.actions) throw new HttpError(403, 'actions are disabled (start tsysd with --web-actions)');
      if (!authorised(req)) throw new HttpError(401, 'a valid token is needed (Authorization: Bearer <token>)');
      let body: { verb?: unknown; unit?: unknown };
      try { body = JSON.parse(await readBody(req)) as typeof body; } catch (e) { if (e instanceof HttpError) throw e; throw new HttpError(400, 'body must be JSON {verb, unit}'); }
      const verb = typeof body.verb === 'string' ? body.verb : '';
      const unit = typeof body.unit === 'string' ? body.unit : '';
      if (!ACTIONS.has(verb) || !unit) throw new HttpError(400, 'verb must be start, stop or restart, with a unit');
      const caller = o.actionCaller ?? { uid: 0, gid: 0, pid: 0, privileged: true };
      const r = await call(unit, () => (verb === 'start' ? o.api.start({ unit }, caller) : verb === 'stop' ? o.api.stop({ unit }, caller) : o.api.restart({ unit }, caller)));
      json(res, 200, r);
      return;
    }
    if (method !== 'GET' && method !== 'HEAD') { res.writeHead(405, { ...SECURITY_HEADERS, allow: 'GET, HEAD, POST' }); res.end(); return; }
    const file = files.get(p === '/index.html' ? '/' : p);
    if (file) {
      res.writeHead(200, { ...SECURITY_HEADERS, 'content-type': file.type, 'content-length': String(file.body.length) });
      res.end(method === 'HEAD' ? undefined : file.body);
      return;
    }
    switch (p) {
      case '/events': {
        if (hub.full) throw new HttpError(503, 'too many viewers');
        hub.add(res, url.searchParams.getAll('log'));
        return;
      }
      case '/api/state': {
        const [sys, info, jobs] = await Promise.all([call('', () => o.api.isSystemRunning({}, READER)), call('', () => o.api.managerInfo({}, READER)), call('', () => o.api.listJobs({}, READER))]);
        json(res, 200, { state: sys.state, version: info.version, userMode: info.userMode, hostname: os.hostname(), actions: o.actions, jobs, stream: hub.stats() });
        return;
      }
      case '/api/units': json(res, 200, await call('', () => o.api.listUnits({ all: true }, READER))); return;
      case '/api/jobs': json(res, 200, await call('', () => o.api.listJobs({}, READER))); return;
      case '/api/logs': {
        const unit = url.searchParams.get('unit') ?? '';
        const lines = Math.min(Math.max(Number(url.searchParams.get('lines') ?? '100') || 100, 1), 1000);
        json(res, 200, (await call(unit, () => o.api.logs({ unit, lines }, READER))).lines);
        return;
      }
      case '/api/unit': {
        const unit = url.searchParams.get('name') ?? '';
        if (!unit) throw new HttpError(400, 'name= is required');
        const [status, show] = await Promise.all([call(unit, () => o.api.status({ unit, lines: 0 }, READER)), call(unit, () => o.api.show({ unit, all: true }, READER))]);
        const { renderStatus } = require('../cli/ctl/status') as typeof import('../cli/ctl/status');
        const text = renderStatus(status, Date.now() * 1000, os.hostname());
        json(res, 200, { status, text, properties: show.properties });
        return;
      }
      case '/api/plot.svg': {
        const r = await renderBootChart(o.api, READER, call, o.version ?? '');
        if (!r.ok) throw new HttpError(503, r.error);
        res.writeHead(200, { ...SECURITY_HEADERS, 'content-type': 'image/svg+xml; charset=utf-8', 'content-length': String(Buffer.byteLength(r.svg)) });
        res.end(method === 'HEAD' ? undefined : r.svg);
        return;
      }
      default: throw new HttpError(404, 'not found');
    }
  };

  const server = http.createServer((req, res) => {
    route(req, res).catch((e: unknown) => {
      if (res.headersSent) { res.destroy(); return; }
      const status = e instanceof HttpError ? e.status : (e as { code?: unknown }).code === 1 ? 404 : 500;
      json(res, status, { error: e instanceof Error ? e.message : String(e) });
    });
  });
  server.keepAliveTimeout = 5000;
  server.headersTimeout = 10000;
  server.requestTimeout = 30000;
  await new Promise<void>((resolve, reject) => {
    const onError = (e: Error): void => reject(e);
    server.once('error', onError);
    const done = (): void => { server.off('error', onError); resolve(); };
    if (where.kind === 'unix') {
      try { if (fs.lstatSync(where.path).isSocket()) fs.unlinkSync(where.path); } catch { /* none */ }
      server.listen(where.path, done);
    } else server.listen(where.port, where.host, done);
  });
  const addr = server.address();
  const port = typeof addr === 'object' && addr ? (addr as AddressInfo).port : 0;
  const url = where.kind === 'unix' ? `unix:${where.path}` : `http://${where.host.includes(':') ? `[${where.host}]` : where.host}:${port}/`;
  return {
    url, port, hub,
    close: () => new Promise<void>((resolve) => {
      hub.close();
      server.close(() => resolve());
      server.closeAllConnections();
      if (where.kind === 'unix') { try { fs.unlinkSync(where.path); } catch { /* gone */ } }
    }),
  };
}
