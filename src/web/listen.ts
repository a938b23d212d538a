// `--web-listen ADDR`: the same forms as --health-listen (`host:port`, `[v6]:port`, `:port`, `port`) but
// without a host the web view binds to LOOPBACK (127.0.0.1), never to all interfaces: exposing it is an
// explicit choice (`0.0.0.0:8080`). An absolute path listens on a unix socket instead (for a reverse proxy).
// Pure.
export type WebListen = { kind: 'tcp'; host: string; port: number } | { kind: 'unix'; path: string };

export function parseWebListen(addr: string): WebListen {
  if (addr.startsWith('/')) return { kind: 'unix', path: addr };
  let host = '127.0.0.1';
  let portStr = addr;
  const v6 = /^\[([^\]]+)\]:(\d+)$/.exec(addr);
  if (v6) { host = v6[1] as string; portStr = v6[2] as string; }
  else {
    const i = addr.lastIndexOf(':');
    if (i >= 0) { if (i > 0) host = addr.slice(0, i); portStr = addr.slice(i + 1); }
  }
  if (!/^\d+$/.test(portStr)) throw new Error(`invalid web listen address '${addr}' (want [host:]port or an absolute socket path)`);
  const port = Number(portStr);
  if (port > 65535) throw new Error(`invalid port in web listen address '${addr}'`);
  return { kind: 'tcp', host, port };
}

/** Loopback addresses: a DNS-rebinding guard only accepts Host headers naming loopback for these. */
export function isLoopback(host: string): boolean {
  return host === 'localhost' || /^127\.\d+\.\d+\.\d+$/.test(host) || host === '::1' || host === '[::1]';
}

/** The host part of a Host header (`name:port`, `[v6]:port`). */
export function hostHeaderName(h: string): string {
  const v6 = /^\[([^\]]+)\](?::\d+)?$/.exec(h);
  if (v6) return v6[1] as string;
  const i = h.lastIndexOf(':');
  return (i >= 0 ? h.slice(0, i) : h).toLowerCase();
}
