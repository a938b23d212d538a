// Helpers for ctl-* tests: run the real compiled tsysctl (as tsysctl, or through a `systemctl` /
// `journalctl` symlink) against a control server backed by the FakeManager. Not a test file.
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { harness, type Harness } from './rpc-helpers';
import { FakeManager } from './rpc-fake-manager';

export const TSYSCTL = path.resolve(__dirname, '..', '..', 'src', 'cli', 'tsysctl.js');

export interface Run { code: number; stdout: string; stderr: string }

export function runCtl(h: Harness, args: string[], opts: { as?: 'systemctl' | 'journalctl'; env?: Record<string, string> } = {}): Promise<Run> {
  let script = TSYSCTL;
  if (opts.as) {
    script = path.join(h.dir, opts.as);
    if (!fs.existsSync(script)) fs.symlinkSync(TSYSCTL, script);
  }
  return new Promise((resolve) => {
    const p = spawn(process.execPath, [script, '--socket', h.sock, ...args], { env: { ...process.env, TZ: 'UTC', ...(opts.env ?? {}) } });
    let stdout = ''; let stderr = '';
    p.stdout.on('data', (d: Buffer) => { stdout += d.toString(); });
    p.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
    const t = setTimeout(() => p.kill('SIGKILL'), 20000);
    p.on('close', (code) => { clearTimeout(t); resolve({ code: code ?? 128, stdout, stderr }); });
  });
}

export async function withCtl(mgr: FakeManager, fn: (run: (args: string[], o?: { as?: 'systemctl' | 'journalctl' }) => Promise<Run>, h: Harness) => Promise<void>): Promise<void> {
  const h = await harness({ mgr });
  try { await fn((args, o) => runCtl(h, args, o), h); } finally { await h.close(); }
}
