// Real headless Chromium for the e2e tests (Debian's `chromium` package), driven over the DevTools
// protocol on a pipe (--remote-debugging-pipe: requests on fd 3, replies and events on fd 4, each
// message NUL-terminated), so no WebSocket client or npm driver is needed.
// Invariants: a fresh --user-data-dir per browser, removed on close(); the browser runs in its own process
// group and close() ends exactly that group (it is ours: we started it); no network besides what the page
// asks for (background networking, component updates, sync and QUIC off).
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Readable, Writable } from 'node:stream';

export const CHROMIUM = ['/usr/bin/chromium', '/usr/lib/chromium/chromium'].find((p) => fs.existsSync(p)) ?? '';

interface Pending { resolve: (v: Record<string, unknown>) => void; reject: (e: Error) => void }
type Listener = (params: Record<string, unknown>, sessionId: string | undefined) => void;

export class Browser {
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private readonly listeners = new Map<string, Set<Listener>>();
  private buf = '';
  private exited = false;

  private constructor(private readonly proc: ChildProcess, private readonly dataDir: string, private readonly out: Writable) {
    const input = proc.stdio[4] as Readable;
    input.setEncoding('utf8');
    input.on('data', (d: string) => this.onData(d));
    proc.on('exit', () => {
      this.exited = true;
      for (const p of this.pending.values()) p.reject(new Error('chromium exited'));
      this.pending.clear();
    });
  }

  static async launch(extraArgs: string[] = []): Promise<Browser> {
    if (!CHROMIUM) throw new Error('chromium is not installed');
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tsysd-chromium-'));
    const args = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage', '--hide-scrollbars', '--mute-audio',
      '--font-render-hinting=none', `--user-data-dir=${dataDir}`, '--remote-debugging-pipe', ...extraArgs, 'about:blank'];
    const proc = spawn(CHROMIUM, args, { stdio: ['ignore', 'ignore', 'pipe', 'pipe', 'pipe'], detached: true });
    let stderr = '';
    proc.stderr?.on('data', (b: Buffer) => { if (stderr.length < 20000) stderr += b.toString(); });
    const b = new Browser(proc, dataDir, proc.stdio[3] as Writable);
    try {
      await Promise.race([b.send('Browser.getVersion'), new Promise((_r, rej) => setTimeout(() => rej(new Error(`chromium did not answer: ${stderr}`)), 30000))]);
    } catch (e) { await b.close(); throw e; }
    return b;
  }

  send(method: string, params: Record<string, unknown> = {}, sessionId?: string): Promise<Record<string, unknown>> {
    if (this.exited) return Promise.reject(new Error('chromium exited'));
    const id = this.nextId++;
    const msg: Record<string, unknown> = { id, method, params };
    if (sessionId) msg.sessionId = sessionId;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.out.write(JSON.stringify(msg) + '\0');
    });
  }

  on(event: string, fn: Listener): () => void {
    let s = this.listeners.get(event);
    if (!s) { s = new Set(); this.listeners.set(event, s); }
    s.add(fn);
    return () => { s?.delete(fn); };
  }

  /** Wait for one event (optionally of one session) matching `pred`. */
  waitEvent(event: string, sessionId: string | undefined, pred: (p: Record<string, unknown>) => boolean = () => true, timeoutMs = 30000): Promise<Record<string, unknown>> {
    return new Promise((resolve, reject) => {
      const off = this.on(event, (p, sid) => {
        if (sessionId && sid !== sessionId) return;
        if (!pred(p)) return;
        off(); clearTimeout(t); resolve(p);
      });
      const t = setTimeout(() => { off(); reject(new Error(`timeout waiting for ${event}`)); }, timeoutMs);
    });
  }

  async newPage(width = 1280, height = 800): Promise<Page> {
    const { targetId } = await this.send('Target.createTarget', { url: 'about:blank' }) as { targetId: string };
    const { sessionId } = await this.send('Target.attachToTarget', { targetId, flatten: true }) as { sessionId: string };
    const p = new Page(this, sessionId, targetId);
    await p.send('Page.enable');
    await p.send('Runtime.enable');
    await p.setViewport(width, height);
    return p;
  }

  async close(): Promise<void> {
    if (!this.exited) {
      await Promise.race([this.send('Browser.close').catch(() => undefined), new Promise((r) => setTimeout(r, 5000))]);
      await new Promise((r) => setTimeout(r, 200));
    }
    // Anything of our browser's process group still around (renderers, zygotes) is ended by group id.
    if (this.proc.pid) { try { process.kill(-this.proc.pid, 'SIGKILL'); } catch { /* gone */ } }
    for (let i = 0; i < 50 && !this.exited; i++) await new Promise((r) => setTimeout(r, 100));
    fs.rmSync(this.dataDir, { recursive: true, force: true });
  }

  private onData(d: string): void {
    this.buf += d;
    let i: number;
    while ((i = this.buf.indexOf('\0')) >= 0) {
      const line = this.buf.slice(0, i);
      this.buf = this.buf.slice(i + 1);
      let m: { id?: number; result?: Record<string, unknown>; error?: { message: string }; method?: string; params?: Record<string, unknown>; sessionId?: string };
      try { m = JSON.parse(line) as typeof m; } catch { continue; }
      if (typeof m.id === 'number') {
        const p = this.pending.get(m.id);
        if (!p) continue;
        this.pending.delete(m.id);
        if (m.error) p.reject(new Error(m.error.message)); else p.resolve(m.result ?? {});
      } else if (m.method) {
        for (const l of [...(this.listeners.get(m.method) ?? [])]) l(m.params ?? {}, m.sessionId);
      }
    }
  }
}

