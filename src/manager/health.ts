// Optional HTTP health endpoint for orchestrators (`tsysd --health-listen ADDR`). Owns one node:http server
// that answers `GET /healthz` (and HEAD) with 200 when the system state is `running` and 503 otherwise
// (initializing, starting, degraded, maintenance, stopping...), always with the JSON body
// `{"state": "...", "failed": ["unit", ...]}`. Invariants: it never changes manager state (getState is
// called once per request, read-only); any other path is 404, any other method 405; the listener binds only
// the address given; close() resolves once the server and all its keep-alive connections are closed.
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface HealthState { state: string; failed: string[] }
export interface HealthServer { close(): Promise<void>; port: number }

/** Parse `host:port`, `[v6]:port`, `:port` or `port` (host defaults to 0.0.0.0). */
export function parseListenAddr(addr: string): { host: string; port: number } {
  let host = '0.0.0.0';
  let portStr = addr;
  const v6 = /^\[([^\]]+)\]:(\d+)$/.exec(addr);
  if (v6) {
    host = v6[1] as string;
    portStr = v6[2] as string;
  } else {
    const i = addr.lastIndexOf(':');
    if (i >= 0) {
      if (i > 0) host = addr.slice(0, i);
      portStr = addr.slice(i + 1);
    }
  }
  if (!/^\d+$/.test(portStr)) throw new Error(`invalid health listen address '${addr}' (want host:port)`);
  const port = Number(portStr);
  if (port > 65535) throw new Error(`invalid port in health listen address '${addr}'`);
  return { host, port };
}

/** The HTTP status for a system state: only `running` is healthy. */
export function healthStatus(state: string): number {
  return state === 'running' ? 200 : 503;
}

export function startHealthServer(addr: string, getState: () => HealthState): Promise<HealthServer> {
  const { host, port } = parseListenAddr(addr);
  const server = http.createServer((req, res) => {
    const url = (req.url ?? '/').split('?')[0];
    const send = (code: number, body: string, extra: Record<string, string> = {}): void => {
      res.writeHead(code, {
        'content-type': 'application/json',
        'content-length': String(Buffer.byteLength(body)),
        'cache-control': 'no-store',
        ...extra,
      });
      res.end(req.method === 'HEAD' ? undefined : body);
    };
    if (url !== '/healthz') {
      send(404, JSON.stringify({ error: 'not found' }) + '\n');
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      send(405, JSON.stringify({ error: 'method not allowed' }) + '\n', { allow: 'GET, HEAD' });
      return;
    }
    let st: HealthState;
    try {
      const s = getState();
      st = { state: s.state, failed: [...s.failed] };
    } catch (e) {
      send(500, JSON.stringify({ state: 'unknown', failed: [], error: e instanceof Error ? e.message : String(e) }) + '\n');
      return;
    }
    send(healthStatus(st.state), JSON.stringify(st) + '\n');
  });
  server.keepAliveTimeout = 5000;
  return new Promise((resolve, reject) => {
    const onError = (e: Error): void => reject(e);
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      const bound = (server.address() as AddressInfo).port;
      resolve({
        port: bound,
        close: () => new Promise<void>((res) => {
          server.close(() => res());
          server.closeAllConnections();
        }),
      });
    });
  });
}
