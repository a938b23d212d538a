// The journalctl face of tsysctl (installed or symlinked as `journalctl`, or `tsysctl logs`): journalctl's
// everyday options over the journal files (ours or systemd-journald's), read directly like journalctl does.
//   -u/--unit (repeatable, globs) -t/--identifier -p/--priority (N, NAME, FROM..TO) -g/--grep -n/--lines
//   -f/--follow -r/--reverse -b/--boot [ID|±N] -k/--dmesg -S/--since -U/--until -o/--output MODE
//   --no-pager -x -a/--all -q/--quiet -D/--directory --file -m/--merge FIELD=value --list-boots
//   --disk-usage --vacuum-size --vacuum-time --vacuum-files --flush --sync --rotate --no-hostname
// Exit codes as journalctl: 0, 1 on errors (bad option values, no files with --file).
// Returns null when there are no journal files and no explicit source, so the caller can fall back to the
// manager's in-memory log (the RPC face).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { anyValue, defaultJournalDirs, findJournalFiles, readEntries, unitMatcher, globToRegExp, type Entry } from './select';
import { formatEntry, fullTime, humanBytes, OUTPUT_MODES } from './format';
import { parseSize, parseTimespanUs } from '../../journal/options';
import { vacuumDir, listJournalFiles } from '../../journal/storage';
import { PRIORITY_NAMES } from '../../journal/intake/priority';

interface Opts {
  units: string[]; idents: string[]; prio: [number, number] | null; grep: RegExp | null; lines: number | null;
  follow: boolean; reverse: boolean; boot: string | null; dmesg: boolean; since: number | null; until: number | null;
  output: string; all: boolean; quiet: boolean; dirs: string[]; files: string[]; matches: string[];
  listBoots: boolean; diskUsage: boolean; vacuumSize: number | null; vacuumTimeUs: number | null; vacuumFiles: number | null;
  control: string | null; hostname: boolean;
}

class UsageError extends Error {}

function parsePriority(s: string): [number, number] {
  const one = (x: string): number => {
    const i = /^[0-7]$/.test(x) ? Number(x) : PRIORITY_NAMES.indexOf(x) >= 0 ? PRIORITY_NAMES.indexOf(x) : x === 'error' ? 3 : x === 'warn' ? 4 : x === 'panic' ? 0 : -1;
    if (i < 0) throw new UsageError(`Unknown log level ${x}`);
    return i;
  };
  const m = /^(.*)\.\.(.*)$/.exec(s);
  if (!m) return [0, one(s)];
  const a = m[1] ? one(m[1]) : 0, b = m[2] ? one(m[2]) : 7;
  return a <= b ? [a, b] : [b, a];
}

/** systemd timestamps: "YYYY-MM-DD [HH:MM[:SS]]", "HH:MM[:SS]", today, yesterday, tomorrow, now, ±TIMESPAN, @EPOCH. */
export function parseTimestampUs(s: string, nowUs = Date.now() * 1000): number {
  const t = s.trim();
  const day = (off: number): number => { const d = new Date(nowUs / 1000); d.setHours(0, 0, 0, 0); d.setDate(d.getDate() + off); return d.getTime() * 1000; };
  if (t === 'now') return nowUs;
  if (t === 'today') return day(0);
  if (t === 'yesterday') return day(-1);
  if (t === 'tomorrow') return day(1);
  if (t.startsWith('@')) { const n = Number(t.slice(1)); if (Number.isFinite(n)) return Math.round(n * 1e6); }
  if (/^[+-]/.test(t) || / ago$/.test(t)) {
    const neg = t.startsWith('-') || t.endsWith(' ago');
    const us = parseTimespanUs(t.replace(/^[+-]/, '').replace(/ ago$/, ''));
    if (us !== null) return neg ? nowUs - us : nowUs + us;
  }
  let m = /^(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2})(?::(\d{2}))?)?$/.exec(t);
  if (m) return new Date(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4] ?? 0), Number(m[5] ?? 0), Number(m[6] ?? 0)).getTime() * 1000;
  m = /^(\d{2}):(\d{2})(?::(\d{2}))?$/.exec(t);
  if (m) { const d = new Date(nowUs / 1000); d.setHours(Number(m[1]), Number(m[2]), Number(m[3] ?? 0), 0); return d.getTime() * 1000; }
  throw new UsageError(`Failed to parse timestamp: ${s}`);
}

