// Differential test: `tsysd plan` vs systemd 252's own transaction (`systemd --test --system --unit=X`
// run as nobody over a temp unit dir). Generated unit sets (seed TSYSD_PLAN_SEED, default fixed; count
// TSYSD_PLAN_CASES, default 300): job sets and Before/After pairs among jobs must agree exactly. Where
// systemd's hash order matters (conflicts, cycles, failing requirements), the oracle is re-run several
// times and any outcome it produced is accepted; tsysd itself must be deterministic. The effective
// dependencies in the plan's `units` are compared with systemd's unit dump as well. Plans are computed with
// builtins: false: `systemd --test` has no built-in targets (tsysd's daemon and default `plan` do).
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { computePlan } from '../../src/cli/plan';
import { generateCase, runOracle, normOracle, normPlan, sameResult, diffResult, runGenerators, makeTempDir, writeUnits, diffDeps } from './plan-oracle-lib';

const SEED = Number(process.env['TSYSD_PLAN_SEED'] ?? 20261122);
const CASES = Number(process.env['TSYSD_PLAN_CASES'] ?? 300);
// systemd's own answer varies between runs where its hash order decides (cycle breaking, conflicting jobs):
// case 20261162 (a requisite inside a cycle) matches tsysd's deterministic choice in about 1 run of 4, so
// 12 retries still failed about 1 CI run in 60. 30 retries put that below 1 in 10,000.
// systemd breaks ordering cycles in hashmap order (random per run): a case can have several right answers,
// one of them seen in ~1 of 6 oracle runs; 60 re-runs make a false failure ~1 in 70,000 for such a case.
const RETRIES = 60;
// the dependency dump: a variant seen in 1 run of 40 (below), so 10 re-runs leave a false failure below 1 in 10^16
const DEP_RETRIES = 10;

/** The plan `systemd --test --unit=X` makes on this host's real tree: mounts already in /proc/self/mountinfo
 *  are active (their start jobs are redundant and dropped, and what only they pulled in is collected), and
 *  the unit is isolated when it allows it, started in replace mode otherwise (systemd's
 *  do_queue_default_job: JOB_ISOLATE, then JOB_REPLACE on -EPERM). Without the mounts, a host with e.g.
 *  fusectl mounted failed here: modprobe@fuse.service started by tsysd only. */
function planLikeSystemdTest(unitPaths: string[], unit: string): ReturnType<typeof computePlan> {
  const base = { unitPaths, user: false, json: true, builtins: false, type: 'start' as const, units: [unit], hostMounts: true };
  const iso = computePlan({ ...base, mode: 'isolate' });
  return !iso.ok && /may not be isolated/.test(iso.error ?? '') ? computePlan({ ...base, mode: 'replace' }) : iso;
}

test(`plan agrees with systemd --test on ${CASES} generated unit sets (seed ${SEED})`, { timeout: 600_000 }, () => {
  const failures: string[] = [];
  let retried = 0;
  for (let i = 0; i < CASES; i++) {
    const c = generateCase(SEED + i);
    try {
      const plan = computePlan({ unitPaths: [c.dir], user: false, mode: 'replace', json: true, builtins: false, type: 'start', units: [c.anchor] });
      const again = computePlan({ unitPaths: [c.dir], user: false, mode: 'replace', json: true, builtins: false, type: 'start', units: [c.anchor] });
      assert.deepEqual(again, plan, 'tsysd plan must be deterministic');
      const mine = normPlan(plan);
      const first = runOracle(c.dir, c.anchor);
      // the JSON's `units[*].deps` must be systemd's effective dependencies. Nearly always the same in every
      // systemd run, but not quite: where an alias is merged into its unit, systemd's hash order can drop a
      // dependency of the merged unit (case 20261302: s1.service's Requires=t1.target missing from the dump in
      // 1 oracle run of 40, s1 also being alias0.service). Any run that agrees is accepted, as for the jobs.
      let dd = first.ok ? diffDeps(plan, first) : [];
      for (let k = 0; dd.length && k < DEP_RETRIES; k++) {
        const rerun = runOracle(c.dir, c.anchor);
        if (rerun.ok) dd = diffDeps(plan, rerun);
      }
      if (dd.length) failures.push(`case seed=${SEED + i} deps differ:\n  ${dd.slice(0, 8).join('\n  ')}`);
      let theirs = normOracle(first);
      let matched = sameResult(mine, theirs);
      for (let k = 0; !matched && k < RETRIES; k++) {
        retried++;
        if (process.env['TSYSD_PLAN_VERBOSE']) process.stdout.write(`# retry seed=${SEED + i} tags=[${[...c.tags].join(',')}]: ${diffResult(mine, theirs).join('; ')}\n`);
        theirs = normOracle(runOracle(c.dir, c.anchor));
        matched = sameResult(mine, theirs);
      }
      if (!matched) failures.push(`case seed=${SEED + i} anchor=${c.anchor} tags=[${[...c.tags].join(',')}] dir kept at ${c.dir}\n  ${diffResult(mine, theirs).join('\n  ')}`);
    } finally {
      if (!failures.some((f) => f.includes(c.dir))) fs.rmSync(c.dir, { recursive: true, force: true });
    }
  }
  if (failures.length) {
    // keep the failing dirs for inspection only when asked
    if (!process.env['TSYSD_PLAN_KEEP']) for (const f of failures) { const m = / dir kept at (\S+)/.exec(f); if (m) fs.rmSync(m[1]!, { recursive: true, force: true }); }
  }
  process.stdout.write(`# plan-oracle: ${CASES - failures.length}/${CASES} agree (oracle re-runs: ${retried})\n`);
  assert.equal(failures.length, 0, failures.slice(0, 10).join('\n'));
});

