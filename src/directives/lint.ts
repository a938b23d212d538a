// Checks `tsysd verify` runs on a compiled unit: the ones systemd-analyze verify does after loading
// (executables, socket services, the start job of missing requirements) with its exact wording, and the
// lint checks systemd lacks (EnvironmentFile=, User=/Group=, referenced units, not-enforced directives).
// Invariant: pure — every question about the machine goes through the injected LintEnv.
import type { Diagnostic } from '../diag';
import type { UnitSource } from '../unit-file/types';
import type { ExecCommand, UnitConfig } from './types';

export interface LintEnv {
  /** null when runnable, else the errno text ("No such file or directory", "Permission denied"...). */
  executableProblem(path: string): string | null;
  fileExists(path: string): boolean;
  userExists(name: string): boolean;
  groupExists(name: string): boolean;
  unitExists(name: string): boolean;
}

function findLine(src: UnitSource, key: string, pred: (v: string) => boolean = () => true): { file: string; line: number } {
  const a = src.assignments.find((x) => x.key === key && pred(x.value));
  return a ? { file: a.file, line: a.line } : { file: src.fragmentPath, line: 0 };
}

const fileBacked = (d: string): boolean => /\.(service|socket|target|timer|path)$/.test(d);

/** What systemd-analyze verify itself reports for a loaded unit (same wording, unit-level). */
export function systemdVerifyChecks(cfg: UnitConfig, env: LintEnv): Diagnostic[] {
  const out: Diagnostic[] = [];
  const err = (message: string): void => { out.push({ file: '', line: 0, unit: cfg.id, level: 'error', fatal: false, message }); };
  for (const l of execLists(cfg)) {
    const first = l[0];
    if (!first || first.ignoreFailure) continue;
    const prob = env.executableProblem(first.path);
    if (prob) err(`Command ${first.path} is not executable: ${prob}`);
  }
  const k = cfg.socket;
  if (k && k.accept && !cfg.id.includes('@')) {
    const svc = `${cfg.prefix}@internal.service`;
    if (!env.unitExists(svc)) err(`service ${svc} not loaded, socket cannot be started.`);
  }
  if (k && !k.accept) {
    const svc = k.service || cfg.id.replace(/\.socket$/, '.service');
    if (!env.unitExists(svc)) err(`service ${svc} not loaded, socket cannot be started.`);
  }
  const d = cfg.unit.deps;
  const missingReq = [...d.Requires, ...d.BindsTo, ...d.Requisite].find((n) => fileBacked(n) && !env.unitExists(n));
  if (missingReq) err(`Failed to create ${cfg.id}/start: Unit ${missingReq} not found.`);
  return out;
}

function execLists(cfg: UnitConfig): ExecCommand[][] {
  const s = cfg.service;
  if (s) return [s.execCondition, s.execStartPre, s.execStart, s.execStartPost, s.execReload, s.execStop, s.execStopPost];
  const k = cfg.socket;
  return k ? [k.execStartPre, k.execStartPost, k.execStopPre, k.execStopPost] : [];
}

/** tsysd's own checks (messages start with "tsysd:"), each at the line of the setting. */
export function lintChecks(cfg: UnitConfig, src: UnitSource, env: LintEnv): Diagnostic[] {
  const out: Diagnostic[] = [];
  const push = (at: { file: string; line: number }, level: Diagnostic['level'], message: string): void => {
    out.push({ ...at, unit: cfg.id, level, fatal: false, message });
  };
  for (const c of execLists(cfg).flatMap((l) => l.slice(1))) {
    const prob = env.executableProblem(c.path);
    if (prob) push({ file: c.file, line: c.line }, c.ignoreFailure ? 'info' : 'warning', `tsysd: command ${c.path} is not executable: ${prob}`);
  }
  for (const f of cfg.exec.environmentFiles) {
    if (f.optional || f.path.includes('*') || env.fileExists(f.path)) continue;
    push(findLine(src, 'EnvironmentFile', (v) => v.includes(f.path)), 'warning', `tsysd: EnvironmentFile= ${f.path} does not exist (the start will fail)`);
  }
  if (!cfg.exec.dynamicUser) {
    const { user, group } = cfg.exec;
    if (user && !/^[0-9]+$/.test(user) && !env.userExists(user)) push(findLine(src, 'User'), 'warning', `tsysd: User=${user} does not exist on this system`);
    if (group && !/^[0-9]+$/.test(group) && !env.groupExists(group)) push(findLine(src, 'Group'), 'warning', `tsysd: Group=${group} does not exist on this system`);
  }
  const d = cfg.unit.deps;
  const refs: [string, string[], Diagnostic['level']][] = [
    ['OnFailure', d.OnFailure, 'warning'], ['OnSuccess', d.OnSuccess, 'warning'], ['Wants', d.Wants, 'info'], ['Upholds', d.Upholds, 'info'],
  ];
  for (const [key, list, level] of refs) {
    for (const n of list) {
      if (!fileBacked(n) || env.unitExists(n)) continue;
      push(findLine(src, key, (v) => v.includes(n)), level, `tsysd: ${key}=${n} refers to a unit that does not exist`);
    }
  }
  return out;
}

/** One "not enforced" info per directive key across a verify run (`seen` carries the keys already reported). */
export function notEnforcedInfos(cfg: UnitConfig, seen: Set<string>): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const ne of cfg.notEnforced ?? []) {
    if (seen.has(ne.key)) continue;
    seen.add(ne.key);
    out.push({ file: ne.file, line: ne.line, unit: cfg.id, level: 'info', fatal: false, message: `${ne.key.split('.')[1]}= is parsed but not enforced by tsysd` });
  }
  return out;
}
