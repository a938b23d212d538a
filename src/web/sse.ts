// Server-Sent Events fan-out for the web view: the manager's event stream (Manager.onEvent, the same one
// the control API's `subscribe` uses) pushed to every open viewer, no polling.
// Invariants: the manager listener never throws and never calls back into the manager (it only formats
// and writes); each event is serialised once and written to every viewer that wants it; a viewer whose
// unsent output exceeds maxBufferBytes is dropped (like a slow RPC subscriber), so the memory a viewer can
// cost is bounded; at most maxViewers are open (more get 503 from the server); log lines go only to
// viewers that asked for that unit's log. Log lines are the bulk (a unit can print thousands in one
// event-loop turn): past softBufferBytes of unsent output a viewer's log lines are skipped instead of
// queued, and once it has drained it gets one `gap` event (the page refetches the tail; lines carry
// their seq, so nothing is shown twice). State events are never skipped: a viewer too slow even for
// those is dropped and its EventSource reconnects and reloads.
import type { ServerResponse } from 'node:http';
import type { RpcEvent } from '../rpc/protocol';

export interface SseLimits { maxViewers: number; maxBufferBytes: number; softBufferBytes: number; maxLogUnits: number; heartbeatMs: number }
export const SSE_LIMITS: SseLimits = { maxViewers: 256, maxBufferBytes: 256 << 10, softBufferBytes: 64 << 10, maxLogUnits: 64, heartbeatMs: 15000 };

interface Viewer { id: number; res: ServerResponse; logUnits: ReadonlySet<string>; skipped: number }

export interface SseStats { viewers: number; dropped: number; sent: number; skippedLogLines: number }

/** The SSE frame for an event: `event: <type>` and one `data:` line of JSON that always names the unit
 *  ("" for manager-wide lines and manager events). */
export function sseFrame(e: RpcEvent): { type: string; unit: string; frame: string } {
  let unit = '';
  let data: unknown;
  switch (e.type) {
    case 'unit': unit = e.unit; data = e; break;
    case 'job': unit = e.job.unit; data = { ...e, unit }; break;
    case 'log': unit = e.line.unit; data = { type: 'log', unit, line: e.line }; break;
    case 'manager': data = { ...e, unit: '' }; break;
  }
  return { type: e.type, unit, frame: `event: ${e.type}\ndata: ${JSON.stringify(data)}\n\n` };
}

export class SseHub {
  private readonly viewers = new Map<number, Viewer>();
  private nextId = 1;
  private dropped = 0;
  private sent = 0;
  private skippedLogLines = 0;
  private heartbeat: ReturnType<typeof setInterval> | null = null;
  private unsubscribe: (() => void) | null = null;

  constructor(private readonly limits: SseLimits = SSE_LIMITS) {}

  /** Start listening to the manager (once). */
  attach(onEvent: (l: (e: RpcEvent) => void) => () => void): void {
    if (this.unsubscribe) return;
    this.unsubscribe = onEvent((e) => { try { this.publish(e); } catch { /* never into the manager */ } });
    this.heartbeat = setInterval(() => this.broadcastRaw(':\n\n'), this.limits.heartbeatMs);
    this.heartbeat.unref();
  }

  get full(): boolean { return this.viewers.size >= this.limits.maxViewers; }
  get count(): number { return this.viewers.size; }
  stats(): SseStats { return { viewers: this.viewers.size, dropped: this.dropped, sent: this.sent, skippedLogLines: this.skippedLogLines }; }

  /** Take over a response as an event stream. `logUnits`: units whose log lines this viewer wants. */
  add(res: ServerResponse, logUnits: string[]): void {
    const id = this.nextId++;
    const v: Viewer = { id, res, logUnits: new Set(logUnits.slice(0, this.limits.maxLogUnits)), skipped: 0 };
    this.viewers.set(id, v);
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-store', 'x-accel-buffering': 'no',
      connection: 'keep-alive',
    });
    res.socket?.setNoDelay(true);
    const gone = (): void => { this.viewers.delete(id); };
    res.on('close', gone);
    res.on('error', gone);
    this.write(v, `retry: 1000\nevent: hello\ndata: ${JSON.stringify({ viewer: id })}\n\n`);
  }

  publish(e: RpcEvent): void {
    if (this.viewers.size === 0) return;
    const { type, unit, frame: text } = sseFrame(e);
    const frame = Buffer.from(text);   // encoded once, the same bytes handed to every viewer
    for (const v of [...this.viewers.values()]) {
      if (type === 'log') {
        if (!v.logUnits.has(unit)) continue;
        if (v.res.writableLength > this.limits.softBufferBytes) { v.skipped++; this.skippedLogLines++; continue; }
      }
      if (v.skipped > 0 && v.res.writableLength <= this.limits.softBufferBytes / 2) {
        this.write(v, `event: gap\ndata: ${JSON.stringify({ unit: '', skipped: v.skipped })}\n\n`);
        v.skipped = 0;
      }
      this.write(v, frame);
    }
  }

  private broadcastRaw(s: string): void { for (const v of [...this.viewers.values()]) this.write(v, s); }

  private write(v: Viewer, s: string | Buffer): void {
    const res = v.res;
    if (res.destroyed || res.writableEnded) { this.viewers.delete(v.id); return; }
    if (res.writableLength + s.length > this.limits.maxBufferBytes) {
      // A viewer that does not read: drop it (the browser's EventSource reconnects and reloads state).
      this.viewers.delete(v.id);
      this.dropped++;
      res.destroy();
      return;
    }
    res.write(s);
    this.sent++;
  }

  close(): void {
    this.unsubscribe?.();
    this.unsubscribe = null;
    if (this.heartbeat) clearInterval(this.heartbeat);
    this.heartbeat = null;
    for (const v of this.viewers.values()) v.res.destroy();
    this.viewers.clear();
  }
}
