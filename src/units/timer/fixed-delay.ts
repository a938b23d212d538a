// FixedRandomDelay=: systemd's timer_get_fixed_delay_hash(), SipHash-2-4 with timer.c's key over the
// machine id (16 bytes, zero when unknown), "is system manager" (1 byte), the uid (4 bytes, little
// endian) and the unit name; the delay is that hash modulo RandomizedDelaySec=. Pure (BigInt arithmetic).

const MASK = (1n << 64n) - 1n;
const rotl = (x: bigint, b: bigint): bigint => ((x << b) | (x >> (64n - b))) & MASK;
function le64(b: Uint8Array, o: number): bigint {
  let v = 0n;
  for (let i = 7; i >= 0; i--) v = (v << 8n) | BigInt(b[o + i] ?? 0);
  return v;
}

/** SipHash-2-4 of `data` under a 16-byte key. */
export function siphash24(data: Uint8Array, key: Uint8Array): bigint {
  const k0 = le64(key, 0), k1 = le64(key, 8);
  let v0 = 0x736f6d6570736575n ^ k0, v1 = 0x646f72616e646f6dn ^ k1, v2 = 0x6c7967656e657261n ^ k0, v3 = 0x7465646279746573n ^ k1;
  const round = (): void => {
    v0 = (v0 + v1) & MASK; v1 = rotl(v1, 13n); v1 ^= v0; v0 = rotl(v0, 32n);
    v2 = (v2 + v3) & MASK; v3 = rotl(v3, 16n); v3 ^= v2;
    v0 = (v0 + v3) & MASK; v3 = rotl(v3, 21n); v3 ^= v0;
    v2 = (v2 + v1) & MASK; v1 = rotl(v1, 17n); v1 ^= v2; v2 = rotl(v2, 32n);
  };
  const full = data.length - (data.length % 8);
  for (let i = 0; i < full; i += 8) {
    const m = le64(data, i);
    v3 ^= m; round(); round(); v0 ^= m;
  }
  let last = BigInt(data.length & 0xff) << 56n;
  for (let i = full; i < data.length; i++) last |= BigInt(data[i]!) << BigInt(8 * (i - full));
  v3 ^= last; round(); round(); v0 ^= last;
  v2 ^= 0xffn;
  round(); round(); round(); round();
  return (v0 ^ v1 ^ v2 ^ v3) & MASK;
}

const HASH_KEY = new Uint8Array([0x51, 0x0a, 0xdb, 0x76, 0x29, 0x51, 0x42, 0xc2, 0x80, 0x35, 0xea, 0xe6, 0x8e, 0x3a, 0x37, 0xbd]);

export interface FixedDelayIdentity { machineId: Uint8Array | null; system: boolean; uid: number }

/** timer_get_fixed_delay_hash(). */
export function fixedDelayHash(unitId: string, who: FixedDelayIdentity): bigint {
  const name = new TextEncoder().encode(unitId);
  const buf = new Uint8Array(16 + 1 + 4 + name.length);
  if (who.machineId && who.machineId.length === 16) buf.set(who.machineId, 0);
  buf[16] = who.system ? 1 : 0;
  new DataView(buf.buffer).setUint32(17, who.uid >>> 0, true);
  buf.set(name, 21);
  return siphash24(buf, HASH_KEY);
}

/** 32 hex digits (an /etc/machine-id or boot_id line, dashes allowed) → 16 bytes; null if malformed. */
export function parseId128(s: string): Uint8Array | null {
  const hex = s.trim().replace(/-/g, '');
  if (!/^[0-9a-fA-F]{32}$/.test(hex)) return null;
  const out = new Uint8Array(16);
  for (let i = 0; i < 16; i++) out[i] = parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return out;
}
