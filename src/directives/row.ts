// The directive row: the one declarative description of a unit-file key (section, parser, list/scalar,
// empty-value rule, enforcement flag, how it lands in UnitConfig), and the parser factories rows are built
// from. Invariants: a parser never throws; a failed parse yields systemd's exact message; `apply` only
// writes into the UnitConfig it is given.
import type { UnitConfig } from './types';
import type { Expand, ValueIssue } from './values-exec';
import {
  parseBoolean, parseTimespan, parseUnsigned, parseInt32, parseMode, parseSignal, parseSize, parseNsec, extractFirstWord,
} from './values';

export type SectionName = 'Unit' | 'Install' | 'Service' | 'Socket' | 'Timer' | 'Path' | 'Mount' | 'Swap' | 'Automount' | 'Slice' | 'Scope';

export interface ApplyCtx {
  cfg: UnitConfig;
  file: string;
  line: number;
  key: string;
  section: SectionName;
  expand: Expand;
  issues: ValueIssue[];
  warn(message: string): void;
  fatal(message: string): void;
}

export type Parsed<T> = { ok: true; value: T } | { ok: false; message: string; fatal?: boolean };
export type Parser<T> = (v: string, key: string) => Parsed<T>;

/** How systemd 252's parser for a key words a specifier failure (each parser has its own printf):
 *  q: in '%x', ignoring   p: in %x, ignoring   dq: in "%x", ignoring   env: "Failed to resolve specifiers in %x, ignoring"
 *  qF/pF: in '%x': / in %x: and the unit fails (bad-setting)   qN/pN: same wording, not fatal. */
export type SpecStyle = 'q' | 'p' | 'dq' | 'env' | 'qF' | 'pF' | 'qN' | 'pN';

export function specError(style: SpecStyle, w: string, err: string): { message: string; fatal: boolean } {
  switch (style) {
    case 'q': return { message: `Failed to resolve unit specifiers in '${w}', ignoring: ${err}`, fatal: false };
    case 'p': return { message: `Failed to resolve unit specifiers in ${w}, ignoring: ${err}`, fatal: false };
    case 'dq': return { message: `Failed to resolve unit specifiers in "${w}", ignoring: ${err}`, fatal: false };
    case 'env': return { message: `Failed to resolve specifiers in ${w}, ignoring: ${err}`, fatal: false };
    case 'qF': return { message: `Failed to resolve unit specifiers in '${w}': ${err}`, fatal: true };
    case 'pF': return { message: `Failed to resolve unit specifiers in ${w}: ${err}`, fatal: true };
    case 'qN': return { message: `Failed to resolve unit specifiers in '${w}': ${err}`, fatal: false };
    case 'pN': return { message: `Failed to resolve unit specifiers in ${w}: ${err}`, fatal: false };
  }
}

/** Word splitting of list values: plain whitespace, EXTRACT_UNQUOTE (quotes; a backslash escapes the next
 *  character), or EXTRACT_UNQUOTE|EXTRACT_CUNESCAPE (C escapes; a bad one drops the line). */
export type SplitMode = 'ws' | 'unquote' | 'cunescape' | 'escape' | 'retain';

export function splitValue(v: string, mode: SplitMode): string[] | null {
  if (mode === 'ws') return v.split(/[ \t\n\r]+/).filter((x) => x !== '');
  const out: string[] = [];
  let rest = v;
  for (;;) {
    const r = extractFirstWord(rest, mode === 'escape' ? {} : mode === 'retain' ? { unquote: true, retainEscape: true } : { unquote: true, cunescape: mode === 'cunescape' });
    if (!r.ok) return null;
    if (r.word === null) return out;
    out.push(r.word);
    rest = r.rest;
  }
}

export interface Row {
  key: string;
  sections: SectionName[];
  list: boolean;
  enforced: boolean;
  /** What an empty value does: 'reset' the setting, 'ignore' silently (dependencies), 'parse' (the parser decides). */
  empty: 'reset' | 'ignore' | 'parse';
  /** Expand specifiers over the whole value before parsing (per-word parsers expand themselves). */
  specifiers: boolean;
  /** Wording of a specifier failure (default 'q'). */
  spec: SpecStyle;
  /** Parse and store. Returns nothing; warnings/fatal errors go through ctx. */
  apply(v: string, ctx: ApplyCtx): void;
  reset(cfg: UnitConfig): void;
  /** Deprecated alias: the key systemd treats this one as (for 'not enforced' grouping and show). */
  aliasOf?: string;
  /** How `systemctl show` (and the D-Bus properties) present the row; set by showRows() in its table. */
  show?: RowShow;
}

