// Specifier expansion (systemd 252 unit-printf.c + specifier.c, semantics §1 "Specifiers").
// Owns: the %x table for unit files, systemd's rules for unknown specifiers (an alphanumeric one is an
// error "Invalid slot", any other character after '%' is kept literally, as is a trailing '%'), and
// expanding against a SpecifierContext (built from the real machine by specifiers-host.ts). Pure.
import type { SpecifierContext } from './types';
import { unitNameUnescape, unitNamePathUnescape } from './names';

export interface SpecifierUnit {
  id: string;            // full unit name
  prefix: string;
  instance: string;      // '' when none
  type: string;
  fragmentPath: string;  // '' when none
}

export type ExpandResult = { ok: true; value: string } | { ok: false; error: string };

/** path.dirname() for absolute paths. */
function dirname(p: string): string {
  const i = p.replace(/\/+$/, '').lastIndexOf('/');
  return i <= 0 ? '/' : p.slice(0, i);
}

function isAlnum(c: string): boolean { return /^[A-Za-z0-9]$/.test(c); }

/** Resolve one specifier; undefined = unknown, {error} = lookup failure. */
function lookup(c: string, unit: SpecifierUnit, ctx: SpecifierContext): string | { error: string } | undefined {
  const unesc = (s: string): string | { error: string } => unitNameUnescape(s) ?? { error: 'Invalid argument' };
  const lastComponent = (): string => { const d = unit.prefix.lastIndexOf('-'); return d >= 0 ? unit.prefix.slice(d + 1) : unit.prefix; };
  switch (c) {
    case 'n': return unit.id;
    case 'N': { const e = unit.id.lastIndexOf('.'); return e < 0 ? unit.id : unit.id.slice(0, e); }
    case 'p': return unit.prefix;
    case 'P': return unesc(unit.prefix);
    case 'i': return unit.instance;
    case 'I': return unesc(unit.instance);
    case 'j': return lastComponent();
    case 'J': return unesc(lastComponent());
    case 'f': {
      const r = unit.instance ? unitNamePathUnescape(unit.instance) : unitNamePathUnescape(unit.prefix);
      return r ?? { error: 'Invalid argument' };
    }
    case 'y': {
      if (!unit.fragmentPath) return { error: 'No such file or directory' };
      return ctx.realpath(unit.fragmentPath);
    }
    case 'Y': {
      const y = lookup('y', unit, ctx);
      return typeof y === 'string' ? dirname(y) : y;
    }
    case 't': return ctx.runtimeDir;
    case 'S': return ctx.stateDir;
    case 'C': return ctx.cacheDir;
    case 'L': return ctx.logsDir;
    case 'E': return ctx.configDir;
    case 'T': return ctx.tmpDir;
    case 'V': return ctx.varTmpDir;
    case 'd': return `${ctx.runtimeDir}/credentials/${unit.id}`;
    case 'h': return ctx.home;
    case 's': return ctx.shell;
    case 'u': return ctx.userName;
    case 'U': return String(ctx.uid);
    case 'g': return ctx.groupName;
    case 'G': return String(ctx.gid);
    case 'H': return ctx.hostname;
    case 'l': { const d = ctx.hostname.indexOf('.'); return d >= 0 ? ctx.hostname.slice(0, d) : ctx.hostname; }
    case 'q': return ctx.hostname;
    case 'm': return ctx.machineId;
    case 'b': return ctx.bootId;
    case 'v': return ctx.kernelRelease;
    case 'a': return ctx.architecture;
    case 'o': return ctx.osRelease['ID'] ?? '';
    case 'w': return ctx.osRelease['VERSION_ID'] ?? '';
    case 'W': return ctx.osRelease['VARIANT_ID'] ?? '';
    case 'B': return ctx.osRelease['BUILD_ID'] ?? '';
    case 'M': return ctx.osRelease['IMAGE_ID'] ?? '';
    case 'A': return ctx.osRelease['IMAGE_VERSION'] ?? '';
    case 'R': return '/';
    case 'r': return ctx.userMode ? '/user.slice' : (unit.instance ? `/system.slice/system-${unit.prefix}.slice` : '/system.slice');
    case 'c': {
      const r = lookup('r', unit, ctx) as string;
      return `${r}/${unit.id}`;
    }
    default: return undefined;
  }
}

/**
 * specifier_printf() over the unit-file table. Unknown alphanumeric specifier → {ok:false, error:'Invalid slot'}
 * (systemd's EBADSLT; callers print `Failed to resolve unit specifiers in <text>: Invalid slot`).
 */
export function expandSpecifiers(text: string, unit: SpecifierUnit, ctx: SpecifierContext): ExpandResult {
  if (!text.includes('%')) return { ok: true, value: text };
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (ch !== '%') { out += ch; continue; }
    if (i + 1 >= text.length) { out += '%'; break; }
    const c = text[++i]!;
    if (c === '%') { out += '%'; continue; }
    const v = lookup(c, unit, ctx);
    if (v === undefined) {
      if (isAlnum(c)) return { ok: false, error: 'Invalid slot' };
      out += '%' + c;
      continue;
    }
    if (typeof v !== 'string') return { ok: false, error: v.error };
    out += v;
  }
  return { ok: true, value: out };
}

/** The specifier letters systemd 252 knows for unit files (for docs/tests). */
export const UNIT_SPECIFIERS = 'nNpPiIjJfyYtSCLETVdhsuUgGHlqmbvaowWBMARrc';

