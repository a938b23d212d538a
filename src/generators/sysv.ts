// Built-in SysV generator: what systemd 252's systemd-sysv-generator does (src/sysv-generator/
// sysv-generator.c), for images without the systemd package. Executable scripts in /etc/init.d without a
// native unit become `<name>.service` in the late generator directory: LSB header facilities ($network,
// $named, $remote_fs, $time, $portmap; other $x → x.target), Provides aliases, Required-/Should-Start and
// X-Start-Before/After ordering, S-links in /etc/rc[1-5].d (Before= + WantedBy the runlevel's target),
// start priorities for scripts without LSB headers, Red Hat chkconfig `description:`/`pidfile:`,
// reload support guessed from the usage line, and systemd's fixed [Service] block.
// Invariant: pure. `generateSysv` maps the collected input to the exact files the C generator writes
// (same text, same line order; where systemd iterates a hash table we iterate by name).
import { mangleUnitName } from '../unit-file/names';

export interface SysvScript { file: string; path: string; text: string | null }
export interface SysvInput {
  /** Executable regular files of the init.d directories, in directory order (first of a name wins). */
  scripts: SysvScript[];
  /** rcN.d directory → its entry names (N = 1..5), from the rc.d base directory. */
  rcDirs: Record<string, string[]>;
  /** A native unit of this name exists in the search path (generator directories excluded). */
  unitExists(name: string): boolean;
}

/** What the generator leaves in its output directory (paths relative to it). */
export type GeneratedEntry = { kind: 'file'; path: string; text: string } | { kind: 'symlink'; path: string; target: string };
export interface GeneratorOutput { entries: GeneratedEntry[]; logs: { level: 'warning' | 'debug' | 'error'; message: string }[] }

const RCND: [string, string][] = [
  ['rc1.d', 'rescue.target'], ['rc2.d', 'multi-user.target'], ['rc3.d', 'multi-user.target'],
  ['rc4.d', 'multi-user.target'], ['rc5.d', 'graphical.target'],
];

const FACILITIES: Record<string, string | null> = {
  local_fs: null, network: 'network-online.target', named: 'nss-lookup.target', portmap: 'rpcbind.target',
  remote_fs: 'remote-fs.target', syslog: null, time: 'time-sync.target',
};

const EXIT_NOTINSTALLED = 5;
const EXIT_NOTCONFIGURED = 6;

interface Stub {
  name: string; path: string; description: string | null; priority: number; pidFile: string | null;
  before: string[]; after: string[]; wants: string[]; wantedBy: string[]; hasLsb: boolean; reload: boolean; loaded: boolean;
}

/** sysv_translate_name: strip ".sh", mangle into a unit name (".service" appended). */
export function sysvTranslateName(name: string): string | null {
  const n = name.endsWith('.sh') ? name.slice(0, -3) : name;
  return n === '' ? null : mangleUnitName(n, '.service');
}

const startsNoCase = (s: string, p: string): boolean => s.slice(0, p.length).toLowerCase() === p.toLowerCase();
const specifierEscape = (s: string): string => s.replace(/%/g, '%%');

function usageContainsReload(line: string): boolean {
  const l = line.toLowerCase();
  return ['{reload|', '{reload}', '{reload"', '|reload|', '|reload}', '|reload"'].some((p) => l.includes(p));
}

/** extract_first_word with EXTRACT_UNQUOTE|EXTRACT_RELAX, enough for header words. */
function words(text: string): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(/(?:"[^"]*"?|'[^']*'?|[^\s"']+)+/g)) out.push(m[0].replace(/"([^"]*)"?|'([^']*)'?/g, (_x, a: string | undefined, b: string | undefined) => a ?? b ?? ''));
  return out;
}

/** sysv_translate_facility: null = nothing to add (local_fs, syslog, the script itself, bad name). */
function translateFacility(s: Stub, name: string): string | null {
  const n = name.startsWith('$') ? name.slice(1) : name;
  if (Object.prototype.hasOwnProperty.call(FACILITIES, n)) return FACILITIES[n] ?? null;
  if (name.startsWith('$')) return mangleTarget(n);
  let file = s.path.slice(s.path.lastIndexOf('/') + 1);
  if (file.endsWith('.sh')) file = file.slice(0, -3);
  if (n === file) return null;
  return sysvTranslateName(n);
}

function mangleTarget(n: string): string | null {
  const t = `${n}.target`;
  return /^[A-Za-z0-9:_.\\-]+$/.test(n) && t.length <= 255 ? t : null;
}