function parseArgs(argv: string[]): Opts {
  const o: Opts = {
    units: [], idents: [], prio: null, grep: null, lines: null, follow: false, reverse: false, boot: null, dmesg: false,
    since: null, until: null, output: 'short', all: false, quiet: false, dirs: [], files: [], matches: [], listBoots: false,
    diskUsage: false, vacuumSize: null, vacuumTimeUs: null, vacuumFiles: null, control: null, hostname: true,
  };
  for (let i = 0; i < argv.length; i++) {
    let a = argv[i]!;
    let inline: string | undefined;
    if (a.startsWith('--') && a.includes('=')) { inline = a.slice(a.indexOf('=') + 1); a = a.slice(0, a.indexOf('=')); }
    else if (/^-[a-zA-Z]./.test(a) && !a.startsWith('--')) {
      // -n20, -uFOO, combined short flags (-fa)
      const f = a[1]!;
      if ('utpgnbSUoDm'.includes(f)) { inline = a.slice(2); a = `-${f}`; }
      else { argv.splice(i + 1, 0, ...a.slice(2).split('').map((c) => `-${c}`)); a = `-${f}`; }
    }
    const val = (): string => { if (inline !== undefined) return inline; const v = argv[++i]; if (v === undefined) throw new UsageError(`option '${a}' requires an argument`); return v; };
    const optVal = (): string | null => { if (inline !== undefined) return inline; const v = argv[i + 1]; if (v !== undefined && !v.startsWith('-') || (v !== undefined && /^-\d+$/.test(v))) { i++; return v!; } return null; };
    switch (a) {
      case '-u': case '--unit': o.units.push(val()); break;
      case '-t': case '--identifier': o.idents.push(val()); break;
      case '-p': case '--priority': o.prio = parsePriority(val()); break;
      case '-g': case '--grep': { const g = val(); o.grep = new RegExp(g, g === g.toLowerCase() ? 'i' : ''); break; }
      case '-n': case '--lines': { const v = optVal(); o.lines = v === null ? 10 : v === 'all' ? Infinity : Number(v.replace(/^\+/, '')); if (!Number.isFinite(o.lines) && o.lines !== Infinity) throw new UsageError(`Failed to parse lines '${v}'`); break; }
      case '-f': case '--follow': o.follow = true; break;
      case '-r': case '--reverse': o.reverse = true; break;
      case '-b': case '--boot': o.boot = optVal() ?? '0'; break;
      case '-k': case '--dmesg': o.dmesg = true; if (o.boot === null) o.boot = '0'; break;
      case '-S': case '--since': o.since = parseTimestampUs(val()); break;
      case '-U': case '--until': o.until = parseTimestampUs(val()); break;
      case '-o': case '--output': o.output = val(); if (!OUTPUT_MODES.includes(o.output)) throw new UsageError(`Unknown output format '${o.output}'.`); break;
      case '-a': case '--all': o.all = true; break;
      case '-q': case '--quiet': o.quiet = true; break;
      case '-D': case '--directory': o.dirs.push(val()); break;
      case '--file': o.files.push(val()); break;
      case '-x': case '--catalog': case '--no-pager': case '-e': case '--pager-end': case '-l': case '--full': case '-m': case '--merge': case '--no-full': break;
      case '--no-hostname': o.hostname = false; break;
      case '--list-boots': o.listBoots = true; break;
      case '--disk-usage': o.diskUsage = true; break;
      case '--vacuum-size': { const n = parseSize(val()); if (n === null) throw new UsageError('Failed to parse size'); o.vacuumSize = n; break; }
      case '--vacuum-time': { const n = parseTimespanUs(val()); if (n === null) throw new UsageError('Failed to parse timespan'); o.vacuumTimeUs = n; break; }
      case '--vacuum-files': o.vacuumFiles = Number(val()); break;
      case '--flush': case '--sync': case '--rotate': case '--relinquish-var': case '--smart-relinquish-var': o.control = a.slice(2); break;
      case '-h': case '--help': throw new UsageError('help');
      default:
        if (/^[A-Z0-9_]+=/.test(a)) { o.matches.push(a); break; }
        throw new UsageError(`unrecognized option '${a}'`);
    }
  }
  return o;
}

function currentBootId(): string {
  try { return fs.readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim().replace(/-/g, ''); } catch { return ''; }
}

