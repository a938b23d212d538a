// DynamicUser=: a uid/gid pair from 61184–65519 for a user name, picked as systemd 252's pick_uid()
// (src/core/dynamic-user.c) does: first the owner of the unit's StateDirectory=/CacheDirectory=/
// LogsDirectory= (under private/), so a restarted service keeps its files; then a SipHash-2-4 of the name
// clamped into the range (stable for the same name); then random candidates. A candidate is refused when
// another dynamic name holds it or a static user/group has that id. A static user of the same name is used
// as is (dynamic_user_realize()), except root: tsysd never runs a DynamicUser= service as uid 0.
// The allocation lives for the manager's lifetime and is recorded in <stateDir>/dynamic-uid/<uid> (the name)
// with systemd's "direct:" lookup symlinks. Invariant: returns a uid/gid > 0 or an error, never root.
import type { Platform } from '../platform/types';
import { siphash24, utf8 } from './siphash';

export const DYNAMIC_UID_MIN = 61184;
export const DYNAMIC_UID_MAX = 65519;
const HASH_KEY = new Uint8Array([0x37, 0x53, 0x7e, 0x31, 0xcf, 0xce, 0x48, 0xf5, 0x8a, 0xbb, 0x39, 0x57, 0x8d, 0xd9, 0xec, 0x59]);

const clamp = (n: bigint): number => Number((n & 0xffffffffn) % BigInt(DYNAMIC_UID_MAX - DYNAMIC_UID_MIN + 1)) + DYNAMIC_UID_MIN;

/** The hashed candidate systemd tries second (UID_CLAMP_INTO_RANGE(siphash24(name))). */
export function hashedUid(name: string): number { return clamp(siphash24(utf8(name), HASH_KEY)); }

const byName = new Map<string, number>();
const byUid = new Map<number, string>();

export type DynamicIds = { uid: number; gid: number } | { errno: number; message: string };

export function allocateDynamicUser(p: Platform, name: string, suggestedPaths: string[], stateDir: string,
  random: () => number = Math.random): DynamicIds {
  const known = byName.get(name);
  if (known !== undefined) return { uid: known, gid: known };
  const stat = p.getUser(name);
  if (stat) {
    if (stat.uid === 0) return { errno: 1, message: `DynamicUser=yes with User=${name}: refusing to run as root` };
    return { uid: stat.uid, gid: stat.gid };
  }
  if (p.getGroup(name)) return { errno: 84, message: `DynamicUser=yes: a group ${name} exists without a user of that name` };
  const free = (uid: number): boolean => uid >= DYNAMIC_UID_MIN && uid <= DYNAMIC_UID_MAX && !byUid.has(uid)
    && !p.getUser(String(uid)) && !p.getGroup(String(uid)) && !heldElsewhere(p, stateDir, uid, name);
  const candidates: number[] = [];
  for (const s of suggestedPaths) { const o = p.ownerOf(s); if (o >= 0) candidates.push(o); }
  candidates.push(hashedUid(name));
  for (let i = 0; i < 100; i++) candidates.push(DYNAMIC_UID_MIN + Math.floor(random() * (DYNAMIC_UID_MAX - DYNAMIC_UID_MIN + 1)));
  for (const uid of candidates) {
    if (!free(uid)) continue;
    byName.set(name, uid);
    byUid.set(uid, name);
    record(p, stateDir, uid, name);
    return { uid, gid: uid };
  }
  return { errno: 16, message: `DynamicUser=yes: no free uid in ${DYNAMIC_UID_MIN}-${DYNAMIC_UID_MAX} for ${name}` };
}

/** A uid recorded by an earlier manager for another name (a stale record of the same name is reused). */
function heldElsewhere(p: Platform, stateDir: string, uid: number, name: string): boolean {
  const t = p.readFile(`${stateDir}/dynamic-uid/${uid}`);
  return t !== null && t.trim() !== name;
}

function record(p: Platform, stateDir: string, uid: number, name: string): void {
  const d = `${stateDir}/dynamic-uid`;
  if (p.mkdirp(d, 0o755) < 0) return;
  p.writeFile(`${d}/${uid}`, `${name}\n`, 0o644);
  p.symlink(name, `${d}/direct:${uid}`);
  p.symlink(String(uid), `${d}/direct:${name}`);
}

/** The uid allocated to a dynamic user name by this manager, if any. */
export function dynamicUidOf(name: string): number | undefined { return byName.get(name); }

/** The dynamic user's name for a uid allocated by this manager (status/show). */
export function dynamicUserOf(uid: number): string | undefined { return byUid.get(uid); }
