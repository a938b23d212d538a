// The daemon's side of the web view: the token file, the server, one console line saying where it is.
// Kept out of src/manager/daemon.ts (which only calls this when --web-listen is given, so without it no
// web code is even loaded and nothing listens).
// Invariants: the token is 32 random bytes (hex) in <runtime-dir>/web-token, mode 0600, owned by the
// manager's uid (readable by exactly those who may act over the control socket); written only with
// --web-actions, removed when the server closes.
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { DaemonOptions } from '../manager/options';
import { startWebServer, type WebApi } from './server';

export async function startDaemonWeb(opts: DaemonOptions, api: WebApi, guard: (unit: string, fn: () => void) => void, out: (line: string) => void): Promise<{ close(): Promise<void> }> {
  let token = '';
  const tokenFile = path.join(opts.runtimeDir, 'web-token');
  if (opts.webActions) {
    token = randomBytes(32).toString('hex');
    try { fs.unlinkSync(tokenFile); } catch { /* none */ }
    fs.writeFileSync(tokenFile, `${token}\n`, { mode: 0o600, flag: 'wx' });
  }
  const uid = process.getuid?.() ?? 0;
  const version = (require('../../../package.json') as { version: string }).version;
  const web = await startWebServer({
    listen: opts.webListen ?? '', api, actions: !!opts.webActions, token, guard, version,
    actionCaller: { uid, gid: process.getgid?.() ?? 0, pid: 0, privileged: true },
  });
  out(`tsysd: web view on ${web.url} (${opts.webActions ? `actions enabled, token in ${tokenFile}` : 'read-only'})`);
  return {
    close: async () => {
      await web.close();
      if (opts.webActions) { try { fs.unlinkSync(tokenFile); } catch { /* gone */ } }
    },
  };
}
