// `tsysd verify [--unit-path DIR]... [--user] [--json] UNIT|FILE...`: loads units with the daemon's code
// (H1's loader + compileUnit), prints systemd-style diagnostics `file:line: message`, adds systemd-analyze's
// own checks (executables, masked units, socket services) and lint checks systemd lacks (EnvironmentFile=,
// User=/Group=, referenced units, ordering cycles among the given units, directives tsysd does not enforce).
// Exit status: 1 when a unit has a fatal error or an error-level message, else 0. Invariant: never throws on
// bad unit files; only reads the file system.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Diagnostic } from '../diag';
import type { UnitConfig } from '../directives/types';
import { lintChecks, notEnforcedInfos, systemdVerifyChecks, type LintEnv } from '../directives/lint';
import type { UnitSource } from '../unit-file/types';
import { compileUnit } from '../directives/compile';
import { loadUnitSource } from '../unit-file/load';
import { unitSearchPath } from '../unit-file/paths';
import { hostSpecifierContext } from '../unit-file/specifiers-host';

export interface VerifyOptions { unitPaths: string[]; userMode: boolean }
export interface VerifyResult { exitCode: number; messages: Diagnostic[]; units: UnitConfig[] }

const FIXED_PATH = ['/usr/local/sbin', '/usr/local/bin', '/usr/sbin', '/usr/bin', '/sbin', '/bin'];

function executableProblem(p: string): string | null {
  const cands = p.startsWith('/') ? [p] : FIXED_PATH.map((d) => `${d}/${p}`);
  let err = 'No such file or directory';
  for (const c of cands) {
    try {
      const st = fs.statSync(c);
      if (st.isDirectory()) { err = 'Is a directory'; continue; }
      fs.accessSync(c, fs.constants.X_OK);
      return null;
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'EACCES') err = 'Permission denied';
    }
  }
  return err;
}

function readNames(file: string): Set<string> {
  const out = new Set<string>();
  try { for (const l of fs.readFileSync(file, 'utf8').split('\n')) { const n = l.split(':')[0]; if (n) out.add(n); } } catch { /* none */ }
  return out;
}

/** Template names are verified as instance "i", as systemd-analyze does. */
function verifyName(name: string): string {
  const m = /^([^@]+)@(\.[a-z]+)$/.exec(name);
  return m ? `${m[1]}@i${m[2]}` : name;
}


/** Load and check every target; pure data result (the CLI prints it). */
export function collectVerify(targets: string[], opts: VerifyOptions): VerifyResult {
  const baseSp = unitSearchPath({ userMode: opts.userMode, unitPaths: opts.unitPaths.length ? opts.unitPaths : undefined });
  const ctx = hostSpecifierContext(opts.userMode);
  const messages: Diagnostic[] = [];
  const units: UnitConfig[] = [];
  const sources: UnitSource[] = [];
  const push = (d: Diagnostic): void => { messages.push(d); };
  const notEnforcedSeen = new Set<string>();
  const users = readNames('/etc/passwd');
  const groups = readNames('/etc/group');
  const extraDirs: string[] = [];
  for (const t of targets) {
    if (t.includes('/') || (fs.existsSync(t) && fs.statSync(t).isFile())) {
      const d = path.dirname(path.resolve(t));
      if (!extraDirs.includes(d)) extraDirs.push(d);
    }
  }
  const sp = [...extraDirs, ...baseSp.filter((d) => !extraDirs.includes(d))];
  const env: LintEnv = {
    executableProblem,
    fileExists: (p) => fs.existsSync(p),
    userExists: (n) => users.has(n),
    groupExists: (n) => groups.has(n),
    unitExists: (name) => {
      try { return loadUnitSource(name, sp).loadState !== 'not-found'; } catch { return false; }
    },
  };
  for (const t of targets) {
    const name = verifyName(t.includes('/') || fs.existsSync(t) ? path.basename(t) : t);
    let src: UnitSource;
    try {
      src = loadUnitSource(name, sp);
    } catch (e) {
      push({ file: t, line: 0, unit: name, level: 'error', fatal: true, message: `Failed to load: ${String(e)}` });
      continue;
    }
    const cfg = compileUnit(src, ctx);
    units.push(cfg); sources.push(src);
    for (const d of cfg.diagnostics) push(d);
    if (src.loadState === 'masked') { push({ file: '', line: 0, unit: name, level: 'error', fatal: true, message: `Unit ${name} is masked.` }); continue; }
    if (src.loadState === 'not-found') {
      if (!cfg.diagnostics.length) push({ file: '', line: 0, unit: name, level: 'error', fatal: true, message: `Unit ${name} not found.` });
      continue;
    }
    if (cfg.loadState !== 'loaded') continue;
    for (const d of systemdVerifyChecks(cfg, env)) push(d);
    for (const d of lintChecks(cfg, src, env)) push(d);
    for (const d of notEnforcedInfos(cfg, notEnforcedSeen)) push(d);
  }
  // Unit-level messages name the unit's fragment in `file` (JSON consumers); rendering stays `unit: message`.
  const fragments = new Map(units.map((u) => [u.id, u.fragmentPath]));
  for (const m of messages) if (!m.file && m.unit && fragments.get(m.unit)) m.file = fragments.get(m.unit)!;
  for (const cyc of orderingCycles(units)) {
    push({ file: '', line: 0, unit: cyc[0] ?? '', level: 'warning', fatal: false, message: `tsysd: ordering cycle among the given units: ${cyc.join(' → ')}` });
  }
  const bad = messages.some((m) => m.fatal || m.level === 'error');
  return { exitCode: bad ? 1 : 0, messages, units };
}

