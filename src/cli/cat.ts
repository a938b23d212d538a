// `systemctl cat` rendering (systemd 252 systemctl-cat.c, no colors): the fragment as `# PATH` plus its
// bytes verbatim, then each drop-in as a blank line, `# PATH`, its bytes. Masked units print
// `# Unit NAME is masked.`; several units are separated by a blank line. Owned by H1 (unit-file layer).
// Invariant: never throws; an unreadable file is shown with its header and nothing after it.
import * as fs from 'node:fs';
import type { UnitSource } from '../unit-file/types';

/** File text, or '' for anything that is not a regular file (never opens FIFOs/devices) or is unreadable. */
function readOr(p: string): string {
  try { return fs.statSync(p).isFile() ? fs.readFileSync(p, 'utf8') : ''; } catch { return ''; }
}

/** The text `systemctl cat UNIT` prints for one unit ('' when no files exist). */
export function renderCat(src: UnitSource): string {
  if (src.loadState === 'masked') return `# Unit ${src.requested} is masked.\n`;
  let out = '';
  if (src.fragmentPath) out += `# ${src.fragmentPath}\n` + readOr(src.fragmentPath);
  src.dropInPaths.forEach((p, i) => {
    out += `${i === 0 && !src.fragmentPath ? '' : '\n'}# ${p}\n` + readOr(p);
  });
  return out;
}

/** Several units as `systemctl cat A B` prints them; `missing` lists names with no files (systemctl errors). */
export function renderCatMany(sources: UnitSource[]): { text: string; missing: string[] } {
  let text = '';
  const missing: string[] = [];
  let first = true;
  for (const s of sources) {
    const t = renderCat(s);
    if (!t) { missing.push(s.requested); continue; }
    if (!first) text += '\n';
    first = false;
    text += t;
  }
  return { text, missing };
}

/** systemctl's message for a unit without files (printed to stderr, exit status 1). */
export function noFilesMessage(name: string): string { return `No files found for ${name}.`; }
