// tsysctl edit UNIT... (systemd 252 systemctl-edit.c): a drop-in (UNIT.d/override.conf, or --drop-in=NAME)
// or with --full a copy of the unit, in the manager's config dir (--runtime: the runtime one), edited through
// a temp file `.#NAMEXXXXXXXXXXXXXXXX` beside it that carries 252's comment header and the commented original
// files; the text between the markers becomes the file; then daemon-reload (unless --no-reload).
// Editor: $SYSTEMD_EDITOR, $EDITOR, $VISUAL (split on whitespace), else editor, nano, vim, vi.
import { spawnSync } from 'node:child_process';
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { RpcClient } from '../../rpc/client';
import type { CtlOptions } from './args';
import { EXIT, mangle, type Out } from './common';

const MARKER_START = '### Anything between here and the comment below will become the new contents of the file';
const MARKER_END = '### Lines below this comment will be discarded';

interface EditFile { target: string; tmp: string }

/** The config dirs systemctl would use: systemd's, or the manager's first --unit-path when it was given some. */
async function configDirs(c: RpcClient, o: CtlOptions): Promise<{ persistent: string; runtime: string }> {
  const { makeLookup } = require('../../unit-file/install-lookup') as typeof import('../../unit-file/install-lookup');
  const lp = makeLookup({ userMode: o.user });
  const info = await c.call('manager-info', {});
  if (info.unitPath.includes(lp.persistentConfig) || !info.unitPath.length) return { persistent: lp.persistentConfig, runtime: lp.runtimeConfig };
  const first = info.unitPath[0] as string;
  return { persistent: first, runtime: first };
}

/** get_file_to_edit(): the persistent path, or with --runtime the runtime one unless the persistent exists. */
function fileToEdit(dirs: { persistent: string; runtime: string }, rel: string, o: CtlOptions, out: Out): string | null {
  const p = path.join(dirs.persistent, rel);
  if (!o.runtime) return p;
  const run = path.join(dirs.runtime, rel);
  if (fs.existsSync(p)) { out.error(`Refusing to create "${run}" because it would be overridden by "${p}" anyway.`); return null; }
  return run;
}

function tempName(target: string): string {
  return path.join(path.dirname(target), `.#${path.basename(target)}${crypto.randomBytes(8).toString('hex')}`);
}

/** create_edit_temp_file(): a copy of the unit (--full), or the header + current drop-in + commented originals. */
function createTemp(target: string, copyFrom: string | null, originals: string[]): string {
  const tmp = tempName(target);
  fs.mkdirSync(path.dirname(target), { recursive: true, mode: 0o755 });
  if (copyFrom) {
    try { fs.copyFileSync(copyFrom, tmp); } catch { fs.writeFileSync(tmp, ''); }
    fs.chmodSync(tmp, 0o644);
    return tmp;
  }
  let cur: string | null = null;
  try { cur = fs.readFileSync(target, 'utf8'); } catch { /* new file */ }
  let text = `### Editing ${target}\n${MARKER_START}\n\n${cur ?? ''}${cur !== null && cur.endsWith('\n') ? '' : '\n'}\n${MARKER_END}`;
  for (const p of originals) {
    if (p === target) continue;
    const contents = fs.readFileSync(p, 'utf8').trim();
    text += `\n\n### ${p}`;
    if (contents) text += `\n# ${contents.split('\n').join('\n# ')}`;
  }
  fs.writeFileSync(tmp, text, { mode: 0o644 });
  return tmp;
}

/** trim_edit_markers(): the text between the markers, stripped, newline-terminated; null when nothing is left. */
export function trimEditMarkers(text: string): string | null {
  let s = text;
  const a = s.indexOf(MARKER_START);
  if (a >= 0) s = s.slice(a + MARKER_START.length);
  const b = s.indexOf(MARKER_END);
  if (b >= 0) s = s.slice(0, b);
  s = s.replace(/^[\s]+|[\s]+$/g, '');
  return s ? `${s}\n` : null;
}

/** run_editor(): the first editor that exists gets all temp files; a failing editor is reported, not fatal. */
function runEditor(files: string[], out: Out): void {
  const env = process.env;
  const custom = env['SYSTEMD_EDITOR'] ?? env['EDITOR'] ?? env['VISUAL'];
  const words = custom ? custom.split(/\s+/).filter(Boolean) : [];
  const candidates: string[][] = words.length ? [words] : [['editor'], ['nano'], ['vim'], ['vi']];
  out.flush();
  for (const [cmd, ...rest] of candidates) {
    const r = spawnSync(cmd as string, [...rest, ...files], { stdio: 'inherit' });
    const err = r.error as NodeJS.ErrnoException | undefined;
    if (err?.code === 'ENOENT' && !words.length) continue;
    if (err) { out.error(`Failed to execute ${cmd}: ${err.message}`); out.error('editor failed with exit status 1.'); return; }
    if (r.signal) out.error(`editor terminated by signal ${r.signal}.`);
    else if (r.status) out.error(`editor failed with exit status ${r.status}.`);
    return;
  }
  out.error('Cannot edit unit(s), no editor available. Please set either $SYSTEMD_EDITOR, $EDITOR or $VISUAL.');
  out.error('editor failed with exit status 1.');
}

