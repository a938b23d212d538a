// `tsysd analyze condition CONDITION...` and `tsysd analyze condition --unit=UNIT|FILE`: evaluate
// Condition*=/Assert*= as systemd-analyze 252 does (src/analyze/condition.ts has the rules), against this
// machine and the caller's environment. Output goes to stderr (systemd logs it); exit 1 when an assert or
// condition failed or a line cannot be parsed.
import * as path from 'node:path';
import { compileUnit } from '../../directives/compile';
import { evaluateConditions, parseConditionLines, type ParsedConditions } from '../../analyze/condition';
import { realConditionEnv } from '../../platform/conditions-real';
import { loadUnitFile, loadUnitSource } from '../../unit-file/load';
import { unitSearchPath } from '../../unit-file/paths';
import { expandSpecifiers } from '../../unit-file/specifiers';
import { hostSpecifierContext } from '../../unit-file/specifiers-host';
import { parseOrExit } from './common';

function fromUnit(unit: string, unitPaths: string[], user: boolean): { id: string; parsed: ParsedConditions } {
  const sp = unitSearchPath({ userMode: user, unitPaths: unitPaths.length ? unitPaths : undefined });
  const src = unit.includes('/') ? loadUnitFile(path.resolve(unit), [path.dirname(path.resolve(unit)), ...sp]) : loadUnitSource(unit, sp);
  const cfg = compileUnit(src, hostSpecifierContext(user));
  if (cfg.loadState !== 'loaded') throw new Error(`Failed to load unit ${unit}: ${cfg.loadError || cfg.loadState}`);
  for (const d of cfg.diagnostics) if (d.level !== 'info') process.stderr.write(`${d.file && d.line > 0 ? `${d.file}:${d.line}: ` : ''}${d.message}\n`);
  // The unit's lists in systemd's order: each line was prepended.
  const conds = cfg.unit.conditions;
  return { id: cfg.id, parsed: { conditions: conds.filter((c) => !c.assert).reverse(), asserts: conds.filter((c) => c.assert).reverse(), warnings: [] } };
}

export function run(argv: string[]): number {
  const o = parseOrExit(argv);
  if (typeof o === 'number') return o;
  const user = o.user === true;
  let id = 'test.service';
  let parsed: ParsedConditions;
  try {
    if (o.unit) {
      if (o.args.length) { process.stderr.write('No conditions can be passed if --unit= is used.\n'); return 1; }
      ({ id, parsed } = fromUnit(o.unit, o.unitPaths, user));
    } else {
      if (!o.args.length) { process.stderr.write('Too few arguments.\n'); return 1; }
      const ctx = hostSpecifierContext(user);
      const unit = { id, prefix: 'test', instance: '', type: 'service', fragmentPath: '' };
      parsed = parseConditionLines(o.args, (t) => expandSpecifiers(t, unit, ctx));
    }
  } catch (e) {
    process.stderr.write(`${(e as Error).message}\n`);
    return 1;
  }
  const r = evaluateConditions(parsed, realConditionEnv(process.env), id);
  if (r.lines.length) process.stderr.write(r.lines.map((l) => `${l}\n`).join(''));
  return r.code;
}