/** Cycles in the After graph (Before= read as the reverse edge) restricted to the given units. */
export function orderingCycles(units: UnitConfig[]): string[][] {
  const ids = new Set(units.map((u) => u.id));
  const after = new Map<string, Set<string>>();
  for (const u of units) after.set(u.id, new Set());
  for (const u of units) {
    for (const a of u.unit.deps.After) if (ids.has(a)) after.get(u.id)!.add(a);
    for (const b of u.unit.deps.Before) if (ids.has(b)) after.get(b)!.add(u.id);
  }
  const cycles: string[][] = [];
  const color = new Map<string, number>();
  const stack: string[] = [];
  const seen = new Set<string>();
  const visit = (n: string): void => {
    color.set(n, 1); stack.push(n);
    for (const m of after.get(n) ?? []) {
      if (color.get(m) === 1) {
        const cyc = [...stack.slice(stack.indexOf(m)), m];
        const key = [...cyc.slice(0, -1)].sort().join(' ');
        if (!seen.has(key)) { seen.add(key); cycles.push(cyc); }
      } else if (!color.get(m)) visit(m);
    }
    stack.pop(); color.set(n, 2);
  };
  for (const id of [...after.keys()].sort()) if (!color.get(id)) visit(id);
  return cycles;
}

/** systemd-analyze's rendering: `file:line: msg`, `unit: msg`, and bare `Unit X ...` lines. */
export function renderMessage(d: Diagnostic): string {
  if (d.file && d.line > 0) return `${d.file}:${d.line}: ${d.message}`;
  if (d.file && !d.unit) return `${d.file}: ${d.message}`;
  if (d.unit && !d.message.startsWith(`Unit ${d.unit}`)) return `${d.unit}: ${d.message}`;
  return d.message;
}

export async function runVerify(argv: string[]): Promise<number> {
  const opts: VerifyOptions = { unitPaths: [], userMode: false };
  let json = false;
  const targets: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--unit-path') { const d = argv[++i]; if (d) opts.unitPaths.push(d); }
    else if (a.startsWith('--unit-path=')) opts.unitPaths.push(a.slice(12));
    else if (a === '--user') opts.userMode = true;
    else if (a === '--system') opts.userMode = false;
    else if (a === '--json') json = true;
    else if (a === '-h' || a === '--help') {
      process.stdout.write('Usage: tsysd verify [--unit-path DIR]... [--user] [--json] UNIT|FILE...\n');
      return 0;
    } else targets.push(a);
  }
  if (!targets.length) { process.stderr.write('tsysd verify: no units given\n'); return 2; }
  const r = collectVerify(targets, opts);
  if (json) {
    process.stdout.write(JSON.stringify({
      exit_code: r.exitCode,
      messages: r.messages.map((m) => ({ file: m.file, line: m.line, unit: m.unit, level: m.level, fatal: m.fatal, message: m.message })),
    }, null, 2) + '\n');
  } else {
    for (const m of r.messages) (m.level === 'info' ? process.stdout : process.stderr).write(renderMessage(m) + '\n');
  }
  return r.exitCode;
}

if (require.main === module) {
  runVerify(process.argv.slice(2)).then((c) => { process.exitCode = c; }, (e: unknown) => { process.stderr.write(`${String(e)}\n`); process.exitCode = 1; });
}