export class Page {
  constructor(readonly browser: Browser, readonly sessionId: string, readonly targetId: string) {}

  send(method: string, params: Record<string, unknown> = {}): Promise<Record<string, unknown>> {
    return this.browser.send(method, params, this.sessionId);
  }

  async setViewport(width: number, height: number): Promise<void> {
    await this.send('Emulation.setDeviceMetricsOverride', { width, height, deviceScaleFactor: 1, mobile: false });
  }

  async goto(url: string, timeoutMs = 30000): Promise<void> {
    const loaded = this.browser.waitEvent('Page.loadEventFired', this.sessionId, () => true, timeoutMs);
    const r = await this.send('Page.navigate', { url }) as { errorText?: string };
    if (r.errorText) throw new Error(`navigate ${url}: ${r.errorText}`);
    await loaded;
  }

  /** Evaluate an expression in the page (promises awaited) and return its JSON value. */
  async evaluate<T>(expression: string): Promise<T> {
    const r = await this.send('Runtime.evaluate', { expression, returnByValue: true, awaitPromise: true }) as
      { result?: { value?: unknown }; exceptionDetails?: { text: string; exception?: { description?: string } } };
    if (r.exceptionDetails) throw new Error(`page: ${r.exceptionDetails.exception?.description ?? r.exceptionDetails.text}`);
    return r.result?.value as T;
  }

  /** Poll `expression` until it is truthy (or the timeout passes); returns the last value. */
  async waitFor<T>(expression: string, timeoutMs = 10000, stepMs = 20): Promise<T> {
    const end = Date.now() + timeoutMs;
    for (;;) {
      const v = await this.evaluate<T>(expression);
      if (v || Date.now() > end) return v;
      await new Promise((r) => setTimeout(r, stepMs));
    }
  }

  /** A PNG screenshot of the viewport (or of `clip`). */
  async screenshot(clip?: { x: number; y: number; width: number; height: number }): Promise<Buffer> {
    const r = await this.send('Page.captureScreenshot', { format: 'png', ...(clip ? { clip: { ...clip, scale: 1 } } : {}), captureBeyondViewport: !!clip }) as { data: string };
    return Buffer.from(r.data, 'base64');
  }

  async close(): Promise<void> { await this.browser.send('Target.closeTarget', { targetId: this.targetId }).catch(() => undefined); }
}