/** The value of a property from a loaded config: one string, or the entries of a repeated property, one
 *  line each (ExecStart=, Listen=; an empty array prints nothing, [''] prints the bare key once). */
export type ShowValue = (cfg: UnitConfig) => string | readonly string[];

/** How a row is shown: the D-Bus properties it feeds (systemd 252 name → value; several rows may feed one
 *  property, as TimeoutSec= and TimeoutStartSec= feed TimeoutStartUSec), 'runtime' (the property of the
 *  same name is the manager's, src/directives/show-layout.ts), or 'hidden' (parsed; no property shown). */
export type RowShow = 'hidden' | 'runtime' | Readonly<Record<string, ShowValue>>;

/** Attach show specs to a table's rows by key (every key must name a row of `rows`). Returns `rows`. */
export function showRows(rows: Row[], specs: Readonly<Record<string, RowShow>>, hidden: readonly string[] = []): Row[] {
  const keys = new Set(rows.map((r) => r.key));
  for (const k of [...Object.keys(specs), ...hidden]) if (!keys.has(k)) throw new Error(`show spec for unknown directive ${k}`);
  for (const r of rows) {
    const s = specs[r.key];
    if (s !== undefined) r.show = s; else if (hidden.includes(r.key)) r.show = 'hidden';
  }
  return rows;
}

const noop = (): void => undefined;

export interface RowOpts {
  enforced?: boolean; empty?: 'reset' | 'ignore' | 'parse'; specifiers?: boolean; aliasOf?: string;
  spec?: SpecStyle; split?: SplitMode; syntaxMsg?: (v: string, key: string) => string;
}

/** A scalar row: parse, then set. An empty value goes to the parser unless `empty` says otherwise. */
export function scalar<T>(key: string, sections: SectionName[], parse: Parser<T>, set: (cfg: UnitConfig, v: T) => void,
  opts: RowOpts & { reset?: (cfg: UnitConfig) => void } = {}): Row {
  return {
    key, sections, list: false, enforced: opts.enforced ?? true, empty: opts.empty ?? 'parse',
    specifiers: opts.specifiers ?? false, spec: opts.spec ?? 'q', aliasOf: opts.aliasOf,
    apply(v, ctx) {
      const r = parse(v, key);
      if (!r.ok) { if (r.fatal) ctx.fatal(r.message); else ctx.warn(r.message); return; }
      set(ctx.cfg, r.value);
    },
    reset: opts.reset ?? noop,
  };
}

/** A list row: the value is split into words, each parsed; bad words warn one by one. */
export function words<T>(key: string, sections: SectionName[], parse: Parser<T>, add: (cfg: UnitConfig, v: T[]) => void,
  reset: (cfg: UnitConfig) => void, opts: RowOpts = {}): Row {
  return {
    key, sections, list: true, enforced: opts.enforced ?? true, empty: opts.empty ?? 'reset',
    specifiers: false, spec: opts.spec ?? 'q', aliasOf: opts.aliasOf,
    apply(v, ctx) {
      const out: T[] = [];
      const ws = splitValue(v, opts.split ?? 'unquote');
      if (!ws) { ctx.warn(opts.syntaxMsg ? opts.syntaxMsg(v, key) : `Invalid syntax, ignoring: ${v}`); return; }
      for (const raw of ws) {
        let w = raw;
        if (opts.specifiers ?? true) {
          const e = ctx.expand(raw);
          if (!e.ok) {
            const se = specError(opts.spec ?? 'q', raw, e.error);
            if (se.fatal) { ctx.fatal(se.message); return; }
            ctx.warn(se.message);
            continue;
          }
          w = e.value;
        }
        const r = parse(w, key);
        if (!r.ok) { ctx.warn(r.message); continue; }
        out.push(r.value);
      }
      add(ctx.cfg, out);
    },
    reset,
  };
}

/** A row with hand-written apply (Exec, Environment, dependencies, conditions...). */
export function custom(key: string, sections: SectionName[], list: boolean, apply: Row['apply'], reset: Row['reset'],
  opts: RowOpts = {}): Row {
  return {
    key, sections, list, enforced: opts.enforced ?? true, empty: opts.empty ?? (list ? 'reset' : 'parse'),
    specifiers: opts.specifiers ?? false, spec: opts.spec ?? 'q', aliasOf: opts.aliasOf, apply, reset,
  };
}

