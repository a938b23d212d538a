// RLIMIT_NOFILE planning (src/platform/nofile.ts) against systemd 252 main.c: the manager goes to
// fs.nr_open (never lower than inherited), children get soft min(inherited, 1024) and, from a system
// manager, hard min(nr_open, max(inherited hard, 524288)), never above what the manager holds; and
// applyNofile against the real process limit (lowering nothing: it only raises or keeps).
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { applyNofile, childNofile, managerNofile } from '../../src/platform/nofile';
import { loadNative } from '../../src/platform/native';

test('manager limit: up to nr_open, never lowered', () => {
  assert.deepEqual(managerNofile({ soft: 1024, hard: 4096 }, 1048576), { soft: 1048576, hard: 1048576 });
  assert.deepEqual(managerNofile({ soft: 2000000, hard: -1 }, 1048576), { soft: 2000000, hard: -1 });
});

test('children: systemd defaults 1024:524288 in system mode, inherited hard in user mode, capped by the held limit', () => {
  const inh = { soft: 20000, hard: 20000 };
  assert.deepEqual(childNofile(inh, { soft: 1048576, hard: 1048576 }, 1048576, true), { soft: 1024, hard: 524288 });
  assert.deepEqual(childNofile(inh, { soft: 1048576, hard: 1048576 }, 1048576, false), { soft: 1024, hard: 20000 });
  // the bump failed (no CAP_SYS_RESOURCE): the manager still holds 20000, children cannot get more
  assert.deepEqual(childNofile(inh, inh, 1048576, true), { soft: 1024, hard: 20000 });
  assert.deepEqual(childNofile({ soft: 512, hard: 4096 }, { soft: 1048576, hard: 1048576 }, 65536, true), { soft: 512, hard: 65536 });
});

test('applyNofile on this process: the limit is raised or kept, the child limit fits under it', () => {
  const { addon } = loadNative();
  const before = addon.getNofile();
  assert.equal(typeof before, 'object');
  const child = applyNofile(addon, true);
  const after = addon.getNofile();
  if (typeof before === 'number' || typeof after === 'number' || !child) throw new Error('getNofile failed');
  const big = (x: number): number => (x < 0 ? Infinity : x);
  assert.ok(big(after.soft) >= big(before.soft) && big(after.hard) >= big(before.hard), 'never lowered');
  assert.ok(child.soft <= 1024 && big(child.hard) <= big(after.hard));
});
