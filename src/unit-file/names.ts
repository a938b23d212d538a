// Unit names (systemd 252 unit-name.c semantics): validation, prefix/instance/type split, templates,
// and the `systemd-escape` escaping rules (string and path forms), byte-wise over UTF-8.
// Invariants: pure functions, never throw; invalid input yields null / false.

export const UNIT_TYPES = ['service', 'mount', 'swap', 'socket', 'target', 'device', 'automount', 'timer', 'path', 'slice', 'scope'] as const;
export type UnitTypeName = typeof UNIT_TYPES[number];
const TYPE_SET: ReadonlySet<string> = new Set(UNIT_TYPES);

/** systemd's UNIT_NAME_MAX: names must be shorter than 256 characters. */
export const UNIT_NAME_MAX = 256;

function validChar(c: number): boolean {
  return (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) ||
    c === 0x3a /* : */ || c === 0x2d /* - */ || c === 0x5f /* _ */ || c === 0x2e /* . */ || c === 0x5c /* \ */;
}

export function isUnitType(t: string): t is UnitTypeName { return TYPE_SET.has(t); }

export interface NameFlags { plain?: boolean; instance?: boolean; template?: boolean }

/** unit_name_is_valid(); flags default to all three kinds. */
export function unitNameIsValid(n: string, flags: NameFlags = { plain: true, instance: true, template: true }): boolean {
  if (!n || n.length >= UNIT_NAME_MAX) return false;
  const e = n.lastIndexOf('.');
  if (e <= 0) return false;
  if (!TYPE_SET.has(n.slice(e + 1))) return false;
  let at = -1;
  for (let i = 0; i < e; i++) {
    const c = n.charCodeAt(i);
    if (c === 0x40 /* @ */) { if (at < 0) at = i; continue; }
    if (!validChar(c)) return false;
  }
  if (at === 0) return false;
  if (flags.plain && at < 0) return true;
  if (flags.instance && at >= 0 && e > at + 1) return true;
  if (flags.template && at >= 0 && e === at + 1) return true;
  return false;
}

export interface ParsedUnitName {
  prefix: string;     // before '@' (or before the suffix)
  instance: string;   // between '@' and the suffix; '' for plain names and templates
  type: UnitTypeName;
  isTemplate: boolean;
  isInstance: boolean;
}

export function parseUnitName(name: string): ParsedUnitName | null {
  if (!unitNameIsValid(name)) return null;
  const e = name.lastIndexOf('.');
  const type = name.slice(e + 1) as UnitTypeName;
  const at = name.indexOf('@');
  if (at < 0 || at > e) return { prefix: name.slice(0, e), instance: '', type, isTemplate: false, isInstance: false };
  const instance = name.slice(at + 1, e);
  return { prefix: name.slice(0, at), instance, type, isTemplate: instance === '', isInstance: instance !== '' };
}

/** 'foo@bar.service' → 'foo@.service'; null when not an instance. */
export function templateOf(name: string): string | null {
  const p = parseUnitName(name);
  if (!p || !p.isInstance) return null;
  return `${p.prefix}@.${p.type}`;
}

/** ('foo@.service', 'bar') → 'foo@bar.service'; null when the result is not a valid instance name. */
export function instantiate(template: string, instance: string): string | null {
  const p = parseUnitName(template);
  if (!p || !p.isTemplate) return null;
  const r = `${p.prefix}@${instance}.${p.type}`;
  return unitNameIsValid(r, { instance: true }) ? r : null;
}

/** Name without the type suffix ('foo@bar.service' → 'foo@bar'). */
export function nameWithoutSuffix(name: string): string {
  const e = name.lastIndexOf('.');
  return e < 0 ? name : name.slice(0, e);
}

const UTF8_ENC = new TextEncoder();
const UTF8_DEC = new TextDecoder('utf-8', { ignoreBOM: true });

function hex2(b: number): string { return '\\x' + (b < 16 ? '0' : '') + b.toString(16); }

