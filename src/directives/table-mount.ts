// [Mount], [Swap] and [Automount] directive tables (systemd.mount(5), systemd.swap(5), systemd.automount(5),
// systemd 252's load-fragment-gperf rows: *_string_printf, *_path_printf, sec_fix_0, mode, bool,
// swap priority). Exec/kill settings of mount and swap units come from the shared exec/kill tables.
// Invariant: only units of the matching type reach these rows.
import type { UnitConfig } from './types';
import { custom, pBool, pMode, pTimeout, scalar, specError, showRows, type Row, type SectionName } from './row';
import { pathSimplify, unitNamePathUnescape } from '../unit-file/names';
import { octal, usec, yn } from './show-format';

const M: SectionName[] = ['Mount'];
const S: SectionName[] = ['Swap'];
const A: SectionName[] = ['Automount'];

function mount(c: UnitConfig): NonNullable<UnitConfig['mount']> { if (!c.mount) throw new Error('[Mount] on a non-mount unit'); return c.mount; }
function swap(c: UnitConfig): NonNullable<UnitConfig['swap']> { if (!c.swap) throw new Error('[Swap] on a non-swap unit'); return c.swap; }
function automount(c: UnitConfig): NonNullable<UnitConfig['automount']> { if (!c.automount) throw new Error('[Automount] on a non-automount unit'); return c.automount; }

/** config_parse_unit_string_printf: specifiers expanded, empty resets. */
function stringRow(key: string, sections: SectionName[], set: (c: UnitConfig, v: string) => void): Row {
  return custom(key, sections, false, (v, ctx) => {
    const e = ctx.expand(v);
    if (!e.ok) { ctx.warn(specError('q', v, e.error).message); return; }
    set(ctx.cfg, e.value);
  }, (c) => set(c, ''), { empty: 'parse' });
}

/** config_parse_unit_path_printf → config_parse_path: absolute, simplified; empty resets. */
function pathRow(key: string, sections: SectionName[], set: (c: UnitConfig, v: string) => void): Row {
  return custom(key, sections, false, (v, ctx) => {
    if (v === '') { set(ctx.cfg, ''); return; }
    const e = ctx.expand(v);
    if (!e.ok) { ctx.warn(specError('q', v, e.error).message); return; }
    if (!e.value.startsWith('/')) { ctx.warn(`${key}= path is not absolute, ignoring: ${e.value}`); return; }
    set(ctx.cfg, pathSimplify(e.value));
  }, (c) => set(c, ''), { empty: 'parse' });
}

/** config_parse_sec_fix_0's wording (checked against systemd-analyze verify in tests/e2e/verify-oracle). */
const TIMEOUT = pTimeout((v) => `Failed to parse time value, ignoring: ${v}`);

export const MOUNT_ROWS: Row[] = [
  stringRow('What', M, (c, v) => { mount(c).what = v; }),
  pathRow('Where', M, (c, v) => { mount(c).where = v; }),
  stringRow('Options', M, (c, v) => { mount(c).options = v; }),
  stringRow('Type', M, (c, v) => { mount(c).type = v; }),
  scalar('TimeoutSec', M, TIMEOUT, (c, v) => { mount(c).timeoutUs = v; }),
  scalar('DirectoryMode', M, pMode, (c, v) => { mount(c).directoryMode = v; }),
  scalar('SloppyOptions', M, pBool, (c, v) => { mount(c).sloppyOptions = v; }),
  scalar('LazyUnmount', M, pBool, (c, v) => { mount(c).lazyUnmount = v; }),
  scalar('ForceUnmount', M, pBool, (c, v) => { mount(c).forceUnmount = v; }),
  scalar('ReadWriteOnly', M, pBool, (c, v) => { mount(c).readWriteOnly = v; }),

  pathRow('What', S, (c, v) => { swap(c).what = v; }),
  custom('Priority', S, false, (v, ctx) => {
    if (v === '') { swap(ctx.cfg).priority = -1; return; }
    if (!/^\s*[+-]?[0-9]+\s*$/.test(v) || Math.abs(Number(v)) > 2147483647) { ctx.warn(`Invalid swap priority '${v}', ignoring.`); return; }
    if (Number(v) < -1) { ctx.warn(`Sorry, swap priorities smaller than -1 may only be assigned by the kernel itself, ignoring: ${v}`); return; }
    if (Number(v) > 32767) { ctx.warn(`Swap priority out of range, ignoring: ${v}`); return; }
    swap(ctx.cfg).priority = Number(v);
  }, (c) => { swap(c).priority = -1; }, { empty: 'parse' }),
  stringRow('Options', S, (c, v) => { swap(c).options = v; }),
  scalar('TimeoutSec', S, TIMEOUT, (c, v) => { swap(c).timeoutUs = v; }),

  pathRow('Where', A, (c, v) => { automount(c).where = v; }),
  stringRow('ExtraOptions', A, (c, v) => { automount(c).extraOptions = v; }),
  scalar('DirectoryMode', A, pMode, (c, v) => { automount(c).directoryMode = v; }),
  scalar('TimeoutIdleSec', A, TIMEOUT, (c, v) => { automount(c).timeoutIdleUs = v === Infinity ? 0 : v; }),
];

/** Where= as systemd reports it: the setting, else the path the unit name encodes. */
const whereOf = (w: string, id: string): string => w || (unitNamePathUnescape(id.slice(0, id.lastIndexOf('.'))) ?? '');

// The Mount, Swap and Automount interfaces (dbus-mount.c, dbus-swap.c, dbus-automount.c). A key shared by
// [Mount] and [Swap] (What=, Options=, TimeoutSec=) feeds each section's property from its own section.
showRows(MOUNT_ROWS, {
  What: { What: (c) => c.mount?.what ?? c.swap?.what ?? '' },
  Where: { Where: (c) => whereOf(c.mount?.where ?? c.automount?.where ?? '', c.id) },
  Options: { Options: (c) => c.mount?.options ?? c.swap?.options ?? '' },
  Type: { Type: (c) => c.mount?.type ?? '' },
  TimeoutSec: { TimeoutUSec: (c) => usec(c.mount?.timeoutUs ?? c.swap?.timeoutUs ?? 90_000_000) },
  DirectoryMode: { DirectoryMode: (c) => octal(c.mount?.directoryMode ?? c.automount?.directoryMode ?? 0o755) },
  SloppyOptions: { SloppyOptions: (c) => yn(!!c.mount?.sloppyOptions) },
  LazyUnmount: { LazyUnmount: (c) => yn(!!c.mount?.lazyUnmount) },
  ForceUnmount: { ForceUnmount: (c) => yn(!!c.mount?.forceUnmount) },
  ReadWriteOnly: { ReadWriteOnly: (c) => yn(!!c.mount?.readWriteOnly) },
  Priority: { Priority: (c) => String(c.swap?.priority ?? -1) },
  ExtraOptions: { ExtraOptions: (c) => c.automount?.extraOptions ?? '' },
  TimeoutIdleSec: { TimeoutIdleUSec: (c) => usec(c.automount?.timeoutIdleUs ?? 0) },
});
