// tsysctl list verbs: list-units (glyph column, JOB only when a job exists, --all/--type/--state/globs,
// --no-legend/--plain, the footer legend), list-unit-files, list-sockets, list-jobs, list-dependencies.
// Filters are applied here as well as in the manager so the output is right either way.
import type { RpcClient } from '../../rpc/client';
import type { UnitListEntry } from '../../rpc/protocol';
import type { CtlOptions } from './args';
import { matchesListUnits } from '../../rpc/util';
import { columns, EXIT, globMatch, mangle, type Out } from './common';

const MARKED = new Set(['failed', 'not-found', 'bad-setting', 'error', 'masked']);
const typeOf = (u: string): string => u.slice(u.lastIndexOf('.') + 1);
const patternsOf = (o: CtlOptions): string[] => o.args.map((a) => mangle(a, true));

export function filterUnits(list: UnitListEntry[], o: CtlOptions): UnitListEntry[] {
  const pats = patternsOf(o);
  const p = { all: o.all, types: o.types, states: o.states, patterns: pats };
  return list.filter((u) => matchesListUnits(u, p)).sort(unitInfoCompare);
}

/** systemctl's unit_info_compare: by type suffix, then by name (both case-insensitive, C order). */
export function unitInfoCompare(a: { unit: string }, b: { unit: string }): number {
  const cmp = (x: string, y: string): number => { const X = x.toLowerCase(); const Y = y.toLowerCase(); return X < Y ? -1 : X > Y ? 1 : 0; };
  return cmp(a.unit.slice(a.unit.lastIndexOf('.')), b.unit.slice(b.unit.lastIndexOf('.'))) || cmp(a.unit, b.unit);
}

export function renderListUnits(all: UnitListEntry[], o: CtlOptions, prog: string): string[] {
  const list = filterUnits(all, o);
  const hasJob = list.some((u) => u.job !== null);
  const rows: string[][] = [];
  const row = (glyph: string, cells: string[]): string[] => (o.plain ? cells : [glyph, ...cells]);
  const head = ['UNIT', 'LOAD', 'ACTIVE', 'SUB', ...(hasJob ? ['JOB'] : []), 'DESCRIPTION'];
  if (!o.noLegend) rows.push(row(' ', head));
  for (const u of list) {
    const marked = MARKED.has(u.loadState) || MARKED.has(u.activeState);
    rows.push(row(marked ? '●' : ' ', [u.unit, u.loadState, u.activeState, u.subState, ...(hasJob ? [u.job ? u.job.type : ''] : []), u.description]));
  }
  const out = columns(rows);
  if (!o.noLegend) {
    if (list.length > 0) {
      out.push('');
      out.push('LOAD   = Reflects whether the unit definition was properly loaded.');
      out.push('ACTIVE = The high-level unit activation state, i.e. generalization of SUB.');
      out.push('SUB    = The low-level unit activation state, values depend on unit type.');
      if (hasJob) out.push('JOB    = Pending job for the unit.\n');
    }
    if (o.all || o.states.includes('inactive')) {
      out.push(`${list.length} loaded units listed.`);
      out.push(`To show all installed unit files use '${prog} list-unit-files'.`);
    } else if (!o.states.length) {
      out.push(`${list.length} loaded units listed. Pass --all to see loaded but inactive units, too.`);
      out.push(`To show all installed unit files use '${prog} list-unit-files'.`);
    } else out.push(`${list.length} loaded units listed.`);
  }
  return out;
}

export async function runListUnits(c: RpcClient, o: CtlOptions, out: Out): Promise<number> {
  const pats = patternsOf(o);
  const list = await c.call('list-units', {
    ...(o.all ? { all: true } : {}), ...(o.types.length ? { types: o.types } : {}),
    ...(o.states.length ? { states: o.states } : {}), ...(pats.length ? { patterns: pats } : {}),
  });
  for (const l of renderListUnits(list, o, o.prog === 'systemctl' ? 'systemctl' : o.prog)) out.line(l);
  return EXIT.OK;
}

