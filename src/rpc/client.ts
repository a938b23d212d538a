// A tiny JSON-RPC 2.0 client for the control socket: node:net only, type-only imports, so the CLI's
// startup path stays near bare `node` (no jayson, no debug on this path).
// Invariants: one connection, requests pipelined with increasing ids, responses matched by id
// (the server may answer out of order); notifications ("event") go to onEvent listeners; when the
// connection closes every pending call rejects with RpcCallError(code -32000 'connection closed').
import * as net from 'node:net';
import type { ErrorData, MethodName, ParamsOf, ResultOf, RpcEvent } from './protocol';
import { RpcCallError, TRANSPORT_ERROR } from './call-error';

export { RpcCallError, TRANSPORT_ERROR };

/** What a verb needs of its connection: calls, and events for those that wait (is-system-running --wait).
 *  tsysctl's fast path gives the read-only probes one over a blocking socket (src/cli/ctl/fast.ts). */
export type RpcCaller = Pick<RpcClient, 'call' | 'onEvent'>;

interface Pending { resolve: (v: unknown) => void; reject: (e: Error) => void }

export class RpcClient {
  private nextId = 1;
  private pending = new Map<number, Pending>();
  private buf = '';
  private listeners: Array<(e: RpcEvent, subscription: number) => void> = [];
  private closedErr: Error | null = null;

  private constructor(private readonly sock: net.Socket) {
    sock.setEncoding('utf8');
    sock.on('data', (d: string) => this.onData(d));
    sock.on('error', (e) => this.fail(new RpcCallError(TRANSPORT_ERROR, e.message)));
    sock.on('close', () => this.fail(new RpcCallError(TRANSPORT_ERROR, 'connection closed')));
  }

  /** Connect to the control socket; rejects with the net error (code ENOENT/ECONNREFUSED/EACCES). */
  static connect(path: string): Promise<RpcClient> {
    return new Promise((resolve, reject) => {
      const s = net.connect(path);
      const onErr = (e: Error): void => reject(e);
      s.once('error', onErr);
      s.once('connect', () => { s.off('error', onErr); resolve(new RpcClient(s)); });
    });
  }

  call<M extends MethodName>(method: M, params: ParamsOf<M>): Promise<ResultOf<M>> {
    if (this.closedErr) return Promise.reject(this.closedErr);
    const id = this.nextId++;
    return new Promise<ResultOf<M>>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.sock.write(JSON.stringify({ jsonrpc: '2.0', id, method, params }) + '\n');
    });
  }

  /** Send a raw line (tests: batches, malformed input). */
  writeRaw(line: string): void { this.sock.write(line); }

  onEvent(fn: (e: RpcEvent, subscription: number) => void): void { this.listeners.push(fn); }

  /** Keep the process alive only while calls are pending (for follow mode, call ref()). */
  unref(): void { this.sock.unref(); }
  ref(): void { this.sock.ref(); }

  close(): void { this.sock.end(); this.sock.destroy(); }

  private onData(d: string): void {
    this.buf += d;
    let nl: number;
    while ((nl = this.buf.indexOf('\n')) >= 0) {
      const line = this.buf.slice(0, nl);
      this.buf = this.buf.slice(nl + 1);
      if (line) this.onLine(line);
    }
  }

  private onLine(line: string): void {
    let msg: unknown;
    try { msg = JSON.parse(line); } catch { return; }
    const list = Array.isArray(msg) ? msg : [msg];
    for (const m of list) {
      if (!m || typeof m !== 'object') continue;
      const o = m as { id?: unknown; result?: unknown; error?: { code: number; message: string; data?: ErrorData }; method?: unknown; params?: unknown };
      if (o.method === 'event' && o.params && typeof o.params === 'object') {
        const p = o.params as { subscription: number; event: RpcEvent };
        for (const l of this.listeners) l(p.event, p.subscription);
        continue;
      }
      if (typeof o.id !== 'number') {
        if (o.error) this.fail(new RpcCallError(o.error.code, o.error.message, o.error.data ?? {}));
        continue;
      }
      const p = this.pending.get(o.id);
      if (!p) continue;
      this.pending.delete(o.id);
      if (o.error) p.reject(new RpcCallError(o.error.code, o.error.message, o.error.data ?? {}));
      else p.resolve(o.result);
    }
  }

  private fail(e: Error): void {
    if (!this.closedErr) this.closedErr = e;
    const ps = [...this.pending.values()];
    this.pending.clear();
    for (const p of ps) p.reject(e);
  }
}
