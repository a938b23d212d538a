// SipHash-2-4 (Aumasson/Bernstein), as systemd's siphash24(): 64-bit result of a byte string under a
// 16-byte key. Used where systemd derives names and ids from hashes (DynamicUser= user names and UIDs).
// Pure; checked against the reference test vectors in tests/unit/sandbox-plan.test.ts.
const M = (1n << 64n) - 1n;
const rotl = (x: bigint, b: bigint): bigint => ((x << b) | (x >> (64n - b))) & M;

function le64(b: Uint8Array, o: number): bigint {
  let r = 0n;
  for (let i = 7; i >= 0; i--) r = (r << 8n) | BigInt(b[o + i] ?? 0);
  return r;
}

export function siphash24(data: Uint8Array, key: Uint8Array): bigint {
  const k0 = le64(key, 0), k1 = le64(key, 8);
  let v0 = k0 ^ 0x736f6d6570736575n, v1 = k1 ^ 0x646f72616e646f6dn, v2 = k0 ^ 0x6c7967656e657261n, v3 = k1 ^ 0x7465646279746573n;
  const round = (): void => {
    v0 = (v0 + v1) & M; v1 = rotl(v1, 13n); v1 ^= v0; v0 = rotl(v0, 32n);
    v2 = (v2 + v3) & M; v3 = rotl(v3, 16n); v3 ^= v2;
    v0 = (v0 + v3) & M; v3 = rotl(v3, 21n); v3 ^= v0;
    v2 = (v2 + v1) & M; v1 = rotl(v1, 17n); v1 ^= v2; v2 = rotl(v2, 32n);
  };
  const n = data.length;
  const end = n - (n % 8);
  for (let o = 0; o < end; o += 8) {
    const m = le64(data, o);
    v3 ^= m; round(); round(); v0 ^= m;
  }
  let b = BigInt(n & 0xff) << 56n;
  for (let i = 0; i < n % 8; i++) b |= BigInt(data[end + i] ?? 0) << BigInt(8 * i);
  v3 ^= b; round(); round(); v0 ^= b;
  v2 ^= 0xffn;
  round(); round(); round(); round();
  return (v0 ^ v1 ^ v2 ^ v3) & M;
}

export const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);
