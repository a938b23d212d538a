// Decompression of DATA objects in files written by systemd-journald (journald 252 compresses payloads of
// 512 bytes and more, with zstd on Debian's build): zstd through the pure-JS `fzstd` package, LZ4 blocks
// (systemd's framing: le64 uncompressed size, then one raw LZ4 block) decoded here. XZ is not supported
// (journalctl without liblzma behaves the same: the field is skipped).
// Pure: no Node imports. Invariant: output is bounded (maxSize) and malformed input returns null.
import type { Decompressor } from './reader';

const MAX = 768 * 1024 * 1024;

export function lz4Block(src: Uint8Array, start: number, out: Uint8Array): number {
  let ip = start, op = 0;
  const end = src.length;
  while (ip < end) {
    const token = src[ip++]!;
    let lit = token >>> 4;
    if (lit === 15) { let b: number; do { if (ip >= end) return -1; b = src[ip++]!; lit += b; } while (b === 255); }
    if (ip + lit > end || op + lit > out.length) return -1;
    out.set(src.subarray(ip, ip + lit), op);
    ip += lit; op += lit;
    if (ip >= end) break;
    if (ip + 2 > end) return -1;
    const off = src[ip]! | (src[ip + 1]! << 8);
    ip += 2;
    if (off === 0 || off > op) return -1;
    let ml = token & 15;
    if (ml === 15) { let b: number; do { if (ip >= end) return -1; b = src[ip++]!; ml += b; } while (b === 255); }
    ml += 4;
    if (op + ml > out.length) return -1;
    for (let i = 0; i < ml; i++, op++) out[op] = out[op - off]!;
  }
  return op;
}

export const journalDecompress: Decompressor = (alg, data) => {
  if (alg === 'zstd') {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const fz = require('fzstd') as { decompress(d: Uint8Array, out?: Uint8Array): Uint8Array };
    try { return fz.decompress(data); } catch { return null; }
  }
  if (alg === 'lz4') {
    if (data.length <= 8) return null;
    const v = data as Buffer;
    const size = Buffer.from(v.buffer, v.byteOffset, v.length).readUInt32LE(0) + Buffer.from(v.buffer, v.byteOffset, v.length).readUInt32LE(4) * 4294967296;
    if (size > MAX) return null;
    const out = new Uint8Array(size);
    return lz4Block(data, 8, out) === size ? out : null;
  }
  return null;
};
