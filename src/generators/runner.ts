// The generator runner (systemd 252 manager_run_generators + execute_directories): every executable in the
// generator directories (one per name, first directory wins, masks honoured, sorted by name) runs in
// parallel with argv `normal early late` (the three output directories), umask 022, systemd's generator
// environment and one overall timeout (90 s; generators still running then get SIGTERM, as systemd's
// executor dies of SIGALRM and its children of PDEATHSIG). Errors are logged and ignored. Output
// directories are flushed first (systemd flushes on reload; tsysd also at boot, since /run may persist
// under the unshare harness), created 0755, and removed again when they stay empty.
// tsysd's built-in generators (sysv, rc-local) run in-process for the generator names the image lacks.
// Invariant: no Node imports; processes through ProcessRunner, files through GenFs.
import type { GeneratorDirs } from '../unit-file/paths';
import { listExecutables, type GenFs } from './conf-files';
import { generateRcLocal, RC_LOCAL_PATH } from './rc-local';
import { generateSysv, type GeneratorOutput, type SysvScript } from './sysv';
import { hiddenOrBackupFile } from './conf-files';

/** systemd's DEFAULT_TIMEOUT_USEC, execute_directories' limit for all generators together. */
export const GENERATOR_TIMEOUT_US = 90_000_000;

export interface ProcessJob { path: string; argv: string[] }
export interface ProcessResult { path: string; outcome: 'exited' | 'killed' | 'timeout' | 'spawn-failed'; status: number; message?: string }

export interface ProcessRunner {
  /** Start every job at once with `env`; resolve when all ended, or at the timeout (the rest get SIGTERM). */
  runAll(jobs: ProcessJob[], env: string[], timeoutUs: number): Promise<ProcessResult[]>;
}

export type GenLogLevel = 'error' | 'warning' | 'notice' | 'info' | 'debug';

export interface RunGeneratorsOptions {
  userMode: boolean;
  binaryDirs: string[];
  output: GeneratorDirs;
  /** Complete environment for the generators (generatorEnvironment()). */
  env: string[];
  fs: GenFs;
  runner: ProcessRunner;
  /** Run tsysd's built-in generators for the names no generator directory provides. */
  builtins: boolean;
  /** A native unit exists (search path WITHOUT the generator directories). */
  unitExists: (name: string) => boolean;
  log: (level: GenLogLevel, message: string) => void;
  timeoutUs?: number;
  /** SysV directories (systemd: $SYSTEMD_SYSVINIT_PATH / $SYSTEMD_SYSVRCND_PATH, Debian /etc/init.d, /etc). */
  sysvInitPath?: string[];
  sysvRcndPath?: string[];
}

export interface GeneratorReport {
  ran: { name: string; path: string; result: string }[];
  builtins: string[];
}

interface Builtin { name: string; dir: keyof GeneratorDirs; run(o: RunGeneratorsOptions): GeneratorOutput }

export const BUILTIN_GENERATORS: Builtin[] = [
  { name: 'systemd-sysv-generator', dir: 'late', run: (o) => generateSysv(collectSysv(o)) },
  { name: 'systemd-rc-local-generator', dir: 'normal', run: (o) => {
    const st = o.fs.stat(RC_LOCAL_PATH);
    return generateRcLocal(!!st && st.type === 'file' && (st.mode & 0o111) !== 0, (n) => o.unitExists(n));
  } },
];

function collectSysv(o: RunGeneratorsOptions): { scripts: SysvScript[]; rcDirs: Record<string, string[]>; unitExists(n: string): boolean } {
  const scripts: SysvScript[] = [];
  for (const dir of o.sysvInitPath ?? ['/etc/init.d']) {
    for (const file of (o.fs.listDir(dir) ?? []).filter((n) => !hiddenOrBackupFile(n)).sort()) {
      const p = `${dir}/${file}`;
      const st = o.fs.stat(p);
      if (!st || st.type !== 'file' || (st.mode & 0o100) === 0) continue;
      scripts.push({ file, path: p, text: o.fs.readFile(p) });
    }
  }
  const rcDirs: Record<string, string[]> = {};
  for (const base of o.sysvRcndPath ?? ['/etc']) {
    for (const n of [1, 2, 3, 4, 5]) {
      const list = o.fs.listDir(`${base}/rc${n}.d`);
      if (list) (rcDirs[`rc${n}.d`] ??= []).push(...list.filter((e) => !hiddenOrBackupFile(e)));
    }
  }
  return { scripts, rcDirs, unitExists: (n) => o.unitExists(n) };
}

