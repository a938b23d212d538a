// Reading side of the journalctl face: find journal files (-D, --file, /run/log/journal, /var/log/journal),
// read every entry with our reader (tsysd's files and systemd-journald's), order them like sd-journal
// (same seqnum id → seqnum, same boot → monotonic, else realtime), and filter (units, identifiers,
// priorities, FIELD=value matches, boots, time window, grep).
// Files are read whole (they are bounded by SystemMaxFileSize=); a damaged file yields what precedes the damage.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { JournalReader, type EntryRef } from '../../journal/reader';
import { journalDecompress } from '../../journal/decompress';

export interface Entry { e: EntryRef; seqnumId: string; fields: Map<string, Buffer[]>; raw: Buffer[] }

export function defaultJournalDirs(): string[] {
  return ['/run/log/journal', '/var/log/journal'];
}

/** *.journal and *.journal~ files below the given directories (one level of <machine-id>/ subdirectories). */
export function findJournalFiles(dirs: readonly string[], machineId: string | null): string[] {
  const out: string[] = [];
  const scan = (d: string, depth: number): void => {
    let names: string[];
    try { names = fs.readdirSync(d); } catch { return; }
    for (const n of names) {
      const p = path.join(d, n);
      let st: fs.Stats;
      try { st = fs.statSync(p); } catch { continue; }
      if (st.isFile() && /\.journal~?$/.test(n)) out.push(p);
      else if (st.isDirectory() && depth === 0 && (!machineId || n === machineId || /^[0-9a-f]{32}$/.test(n))) scan(p, 1);
    }
  };
  for (const d of dirs) scan(d, 0);
  return out;
}

export function readEntries(files: readonly string[], warn: (m: string) => void): Entry[] {
  const out: Entry[] = [];
  for (const f of files) {
    let r: JournalReader;
    try { r = new JournalReader(fs.readFileSync(f), journalDecompress); } catch (e) { warn(`Failed to open ${f}: ${(e as Error).message}`); continue; }
    for (const e of r.entries()) {
      const raw = r.fields(e.offset);
      const fields = new Map<string, Buffer[]>();
      for (const x of raw) {
        const eq = x.indexOf(0x3d);
        if (eq <= 0) continue;
        const k = x.toString('latin1', 0, eq);
        const v = x.subarray(eq + 1);
        const l = fields.get(k);
        if (l) l.push(v); else fields.set(k, [v]);
      }
      out.push({ e, seqnumId: r.header.seqnumId, fields, raw });
    }
  }
  out.sort(compareEntries);
  // the same entry in two files (a copy after --flush) is shown once
  return out.filter((x, i) => i === 0 || !(x.seqnumId === out[i - 1]!.seqnumId && x.e.seqnum === out[i - 1]!.e.seqnum && x.e.xorHash === out[i - 1]!.e.xorHash));
}

export function compareEntries(a: Entry, b: Entry): number {
  if (a.seqnumId === b.seqnumId && a.e.seqnum !== b.e.seqnum) return a.e.seqnum - b.e.seqnum;
  if (a.e.bootId === b.e.bootId && a.e.monotonic !== b.e.monotonic) return a.e.monotonic - b.e.monotonic;
  if (a.e.realtime !== b.e.realtime) return a.e.realtime - b.e.realtime;
  return a.e.xorHash < b.e.xorHash ? -1 : a.e.xorHash > b.e.xorHash ? 1 : 0;
}

/** The value journalctl displays for a field that may repeat: the last one in item order. */
export function field(x: Entry, k: string): string | null {
  const v = x.fields.get(k);
  return v && v.length ? v[v.length - 1]!.toString('utf8') : null;
}

/** Does any value of field k satisfy pred (matches see every value, as sd_journal_add_match does). */
export function anyValue(x: Entry, k: string, pred: (v: string) => boolean): boolean {
  const v = x.fields.get(k);
  return !!v && v.some((b) => pred(b.toString('utf8')));
}

export function globToRegExp(g: string): RegExp {
  let r = '';
  for (const c of g) r += c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`^${r}$`);
}

/** journalctl -u: a bare name gets .service; globs match every unit name seen. */
export function unitMatcher(units: readonly string[]): ((x: Entry) => boolean) | null {
  if (units.length === 0) return null;
  const res = units.map((u) => globToRegExp(/[.*?[]/.test(u.replace(/\.[a-z]+$/, '')) || /\.[a-z]+$/.test(u) ? u : `${u}.service`));
  const m = (s: string): boolean => res.some((r) => r.test(s));
  const is = (v: string) => (s: string): boolean => s === v;
  return (x) => anyValue(x, '_SYSTEMD_UNIT', m) || anyValue(x, 'OBJECT_SYSTEMD_UNIT', m) ||
    (anyValue(x, 'UNIT', m) && (anyValue(x, '_PID', is('1')) || anyValue(x, 'SYSLOG_IDENTIFIER', is('tsysd')))) ||
    (anyValue(x, 'COREDUMP_UNIT', m) && anyValue(x, '_UID', is('0')));
}
