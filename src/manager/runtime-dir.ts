// Ownership of the runtime directory and control socket path: a second tsysd on the same socket is refused
// (a live manager answers a connect), a stale socket file left by a dead manager is replaced.
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';

export type ClaimResult = { ok: true } | { ok: false; error: string };

function probe(sock: string): Promise<'live' | 'stale' | 'absent'> {
  return new Promise((resolve) => {
    if (!fs.existsSync(sock)) { resolve('absent'); return; }
    const s = net.connect(sock);
    const t = setTimeout(() => { s.destroy(); resolve('live'); }, 1000);
    s.on('connect', () => { clearTimeout(t); s.destroy(); resolve('live'); });
    s.on('error', () => { clearTimeout(t); resolve('stale'); });
  });
}

/** Make sure `sock` can be bound by us: create its directory, refuse a live owner, remove a stale file. */
export async function claimControlSocket(sock: string): Promise<ClaimResult> {
  fs.mkdirSync(path.dirname(sock), { recursive: true, mode: 0o755 });
  const st = await probe(sock);
  if (st === 'live') return { ok: false, error: `another manager is already listening on ${sock}` };
  if (st === 'stale') {
    try {
      const info = fs.lstatSync(sock);
      if (!info.isSocket()) return { ok: false, error: `${sock} exists and is not a socket; refusing to replace it` };
      fs.unlinkSync(sock);
    } catch (e) {
      return { ok: false, error: `cannot remove stale ${sock}: ${(e as Error).message}` };
    }
  }
  return { ok: true };
}

/** Container detection as systemd does it (container= env of PID 1, /run/.containerenv, /.dockerenv). */
export function detectContainer(env: Record<string, string | undefined>): string {
  if (env.container) return env.container;
  if (fs.existsSync('/run/.containerenv')) return 'podman';
  if (fs.existsSync('/.dockerenv')) return 'docker';
  return '';
}
