// The two hash functions of systemd's journal file format, bit-exact with systemd 252:
//   * siphash24(data, key)  — SipHash-2-4, keyed by the file's 128-bit file_id (HEADER_INCOMPATIBLE_KEYED_HASH):
//     the hash of DATA and FIELD objects and the hash tables' bucket choice;
//   * jenkins64(data)       — Bob Jenkins' lookup3 hashlittle2() with both seeds 0, returned as (c << 32) | b:
//     the hash of classic (unkeyed) files, and in every file the per-entry xor_hash.
// Pure: no Node imports. 64-bit values are handled as two uint32 halves (no BigInt on the hot path); results
// are returned through HASH_OUT ([lo, hi]) to avoid an allocation per call, so copy them out before the next
// call. Invariant: the functions read only data[start, end).

/** Result of the last siphash24()/jenkins64() call: [low 32 bits, high 32 bits]. */
export const HASH_OUT = new Uint32Array(2);

/** A 128-bit key as four little-endian uint32 words (k0 lo, k0 hi, k1 lo, k1 hi). */
export function sipKey(id16: Uint8Array): Uint32Array {
  const k = new Uint32Array(4);
  for (let i = 0; i < 4; i++) {
    k[i] = le32(id16, i * 4);
  }
  return k;
}

function le32(d: Uint8Array, p: number): number {
  return (d[p]! | (d[p + 1]! << 8) | (d[p + 2]! << 16) | (d[p + 3]! << 24)) >>> 0;
}

/** The same as a signed int32 (hot loops). */
function le32i(d: Uint8Array, p: number): number {
  return d[p]! | (d[p + 1]! << 8) | (d[p + 2]! << 16) | (d[p + 3]! << 24);
}

// SipHash state v0..v3 as [lo, hi] pairs: V[0..1]=v0, V[2..3]=v1, V[4..5]=v2, V[6..7]=v3 (module-level, no
// allocation or closure per call: this runs for every field of every entry)
const V = new Uint32Array(8);

function sipRounds(n: number): void {
  // int32 arithmetic throughout (| 0): V8 keeps it in registers; `>>> 0` values above 2^31 become doubles
  let v0l = V[0]! | 0, v0h = V[1]! | 0, v1l = V[2]! | 0, v1h = V[3]! | 0, v2l = V[4]! | 0, v2h = V[5]! | 0, v3l = V[6]! | 0, v3h = V[7]! | 0;
  let t = 0, tl = 0, th = 0;
  for (let r = 0; r < n; r++) {
    tl = (v0l + v1l) | 0; v0h = (v0h + v1h + ((tl >>> 0) < (v0l >>> 0) ? 1 : 0)) | 0; v0l = tl;
    th = (v1h << 13) | (v1l >>> 19); v1l = (v1l << 13) | (v1h >>> 19); v1h = th;
    v1l ^= v0l; v1h ^= v0h;
    t = v0l; v0l = v0h; v0h = t;
    tl = (v2l + v3l) | 0; v2h = (v2h + v3h + ((tl >>> 0) < (v2l >>> 0) ? 1 : 0)) | 0; v2l = tl;
    th = (v3h << 16) | (v3l >>> 16); v3l = (v3l << 16) | (v3h >>> 16); v3h = th;
    v3l ^= v2l; v3h ^= v2h;
    tl = (v0l + v3l) | 0; v0h = (v0h + v3h + ((tl >>> 0) < (v0l >>> 0) ? 1 : 0)) | 0; v0l = tl;
    th = (v3h << 21) | (v3l >>> 11); v3l = (v3l << 21) | (v3h >>> 11); v3h = th;
    v3l ^= v0l; v3h ^= v0h;
    tl = (v2l + v1l) | 0; v2h = (v2h + v1h + ((tl >>> 0) < (v2l >>> 0) ? 1 : 0)) | 0; v2l = tl;
    th = (v1h << 17) | (v1l >>> 15); v1l = (v1l << 17) | (v1h >>> 15); v1h = th;
    v1l ^= v2l; v1h ^= v2h;
    t = v2l; v2l = v2h; v2h = t;
  }
  V[0] = v0l; V[1] = v0h; V[2] = v1l; V[3] = v1h; V[4] = v2l; V[5] = v2h; V[6] = v3l; V[7] = v3h;
}