/** ask_char(): prompt on stdout, read lines from stdin until one is "y" or "n" (end of input: no answer). */
function askChar(prompt: string, out: Out): string {
  out.flush();
  const buf = Buffer.alloc(1);
  for (;;) {
    process.stdout.write(prompt);
    let line = '';
    for (;;) {
      let n = 0;
      try { n = fs.readSync(0, buf, 0, 1, null); } catch { n = 0; }
      if (n === 0) return '';
      const ch = buf.toString('utf8');
      if (ch === '\n') break;
      line += ch;
    }
    line = line.replace(/\r$/, '');
    if (line === 'y' || line === 'n') return line;
  }
}

function instanceName(requested: string, fileName: string): string {
  const m = /^([^@]+)@([^.]+)(\.[a-z]+)$/.exec(requested);
  const t = /^([^@]+)@(\.[a-z]+)$/.exec(fileName);
  return m && t ? `${t[1]}@${m[2]}${t[2]}` : fileName;
}

export async function runEdit(c: RpcClient, o: CtlOptions, out: Out): Promise<number> {
  if (!process.stdout.isTTY || !process.stderr.isTTY) { out.error('Cannot edit units if not on a tty.'); return EXIT.FAILURE; }
  const names = o.args.map((a) => mangle(a));
  if (!names.length) { out.error('No units matched the specified patterns.'); return EXIT.FAILURE; }
  const props = new Map<string, (k: string) => string>();
  for (const n of names) {
    const { properties } = await c.call('show', { unit: n, properties: ['LoadState', 'FragmentPath', 'DropInPaths'] });
    const get = (k: string): string => properties.find(([x]) => x === k)?.[1] ?? '';
    if (get('LoadState') === 'masked') { out.error(`Cannot edit ${n}: unit is masked.`); return EXIT.FAILURE; }
    props.set(n, get);
  }
  const dropIn = !o.dropIn ? 'override.conf' : o.dropIn.endsWith('.conf') ? o.dropIn : `${o.dropIn}.conf`;
  if (dropIn.includes('/') || dropIn === '.' || dropIn === '..' || dropIn.length > 255) {
    out.error(`Invalid drop-in file name '${dropIn}'.`); return EXIT.FAILURE;
  }
  const dirs = await configDirs(c, o);
  const files: EditFile[] = [];
  const cleanup = (): void => { for (const f of files) try { fs.unlinkSync(f.tmp); } catch { /* renamed or gone */ } };
  try {
    for (const n of names) {
      const get = props.get(n) as (k: string) => string;
      const frag = get('FragmentPath');
      let target: string | null;
      if (!frag) {
        if (!o.force) {
          out.error(`Run 'systemctl edit${o.user ? ' --user' : ''} --force --full ${n}' to create a new unit.`);
          return EXIT.FAILURE;
        }
        target = fileToEdit(dirs, o.full ? n : `${n}.d/${dropIn}`, o, out);
        if (!target) return EXIT.FAILURE;
        files.push({ target, tmp: createTemp(target, null, []) });
        continue;
      }
      const unitName = instanceName(n, path.basename(frag));
      target = fileToEdit(dirs, o.full ? unitName : `${unitName}.d/${dropIn}`, o, out);
      if (!target) return EXIT.FAILURE;
      if (o.full && target !== frag && fs.existsSync(target) && askChar(`"${target}" already exists. Overwrite with "${frag}"? [(y)es, (n)o] `, out) !== 'y') {
        out.error(`${unitName} skipped.`);
        return EXIT.FAILURE;
      }
      if (o.full) files.push({ target, tmp: createTemp(target, frag, []) });
      else files.push({ target, tmp: createTemp(target, null, [frag, ...get('DropInPaths').split(' ').filter(Boolean)]) });
    }
    runEditor(files.map((f) => f.tmp), out);
    for (const f of files) {
      const text = trimEditMarkers(fs.readFileSync(f.tmp, 'utf8'));
      if (text === null) { out.error(`Editing "${f.target}" canceled: temporary file is empty.`); continue; }
      fs.writeFileSync(f.tmp, text);
      fs.renameSync(f.tmp, f.target);
    }
  } finally {
    cleanup();
    // an unused drop-in dir goes again (rmdir fails on a non-empty one)
    if (!o.full) for (const f of files) try { fs.rmdirSync(path.dirname(f.target)); } catch { /* not empty */ }
  }
  if (!o.noReload) await c.call('daemon-reload', {});
  return EXIT.OK;
}
