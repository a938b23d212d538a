// The exit-code tables: src/native/exit-codes.h (C: the addon's direct exec path and the exec helper) and
// EXEC_EXIT in src/platform/types.ts (TypeScript) hold the same names and numbers, and both agree with
// systemd 252's own list (`systemd-analyze exit-status`, class "systemd") when systemd is installed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { EXEC_EXIT } from '../../src/platform/types';
import { exitStatusName } from '../../src/units/exit-status';

const ROOT = path.resolve(__dirname, '..', '..', '..');

function headerTable(): Map<string, number> {
  const text = fs.readFileSync(path.join(ROOT, 'src', 'native', 'exit-codes.h'), 'utf8');
  const out = new Map<string, number>();
  for (const m of text.matchAll(/^\s*EXIT_([A-Z_]+)\s*=\s*(\d+)\s*,/gm)) out.set(m[1] as string, Number(m[2]));
  return out;
}

test('exit-codes.h and EXEC_EXIT hold the same names and numbers', () => {
  const c = headerTable();
  assert.ok(c.size >= 40, `parsed ${c.size} codes from exit-codes.h`);
  assert.deepEqual(Object.fromEntries([...c].sort((a, b) => a[1] - b[1])), Object.fromEntries(Object.entries(EXEC_EXIT).sort((a, b) => a[1] - b[1])));
});

test('the spawn code includes exit-codes.h and defines no exit code of its own', () => {
  const spawn = fs.readFileSync(path.join(ROOT, 'src', 'native', 'spawn.c'), 'utf8');
  assert.match(spawn, /#include "exit-codes\.h"/);
  assert.doesNotMatch(spawn, /#define\s+EXIT_[A-Z_]+\s+\d+/);
});

test('EXEC_EXIT and the status names agree with systemd-analyze exit-status (systemd class)', (t) => {
  const r = spawnSync('systemd-analyze', ['exit-status'], { encoding: 'utf8' });
  if (r.status !== 0) { t.skip('systemd-analyze not installed'); return; }
  const oracle = new Map<string, number>();
  for (const line of r.stdout.split('\n')) {
    const m = /^(\S+)\s+(\d+)\s+systemd$/.exec(line.trim());
    if (m && m[1] !== 'EXCEPTION') oracle.set(m[1] as string, Number(m[2]));
  }
  assert.ok(oracle.size >= 40);
  assert.deepEqual(Object.fromEntries([...oracle].sort((a, b) => a[1] - b[1])), Object.fromEntries(Object.entries(EXEC_EXIT).sort((a, b) => a[1] - b[1])));
  for (const [name, code] of oracle) assert.equal(exitStatusName(code), name, `status name of ${code}`);
});
