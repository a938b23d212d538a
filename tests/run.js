#!/usr/bin/env node
// Test entry point used by `npm test` and CI. Runs the checks as separate steps, each reporting on its own,
// and ends with a summary naming every step that failed:
//   typecheck (tsc over everything, then tsconfig.pure.json: no Node in the pure folders)
//   lint (oxlint with type-aware rules, .oxlintrc.json)   format (the formatter's check mode)
//   unit (dist/tests/unit, fast, fake platform)            e2e (dist/tests/e2e: real daemon, processes, clients)
// Environment: TSYSD_TEST_FILTER=substr runs only matching test files (and skips the static steps);
// TSYSD_STEPS=unit,e2e runs only the named steps.
'use strict';
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
const ROOT = path.join(__dirname, '..');
const root = path.join(ROOT, 'dist', 'tests');
const bin = (n) => path.join(ROOT, 'node_modules', '.bin', n);
function collect(dir) {
  if (!fs.existsSync(dir)) return [];
  const out = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...collect(p));
    else if (e.name.endsWith('.test.js')) out.push(p);
  }
  return out.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}
const filter = process.env.TSYSD_TEST_FILTER || '';
const tests = (kind) => collect(path.join(root, kind)).filter((f) => f.includes(filter));
const STEPS = [
  { name: 'typecheck', cmds: () => [[bin('tsc'), '--noEmit', '-p', '.'], [bin('tsc'), '-p', 'tsconfig.pure.json']] },
  { name: 'lint', cmds: () => [[bin('oxlint'), '--type-aware', '--deny-warnings', 'src', 'tests', 'bench']] },
  { name: 'format', cmds: () => (fs.existsSync(path.join(ROOT, 'biome.json')) ? [[bin('biome'), 'format', '.']] : []) },
  { name: 'unit', cmds: () => [[process.execPath, '--test', '--test-concurrency=2', ...tests('unit')]] },
  { name: 'e2e', cmds: () => [[process.execPath, '--test', '--test-concurrency=2', ...tests('e2e')]] },
];
const only = process.env.TSYSD_STEPS ? process.env.TSYSD_STEPS.split(',') : filter ? ['unit', 'e2e'] : STEPS.map((s) => s.name);
if (tests('unit').length + tests('e2e').length === 0) { console.error('no test files found under dist/tests (did the build run?)'); process.exit(1); }
const failed = [];
for (const { name, cmds } of STEPS) {
  if (!only.includes(name)) continue;
  const list = cmds().filter((c) => !(c[0] === process.execPath && c.length === 3));
  if (list.length === 0) continue;
  const t0 = Date.now();
  process.stderr.write(`\n==== step ${name} ====\n`);
  let ok = true;
  for (const c of list) {
    const r = spawnSync(c[0], c.slice(1), { stdio: 'inherit', cwd: ROOT });
    if (r.status !== 0) { ok = false; break; }
  }
  process.stderr.write(`==== step ${name}: ${ok ? 'ok' : 'FAILED'} (${((Date.now() - t0) / 1000).toFixed(1)} s) ====\n`);
  if (!ok) failed.push(name);
}
if (failed.length) process.stderr.write(`\nFAILED steps: ${failed.join(', ')}\n`);
else process.stderr.write('\nall steps passed\n');
process.exit(failed.length ? 1 : 0);