function handleProvides(s: Stub, text: string, out: GeneratorOutput, aliases: Map<string, string>): void {
  for (const w of words(text)) {
    const m = translateFacility(s, w);
    if (!m) continue;
    if (m.endsWith('.service')) {
      out.logs.push({ level: 'debug', message: `Adding Provides: alias '${m}' for '${s.name}'` });
      if (!aliases.has(m)) aliases.set(m, s.name);
    } else if (m.endsWith('.target')) {
      s.before.push(m); s.wants.push(m);
      if (m === 'network-online.target') { s.before.push('network.target'); s.wants.push('network.target'); }
    } else out.logs.push({ level: 'warning', message: `Unknown unit type for unit '${m}'` });
  }
}

function handleDependencies(s: Stub, fullText: string, text: string): void {
  const isBefore = startsNoCase(fullText, 'X-Start-Before:');
  for (const w of words(text)) {
    const m = translateFacility(s, w);
    if (!m) continue;
    if (m === 'network-online.target' && !isBefore) { s.after.push(m); s.wants.push(m); }
    else (isBefore ? s.before : s.after).push(m);
  }
}

type State = 'normal' | 'description' | 'lsb' | 'lsb-description' | 'usage-continuation';

/** load_sysv: parse the script's comments and usage line into the stub. */
function loadSysv(s: Stub, text: string, out: GeneratorOutput, aliases: Map<string, string>): void {
  let state: State = 'normal';
  let short: string | null = null, long: string | null = null, chk: string | null = null;
  let reload = false;
  const lines = text.split('\n');
  if (lines.length && lines[lines.length - 1] === '') lines.pop();
  lines.forEach((raw, idx) => {
    const l = raw.replace(/[ \t\n\r]+$/, '');
    let t = l.replace(/^[ \t\n\r]+/, '');
    if (!t.startsWith('#')) {
      if (state === 'usage-continuation' || (state === 'normal' && t.toLowerCase().includes('usage'))) {
        if (usageContainsReload(t)) { reload = true; state = 'normal'; }
        else if (t.endsWith('\\')) state = 'usage-continuation';
        else state = 'normal';
      }
      return;
    }
    if (state === 'normal' && t === '### BEGIN INIT INFO') { state = 'lsb'; s.hasLsb = true; return; }
    if ((state === 'lsb' || state === 'lsb-description') && t === '### END INIT INFO') { state = 'normal'; return; }
    t = t.slice(1).replace(/^[ \t\n\r]+/, '');
    if (state === 'normal') {
      if (startsNoCase(t, 'description:')) {
        if (t.endsWith('\\')) { state = 'description'; t = t.slice(0, -1); }
        const j = t.slice(12).trim();
        chk = j === '' ? null : j;
      } else if (startsNoCase(t, 'pidfile:')) {
        const fn = t.slice(8).trim();
        if (!fn.startsWith('/')) { out.logs.push({ level: 'error', message: `[${s.path}:${idx + 1}] PID file not absolute. Ignoring.` }); return; }
        s.pidFile = fn;
      }
    } else if (state === 'description') {
      if (t.endsWith('\\')) t = t.slice(0, -1); else state = 'normal';
      const j = t.trim();
      if (j !== '') chk = chk === null ? j : `${chk} ${j}`;
    } else if (state === 'lsb' || state === 'lsb-description') {
      if (startsNoCase(t, 'Provides:')) { state = 'lsb'; handleProvides(s, t.slice(9), out, aliases); }
      else if (startsNoCase(t, 'Required-Start:') || startsNoCase(t, 'Should-Start:') || startsNoCase(t, 'X-Start-Before:') || startsNoCase(t, 'X-Start-After:')) {
        state = 'lsb';
        handleDependencies(s, t, t.slice(t.indexOf(':') + 1));
      } else if (startsNoCase(t, 'Description:')) {
        state = 'lsb-description';
        const j = t.slice(12).trim();
        long = j === '' ? null : j;
      } else if (startsNoCase(t, 'Short-Description:')) {
        state = 'lsb';
        const j = t.slice(18).trim();
        short = j === '' ? null : j;
      } else if (state === 'lsb-description') {
        if (l.startsWith('#\t') || l.startsWith('#  ')) {
          const j = t.trim();
          if (j !== '') long = long === null ? j : `${long} ${j}`;
        } else state = 'lsb';
      }
    }
  });
  s.reload = reload;
  const d = (short as string | null) ?? (chk as string | null) ?? (long as string | null);
  if (d !== null) s.description = `${s.hasLsb ? 'LSB: ' : 'SYSV: '}${d}`;
  s.loaded = true;
}

