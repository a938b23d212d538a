// Test helpers for rpc-* tests: a temp-dir control server over a FakeManager, and a raw line client.
// Not a test file itself.
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { startControlServer, type ControlServer, type ServerOptions } from '../../src/rpc/server';
import { FakeManager, unit } from './rpc-fake-manager';

export interface Harness { dir: string; sock: string; server: ControlServer; mgr: FakeManager; close(): Promise<void> }

export async function harness(o: Partial<ServerOptions> & { mgr?: FakeManager } = {}): Promise<Harness> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tsysd-rpc-'));
  fs.chmodSync(dir, 0o755);
  const sock = path.join(dir, 'control.sock');
  const mgr = o.mgr ?? new FakeManager([
    unit('a.service', { activeState: 'active', mainPid: 100 }),
    unit('b.service'),
    unit('bad.service', { failWith: 'exit-code' }),
  ]);
  const server = await startControlServer({
    api: mgr, path: sock, userMode: false, managerUid: 0,
    peerCred: o.peerCred ?? (() => ({ uid: 0, gid: 0, pid: 1 })), ...o,
  });
  return {
    dir, sock, server, mgr,
    async close() { await server.close(); fs.rmSync(dir, { recursive: true, force: true }); },
  };
}

/** A raw client: send lines, read parsed response lines. */
export class LineClient {
  lines: unknown[] = [];
  closed = false;
  private buf = '';
  private waiters: Array<() => void> = [];
  constructor(readonly sock: net.Socket) {
    sock.setEncoding('utf8');
    sock.on('data', (d: string) => {
      this.buf += d;
      let nl: number;
      while ((nl = this.buf.indexOf('\n')) >= 0) {
        const l = this.buf.slice(0, nl); this.buf = this.buf.slice(nl + 1);
        this.lines.push(JSON.parse(l));
      }
      this.wake();
    });
    sock.on('error', () => { /* close follows */ });
    sock.on('close', () => { this.closed = true; this.wake(); });
  }
  static connect(p: string): Promise<LineClient> {
    return new Promise((resolve, reject) => {
      const s = net.connect(p);
      s.once('error', reject);
      s.once('connect', () => resolve(new LineClient(s)));
    });
  }
  private wake(): void { const w = this.waiters; this.waiters = []; for (const f of w) f(); }
  send(line: string): void { this.sock.write(line); }
  /** Wait until `n` lines have arrived (or the connection closed); times out after ms. */
  async waitLines(n: number, ms = 5000): Promise<unknown[]> {
    const end = Date.now() + ms;
    while (this.lines.length < n && !this.closed) {
      if (Date.now() > end) throw new Error(`timeout waiting for ${n} lines (have ${this.lines.length})`);
      await new Promise<void>((r) => { this.waiters.push(r); setTimeout(r, 50); });
    }
    return this.lines;
  }
  async waitClosed(ms = 5000): Promise<boolean> {
    const end = Date.now() + ms;
    while (!this.closed && Date.now() < end) await new Promise<void>((r) => { this.waiters.push(r); setTimeout(r, 50); });
    return this.closed;
  }
  close(): void { this.sock.destroy(); }
}

export function req(id: number | string | null, method: string, params?: unknown): string {
  return JSON.stringify({ jsonrpc: '2.0', id, method, ...(params === undefined ? {} : { params }) }) + '\n';
}
