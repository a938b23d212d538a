// ADAPTER (H2-owned, clearly marked): binds to H1's expandSpecifiers (src/unit-file/specifiers.ts) when it is
// present, with a minimal local fallback implementing the common specifiers until it lands.
// Contract: expandSpecifiers(text, {id, prefix, instance, type, fragmentPath}, ctx) → {ok:true,value}|{ok:false,error}.
import type { SpecifierContext } from '../unit-file/types';

export interface SpecUnit { id: string; prefix: string; instance: string; type: string; fragmentPath: string }
export type SpecResult = { ok: true; value: string } | { ok: false; error: string };
type ExpandFn = (text: string, unit: SpecUnit, ctx: SpecifierContext) => SpecResult;

let h1: ExpandFn | null | undefined;
function loadH1(): ExpandFn | null {
  if (h1 !== undefined) return h1;
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const m = require('../unit-file/specifiers') as { expandSpecifiers?: unknown };
    h1 = typeof m.expandSpecifiers === 'function' ? (m.expandSpecifiers as ExpandFn) : null;
  } catch {
    h1 = null;
  }
  return h1;
}

function unescapeName(s: string): string {
  return s.replace(/-/g, '/').replace(/\\x([0-9a-fA-F]{2})/g, (_m, h: string) => String.fromCharCode(parseInt(h, 16)));
}

function fallback(text: string, u: SpecUnit, c: SpecifierContext): SpecResult {
  if (!text.includes('%')) return { ok: true, value: text };
  const dash = u.prefix.lastIndexOf('-');
  const j = dash >= 0 ? u.prefix.slice(dash + 1) : u.prefix;
  const dir = u.fragmentPath.slice(0, Math.max(0, u.fragmentPath.lastIndexOf('/')));
  const map: Record<string, string> = {
    n: u.id, N: u.id.slice(0, u.id.lastIndexOf('.')), p: u.prefix, P: unescapeName(u.prefix), i: u.instance, I: unescapeName(u.instance),
    j, J: unescapeName(j), f: '/' + unescapeName(u.instance || u.prefix).replace(/^\/+/, ''), t: c.runtimeDir, S: c.stateDir,
    C: c.cacheDir, L: c.logsDir, E: c.configDir, T: c.tmpDir, V: c.varTmpDir, h: c.home, s: c.shell, u: c.userName,
    U: String(c.uid), g: c.groupName, G: String(c.gid), H: c.hostname, l: c.hostname.split('.')[0] ?? c.hostname,
    m: c.machineId, b: c.bootId, v: c.kernelRelease, a: c.architecture, y: u.fragmentPath, Y: dir, '%': '%',
  };
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (ch !== '%') { out += ch; continue; }
    const k = text[i + 1];
    if (k === undefined) return { ok: false, error: 'Invalid slot' };
    const v = map[k];
    if (v === undefined) return { ok: false, error: 'Invalid slot' };
    out += v;
    i++;
  }
  return { ok: true, value: out };
}

export function expandSpecifiersAdapter(text: string, u: SpecUnit, c: SpecifierContext): SpecResult {
  if (!text.includes('%')) return { ok: true, value: text };
  const f = loadH1();
  return f ? f(text, u, c) : fallback(text, u, c);
}