/** SipHash-2-4 of data[start,end) with a 128-bit key; the result is in HASH_OUT. */
export function siphash24(d: Uint8Array, start: number, end: number, key: Uint32Array): void {
  const k0l = key[0]!, k0h = key[1]!, k1l = key[2]!, k1h = key[3]!;
  V[0] = k0l ^ 0x70736575; V[1] = k0h ^ 0x736f6d65;
  V[2] = k1l ^ 0x6e646f6d; V[3] = k1h ^ 0x646f7261;
  V[4] = k0l ^ 0x6e657261; V[5] = k0h ^ 0x6c796765;
  V[6] = k1l ^ 0x79746573; V[7] = k1h ^ 0x74656462;
  const len = end - start;
  const full = start + (len & ~7);
  let ml = 0, mh = 0;
  for (let p = start; p < full; p += 8) {
    ml = le32i(d, p); mh = le32i(d, p + 4);
    V[6] = V[6]! ^ ml; V[7] = V[7]! ^ mh;
    sipRounds(2);
    V[0] = V[0]! ^ ml; V[1] = V[1]! ^ mh;
  }
  // last block: remaining bytes little-endian, length in the top byte
  ml = 0; mh = ((len & 0xff) << 24) >>> 0;
  const rem = end - full;
  for (let i = 0; i < rem; i++) {
    const b = d[full + i]!;
    if (i < 4) ml = (ml | (b << (8 * i))) >>> 0;
    else mh = (mh | (b << (8 * (i - 4)))) >>> 0;
  }
  V[6] = V[6]! ^ ml; V[7] = V[7]! ^ mh;
  sipRounds(2);
  V[0] = V[0]! ^ ml; V[1] = V[1]! ^ mh;
  V[4] = V[4]! ^ 0xff;
  sipRounds(4);
  HASH_OUT[0] = (V[0]! ^ V[2]! ^ V[4]! ^ V[6]!) >>> 0;
  HASH_OUT[1] = (V[1]! ^ V[3]! ^ V[5]! ^ V[7]!) >>> 0;
}

function rot(x: number, k: number): number { return (x << k) | (x >>> (32 - k)); }

/** lookup3 hashlittle2(data, &c=0, &b=0) as systemd's jenkins_hash64: HASH_OUT = [b, c] (c is the high half). */
export function jenkins64(d: Uint8Array, start: number, end: number): void {
  let length = end - start;
  let a = (0xdeadbeef + length) | 0, b = a, c = a;
  let k = start;
  while (length > 12) {
    a = (a + le32i(d, k)) | 0;
    b = (b + le32i(d, k + 4)) | 0;
    c = (c + le32i(d, k + 8)) | 0;
    a = (a - c) | 0; a ^= rot(c, 4); c = (c + b) | 0;
    b = (b - a) | 0; b ^= rot(a, 6); a = (a + c) | 0;
    c = (c - b) | 0; c ^= rot(b, 8); b = (b + a) | 0;
    a = (a - c) | 0; a ^= rot(c, 16); c = (c + b) | 0;
    b = (b - a) | 0; b ^= rot(a, 19); a = (a + c) | 0;
    c = (c - b) | 0; c ^= rot(b, 4); b = (b + a) | 0;
    length -= 12;
    k += 12;
  }
  if (length === 0) { HASH_OUT[0] = b; HASH_OUT[1] = c; return; }
  // the last, partial block: byte i adds to word a/b/c (i / 4) at bit 8 * (i % 4) (lookup3's byte-wise
  // switch, identical to its word-wise reads on little-endian machines)
  for (let i = 0; i < length; i++) {
    const v = d[k + i]! << (8 * (i & 3));
    if (i < 4) a = (a + v) | 0;
    else if (i < 8) b = (b + v) | 0;
    else c = (c + v) | 0;
  }
  c ^= b; c = (c - rot(b, 14)) | 0;
  a ^= c; a = (a - rot(c, 11)) | 0;
  b ^= a; b = (b - rot(a, 25)) | 0;
  c ^= b; c = (c - rot(b, 16)) | 0;
  a ^= c; a = (a - rot(c, 4)) | 0;
  b ^= a; b = (b - rot(a, 14)) | 0;
  c ^= b; c = (c - rot(b, 24)) | 0;
  HASH_OUT[0] = b; HASH_OUT[1] = c;
}

/** (hi * 2^32 + lo) mod m, exact for any m below 2^26 (hash table sizes): every product stays below 2^52. */
export function mod64(lo: number, hi: number, m: number): number {
  return ((hi % m) * (4294967296 % m) + (lo % m)) % m;
}