function machineId(): string | null {
  try { return fs.readFileSync('/etc/machine-id', 'utf8').trim(); } catch { return null; }
}

interface Boot { id: string; first: number; last: number }
function boots(all: Entry[]): Boot[] {
  const m = new Map<string, Boot>();
  for (const x of all) {
    const b = m.get(x.e.bootId);
    if (!b) m.set(x.e.bootId, { id: x.e.bootId, first: x.e.realtime, last: x.e.realtime });
    else { b.first = Math.min(b.first, x.e.realtime); b.last = Math.max(b.last, x.e.realtime); }
  }
  return [...m.values()].sort((a, b) => a.first - b.first);
}

function filterOf(o: Opts, all: Entry[]): ((x: Entry) => boolean) | string {
  const preds: Array<(x: Entry) => boolean> = [];
  const um = unitMatcher(o.units);
  if (um) preds.push(um);
  if (o.idents.length) { const s = new Set(o.idents); preds.push((x) => (x.fields.get('SYSLOG_IDENTIFIER') ?? []).some((v) => s.has(v.toString('utf8')))); }
  if (o.prio) { const [a, b] = o.prio; preds.push((x) => anyValue(x, 'PRIORITY', (v) => /^[0-7]$/.test(v) && Number(v) >= a && Number(v) <= b)); }
  if (o.dmesg) preds.push((x) => anyValue(x, '_TRANSPORT', (v) => v === 'kernel'));
  if (o.boot !== null) {
    let id: string | undefined;
    if (/^[0-9a-f]{32}$/.test(o.boot.replace(/-/g, ''))) id = o.boot.replace(/-/g, '');
    else {
      const n = Number(o.boot);
      const bs = boots(all);
      const cur = currentBootId();
      if (n <= 0) { const ci = bs.findIndex((b) => b.id === cur); const base = ci >= 0 ? ci : bs.length - 1; id = bs[base + n]?.id; }
      else id = bs[n - 1]?.id;
      if (n === 0 && !id) id = cur;
    }
    if (!id) return 'Data from the specified boot is not available: No such boot ID in journal';
    preds.push((x) => x.e.bootId === id);
  }
  if (o.since !== null) { const s = o.since; preds.push((x) => x.e.realtime >= s); }
  if (o.until !== null) { const u = o.until; preds.push((x) => x.e.realtime <= u); }
  if (o.matches.length) {
    // same field: OR; different fields: AND (sd_journal_add_match semantics)
    const by = new Map<string, string[]>();
    for (const m of o.matches) { const k = m.slice(0, m.indexOf('=')); const l = by.get(k) ?? []; l.push(m.slice(m.indexOf('=') + 1)); by.set(k, l); }
    preds.push((x) => [...by].every(([k, vs]) => (x.fields.get(k) ?? []).some((v) => vs.includes(v.toString('utf8')))));
  }
  if (o.grep) { const g = o.grep; preds.push((x) => anyValue(x, 'MESSAGE', (v) => g.test(v))); }
  return (x) => preds.every((p) => p(x));
}

function sources(o: Opts): string[] {
  if (o.files.length) return o.files.flatMap((f) => (f.includes('*') ? listGlob(f) : [f]));
  return findJournalFiles(o.dirs.length ? o.dirs : defaultJournalDirs(), o.dirs.length ? null : machineId());
}

function listGlob(g: string): string[] {
  const dir = path.dirname(g); const re = globToRegExp(path.basename(g));
  try { return fs.readdirSync(dir).filter((n) => re.test(n)).map((n) => path.join(dir, n)); } catch { return []; }
}

function write(s: string): void { if (s) process.stdout.write(s); }