/** unit_name_escape(): '/' → '-', '-' '\' and anything outside [A-Za-z0-9:_.] → \xNN, a leading '.' → \x2e. */
export function unitNameEscape(s: string): string {
  const b = UTF8_ENC.encode(s);
  let out = '';
  for (let i = 0; i < b.length; i++) {
    const c = b[i]!;
    if (i === 0 && c === 0x2e) { out += hex2(c); continue; }
    if (c === 0x2f) out += '-';
    else if (c === 0x2d || c === 0x5c || !validChar(c)) out += hex2(c);
    else out += String.fromCharCode(c);
  }
  return out;
}

function unhex(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x61 && c <= 0x66) return c - 0x61 + 10;
  if (c >= 0x41 && c <= 0x46) return c - 0x41 + 10;
  return -1;
}

/** unit_name_unescape(): '-' → '/', \xNN → byte; null on a malformed escape. */
export function unitNameUnescape(s: string): string | null {
  const b = UTF8_ENC.encode(s);
  const out: number[] = [];
  for (let i = 0; i < b.length; i++) {
    const c = b[i]!;
    if (c === 0x2d) out.push(0x2f);
    else if (c === 0x5c) {
      if (b[i + 1] !== 0x78) return null;
      const h = unhex(b[i + 2] ?? 0), l = unhex(b[i + 3] ?? 0);
      if (h < 0 || l < 0) return null;
      out.push(h * 16 + l);
      i += 3;
    } else out.push(c);
  }
  return UTF8_DEC.decode(Uint8Array.from(out));
}

/** path_simplify(): collapse '//' and '/./', drop a trailing '/' (keeps '..'). */
export function pathSimplify(p: string): string {
  const abs = p.startsWith('/');
  const parts = p.split('/').filter((x) => x !== '' && x !== '.');
  const r = (abs ? '/' : '') + parts.join('/');
  return r === '' ? (abs ? '/' : '.') : r;
}

/** path_is_normalized(): no '.' or '..' components and no '//'. */
export function pathIsNormalized(p: string): boolean {
  if (p === '' || p.includes('//')) return false;
  for (const c of p.split('/')) if (c === '.' || c === '..') return false;
  return true;
}

/** unit_name_path_escape() (`systemd-escape --path`); null when the path is not normalized. */
export function unitNamePathEscape(path: string): string | null {
  const p = pathSimplify(path);
  if (p === '/') return '-';
  const stripped = p.replace(/^\/+/, '').replace(/\/+$/, '');
  if (stripped === '' || !pathIsNormalized(stripped)) return null;
  return unitNameEscape(stripped);
}

/** unit_name_path_unescape() (`systemd-escape --unescape --path`); null on invalid input. */
export function unitNamePathUnescape(s: string): string | null {
  if (s === '') return null;
  if (s === '-') return '/';
  const w = unitNameUnescape(s);
  if (w === null || w.startsWith('/') || w.endsWith('/')) return null;
  const r = '/' + w;
  return pathIsNormalized(r) ? r : null;
}

/** unit_name_from_path(): '/dev/sda' + '.device' → 'dev-sda.device'. */
export function unitNameFromPath(path: string, suffix: string): string | null {
  const p = unitNamePathEscape(path);
  if (p === null) return null;
  const r = p + suffix;
  return unitNameIsValid(r, { plain: true }) ? r : null;
}

/**
 * Mangle a user-typed name the way systemctl does for verbs (unit_name_mangle_with_suffix, simplified):
 * a valid name is kept; a name without a known suffix gets `.service`; an absolute path becomes its
 * mount/device unit name. Returns null when nothing sensible results.
 */
export function mangleUnitName(name: string, suffix = '.service'): string | null {
  if (unitNameIsValid(name)) return name;
  if (name.startsWith('/dev/')) return unitNameFromPath(name, '.device');
  if (name.startsWith('/')) return unitNameFromPath(name, '.mount');
  const e = name.lastIndexOf('.');
  if (e > 0 && TYPE_SET.has(name.slice(e + 1))) return null;
  let out = '';
  const b = UTF8_ENC.encode(name);
  for (let i = 0; i < b.length; i++) {
    const c = b[i]!;
    out += (validChar(c) || c === 0x40) ? String.fromCharCode(c) : hex2(c);
  }
  const r = out + suffix;
  return unitNameIsValid(r) ? r : null;
}