/** Write a built-in generator's output below `dir` (as the C code does: files exclusive, links EEXIST-tolerant). */
export function applyOutput(fs: GenFs, dir: string, out: GeneratorOutput, log: (l: GenLogLevel, m: string) => void, who: string): void {
  for (const l of out.logs) log(l.level, `${who}: ${l.message}`);
  for (const e of out.entries) {
    const p = `${dir}/${e.path}`;
    if (e.kind === 'file') {
      if (fs.isSymlink(p)) fs.unlink(p);
      const r = fs.writeNew(p, e.text);
      if (r < 0) log('error', `${who}: Failed to create unit file ${p}: errno ${-r}`);
    } else {
      const r = fs.symlink(e.target, p);
      if (r < 0 && r !== -17) log('error', `${who}: Failed to create symlink ${p}: errno ${-r}`);
    }
  }
}

export function flushGeneratorDirs(fs: GenFs, dirs: GeneratorDirs): void {
  for (const d of [dirs.normal, dirs.early, dirs.late]) fs.removeTree(d);
}

/** Run the generators once. Never throws for OS failures (they are logged). */
export async function runGenerators(o: RunGeneratorsOptions): Promise<GeneratorReport> {
  const report: GeneratorReport = { ran: [], builtins: [] };
  const masked = new Set<string>();
  const execs = listExecutables(o.fs, o.binaryDirs, masked);
  const builtins = o.builtins && !o.userMode
    ? BUILTIN_GENERATORS.filter((b) => !masked.has(b.name) && !execs.some((e) => e.name === b.name)) : [];
  if (execs.length === 0 && builtins.length === 0) return report;
  const dirs = o.output;
  let err = 0;
  for (const d of [dirs.normal, dirs.early, dirs.late]) { const r = o.fs.mkdirp(d); if (r < 0 && err === 0) err = r; }
  if (err < 0) {
    o.log('error', `Failed to create generator directories: errno ${-err}`);
  } else {
    const pending = o.runner.runAll(execs.map((e) => ({ path: e.path, argv: [e.path, dirs.normal, dirs.early, dirs.late] })), o.env, o.timeoutUs ?? GENERATOR_TIMEOUT_US);
    for (const b of builtins) {
      try { applyOutput(o.fs, dirs[b.dir], b.run(o), o.log, b.name); } catch (e) { o.log('error', `${b.name} (built-in) failed: ${(e as Error).message}`); }
      report.builtins.push(b.name);
    }
    const results = await pending;
    for (const r of results) {
      const name = r.path.slice(r.path.lastIndexOf('/') + 1);
      let result = 'success';
      if (r.outcome === 'spawn-failed') result = `failed to start: ${r.message ?? ''}`;
      else if (r.outcome === 'timeout') result = 'timeout';
      else if (r.outcome === 'killed') result = `terminated by signal ${r.status}`;
      else if (r.status !== 0) result = `exited with status ${r.status}`;
      if (result === 'success') o.log('debug', `${r.path} succeeded.`);
      else o.log('warning', `${r.path} ${r.outcome === 'timeout' ? 'timed out, killed' : result}.`);
      report.ran.push({ name, path: r.path, result });
    }
  }
  for (const d of [dirs.normal, dirs.early, dirs.late]) o.fs.rmdir(d);
  return report;
}

export interface GeneratorFacts {
  userMode: boolean;
  /** systemd's virtualization id ('podman', 'docker', 'kvm', ...) and class, or null on bare metal. */
  virtualization: { kind: 'container' | 'vm'; id: string } | null;
  architecture: string;
  /** PID 1 of a system manager only (systemd sets it when it determined first-boot); null = unset. */
  firstBoot: boolean | null;
}

/** build_generator_environment: the manager's own environment (systemd's executor inherits PID 1's),
 *  its default unit environment, then SYSTEMD_SCOPE, SYSTEMD_IN_INITRD, SYSTEMD_FIRST_BOOT,
 *  SYSTEMD_VIRTUALIZATION and SYSTEMD_ARCHITECTURE. SYSTEMD_EXEC_PID is set by the spawner. */
export function generatorEnvironment(processEnv: Record<string, string | undefined>, managerEnv: string[], f: GeneratorFacts): string[] {
  const m = new Map<string, string>();
  for (const [k, v] of Object.entries(processEnv)) if (v !== undefined) m.set(k, v);
  for (const a of managerEnv) { const i = a.indexOf('='); if (i > 0) m.set(a.slice(0, i), a.slice(i + 1)); }
  m.set('SYSTEMD_SCOPE', f.userMode ? 'user' : 'system');
  if (!f.userMode) {
    m.set('SYSTEMD_IN_INITRD', '0');
    if (f.firstBoot !== null) m.set('SYSTEMD_FIRST_BOOT', f.firstBoot ? '1' : '0');
  }
  if (f.virtualization) m.set('SYSTEMD_VIRTUALIZATION', `${f.virtualization.kind}:${f.virtualization.id}`);
  m.set('SYSTEMD_ARCHITECTURE', f.architecture);
  return [...m].map(([k, v]) => `${k}=${v}`);
}
