// Helpers for the plan differential test (tests/e2e/plan-oracle.test.ts) and bench/engine.ts: a seeded
// random unit-set generator, the systemd oracle runner (`systemd --test` as nobody) and its dump parser,
// and the comparison of job sets + Before/After pairs (restricted to service/socket/target units).
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import type { PlanResult } from '../../src/engine';
import { offlineGenerators } from '../../src/generators/setup';
import { systemDefaultPaths } from '../../src/unit-file/paths';

export function rng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => { s ^= s << 13; s >>>= 0; s ^= s >>> 17; s ^= s << 5; s >>>= 0; return s / 0x100000000; };
}

export interface GenCase { dir: string; anchor: string; files: Record<string, string>; tags: Set<string> }

const KINDS = ['Wants', 'Requires', 'Requisite', 'BindsTo', 'PartOf', 'Conflicts', 'Before', 'After', 'Upholds'] as const;
const WEIGHTS = [6, 5, 1, 2, 2, 1, 5, 6, 1];

export function makeTempDir(prefix: string): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  fs.chmodSync(d, 0o755);
  return d;
}

export function writeUnits(dir: string, files: Record<string, string>): void {
  for (const [rel, content] of Object.entries(files)) {
    const p = path.join(dir, rel);
    fs.mkdirSync(path.dirname(p), { recursive: true, mode: 0o755 });
    if (content.startsWith('->')) fs.symlinkSync(content.slice(2), p);
    else fs.writeFileSync(p, content, { mode: 0o644 });
  }
  // make every directory traversable for the unprivileged oracle
  const walk = (d: string): void => { fs.chmodSync(d, 0o755); for (const e of fs.readdirSync(d, { withFileTypes: true })) if (e.isDirectory()) walk(path.join(d, e.name)); };
  walk(dir);
}

