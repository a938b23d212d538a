// Unit search paths (systemd 252 lookup_paths_init, Debian build with split /usr: `systemd-analyze
// [--user] unit-paths`). Owns the default lists, $SYSTEMD_UNIT_PATH (a trailing ':' appends the defaults;
// relative entries are made absolute against the cwd, empty ones dropped), explicit --unit-path dirs
// (they replace the defaults), and de-duplication (first occurrence wins). Pure apart from cwd/homedir.
import * as os from 'node:os';
import * as path from 'node:path';
import { pathSimplify } from './names';

export interface SearchPathOptions {
  userMode: boolean;
  unitPaths?: string[];                       // explicit --unit-path dirs: replace the defaults
  env?: Record<string, string | undefined>;   // defaults to process.env
}

export function systemDefaultPaths(): string[] {
  return [
    '/etc/systemd/system.control',
    '/run/systemd/system.control',
    '/run/systemd/transient',
    '/run/systemd/generator.early',
    '/etc/systemd/system',
    '/etc/systemd/system.attached',
    '/run/systemd/system',
    '/run/systemd/system.attached',
    '/run/systemd/generator',
    '/usr/local/lib/systemd/system',
    '/lib/systemd/system',
    '/usr/lib/systemd/system',
    '/run/systemd/generator.late',
  ];
}

function splitDirs(v: string | undefined, dflt: string[]): string[] {
  if (!v) return dflt;
  const r = v.split(':').filter((x) => x.startsWith('/'));
  return r.length ? r : dflt;
}

export function userDefaultPaths(env: Record<string, string | undefined>): string[] {
  const home = env['HOME'] || os.homedir();
  const configHome = env['XDG_CONFIG_HOME']?.startsWith('/') ? env['XDG_CONFIG_HOME'] : `${home}/.config`;
  const dataHome = env['XDG_DATA_HOME']?.startsWith('/') ? env['XDG_DATA_HOME'] : `${home}/.local/share`;
  const rt = env['XDG_RUNTIME_DIR']?.startsWith('/') ? env['XDG_RUNTIME_DIR'] : '';
  const configDirs = splitDirs(env['XDG_CONFIG_DIRS'], ['/etc/xdg']);
  const dataDirs = splitDirs(env['XDG_DATA_DIRS'], ['/usr/local/share', '/usr/share']);
  const out: string[] = [];
  out.push(`${configHome}/systemd/user.control`);
  if (rt) out.push(`${rt}/systemd/user.control`, `${rt}/systemd/transient`, `${rt}/systemd/generator.early`);
  out.push(`${configHome}/systemd/user`);
  for (const d of configDirs) out.push(`${d}/systemd/user`);
  out.push('/etc/systemd/user');
  if (rt) out.push(`${rt}/systemd/user`);
  out.push('/run/systemd/user');
  if (rt) out.push(`${rt}/systemd/generator`);
  out.push(`${dataHome}/systemd/user`);
  for (const d of dataDirs) out.push(`${d}/systemd/user`);
  out.push('/usr/local/lib/systemd/user', '/usr/lib/systemd/user');
  if (rt) out.push(`${rt}/systemd/generator.late`);
  return out;
}

function uniq(list: string[]): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const p of list) if (!seen.has(p)) { seen.add(p); out.push(p); }
  return out;
}

/** The ordered unit search path: earlier directories win. */
export function unitSearchPath(opts: SearchPathOptions): string[] {
  const env = opts.env ?? process.env;
  if (opts.unitPaths && opts.unitPaths.length) return uniq(opts.unitPaths.map((p) => path.resolve(p)));
  const defaults = opts.userMode ? userDefaultPaths(env) : systemDefaultPaths();
  const e = env['SYSTEMD_UNIT_PATH'];
  if (e === undefined) return uniq(defaults);
  let v = e;
  let append = false;
  if (v.endsWith(':')) { v = v.slice(0, -1); append = true; }
  const cwd = process.cwd();
  const given = v.split(':').filter((x) => x !== '').map((x) => pathSimplify(x.startsWith('/') ? x : `${cwd}/${x}`));
  return uniq(append ? [...given, ...defaults] : given);
}

/** Preset directories for the default search path (system or user mode), highest priority first. */
export function defaultPresetDirs(userMode: boolean): string[] {
  return userMode
    ? ['/etc/systemd/user-preset', '/run/systemd/user-preset', '/usr/local/lib/systemd/user-preset', '/usr/lib/systemd/user-preset']
    : ['/etc/systemd/system-preset', '/run/systemd/system-preset', '/usr/local/lib/systemd/system-preset', '/usr/lib/systemd/system-preset', '/lib/systemd/system-preset'];
}

/** Where generator executables live (systemd 252 generator_binary_paths, Debian's split-usr build), highest
 *  priority first; $SYSTEMD_GENERATOR_PATH replaces them (a trailing ':' appends the defaults). */
export function generatorBinaryPaths(userMode: boolean, env: Record<string, string | undefined> = process.env): string[] {
  const defaults = userMode
    ? ['/run/systemd/user-generators', '/etc/systemd/user-generators', '/usr/local/lib/systemd/user-generators', '/usr/lib/systemd/user-generators']
    : ['/run/systemd/system-generators', '/etc/systemd/system-generators', '/usr/local/lib/systemd/system-generators', '/lib/systemd/system-generators'];
  const e = env['SYSTEMD_GENERATOR_PATH'];
  if (e === undefined) return defaults;
  const append = e.endsWith(':');
  const given = (append ? e.slice(0, -1) : e).split(':').filter((x) => x.startsWith('/')).map(pathSimplify);
  return uniq(append || !given.length ? [...given, ...defaults] : given);
}

/** The three generator output directories and where they sit in the default search path: `normal`
 *  (`/run/systemd/generator`), `early` (`generator.early`, before /etc) and `late` (`generator.late`, last).
 *  User mode: below $XDG_RUNTIME_DIR/systemd, or null without $XDG_RUNTIME_DIR (systemd then runs none). */
export interface GeneratorDirs { normal: string; early: string; late: string }

export function generatorOutputDirs(userMode: boolean, env: Record<string, string | undefined> = process.env): GeneratorDirs | null {
  let prefix = '/run/systemd';
  if (userMode) {
    const rt = env['XDG_RUNTIME_DIR'];
    if (!rt || !rt.startsWith('/')) return null;
    prefix = `${rt}/systemd`;
  }
  return { normal: `${prefix}/generator`, early: `${prefix}/generator.early`, late: `${prefix}/generator.late` };
}

/** A search path with the default generator directories replaced by `dirs` (offline runs write their
 *  output to a temporary directory, as `systemd --test` does). A search path without generator positions
 *  (explicit --unit-path) gets early first, normal after the given directories and late last. */
export function withGeneratorDirs(searchPath: string[], defaults: GeneratorDirs, dirs: GeneratorDirs): string[] {
  const has = searchPath.includes(defaults.normal) || searchPath.includes(defaults.early) || searchPath.includes(defaults.late);
  if (!has) return uniq([dirs.early, ...searchPath, dirs.normal, dirs.late]);
  return searchPath.map((p) => (p === defaults.normal ? dirs.normal : p === defaults.early ? dirs.early : p === defaults.late ? dirs.late : p));
}