export async function runListUnitFiles(c: RpcClient, o: CtlOptions, out: Out): Promise<number> {
  const pats = patternsOf(o);
  const files = await c.call('list-unit-files', {
    ...(o.types.length ? { types: o.types } : {}), ...(o.states.length ? { states: o.states } : {}), ...(pats.length ? { patterns: pats } : {}),
  });
  for (const l of renderUnitFiles(files, o)) out.line(l);
  return EXIT.OK;
}

export function renderUnitFiles(files: Array<{ unit: string; state: string; preset: string }>, o: CtlOptions): string[] {
  const pats = patternsOf(o);
  const list = files.filter((f) => (!o.types.length || o.types.includes(typeOf(f.unit)))
    && (!o.states.length || o.states.includes(f.state))
    && (!pats.length || pats.some((p) => globMatch(p, f.unit))));   // manager's / install.ts's order (systemctl's)
  const rows: string[][] = [];
  if (!o.noLegend) rows.push(['UNIT FILE', 'STATE', 'PRESET']);
  for (const f of list) rows.push([f.unit, f.state, f.preset || '-']);
  const out = columns(rows);
  if (!o.noLegend) { out.push(''); out.push(`${list.length} unit files listed.`); }
  return out;
}

export async function runListSockets(c: RpcClient, o: CtlOptions, out: Out): Promise<number> {
  const pats = patternsOf(o);
  const list = (await c.call('list-sockets', {})).filter((s) => !pats.length || pats.some((p) => globMatch(p, s.unit)))
    .sort((a, b) => (a.listen < b.listen ? -1 : a.listen > b.listen ? 1 : 0));
  const rows: string[][] = [];
  if (!o.noLegend) rows.push(['LISTEN', ...(o.showTypes ? ['TYPE'] : []), 'UNIT', 'ACTIVATES']);
  for (const s of list) rows.push([s.listen, ...(o.showTypes ? [s.type] : []), s.unit, s.activates.length ? s.activates.join(', ') : '-']);
  for (const l of columns(rows)) out.line(l);
  if (!o.noLegend) {
    out.line();
    out.line(`${list.length} sockets listed.`);
    if (!o.all) out.line('Pass --all to see loaded but inactive sockets, too.');
  }
  return EXIT.OK;
}

export async function runListJobs(c: RpcClient, o: CtlOptions, out: Out): Promise<number> {
  const pats = patternsOf(o);
  const jobs = (await c.call('list-jobs', {})).filter((j) => !pats.length || pats.some((p) => globMatch(p, j.unit))).sort((a, b) => a.id - b.id);
  if (jobs.length === 0) { if (!o.noLegend) out.line('No jobs running.'); return EXIT.OK; }
  const rows: string[][] = [];
  if (!o.noLegend) rows.push(['JOB', 'UNIT', 'TYPE', 'STATE']);
  for (const j of jobs) rows.push([String(j.id), j.unit, j.type, j.state]);
  for (const l of columns(rows)) out.line(l);
  if (!o.noLegend) { out.line(); out.line(`${jobs.length} jobs listed.`); }
  return EXIT.OK;
}

export async function runListDependencies(c: RpcClient, o: CtlOptions, out: Out): Promise<number> {
  const unit = o.args.length ? mangle(o.args[0] as string) : 'default.target';
  const graph = await c.call('list-dependencies', {
    unit, ...(o.reverse ? { reverse: true } : {}), ...(o.after ? { order: 'after' as const } : o.before ? { order: 'before' as const } : {}),
  });
  const { renderDependencyTree } = require('./deptree') as typeof import('./deptree');
  const columns = process.stdout.isTTY ? process.stdout.columns : Number(process.env.COLUMNS) || 80;
  for (const l of renderDependencyTree(graph, { all: o.all, plain: o.plain, full: o.full, columns })) out.line(l);
  return EXIT.OK;
}