/** Run the face; null = no journal files and no explicit source (the caller may fall back). */
export async function runJournalctl(argv: string[], prog = 'journalctl'): Promise<number | null> {
  let o: Opts;
  try { o = parseArgs([...argv]); } catch (e) {
    if ((e as Error).message === 'help') { write(`${prog} [OPTIONS...] [MATCHES...]\n\nQuery the journal.\n`); return 0; }
    process.stderr.write(`${prog}: ${(e as Error).message}\n`); return 1;
  }
  const explicit = o.files.length > 0 || o.dirs.length > 0;
  if (o.control) return control(o.control, prog);
  const files = sources(o);
  if (files.length === 0 && !explicit) return null;
  if (o.diskUsage) {
    let total = 0;
    for (const f of files) { try { total += fs.statSync(f).blocks * 512; } catch { /* gone */ } }
    write(`Archived and active journals take up ${humanBytes(total)} in the file system.\n`);
    return 0;
  }
  if (o.vacuumSize !== null || o.vacuumTimeUs !== null || o.vacuumFiles !== null) {
    const dirs = [...new Set(files.map((f) => path.dirname(f)))];
    for (const d of dirs) {
      const before = listJournalFiles(d).reduce((a, f) => a + f.bytes, 0);
      const removed = vacuumDir(d, { maxUse: o.vacuumSize ?? 0, maxFiles: o.vacuumFiles ?? 0, keepFree: 0, maxAgeUs: o.vacuumTimeUs ?? 0, now: Date.now() * 1000 }, path.join(d, 'system.journal'));
      for (const r of removed) process.stderr.write(`Deleted archived journal ${r}.\n`);
      const after = listJournalFiles(d).reduce((a, f) => a + f.bytes, 0);
      process.stderr.write(`Vacuuming done, freed ${humanBytes(before - after)} of archived journals from ${d}.\n`);
    }
    return 0;
  }
  const warn = (m: string): void => { process.stderr.write(`${m}\n`); };
  let all = readEntries(files, warn);
  if (o.listBoots) {
    const bs = boots(all);
    const w = String(bs.length - 1).length + 1;
    bs.forEach((b, i) => write(`${String(i - bs.length + 1).padStart(w, ' ')} ${b.id} ${fullTime(b.first)}—${fullTime(b.last)}\n`));
    return 0;
  }
  const f = filterOf(o, all);
  if (typeof f === 'string') { process.stderr.write(`${f}\n`); return 1; }
  let sel = all.filter(f);
  const lines = o.lines ?? (o.follow ? 10 : Infinity);
  if (lines !== Infinity) sel = sel.slice(Math.max(0, sel.length - lines));
  if (o.reverse) sel.reverse();
  const fo = { mode: o.output, all: o.all, hostname: o.hostname };
  let lastBoot = '';
  for (const x of sel) {
    if (!o.quiet && o.output.startsWith('short') && lastBoot && x.e.bootId !== lastBoot && o.boot === null) write(`-- Boot ${x.e.bootId} --\n`);
    lastBoot = x.e.bootId;
    write(formatEntry(x, fo));
  }
  if (sel.length === 0 && !o.quiet && !o.output.startsWith('json') && o.output !== 'export' && o.output !== 'cat') write('-- No entries --\n');
  if (!o.follow) return 0;
  // -f: poll the files (journalctl uses inotify on the files the writer truncates after each batch)
  const seen = new Set(all.map((x) => `${x.seqnumId}:${x.e.seqnum}:${x.e.xorHash}`));
  for (;;) {
    await new Promise((r) => setTimeout(r, 250));
    all = readEntries(sources(o), () => undefined);
    for (const x of all) {
      const k = `${x.seqnumId}:${x.e.seqnum}:${x.e.xorHash}`;
      if (seen.has(k)) continue;
      seen.add(k);
      if (f(x)) write(formatEntry(x, fo));
    }
    if (seen.size > 2_000_000) seen.clear();
  }
}

/** --flush / --sync / --rotate: ask the running journal server (a control datagram, root only). */
function control(cmd: string, prog: string): number {
  const sock = '/run/systemd/journal/socket';
  if (!fs.existsSync(sock)) { process.stderr.write(`${prog}: the journal is not running (${sock} missing).\n`); return 1; }
  if (cmd === 'relinquish-var' || cmd === 'smart-relinquish-var') return 0;
  try {
    const { loadNative } = require('../../platform/native') as typeof import('../../platform/native');
    const n = loadNative().addon;
    const fd = n.socket('unix', 'dgram', false);
    const r = n.sendmsg(fd, Buffer.from(`.tsysd-${cmd}\n`), [], { family: 'unix', path: sock, abstract: false });
    n.close(fd);
    if (r < 0) { process.stderr.write(`${prog}: failed to request ${cmd}: ${n.strerror(-r)}\n`); return 1; }
  } catch (e) { process.stderr.write(`${prog}: ${(e as Error).message}\n`); return 1; }
  return 0;
}
