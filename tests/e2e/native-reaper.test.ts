// e2e: the SIGCHLD reaper as child subreaper and as PID 1 of a PID namespace. Real processes.
//  - 1,000 orphans re-parented to this process (PR_SET_CHILD_SUBREAPER) are all reported and leave no zombie;
//  - the same as PID 1 under `unshare --pid --fork --mount-proc` (a node script is PID 1 there).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createRealPlatform } from '../../src/platform/real';
import { fixture } from '../fixtures/build';
import { Harness, waitFor, zombiesOf } from '../fixtures/harness';

const p = createRealPlatform();
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tsysd-reaper-'));
const h = new Harness(p, tmp);
test.after(() => {
  h.cleanup();
  fs.rmSync(tmp, { recursive: true, force: true });
});

test('1,000 orphans re-parented to the subreaper are reaped, zero zombies', async () => {
  assert.equal(p.setSubreaper(true), 0);
  const maker = fixture('orphan-maker');
  const orphanPids = new Set<number>();
  const off = p.onChildExit((e) => { orphanPids.add(e.pid); });
  const before = h.exits;
  // Behaviour timeouts only, generous: on a loaded 2-core machine 2,000 forks can take many seconds.
  const r = await h.run({ path: maker, argv: ['orphan-maker', '1000', '30'] }, 120000);
  assert.equal(r.exit.status, 0);
  assert.match(r.out, /orphans=1000/);
  const ok = await waitFor(() => h.exits - before >= 1001, 120000);
  off();
  assert.ok(ok, `only ${h.exits - before - 1} orphans reaped`);
  assert.equal(orphanPids.size, 1001);
  assert.deepEqual(zombiesOf(process.pid), []);
  p.setSubreaper(false);
});

test('reaping as PID 1 inside unshare --pid --fork --mount-proc', () => {
  const script = path.join(__dirname, '..', 'fixtures', 'pid1-reaper.js');
  const r = spawnSync('unshare', ['--pid', '--fork', '--mount-proc', process.execPath, script, '300', fixture('orphan-maker')],
    { encoding: 'utf8', timeout: 180000 });
  assert.equal(r.status, 0, r.stderr);
  const line = r.stdout.trim().split('\n').pop() ?? '';
  const res = JSON.parse(line) as { pid: number; spawned: number; reaped: number; zombies: number };
  assert.equal(res.pid, 1);
  assert.equal(res.reaped, 301);
  assert.equal(res.zombies, 0);
});