/** Generate one random unit set (seeded) into a fresh temp dir. */
export function generateCase(seed: number): GenCase {
  const r = rng(seed * 2654435761 + 7);
  const pick = <T>(a: readonly T[]): T => a[Math.floor(r() * a.length)]!;
  const tags = new Set<string>();
  const nSvc = 2 + Math.floor(r() * 7), nSock = Math.floor(r() * 3), nTgt = 1 + Math.floor(r() * 3);
  const names: string[] = [];
  for (let i = 0; i < nSvc; i++) names.push(`s${i}.service`);
  for (let i = 0; i < nSock; i++) names.push(`k${i}.socket`);
  for (let i = 0; i < nTgt; i++) names.push(`t${i}.target`);
  const useTpl = r() < 0.3;
  if (useTpl) names.push('tpl@0.service', 'tpl@1.service');
  const refs = [...names];
  if (r() < 0.35) { refs.push('missing0.service'); tags.add('missing'); }
  if (r() < 0.2) refs.push('missing1.target');
  // extras drawn after the base set so the first draws stay stable
  const extra = r();
  const masked = extra < 0.12, alias = extra >= 0.12 && extra < 0.24, acceptSock = extra >= 0.24 && extra < 0.32;
  if (masked) { refs.push('masked0.service'); tags.add('masked'); }
  if (alias) { refs.push('alias0.service'); tags.add('alias'); }
  const files: Record<string, string> = {
    'sysinit.target': '[Unit]\nDescription=sysinit\nDefaultDependencies=no\n',
    'basic.target': '[Unit]\nRequires=sysinit.target\nWants=sockets.target\nAfter=sysinit.target sockets.target\n',
    'sockets.target': '[Unit]\nDescription=sockets\n',
    'shutdown.target': '[Unit]\nDefaultDependencies=no\nRefuseManualStart=yes\n',
  };
  const section: Record<string, string[]> = {};
  const add = (u: string, line: string): void => { (section[u] ??= []).push(line); };
  const unitNames = names.filter((n) => !n.startsWith('tpl@')).concat(useTpl ? ['tpl@.service'] : []);
  for (const u of unitNames) {
    if (r() < 0.2) { add(u, 'DefaultDependencies=no'); tags.add('nodefault'); }
    const nDeps = Math.floor(r() * 4.2);
    for (let d = 0; d < nDeps; d++) {
      let x = r() * WEIGHTS.reduce((a, b) => a + b, 0);
      let k = 0;
      while (x >= WEIGHTS[k]!) { x -= WEIGHTS[k]!; k++; }
      const kind = KINDS[k]!;
      let other = pick(refs);
      if (u === 'tpl@.service' && r() < 0.4) { other = 's%i.service'; tags.add('specifier'); }
      if (other === u) continue;
      if (kind === 'Conflicts') tags.add('conflicts');
      if (kind === 'Requisite') tags.add('requisite');
      if (kind === 'Upholds') tags.add('upholds');
      add(u, `${kind}=${other}`);
    }
  }
  for (const u of unitNames) {
    const lines = section[u] ?? [];
    // move some lines to a drop-in
    const main: string[] = [], drop: string[] = [];
    for (const l of lines) (r() < 0.25 && !l.startsWith('DefaultDependencies') ? drop : main).push(l);
    let body = `[Unit]\nDescription=${u}\n${main.join('\n')}\n`;
    if (u.endsWith('.service')) body += `[Service]\nExecStart=/bin/sleep 1\n${r() < 0.1 ? 'Type=oneshot\nRemainAfterExit=yes\n' : ''}`;
    if (u.endsWith('.socket')) {
      body += `[Socket]\nListenStream=/run/tsysd-gen-${seed}-${u}.sock\n`;
      if (r() < 0.3) body += `Service=s0.service\n`;
      else if (acceptSock && u === 'k0.socket') { body += 'Accept=yes\n'; tags.add('accept'); }
    }
    files[u] = body;
    if (drop.length) { files[`${u}.d/50-gen.conf`] = `[Unit]\n${drop.join('\n')}\n`; tags.add('dropin'); }
  }
  if (masked) files['masked0.service'] = '->/dev/null';
  if (alias) files['alias0.service'] = '->s1.service';
  // .wants/.requires dirs
  const nWants = Math.floor(r() * 3);
  for (let i = 0; i < nWants; i++) {
    const t = pick(names.filter((n) => n.endsWith('.target')));
    const o = pick(refs.filter((n) => n !== t));
    const kind = r() < 0.75 ? 'wants' : 'requires';
    files[`${t}.${kind}/${o}`] = `->../${o.includes('@') ? 'tpl@.service' : o}`;
    tags.add('wantsdir');
  }
  // a deliberate ordering cycle sometimes
  if (r() < 0.25 && nSvc >= 3) {
    const a = 's0.service', b = 's1.service', c = 's2.service';
    files[`${a}.d/90-cycle.conf`] = `[Unit]\nAfter=${b}\nWants=${b}\n`;
    files[`${b}.d/90-cycle.conf`] = `[Unit]\nAfter=${c}\nWants=${c}\n`;
    files[`${c}.d/90-cycle.conf`] = `[Unit]\nAfter=${a}\n${r() < 0.5 ? 'Requires' : 'Wants'}=${a}\n`;
    tags.add('cycle');
  }
  const anchorPool = names.filter((n) => !n.startsWith('tpl@') || true);
  let anchor = r() < 0.5 ? pick(names.filter((n) => n.endsWith('.target'))) : pick(anchorPool);
  // timers and paths, drawn from a second stream so the service/socket/target part of a seed stays as it was
  const r2 = rng(seed * 40503 + 11);
  const triggers: string[] = [];
  const nTimer = Math.floor(r2() * 3), nPath = Math.floor(r2() * 2);
  for (let i = 0; i < nTimer + nPath; i++) {
    const isTimer = i < nTimer;
    const u = isTimer ? `m${i}.timer` : `p${i - nTimer}.path`;
    triggers.push(u);
    tags.add(isTimer ? 'timer' : 'path');
    let body = `[Unit]\nDescription=${u}\n`;
    if (r2() < 0.2) body += 'DefaultDependencies=no\n';
    if (r2() < 0.4) body += `After=${pick(refs)}\n`;
    if (r2() < 0.3) body += `Wants=${pick(refs)}\n`;
    if (isTimer) {
      const k = r2();
      body += k < 0.4 ? '[Timer]\nOnCalendar=daily\n' : k < 0.7 ? '[Timer]\nOnBootSec=5min\nOnUnitActiveSec=1h\n' : '[Timer]\nOnActiveSec=30s\n';
      if (r2() < 0.3) body += 'Persistent=yes\n';
    } else body += `[Path]\nPathExists=/run/tsysd-gen-${seed}-${u}\n`;
    // the triggered unit: Unit= (an existing or missing service), else the same-name service
    const t = r2();
    if (t < 0.4) body += `Unit=${pick(names.filter((n) => n.endsWith('.service') && !n.startsWith('tpl@')))}\n`;
    else if (t < 0.5) body += 'Unit=missing2.service\n';
    else if (t < 0.8) files[u.replace(/\.(timer|path)$/, '.service')] = `[Unit]\nDescription=for ${u}\n[Service]\nExecStart=/bin/true\n`;
    files[u] = body;
    if (r2() < 0.5) { const tg = pick(names.filter((n) => n.endsWith('.target'))); files[`${tg}.wants/${u}`] = `->../${u}`; }
  }
  if (triggers.length && r2() < 0.35) anchor = pick(triggers);
  const dir = makeTempDir('tsysd-plan-');
  writeUnits(dir, files);
  return { dir, anchor, files, tags };
}