function fixOrder(s: Stub, all: Stub[]): void {
  if (!s.loaded || s.priority < 0) return;
  for (const o of all) {
    if (o === s || !o.loaded || o.priority < 0) continue;
    if (s.hasLsb && o.hasLsb) continue;
    if (o.priority < s.priority) s.after.push(o.name);
    else if (o.priority > s.priority) s.before.push(o.name);
  }
}

function unitText(s: Stub): string {
  const p = specifierEscape(s.path);
  let t = `# Automatically generated by systemd-sysv-generator\n\n[Unit]\nDocumentation=man:systemd-sysv-generator(8)\nSourcePath=${p}\n`;
  if (s.description !== null) t += `Description=${specifierEscape(s.description)}\n`;
  for (const x of s.before) t += `Before=${x}\n`;
  for (const x of s.after) t += `After=${x}\n`;
  for (const x of s.wants) t += `Wants=${x}\n`;
  t += '\n[Service]\nType=forking\nRestart=no\nTimeoutSec=5min\nIgnoreSIGPIPE=no\nKillMode=process\nGuessMainPID=no\n';
  t += `RemainAfterExit=${s.pidFile === null ? 'yes' : 'no'}\n`;
  if (s.pidFile !== null) t += `PIDFile=${specifierEscape(s.pidFile)}\n`;
  if (s.hasLsb) t += `SuccessExitStatus=${EXIT_NOTINSTALLED} ${EXIT_NOTCONFIGURED}\n`;
  t += `ExecStart=${p} start\nExecStop=${p} stop\n`;
  if (s.reload) t += `ExecReload=${p} reload\n`;
  return t;
}

/** run(): enumerate, read runlevel links, load, order, and produce the late directory's contents. */
export function generateSysv(input: SysvInput): GeneratorOutput {
  const out: GeneratorOutput = { entries: [], logs: [] };
  const services = new Map<string, Stub>();
  for (const sc of input.scripts) {
    const name = sysvTranslateName(sc.file);
    if (!name || services.has(name)) continue;
    if (input.unitExists(name)) { out.logs.push({ level: 'debug', message: `Native unit for ${name} already exists, skipping.` }); continue; }
    out.logs.push({ level: 'warning', message: `SysV service '${sc.path}' lacks a native systemd unit file. Automatically generating a unit file for compatibility. Please update package to include a native systemd unit file, in order to make it more safe and robust.` });
    services.set(name, { name, path: sc.path, description: null, priority: -1, pidFile: null, before: [], after: [], wants: [], wantedBy: [], hasLsb: false, reload: false, loaded: false });
  }
  // runlevel links: S<NN><name>; priority = the highest NN seen; one Before/WantedBy per runlevel
  const perLevel: Set<Stub>[] = RCND.map(() => new Set());
  RCND.forEach(([dir], i) => {
    for (const e of [...(input.rcDirs[dir] ?? [])].sort()) {
      if (!e.startsWith('S') || e.length < 4 || !/^[0-9]$/.test(e[1]!) || !/^[0-9]$/.test(e[2]!)) continue;
      const name = sysvTranslateName(e.slice(3));
      const s = name ? services.get(name) : undefined;
      if (!s) continue;
      s.priority = Math.max(Number(e[1]) * 10 + Number(e[2]), s.priority);
      perLevel[i]!.add(s);
    }
  });
  RCND.forEach(([, target], i) => { for (const s of perLevel[i]!) { s.before.push(target); s.wantedBy.push(target); } });
  const all = [...services.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const aliases = new Map<string, string>();
  const texts = new Map(input.scripts.map((sc) => [sc.path, sc.text] as const));
  for (const s of all) {
    const text = texts.get(s.path);
    if (text === null || text === undefined) continue;   // vanished or unreadable: not generated
    loadSysv(s, text, out, aliases);
  }
  const generated = new Set(all.filter((s) => s.loaded).map((s) => s.name));
  for (const [alias, target] of aliases) {
    if (generated.has(alias)) { out.logs.push({ level: 'warning', message: `Overwriting existing symlink ${alias} with real service.` }); continue; }
    out.entries.push({ kind: 'symlink', path: alias, target });
  }
  const links = new Set<string>();
  for (const s of all) {
    fixOrder(s, all);
    if (!s.loaded) continue;
    out.entries.push({ kind: 'file', path: s.name, text: unitText(s) });
    for (const t of s.wantedBy) {
      const p = `${t}.wants/${s.name}`;
      if (links.has(p)) continue;
      links.add(p);
      out.entries.push({ kind: 'symlink', path: p, target: `../${s.name}` });
    }
  }
  return out;
}
