// Environment assembly as systemd does it (systemd.exec(5) "Environment variables in spawned processes"):
//   manager base (PATH, LANG, DefaultEnvironment/set-environment; user mode: the manager's environment)
//   < service_spawn's variables (NOTIFY_SOCKET, MAINPID, MANAGERPID, REMOTE_*, MONITOR_*, SERVICE_RESULT,
//     EXIT_CODE, EXIT_STATUS) < build_environment's (LISTEN_FDS/LISTEN_FDNAMES, WATCHDOG_USEC, HOME, USER,
//     LOGNAME, SHELL, INVOCATION_ID, *_DIRECTORY, TERM) < PassEnvironment= < Environment= < EnvironmentFile=,
//   then UnsetEnvironment= (NAME or NAME=VALUE) last. LISTEN_PID, SYSTEMD_EXEC_PID and WATCHDOG_PID are
//   set by the exec helper itself (they must be the exec'd process's own pid).
// Invariant: pure except for reading environment files through Platform.
import type { ExecContext } from '../directives/types';
import type { Platform, UserInfo } from '../platform/types';
import { parseEnvironmentFile } from './envfile';
import { SYSTEMD_EXEC_PATH } from './cmdline';
import type { ExecRuntime } from './types';

export class EnvBuilder {
  private readonly m = new Map<string, string>();
  set(k: string, v: string): void { this.m.delete(k); this.m.set(k, v); }
  setAll(list: readonly string[]): void {
    for (const kv of list) {
      const i = kv.indexOf('=');
      if (i > 0) this.set(kv.slice(0, i), kv.slice(i + 1));
    }
  }
  unset(spec: string): void {
    const i = spec.indexOf('=');
    if (i < 0) { this.m.delete(spec); return; }
    const k = spec.slice(0, i);
    if (this.m.get(k) === spec.slice(i + 1)) this.m.delete(k);
  }
  has(k: string): boolean { return this.m.has(k); }
  get(k: string): string | undefined { return this.m.get(k); }
  list(): string[] { return [...this.m].map(([k, v]) => `${k}=${v}`); }
  map(): Map<string, string> { return new Map(this.m); }
}

/** LANG as the system manager sets it: /etc/locale.conf, then Debian's /etc/default/locale, else C.UTF-8. */
export function systemLocale(p: Platform): string[] {
  for (const f of ['/etc/locale.conf', '/etc/default/locale']) {
    const t = p.readFile(f);
    if (t === null) continue;
    const vars = parseEnvironmentFile(t, f).assignments.filter(([k]) => k === 'LANG' || k.startsWith('LC_') || k === 'LANGUAGE');
    if (vars.length > 0) return vars.map(([k, v]) => `${k}=${v}`);
  }
  return ['LANG=C.UTF-8'];
}

/** Reads EnvironmentFile= entries in order. A missing non-optional file (or unmatched glob) is an error. */
export function loadEnvironmentFiles(p: Platform, files: ExecContext['environmentFiles']):
  { ok: true; assignments: string[]; warnings: string[] } | { ok: false; errno: number; message: string; warnings: string[] } {
  const out: string[] = [];
  const warnings: string[] = [];
  for (const f of files) {
    const paths = /[*?[]/.test(f.path) ? p.glob(f.path) : [f.path];
    if (paths.length === 0 && !f.optional) return { ok: false, errno: 2, message: `Failed to load environment files: ${p.strerror(2)}`, warnings };
    for (const path of paths) {
      const text = p.readFile(path);
      if (text === null) {
        if (f.optional) continue;
        return { ok: false, errno: 2, message: `Failed to load environment files: ${p.strerror(2)} (${path})`, warnings };
      }
      const r = parseEnvironmentFile(text, path);
      warnings.push(...r.warnings);
      for (const [k, v] of r.assignments) out.push(`${k}=${v}`);
    }
  }
  return { ok: true, assignments: out, warnings };
}

export interface EnvInputs {
  ex: ExecContext;
  rt: ExecRuntime;
  user: UserInfo | null;              // resolved User= (or the manager's user in user mode)
  dirEnv: string[];                   // RUNTIME_DIRECTORY=... from setupDirectories
  fileEnv: string[];                  // EnvironmentFile= assignments
  processEnv: Record<string, string | undefined>;   // the manager's own environment (PassEnvironment=)
  locale: string[];                   // systemLocale()
  isMain: boolean;                    // ExecStart= of the main process
}

export function buildEnvironment(i: EnvInputs): string[] {
  const { ex, rt } = i;
  const e = new EnvBuilder();
  // 1. manager base
  if (!rt.userMode) {
    e.set('PATH', SYSTEMD_EXEC_PATH);
    e.setAll(i.locale);
  }
  e.setAll(rt.managerEnvironment);
  // 2. service_spawn
  if (rt.notifySocket) e.set('NOTIFY_SOCKET', rt.notifySocket);
  if (rt.mainPid !== null && rt.mainPid > 0 && !i.isMain) e.set('MAINPID', String(rt.mainPid));
  if (rt.userMode) e.set('MANAGERPID', String(rt.managerPid));
  if (rt.extraEnvironment) e.setAll(rt.extraEnvironment);
  if (rt.monitor) for (const [k, v] of Object.entries(rt.monitor)) e.set(`MONITOR_${k}`, v);
  if (rt.serviceResult && (rt.kind === 'stop' || rt.kind === 'stop-post')) {
    e.set('SERVICE_RESULT', rt.serviceResult.result);
    if (rt.serviceResult.exitCode) e.set('EXIT_CODE', rt.serviceResult.exitCode);
    if (rt.serviceResult.exitStatus) e.set('EXIT_STATUS', rt.serviceResult.exitStatus);
  }
  // 3. build_environment
  if (i.isMain && rt.listenFds.length > 0) {
    e.set('LISTEN_FDS', String(rt.listenFds.length));
    e.set('LISTEN_FDNAMES', rt.listenFdNames.join(':'));
  }
  if (i.isMain && rt.watchdogUs > 0) e.set('WATCHDOG_USEC', String(Math.round(rt.watchdogUs)));
  if (i.user && (ex.user || rt.userMode)) {
    e.set('HOME', i.user.home);
    e.set('LOGNAME', i.user.name);
    e.set('USER', i.user.name);
    e.set('SHELL', i.user.shell);
  }
  if (rt.invocationId) e.set('INVOCATION_ID', rt.invocationId);
  if (/^tty/.test(ex.standardInput) || ex.standardOutput === 'tty' || ex.standardError === 'tty') {
    if (!e.has('TERM')) e.set('TERM', i.processEnv['TERM'] && rt.userMode ? i.processEnv['TERM'] : 'vt220');
  }
  e.setAll(i.dirEnv);
  // 4. PassEnvironment= (from the manager's own environment; unset names are skipped)
  for (const k of ex.passEnvironment) {
    const v = i.processEnv[k];
    if (v !== undefined) e.set(k, v);
  }
  // 5. Environment=, 6. EnvironmentFile=
  e.setAll(ex.environment);
  e.setAll(i.fileEnv);
  // 7. UnsetEnvironment=
  for (const u of ex.unsetEnvironment) e.unset(u);
  return e.list();
}
