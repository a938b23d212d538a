// `analyze condition CONDITION...` (systemd 252 analyze-condition.c): parse Condition*=/Assert*= lines
// given on the command line into a throw-away test.service, evaluate them with tsysd's evaluator
// (src/units/conditions.ts) and produce the log lines systemd-analyze prints.
// systemd's rules reproduced: a line is `Name[ws]=[ws]value` for a known Condition/Assert name, else
// `Cannot parse "LINE".` and nothing is evaluated; `|` then `!` prefixes (path kinds take them literally,
// others skip blanks after each); specifiers expanded for test.service; path kinds must be absolute and
// normalized (else a "(cmdline): ..." warning and the line is ignored); an empty value resets that
// list; entries are PREPENDED (so the last line is evaluated first); evaluation stops at the first
// failing non-trigger entry; asserts are evaluated and reported before conditions.
// Differs on purpose: a kind tsysd's evaluator does not implement is reported as
// "not supported by tsysd, assuming succeeded" (tsysd's manager lets such units start).
// Invariant: pure; the environment comes through ConditionEnv and the specifier expander.
import { CONDITION_KINDS, PATH_CONDITIONS } from '../directives/table-unit';
import type { Condition } from '../directives/types';
import { checkCondition, type ConditionEnv } from '../units/conditions';
import { pathIsNormalized, pathSimplify } from '../unit-file/names';

export type Expand = (text: string) => { ok: true; value: string } | { ok: false; error: string };

export interface ParsedConditions { conditions: Condition[]; asserts: Condition[]; warnings: string[] }

const WS = /^[ \t\n\r]+/;

function newCondition(kind: string, assert: boolean, trigger: boolean, negate: boolean, value: string): Condition {
  return { kind, assert, trigger, negate, value, file: '(cmdline)', line: 0 };
}

/** Parse the lines; throws Error(`Cannot parse "LINE".`) on an unknown name, like systemd-analyze. */
export function parseConditionLines(lines: readonly string[], expand: Expand): ParsedConditions {
  const out: ParsedConditions = { conditions: [], asserts: [], warnings: [] };
  for (const line of lines) {
    let hit: { kind: string; assert: boolean; name: string; rest: string } | null = null;
    for (const kind of CONDITION_KINDS) {
      for (const assert of [false, true]) {
        const name = (assert ? 'Assert' : 'Condition') + kind;
        if (!line.startsWith(name)) continue;
        const p = line.slice(name.length).replace(WS, '');
        if (!p.startsWith('=')) continue;
        hit = { kind, assert, name, rest: p.slice(1).replace(WS, '') };
        break;
      }
      if (hit) break;
    }
    if (!hit) throw new Error(`Cannot parse "${line}".`);
    const list = hit.assert ? out.asserts : out.conditions;
    let v = hit.rest;
    if (v === '') { list.length = 0; continue; }
    const isPath = PATH_CONDITIONS.has(hit.kind);
    let trigger = false;
    let negate = false;
    if (v.startsWith('|')) { trigger = true; v = isPath ? v.slice(1) : v.slice(1).replace(WS, ''); }
    if (v.startsWith('!')) { negate = true; v = isPath ? v.slice(1) : v.slice(1).replace(WS, ''); }
    const e = expand(v);
    if (!e.ok) {
      out.warnings.push(isPath ? `(cmdline): Failed to resolve unit specifiers in ${v}, ignoring: ${e.error}`
        : `(cmdline): Failed to resolve unit specifiers in '${v}', ignoring: ${e.error}`);
      continue;
    }
    let value = e.value;
    if (isPath) {
      if (!value.startsWith('/')) { out.warnings.push(`(cmdline): ${hit.name}= path is not absolute, ignoring: ${value}`); continue; }
      value = pathSimplify(value);
      if (!pathIsNormalized(value)) { out.warnings.push(`(cmdline): ${hit.name}= path is not normalized, ignoring: ${value}`); continue; }
    }
    list.unshift(newCondition(hit.kind, hit.assert, trigger, negate, value));   // LIST_PREPEND
  }
  return out;
}

export interface ListOutcome { ok: boolean; lines: string[] }

/** condition_test_list() with systemd-analyze's logger: one line per evaluated entry. */
export function testConditionList(list: readonly Condition[], env: ConditionEnv, unitId: string): ListOutcome {
  const lines: string[] = [];
  let triggered: boolean | null = null;
  for (const c of list) {
    const name = `${c.assert ? 'Assert' : 'Condition'}${c.kind}=${c.trigger ? '|' : ''}${c.negate ? '!' : ''}${c.value}`;
    const raw = checkCondition(c.kind, c.value, env);
    let r: boolean;
    if (raw === 'error') {
      lines.push(`${unitId}: Couldn't determine result for ${name}, assuming failed: Invalid argument`);
      r = false;
    } else if (raw === 'unsupported') {
      lines.push(`${unitId}: ${name} not supported by tsysd, assuming succeeded.`);
      r = true;
    } else {
      r = (raw === 'pass') === !c.negate;
      lines.push(`${unitId}: ${name} ${r ? 'succeeded' : 'failed'}.`);
    }
    if (!c.trigger && !r) return { ok: false, lines };
    if (c.trigger && triggered !== true) triggered = r;
  }
  return { ok: triggered !== false, lines };
}

/** verify_conditions(): the lines to log and the exit code (0, or 1 when an assert or condition failed). */
export function evaluateConditions(p: ParsedConditions, env: ConditionEnv, unitId = 'test.service'): { lines: string[]; code: number } {
  const lines = [...p.warnings];
  const a = testConditionList(p.asserts, env, unitId);
  lines.push(...a.lines);
  if (p.asserts.length) lines.push(`Asserts ${a.ok ? 'succeeded' : 'failed'}.`);
  const c = testConditionList(p.conditions, env, unitId);
  lines.push(...c.lines);
  if (p.conditions.length) lines.push(`Conditions ${c.ok ? 'succeeded' : 'failed'}.`);
  return { lines, code: a.ok && c.ok ? 0 : 1 };
}