test('tsysd plan --json CLI prints the documented object', () => {
  const c = generateCase(SEED);
  try {
    const js = path.join(__dirname, '..', '..', 'src', 'cli', 'plan.js');
    const r = spawnSync(process.execPath, [js, '--unit-path', c.dir, '--json', c.anchor], { encoding: 'utf8' });
    const p = JSON.parse(r.stdout) as Record<string, unknown>;
    for (const k of ['ok', 'jobs', 'order', 'waves', 'units', 'cycles']) assert.ok(k in p, `missing key ${k}`);
    assert.equal(r.status, p['ok'] ? 0 : 1);
    const units = p['units'] as Record<string, { load_state: string; deps: Record<string, string[]> }>;
    const a = units[c.anchor];
    assert.ok(a, 'anchor listed in units');
    assert.deepEqual(Object.keys(a.deps).sort(), ['After', 'Before', 'BindsTo', 'Conflicts', 'PartOf', 'Requires', 'Requisite', 'TriggeredBy', 'Triggers', 'Wants']);
  } finally { fs.rmSync(c.dir, { recursive: true, force: true }); }
});

test('plan agrees with systemd --test on the real unit tree for multi-user.target (generator output included)', { timeout: 120_000 }, async () => {
  // systemd --test runs the generators into a temp dir; tsysd's runner does the same (plan --generators).
  const gen = await runGenerators();
  try {
    const paths = gen.searchPath;
    const plan = planLikeSystemdTest(paths, 'multi-user.target');
    const mine = normPlan(plan);
    const first = runOracle(null, 'multi-user.target');
    assert.deepEqual(diffDeps(plan, first), [], 'effective dependencies of every unit both loaded');
    let theirs = normOracle(first);
    for (let k = 0; k < 3 && !sameResult(mine, theirs); k++) theirs = normOracle(runOracle(null, 'multi-user.target'));
    process.stdout.write(`# real tree: ${mine.jobs.length} jobs, ${mine.order.length} ordering pairs (systemd ${theirs.jobs.length}/${theirs.order.length})\n`);
    assert.ok(mine.jobs.length > 20, 'a real transaction');
    assert.deepEqual(diffResult(mine, theirs), []);
  } finally { fs.rmSync(gen.root, { recursive: true, force: true }); }
});

test('plan agrees with systemd --test for units of the real tree (sample; TSYSD_PLAN_ALL=1 for all)', { timeout: 600_000 }, async () => {
  const gen = await runGenerators();
  try {
    const paths = gen.searchPath;
    const all = fs.readdirSync('/lib/systemd/system').filter((f) => /\.(target|service|socket)$/.test(f) && !f.includes('@')).sort();
    const units = process.env['TSYSD_PLAN_ALL'] ? all : all.filter((_, i) => i % 8 === 0);
    const failures: string[] = [];
    for (const u of units) {
      const mine = normPlan(planLikeSystemdTest(paths, u));
      // (dependency lists are not compared here: systemd loads default.target's whole closure at
      // startup whatever --unit says, tsysd plan only what the anchor reaches; see the test above)
      let theirs = normOracle(runOracle(null, u));
      for (let k = 0; k < 4 && !sameResult(mine, theirs); k++) theirs = normOracle(runOracle(null, u));
      if (!sameResult(mine, theirs)) failures.push(`${u}:\n  ${diffResult(mine, theirs).slice(0, 10).join('\n  ')}`);
    }
    process.stdout.write(`# real tree units: ${units.length - failures.length}/${units.length} agree\n`);
    assert.deepEqual(failures, []);
  } finally { fs.rmSync(gen.root, { recursive: true, force: true }); }
});