export interface OracleResult { ok: boolean; error: string; jobs: Map<string, string>; order: Set<string>; stderr: string;
  /** Effective dependencies per unit from the dump (plan's `deps` kinds only). */
  deps: Map<string, Record<string, string[]>> }

export const DEP_KINDS_COMPARED = ['Requires', 'Requisite', 'Wants', 'BindsTo', 'PartOf', 'Conflicts', 'Before', 'After', 'Triggers', 'TriggeredBy'];

const NOBODY = ['--reuid=65534', '--regid=65534', '--clear-groups'];

/** Run systemd's own transaction computation for `unit` over `dir` (or the default path when null). */
export function runOracle(dir: string | null, unit: string, timeoutMs = 30000, extraEnv: Record<string, string> = {}): OracleResult {
  const env = [...(dir ? ['env', `SYSTEMD_UNIT_PATH=${dir}`] : ['env']), ...Object.entries(extraEnv).map(([k, v]) => `${k}=${v}`)];
  const r = spawnSync('setpriv', [...NOBODY, ...env, '/lib/systemd/systemd', '--test', '--system', `--unit=${unit}`, '--no-pager'],
    { encoding: 'utf8', timeout: timeoutMs, maxBuffer: 512 << 20, cwd: '/' });
  const out = r.stdout ?? '', err = r.stderr ?? '';
  const jobs = new Map<string, string>();
  for (const m of out.matchAll(/^\t+Action: (\S+) -> (\S+)$/gm)) jobs.set(m[1]!, m[2]!);
  const order = new Set<string>();
  const deps = new Map<string, Record<string, string[]>>();
  let cur = '';
  for (const line of out.split('\n')) {
    const u = /^\t-> Unit (.+):$/.exec(line);
    if (u) { cur = u[1]!; deps.set(cur, {}); continue; }
    if (cur) {
      const e = /^\t\t(\w+): (\S+) \(/.exec(line);
      if (e && DEP_KINDS_COMPARED.includes(e[1]!)) (deps.get(cur)![e[1]!] ??= []).push(e[2]!);
    }
    if (!cur || !jobs.has(cur)) continue;
    const d = /^\t\t(Before|After): (\S+) \(/.exec(line);
    if (!d || !jobs.has(d[2]!)) continue;
    order.add(d[1] === 'After' ? `${d[2]} < ${cur}` : `${cur} < ${d[2]}`);
  }
  const em = /Failed to start default target: (.*)$/m.exec(err);
  // A unit that cannot be loaded (masked, not-found) makes systemd fall back to rescue.target: that is
  // the refusal `systemctl start` would print.
  const fb = /^(.*)\nFalling back to /m.exec(err);
  if (fb) return { ok: false, error: fb[1]!, jobs: new Map(), order: new Set(), stderr: err, deps };
  return { ok: r.status === 0, error: em ? em[1]! : (r.status === 0 ? '' : err.trim().split('\n').pop() ?? ''), jobs, order, stderr: err, deps };
}

export const COMPARED = /\.(service|socket|target)$/;

export interface Compared { jobs: string[]; order: string[]; ok: boolean; error: string }

export function normOracle(o: OracleResult): Compared {
  const jobs = [...o.jobs].filter(([u]) => COMPARED.test(u)).map(([u, t]) => `${u}/${t}`).sort();
  const keep = new Set([...o.jobs.keys()].filter((u) => COMPARED.test(u)));
  const order = [...o.order].filter((p) => { const [a, , b] = p.split(' '); return keep.has(a!) && keep.has(b!); }).sort();
  return { jobs: o.ok ? jobs : [], order: o.ok ? order : [], ok: o.ok, error: o.ok ? '' : o.error };
}

export function normPlan(p: PlanResult): Compared {
  const jobs = Object.entries(p.jobs).filter(([u]) => COMPARED.test(u)).map(([u, t]) => `${u}/${t}`).sort();
  const keep = new Set(Object.keys(p.jobs).filter((u) => COMPARED.test(u)));
  const order = p.order.filter(([a, b]) => keep.has(a) && keep.has(b)).map(([a, b]) => `${a} < ${b}`).sort();
  return { jobs, order, ok: p.ok, error: p.error ?? '' };
}

export function sameResult(a: Compared, b: Compared): boolean {
  return a.ok === b.ok && a.error === b.error && a.jobs.join('|') === b.jobs.join('|') && a.order.join('|') === b.order.join('|');
}

export function diffResult(mine: Compared, theirs: Compared): string[] {
  const out: string[] = [];
  if (mine.ok !== theirs.ok || mine.error !== theirs.error) out.push(`result: tsysd ${mine.ok ? 'ok' : `error "${mine.error}"`} vs systemd ${theirs.ok ? 'ok' : `error "${theirs.error}"`}`);
  const sa = new Set(mine.jobs), sb = new Set(theirs.jobs);
  for (const j of mine.jobs) if (!sb.has(j)) out.push(`job only in tsysd: ${j}`);
  for (const j of theirs.jobs) if (!sa.has(j)) out.push(`job only in systemd: ${j}`);
  const oa = new Set(mine.order), ob = new Set(theirs.order);
  for (const j of mine.order) if (!ob.has(j)) out.push(`order only in tsysd: ${j}`);
  for (const j of theirs.order) if (!oa.has(j)) out.push(`order only in systemd: ${j}`);
  return out;
}

/** Run the generators with tsysd's own runner (what `tsysd plan --generators` does) into a temp dir:
 *  { root, normal, early, late, searchPath } (searchPath: the default one with those at the generator
 *  positions). systemd --test runs the same executables into its own temp dir. `extraEnv` reaches the
 *  generators (SYSTEMD_SYSVINIT_PATH / SYSTEMD_SYSVRCND_PATH: another SysV tree, as for systemd's). */
export async function runGenerators(extraEnv: Record<string, string> = {}): Promise<{ root: string; normal: string; early: string; late: string; searchPath: string[] }> {
  const root = makeTempDir('tsysd-gen-');
  const g = await offlineGenerators(systemDefaultPaths(), false, root, { env: { ...process.env, SYSTEMD_LOG_LEVEL: 'err', ...extraEnv } });
  return { root, normal: g.dirs.normal, early: g.dirs.early, late: g.dirs.late, searchPath: g.searchPath };
}

/** Effective dependency differences (service/socket/target units and edges) between a plan's `units` and
 * systemd's dump, over the units both loaded (an edge to a unit only one side loaded, e.g. the
 * blockdev@.target systemd adds for a mount it found in /proc/self/mountinfo, is not compared). */
export function diffDeps(p: PlanResult, o: OracleResult): string[] {
  const out: string[] = [];
  const both = (x: string): boolean => COMPARED.test(x) && x in p.units && o.deps.has(x);
  for (const [u, info] of Object.entries(p.units)) {
    const theirs = o.deps.get(u);
    if (!COMPARED.test(u) || !theirs) continue;
    for (const k of DEP_KINDS_COMPARED) {
      const a = (info.deps[k] ?? []).filter(both).sort().join(' ');
      const b = (theirs[k] ?? []).filter(both).sort().join(' ');
      if (a !== b) out.push(`${u} ${k}: tsysd [${a}] systemd [${b}]`);
    }
  }
  return out;
}
