// Helpers for the journal tests: an in-memory JournalSpace, the real journalctl as the oracle (skipped when
// absent), and parsers for its export and json output.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { JournalSpace } from '../../src/journal/writer';

export class MemSpace implements JournalSpace {
  buf: Buffer;
  size = 0;
  constructor(readonly max: number) { this.buf = Buffer.alloc(max); }
  grow(size: number): boolean {
    if (size > this.max) return false;
    if (size > this.size) this.size = size;
    return true;
  }
  bytes(): Buffer { return Buffer.from(this.buf.subarray(0, this.size)); }
}

export const JOURNALCTL = ['/usr/bin/journalctl', '/bin/journalctl'].find((p) => fs.existsSync(p)) ?? '';

export function tmpdir(prefix: string): string { return fs.mkdtempSync(path.join(os.tmpdir(), prefix)); }

export function journalctl(args: string[]): { code: number; stdout: Buffer; stderr: string } {
  const r = spawnSync(JOURNALCTL, args, { env: { ...process.env, SYSTEMD_COLORS: '0', SYSTEMD_PAGER: '', LC_ALL: 'C.UTF-8' }, maxBuffer: 512 * 1024 * 1024 });
  return { code: r.status ?? -1, stdout: r.stdout ?? Buffer.alloc(0), stderr: r.stderr?.toString() ?? '' };
}

/** Split journalctl -o export output into entries, each a list of "NAME=value" buffers (binary-safe). */
export function parseExport(b: Buffer): Buffer[][] {
  const out: Buffer[][] = [];
  let cur: Buffer[] = [];
  let p = 0;
  while (p < b.length) {
    if (b[p] === 0x0a) { if (cur.length) out.push(cur); cur = []; p++; continue; }
    const nl = b.indexOf(0x0a, p);
    const line = b.subarray(p, nl < 0 ? b.length : nl);
    if (line.indexOf(0x3d) >= 0) { cur.push(Buffer.from(line)); p = nl < 0 ? b.length : nl + 1; continue; }
    // binary: NAME\n<le64 size><data>\n
    const len = Number(b.readBigUInt64LE(nl + 1));
    const data = b.subarray(nl + 9, nl + 9 + len);
    cur.push(Buffer.concat([line, Buffer.from('='), data]));
    p = nl + 9 + len + 1;
  }
  if (cur.length) out.push(cur);
  return out;
}
