// Condition*= evaluators about resources and credentials of the manager (systemd 252 condition.c):
// CPUs=/Memory= order checks (the cgroup's memory limit included), User=/Group=, ControlGroupController=
// and the PSI pressure conditions (MemoryPressure=, CPUPressure=, IOPressure=).
// Invariants: pure — all OS knowledge comes through ConditionEnv; each evaluator returns the entry's raw
// result before '!' negation; missing PSI files or a cgroup without the controller pass, as in systemd.
import type { ConditionEnv } from './conditions';
import {
  CGROUP_CONTROLLERS, CGROUP_V1_CONTROLLERS, CGROUP_V2_CONTROLLERS, parseCompareOperator, parsePermyriad, splitWords, testOrder,
  type CheckResult as R, passIf as b,
} from './condition-values';

function readLimit(env: ConditionEnv, unified: boolean): number | null {
  const root = env.cgroupRoot();
  const f = unified ? `/sys/fs/cgroup${root === '/' ? '' : root}/memory.max` : `/sys/fs/cgroup/memory${root === '/' ? '' : root}/memory.limit_in_bytes`;
  const t = env.readFile(f)?.trim();
  if (!t || t === 'max' || !/^[0-9]+$/.test(t)) return null;
  return Number(t);
}

/** physical_memory(): RAM, lowered to the root cgroup's memory limit. */
export function physicalMemory(env: ConditionEnv): number {
  const mem = env.totalMemory();
  const u = env.cgroupUnified();
  if (u === null) return mem;
  const lim = readLimit(env, u === 'all');
  if (lim === null) return mem;
  const page = 4096;
  return Math.min(mem, Math.floor(lim / page) * page);
}

export function orderCheck(v: string, have: number, parse: (s: string) => number | null): R {
  const p = parseCompareOperator(v, false, false);
  if (p === 'invalid') return 'error';
  const op = p ? p.op : '>=';
  const want = parse(p ? p.rest : v);
  if (want === null) return 'error';
  const r = testOrder(have === want ? 0 : have < want ? -1 : 1, op);
  return r === null ? 'error' : b(r);
}

export function user(v: string, env: ConditionEnv): R {
  const uid = env.uid(), euid = env.euid();
  if (v === 'root') return b(uid === 0 || euid === 0);
  if (v === 'nobody') return b(uid === 65534 || euid === 65534);
  if (v === '@system') return b(uid <= 999 || euid <= 999);
  if (/^[0-9]+$/.test(v)) { const id = Number(v); return b(id === uid || id === euid); }
  if (env.isPid1()) return 'fail';
  if (env.userName() === v) return 'pass';
  const id = env.lookupUser(v);
  return b(id !== null && (id === uid || id === euid));
}

function inGid(env: ConditionEnv, id: number): boolean { return id === env.gid() || id === env.egid() || env.groups().includes(id); }

export function group(v: string, env: ConditionEnv): R {
  if (/^[0-9]+$/.test(v)) return b(inGid(env, Number(v)));
  if (env.isPid1()) return b(v === 'root');
  const id = env.lookupGroup(v);
  return b(id !== null && inGid(env, id));
}

export function controlGroupController(v: string, env: ConditionEnv): R {
  const u = env.cgroupUnified();
  if (v === 'v2') return u === null ? 'error' : b(u === 'all');
  if (v === 'v1') return u === null ? 'error' : b(u !== 'all');
  const wanted = (splitWords(v, false) ?? []).filter((w) => CGROUP_CONTROLLERS.includes(w));
  if (wanted.length === 0) return 'pass';   // nothing parseable: systemd says yes
  if (u === null) return 'error';
  const root = env.cgroupRoot();
  const rel = root === '/' ? '' : root;
  let supported: string[];
  if (u === 'all') {
    const t = env.readFile(`/sys/fs/cgroup${rel}/cgroup.controllers`);
    if (t === null) return 'error';
    supported = (splitWords(t, false) ?? []).filter((c) => CGROUP_V2_CONTROLLERS.includes(c));
  } else {
    supported = CGROUP_V1_CONTROLLERS.filter((c) => env.access(`/sys/fs/cgroup/${c}${rel}/cgroup.procs`, 'W', false));
  }
  return b(wanted.every((w) => supported.includes(w)));
}

/** "slice-name.slice" → "a.slice/a-b.slice" (cg_slice_to_path). */
function sliceToPath(s: string): string | null {
  if (s === '-.slice') return '';
  if (!/^[A-Za-z0-9:_.\\-]+\.slice$/.test(s)) return null;
  const p = s.slice(0, -6);
  if (p.startsWith('-') || p.endsWith('-') || p.includes('--')) return null;
  const parts = p.split('-');
  const out: string[] = [];
  for (let i = 1; i <= parts.length; i++) out.push(`${parts.slice(0, i).join('-')}.slice`);
  return out.join('/');
}

export function pressure(kind: string, v: string, env: ConditionEnv): R {
  for (const f of ['cpu', 'io', 'memory']) if (env.readFile(`/proc/pressure/${f}`) === null) return 'pass';
  const res = kind === 'MemoryPressure' ? 'memory' : kind === 'CPUPressure' ? 'cpu' : 'io';
  const parts = v.split(':');
  if (v === '' || parts.length > 2) return 'error';
  let file: string, value: string;
  let type: 'full' | 'some' = 'full';
  if (parts.length === 1) {
    if (res === 'cpu') type = 'some';
    file = `/proc/pressure/${res}`;
    value = parts[0]!;
  } else {
    const u = env.cgroupUnified();
    if (u === null) return 'error';
    if (u !== 'all') return 'pass';
    const root = env.cgroupRoot();
    const ctl = (splitWords(env.readFile(`/sys/fs/cgroup${root === '/' ? '' : root}/cgroup.controllers`) ?? '', false) ?? []);
    if (!ctl.includes(res)) return 'pass';
    const sp = sliceToPath(parts[0]!.trim());
    if (sp === null) return 'error';
    const top = root.replace(/\/init\.scope$/, '');
    file = `/sys/fs/cgroup${top === '/' ? '' : top}/${sp}/${res}.pressure`.replace(/\/+/g, '/');
    value = parts[1]!;
  }
  const [limitStr, span] = value.split('/');
  if (value.split('/').length > 2) return 'error';
  let field = 'avg300';
  if (span !== undefined) {
    const t = span.trimStart();
    if (t.startsWith('10sec')) field = 'avg10'; else if (t.startsWith('1min')) field = 'avg60'; else if (t.startsWith('5min')) field = 'avg300'; else return 'error';
  }
  const limit = parsePermyriad((limitStr ?? '').trim());
  if (limit === null) return 'error';
  const text = env.readFile(file);
  if (text === null) return 'pass';   // a cgroup that does not exist (any more)
  const line = (l: string): string | undefined => text.split('\n').find((x) => x.startsWith(`${l} `));
  const ln = line(type) ?? (type === 'full' ? line('some') : undefined);
  if (ln === undefined) return 'error';
  const m = new RegExp(`\\b${field}=([0-9]+)\\.([0-9]+)\\b`).exec(ln);
  if (!m) return 'error';
  const fixed = (i: number, f: number): number => i * 2048 + Math.ceil((f * 2048) / 100);
  return b(fixed(Number(m[1]), Number(m[2])) <= fixed(Math.floor(limit / 100), limit % 100));
}
