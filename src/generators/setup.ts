// Wiring of the generator runner for its two users: the daemon (at boot, before the first unit is loaded,
// and before each daemon-reload) and the offline tools (`tsysd plan|verify --generators`, into a temporary
// directory placed at the generator positions of the search path, as `systemd --test` does).
// Generators run when the search path holds the generator directories (the default search path, or
// $SYSTEMD_UNIT_PATH ending in ':'); an explicit --unit-path list has no generator positions and runs none.
// Invariant: OS access only through src/platform (realGenFs, the runners, the facts).
import { UnitFileIndex } from '../unit-file/load';
import { generatorBinaryPaths, generatorOutputDirs, withGeneratorDirs, type GeneratorDirs } from '../unit-file/paths';
import type { Platform } from '../platform/types';
import { childProcessRunner, generatorFacts, platformRunner, realGenFs } from '../platform/generators';
import { detectVm } from '../platform/conditions-real';
import { flushGeneratorDirs, generatorEnvironment, runGenerators, type GenLogLevel, type GeneratorReport } from './runner';

export function searchPathHasGenerators(searchPath: string[], dirs: GeneratorDirs | null): boolean {
  return !!dirs && (searchPath.includes(dirs.normal) || searchPath.includes(dirs.early) || searchPath.includes(dirs.late));
}

/** The manager's search path: `--generators` with an explicit --unit-path adds the generator directories
 *  (early first, normal after the given ones, late last); `--no-generators` leaves the path as it is. */
export function withGeneratorPositions(searchPath: string[], userMode: boolean, generators: boolean | null | undefined, env: Record<string, string | undefined> = process.env): string[] {
  const d = generatorOutputDirs(userMode, env);
  if (!generators || !d || searchPathHasGenerators(searchPath, d)) return searchPath;
  return withGeneratorDirs(searchPath, d, d);
}

const withoutGenerated = (sp: string[], d: GeneratorDirs): string[] => sp.filter((p) => p !== d.normal && p !== d.early && p !== d.late);

export interface DaemonGeneratorInit {
  userMode: boolean;
  /** --generators / --no-generators (null: when the search path has the generator directories). */
  enabled?: boolean | null;
  searchPath: string[];
  platform: Platform;
  container: string;
  isPid1: boolean;
  /** The manager's default unit environment (PATH...). */
  managerEnv: string[];
  log: (level: GenLogLevel, message: string) => void;
  env?: Record<string, string | undefined>;
}

/** A function that flushes and re-runs the generators, or null when this manager runs none. */
export function daemonGenerators(init: DaemonGeneratorInit): (() => Promise<GeneratorReport>) | null {
  const env = init.env ?? process.env;
  const dirs = generatorOutputDirs(init.userMode, env);
  if (init.enabled === false || !dirs || !searchPathHasGenerators(init.searchPath, dirs)) return null;
  const fs = realGenFs();
  const native = withoutGenerated(init.searchPath, dirs);
  // One run at a time: a daemon-reload during a run waits for it and then runs again.
  let running: Promise<GeneratorReport> | null = null;
  const once = async (): Promise<GeneratorReport> => {
    flushGeneratorDirs(fs, dirs);
    const facts = generatorFacts(init.userMode, init.container, detectVm(), init.isPid1 && !init.userMode);
    return runGenerators({
      userMode: init.userMode, binaryDirs: generatorBinaryPaths(init.userMode, env), output: dirs,
      env: generatorEnvironment(env, init.managerEnv, facts), fs, runner: platformRunner(init.platform),
      builtins: true, unitExists: nativeUnitExists(native),
      log: init.log, sysvInitPath: pathList(env['SYSTEMD_SYSVINIT_PATH'], '/etc/init.d'), sysvRcndPath: pathList(env['SYSTEMD_SYSVRCND_PATH'], '/etc'),
    });
  };
  return () => {
    const prev = running;
    const next: Promise<GeneratorReport> = (prev ? prev.catch(() => undefined).then(once) : once()).finally(() => { if (running === next) running = null; });
    running = next;
    return next;
  };
}

/** A fresh index per run: packages installed since the last run must count. */
function nativeUnitExists(searchPath: string[]): (name: string) => boolean {
  const ix = new UnitFileIndex(searchPath, false);
  return (n) => { try { return ix.load(n).loadState !== 'not-found'; } catch { return true; } };
}

function pathList(v: string | undefined, dflt: string): string[] {
  const l = (v ?? '').split(':').filter((p) => p.startsWith('/'));
  return l.length ? l : [dflt];
}

export interface OfflineGenerators { searchPath: string[]; dirs: GeneratorDirs; report: GeneratorReport; logs: string[] }

/**
 * Offline run: generators write into `tmpRoot`/{generator,generator.early,generator.late} and the returned
 * search path has those at systemd's generator positions. `builtins` false runs only the executables.
 */
export async function offlineGenerators(searchPath: string[], userMode: boolean, tmpRoot: string,
  opts: { builtins?: boolean; binaryDirs?: string[]; env?: Record<string, string | undefined>; stdio?: 'inherit' | 'ignore' } = {}): Promise<OfflineGenerators> {
  const env = opts.env ?? process.env;
  const dflt = generatorOutputDirs(userMode, env) ?? generatorOutputDirs(false, env)!;
  const dirs: GeneratorDirs = { normal: `${tmpRoot}/generator`, early: `${tmpRoot}/generator.early`, late: `${tmpRoot}/generator.late` };
  const native = withoutGenerated(searchPath, dflt);
  const logs: string[] = [];
  const facts = generatorFacts(userMode, env['container'] ?? '', null, false);
  const report = await runGenerators({
    userMode, binaryDirs: opts.binaryDirs ?? generatorBinaryPaths(userMode, env), output: dirs,
    env: generatorEnvironment(env, userMode ? [] : ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'], facts),
    fs: realGenFs(), runner: childProcessRunner(opts.stdio ?? 'ignore'), builtins: opts.builtins ?? true,
    unitExists: nativeUnitExists(native),
    log: (level, m) => { if (level !== 'debug') logs.push(`${level}: ${m}`); },
    sysvInitPath: pathList(env['SYSTEMD_SYSVINIT_PATH'], '/etc/init.d'), sysvRcndPath: pathList(env['SYSTEMD_SYSVRCND_PATH'], '/etc'),
  });
  return { searchPath: withGeneratorDirs(searchPath, dflt, dirs), dirs, report, logs };
}