/** Parsed but not stored in UnitConfig (values still land in cfg.raw via compile). */
export function unenforced(key: string, sections: SectionName[], parse: Parser<unknown>, list = false, opts: RowOpts = {}): Row {
  return list
    ? words(key, sections, parse, noop, noop, { ...opts, enforced: false })
    : scalar(key, sections, parse, noop, { ...opts, enforced: false });
}

// ---------- parser factories ----------
const ok = <T>(value: T): Parsed<T> => ({ ok: true, value });
const bad = <T>(message: string, fatal = false): Parsed<T> => ({ ok: false, message, fatal });

export const pAny: Parser<string> = (v) => ok(v);
export const pBool: Parser<boolean> = (v) => {
  const b = parseBoolean(v);
  return b === null ? bad(`Failed to parse boolean value, ignoring: ${v}`) : ok(b);
};
export const pSec: Parser<number> = (v) => {
  const t = parseTimespan(v);
  return t === null ? bad(`Failed to parse sec value, ignoring: ${v}`) : ok(t);
};
/** Timeout-style seconds: 0 means "off" (infinity), with a key-specific message. */
export function pTimeout(msg: (v: string, key: string) => string): Parser<number> {
  return (v, key) => {
    const t = parseTimespan(v);
    if (t === null) return bad(msg(v, key));
    return ok(t === 0 ? Infinity : t);
  };
}
export const pNsec: Parser<number> = (v) => {
  const t = parseNsec(v);
  return t === null ? bad(`Failed to parse nsec value, ignoring: ${v}`) : ok(t);
};
export const pUnsigned: Parser<number> = (v) => {
  const n = parseUnsigned(v);
  return n === null ? bad(`Failed to parse unsigned value, ignoring: ${v}`) : ok(n);
};
export const pInt: Parser<number> = (v) => {
  const n = parseInt32(v);
  return n === null ? bad(`Failed to parse int value, ignoring: ${v}`) : ok(n);
};
export const pLong: Parser<number> = (v) => {
  const n = parseInt32(v);
  return n === null ? bad(`Failed to parse long value, ignoring: ${v}`) : ok(n);
};
export const pMode: Parser<number> = (v) => {
  const n = parseMode(v);
  return n === null ? bad(`Failed to parse mode value, ignoring: ${v}`) : ok(n);
};
export const pSignal: Parser<number> = (v) => {
  const n = parseSignal(v);
  return n === null ? bad(`Failed to parse signal name, ignoring: ${v}`) : ok(n);
};
export const pSize: Parser<number> = (v) => {
  const n = parseSize(v, 1024);
  return n === null ? bad(`Failed to parse size value '${v}', ignoring: ${/^\s*-[0-9]/.test(v) ? 'Numerical result out of range' : 'Invalid argument'}`) : ok(n);
};
export function pEnum<T extends string>(values: readonly T[], what: string): Parser<T> {
  return (v) => (values as readonly string[]).includes(v) ? ok(v as T) : bad(`Failed to parse ${what}, ignoring: ${v}`);
}
/** Boolean or one of extra words (ProtectSystem=strict, ProtectHome=read-only...). */
export function pBoolOr(extra: readonly string[], what: string): Parser<string> {
  return (v) => {
    const b = parseBoolean(v);
    if (b !== null) return ok(b ? 'yes' : 'no');
    return extra.includes(v) ? ok(v) : bad(`Failed to parse ${what}, ignoring: ${v}`);
  };
}
/** Absolute path (config_parse_unit_path_printf / path_simplify_and_warn). */
export function pPath(fatal = false): Parser<string> {
  return (v, key) => {
    if (!v.startsWith('/')) return fatal ? bad(`${key}= path is not absolute: ${v}`, true) : bad(`${key}= path is not absolute, ignoring: ${v}`);
    return ok(v);
  };
}
/** Path words with optional '-'/'+' prefixes (ReadWritePaths= & co). */
export const pPathWord: Parser<string> = (v, key) => {
  const p = v.replace(/^[-+]+/, '');
  return p.startsWith('/') ? ok(v) : bad(`${key}= path is not absolute, ignoring: ${p}`);
};
export const pMessage = (message: (v: string) => string, test: (v: string) => boolean): Parser<string> =>
  (v) => test(v) ? ok(v) : bad(message(v));