test('a SysV-only package (exim4-like: /etc/init.d script with LSB headers, rc links, no unit file) plans as under systemd --test', { timeout: 120_000 }, async () => {
  // The host's SysV tree replaced by a simulated one, for systemd-sysv-generator and tsysd's built-in one alike.
  const dir = makeTempDir('tsysd-sysv-sim-');
  const script = ['#!/bin/sh', '### BEGIN INIT INFO', '# Provides:          mailsim mail-transport-agent', '# Required-Start:    $remote_fs $syslog $network $time',
    '# Required-Stop:     $remote_fs $syslog $network', '# Should-Start:      postgresql', '# Default-Start:     2 3 4 5', '# Default-Stop:      0 1 6',
    '# Short-Description: exim4-like MTA shipped only as a SysV script', '### END INIT INFO', 'exit 0', ''].join('\n');
  fs.mkdirSync(path.join(dir, 'init.d'));
  fs.writeFileSync(path.join(dir, 'init.d', 'mailsim'), script, { mode: 0o755 });
  for (const r of [2, 3, 4, 5]) { fs.mkdirSync(path.join(dir, `rc${r}.d`)); fs.symlinkSync('../init.d/mailsim', path.join(dir, `rc${r}.d`, 'S01mailsim')); }
  const env = { SYSTEMD_SYSVINIT_PATH: path.join(dir, 'init.d'), SYSTEMD_SYSVRCND_PATH: dir };
  const gen = await runGenerators(env);
  try {
    for (const anchor of ['multi-user.target', 'mailsim.service', 'mail-transport-agent.target']) {
      const plan = planLikeSystemdTest(gen.searchPath, anchor);
      const mine = normPlan(plan);
      const first = runOracle(null, anchor, 30000, env);
      let theirs = normOracle(first);
      for (let k = 0; k < 3 && !sameResult(mine, theirs); k++) theirs = normOracle(runOracle(null, anchor, 30000, env));
      if (anchor !== 'mail-transport-agent.target') assert.ok(mine.jobs.includes('mailsim.service/start'), `${anchor}: ${mine.jobs.join(' ')}`);
      assert.deepEqual(diffResult(mine, theirs), [], anchor);
      assert.deepEqual(diffDeps(plan, first).filter((d) => d.startsWith('mailsim.service ')), [], anchor);
    }
  } finally {
    fs.rmSync(gen.root, { recursive: true, force: true });
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('tsysd plan --stop: what would stop if a unit stops (running system assumed)', () => {
  const dir = makeTempDir('tsysd-plan-stop-');
  try {
    writeUnits(dir, {
      'default.target': '[Unit]\nWants=app.service side.service\n',
      'db.service': '[Unit]\nDefaultDependencies=no\n[Service]\nExecStart=/bin/sleep 1\n',
      'app.service': '[Unit]\nDefaultDependencies=no\nRequires=db.service\nAfter=db.service\n[Service]\nExecStart=/bin/sleep 1\n',
      'bound.service': '[Unit]\nDefaultDependencies=no\nBindsTo=app.service\nAfter=app.service\n[Service]\nExecStart=/bin/sleep 1\n',
      'part.service': '[Unit]\nDefaultDependencies=no\nPartOf=db.service\n[Service]\nExecStart=/bin/sleep 1\n',
      'side.service': '[Unit]\nDefaultDependencies=no\nWants=db.service bound.service part.service\n[Service]\nExecStart=/bin/sleep 1\n',
    });
    const p = computePlan({ unitPaths: [dir], user: false, mode: 'replace', json: true, builtins: false, type: 'stop', units: ['db.service'] });
    assert.ok(p.ok);
    assert.deepEqual(p.jobs, { 'app.service': 'stop', 'bound.service': 'stop', 'db.service': 'stop', 'part.service': 'stop' });
    // stops run in reverse start order: bound before app before db
    assert.deepEqual(p.waves, [['bound.service', 'part.service'], ['app.service'], ['db.service']]);
    assert.ok(p.order.some(([a, b]) => a === 'bound.service' && b === 'app.service'));
    assert.ok(p.order.some(([a, b]) => a === 'app.service' && b === 'db.service'));
    const r = computePlan({ unitPaths: [dir], user: false, mode: 'replace', json: true, builtins: false, type: 'restart', units: ['db.service'] });
    assert.deepEqual(r.jobs, { 'app.service': 'restart', 'bound.service': 'restart', 'db.service': 'restart', 'part.service': 'restart' });
  } finally { fs.rmSync(dir, { recursive: true, force: true }); }
});
