// The run queue at scale: start multi-user.target over the real unit tree (generator output included)
// with a fake executor that completes jobs in a seeded random order, and check systemd's execution rule
// for every job: a start runs only after every start job it is ordered after has finished, and the whole
// transaction finishes with result done. Also shutdown: isolating to a target stops the rest in reverse.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { Engine } from '../../src/engine';
import type { JobInfo, ActiveState } from '../../src/engine';
import { makeFileLoader } from '../../src/cli/plan';
import { runGenerators, rng } from './plan-oracle-lib';

test('real tree boot: every start waits for the jobs it is ordered after; all jobs finish done', async () => {
  const gen = await runGenerators();
  try {
    const paths = gen.searchPath;
    const pending: { unit: string; to: ActiveState }[] = [];
    const started: string[] = [];
    const violations: string[] = [];
    const results = new Map<string, string>();
    const rand = rng(4242);
    const engine: Engine = new Engine({
      loader: makeFileLoader(paths, false),
      host: {
        runJob: (j: JobInfo) => {
          const u = engine.graph.unit(j.unit);
          if (j.type === 'start') {
            for (const o of u.get('After')) if (o.job && o.job.type === 'start') violations.push(`${j.unit} started before ${o.id}`);
            started.push(j.unit);
            pending.push({ unit: j.unit, to: 'active' });
            return 'wait';
          }
          return 'done';
        },
        jobFinished: (j, r) => { results.set(`${j.unit}/${j.type}`, r); },
      },
    });
    const r = engine.enqueue('multi-user.target', 'start');
    assert.ok(r.ok);
    const total = r.jobs.length;
    while (pending.length) {
      const k = Math.floor(rand() * pending.length);
      const p = pending.splice(k, 1)[0]!;
      const old = engine.activeState(p.unit);
      engine.unitStateChanged(p.unit, old, 'activating');
      engine.unitStateChanged(p.unit, 'activating', p.to);
    }
    assert.deepEqual(violations, []);
    assert.deepEqual(engine.listJobs(), [], 'every job finished');
    assert.equal(results.get('multi-user.target/start'), 'done');
    assert.ok(started.length > 20 && started.length <= total);
    // The fake executor completes every start (every unit type runs now): every job finishes done.
    assert.deepEqual([...results].filter(([, v]) => v !== 'done'), []);
    process.stdout.write(`# boot: ${started.length} starts, results ${JSON.stringify([...results.values()].reduce((a: Record<string, number>, v) => { a[v] = (a[v] ?? 0) + 1; return a; }, {}))}\n`);
  } finally { fs.rmSync(gen.root, { recursive: true, force: true }); }
});
