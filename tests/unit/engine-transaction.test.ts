// Transactions (systemd 252 transaction.c): refusals with systemd's messages and stable codes, job
// modes, ordering never pulling units in, cycle breaking with its log lines, conflicts, merging with
// installed jobs, .wants dirs/default deps in the graph, and daemon-reload keeping run-time state.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { harness, makeConfig } from './engine-factory';
import type { UnitSpec } from './engine-factory';

test('refusals: not-found, masked, bad-setting, refuse-manual-start, not-loaded, not applicable', () => {
  const h = harness({ 'm.service': { load: 'masked' }, 'bad.service': { load: 'bad-setting' }, 'r.service': { refuseManualStart: true }, 'a.service': {} });
  const nf = h.engine.enqueue('nope.service', 'start', 'replace', { manual: true });
  assert.deepEqual(nf.ok ? null : [nf.code, nf.message], ['not-found', 'Unit nope.service not found.']);
  const m = h.engine.enqueue('m.service', 'start');
  assert.deepEqual(m.ok ? null : [m.code, m.message], ['masked', 'Unit m.service is masked.']);
  const b = h.engine.enqueue('bad.service', 'start');
  assert.deepEqual(b.ok ? null : [b.code, b.message], ['bad-setting', 'Unit bad.service has a bad unit file setting.']);
  const r = h.engine.enqueue('r.service', 'start', 'replace', { manual: true });
  assert.deepEqual(r.ok ? null : [r.code, r.message], ['only-by-dependency', 'Operation refused, unit r.service may be requested by dependency only (it is configured to refuse manual start/stop).']);
  assert.ok(h.engine.enqueue('r.service', 'start').ok, 'allowed when not manual');
  const nl = h.engine.enqueue('ghost.service', 'stop', 'replace', { manual: true });
  assert.deepEqual(nl.ok ? null : [nl.code, nl.message], ['not-found', 'Unit ghost.service not loaded.']);
  const rl = h.engine.enqueue('a.service', 'reload');
  assert.deepEqual(rl.ok ? null : [rl.code, rl.message], ['not-applicable', 'Job type reload is not applicable for unit a.service.']);
  const iso = h.engine.enqueue('a.service', 'start', 'isolate');
  assert.deepEqual(iso.ok ? null : [iso.code, iso.message], ['no-isolation', 'Operation refused, unit may not be isolated.']);
});

test('a missing Requires= fails the whole transaction, a missing Wants= is ignored', () => {
  const h = harness({ 'a.service': { Requires: ['gone.service'] }, 'b.service': { Wants: ['gone.service'] } });
  const a = h.engine.enqueue('a.service', 'start');
  assert.deepEqual(a.ok ? null : a.message, 'Unit gone.service not found.');
  assert.deepEqual(h.engine.listJobs(), []);
  const b = h.engine.enqueue('b.service', 'start');
  assert.ok(b.ok);
  assert.deepEqual(h.engine.listJobs().map((j) => `${j.unit}/${j.type}`), ['b.service/start']);
});

test('ordering never pulls units in', () => {
  const h = harness({ 'a.service': { After: ['b.service'], Before: ['c.service'] }, 'b.service': {}, 'c.service': {} });
  const r = h.engine.enqueue('a.service', 'start');
  assert.ok(r.ok);
  assert.deepEqual(r.jobs.map((j) => j.unit), ['a.service']);
});

test('ordering cycle through Wants= is broken by deleting a non-essential job, with systemd\'s log lines', () => {
  const spec: Record<string, UnitSpec> = {
    'a.service': { Wants: ['b.service'], After: ['b.service'] },
    'b.service': { Wants: ['c.service'], After: ['c.service'] },
    'c.service': { Wants: ['a.service'], After: ['a.service'] },
  };
  const h = harness(spec);
  const r = h.engine.enqueue('a.service', 'start');
  assert.ok(r.ok);
  assert.equal(r.cycles.length, 1);
  assert.ok(r.cycles[0]!.deletedJob);
  assert.notEqual(r.cycles[0]!.deletedJob, 'a.service/start', 'the anchor matters and is never deleted');
  const msgs = h.logs.filter((l) => l.level !== 'debug').map((l) => l.message);
  assert.ok(msgs.some((m) => m.startsWith('Found ordering cycle on ')));
  assert.ok(msgs.some((m) => m.startsWith('Found dependency on ')));
  assert.ok(msgs.some((m) => /^Job \S+ deleted to break ordering cycle starting with \S+$/.test(m)));
  assert.ok(h.logs.some((l) => l.console?.startsWith('[ SKIP ] Ordering cycle found, skipping ')));
  // deleting one job of the cycle leaves the rest unreferenced: garbage-collected, as systemd does
  assert.deepEqual(r.jobs.map((j) => j.unit), ['a.service']);
});

test('ordering cycle through Requires= cannot be broken: Transaction order is cyclic', () => {
  const h = harness({ 'x.service': { Requires: ['y.service'], After: ['y.service'] }, 'y.service': { Requires: ['x.service'], After: ['x.service'] } });
  const r = h.engine.enqueue('x.service', 'start');
  assert.deepEqual(r.ok ? null : [r.code, r.message], ['cyclic', 'Transaction order is cyclic. See system logs for details.']);
  assert.ok(h.logs.some((l) => l.message === 'Unable to break cycle starting with x.service/start' || l.message === 'Unable to break cycle starting with y.service/start'));
  assert.deepEqual(h.engine.listJobs(), []);
});

test('contradicting requirements: conflicting jobs error', () => {
  const h = harness({ 'a.service': { Requires: ['b.service'], Conflicts: ['b.service'] }, 'b.service': {} });
  const r = h.engine.enqueue('a.service', 'start');
  assert.ok(!r.ok);
  assert.equal(r.code, 'conflicting-jobs');
  assert.match(r.message, /^Transaction contains conflicting jobs 'stop' and 'start' for [ab]\.service\. Probably contradicting requirement dependencies configured\.$/);
});

test('a wanted unit that is also conflicted is not started (the start does not matter)', () => {
  const h = harness({ 'a.service': { Wants: ['b.service'], Conflicts: ['b.service'] }, 'b.service': {} });
  const r = h.engine.enqueue('a.service', 'start');
  assert.ok(r.ok);
  assert.deepEqual(r.jobs.map((j) => `${j.unit}/${j.type}`), ['a.service/start']);
});

test('mode fail refuses to replace a queued conflicting job; replace cancels it', () => {
  const h = harness({ 'a.service': { Requires: ['b.service'], After: ['b.service'] }, 'b.service': {}, 'c.service': { Before: ['b.service'] } });
  h.set('b.service', 'active');
  h.set('c.service', 'active');
  h.engine.enqueue('c.service', 'stop');               // running; b's stop will wait behind nothing
  const s = h.engine.enqueue('b.service', 'stop');
  assert.ok(s.ok);
  assert.ok(h.engine.listJobs().some((j) => j.unit === 'b.service' && j.type === 'stop'));
  const f = h.engine.enqueue('a.service', 'start', 'fail');
  assert.deepEqual(f.ok ? null : [f.code, f.message], ['destructive', "Transaction for a.service/start is destructive (b.service has 'stop' job queued, but 'start' is included in transaction)."]);
  const r = h.engine.enqueue('a.service', 'start', 'replace');
  assert.ok(r.ok);
  assert.ok(h.finished.includes('b.service/stop=canceled'));
  assert.deepEqual(h.engine.listJobs().filter((j) => j.unit !== 'c.service').map((j) => `${j.unit}/${j.type}`).sort(), ['a.service/start', 'b.service/start']);
});

test('jobs merge with installed jobs (start + verify-active, start + reload → reload-or-start collapsed)', () => {
  const h = harness({ 'a.service': { reload: true }, 'b.service': { Requisite: ['a.service'] } });
  const s = h.engine.enqueue('a.service', 'start');
  assert.ok(s.ok);
  const v = h.engine.enqueue('b.service', 'start');
  assert.ok(v.ok);
  assert.deepEqual(h.engine.listJobs().map((j) => `${j.unit}/${j.type}`), ['a.service/start', 'b.service/start']);
  const rl = h.engine.enqueue('a.service', 'reload');
  assert.ok(rl.ok);
  assert.equal(rl.job.id, s.ok ? s.job.id : -1, 'merged into the installed job');
});

test('isolate stops everything not pulled in, except IgnoreOnIsolate=', () => {
  const h = harness({ 'iso.target': { allowIsolate: true, Wants: ['a.service'] }, 'a.service': {}, 'b.service': {}, 'keep.service': { ignoreOnIsolate: true } }, { auto: true });
  h.engine.enqueue('b.service', 'start');
  h.engine.enqueue('keep.service', 'start');
  const r = h.engine.enqueue('iso.target', 'start', 'isolate');
  assert.ok(r.ok);
  assert.equal(h.state('b.service'), 'inactive');
  assert.equal(h.state('keep.service'), 'active');
  assert.equal(h.state('a.service'), 'active');
});

test('ignore-dependencies: only the anchor job, unordered; ignore-requirements keeps ordering', () => {
  const h = harness({ 'a.service': { Requires: ['b.service'], After: ['b.service'] }, 'b.service': {} });
  const r = h.engine.enqueue('a.service', 'start', 'ignore-dependencies');
  assert.ok(r.ok);
  assert.deepEqual(r.jobs.map((j) => j.unit), ['a.service']);
  assert.deepEqual(h.calls, ['a.service/start']);
  const h2 = harness({ 'a.service': { After: ['b.service'] }, 'b.service': {} });
  h2.engine.enqueue('b.service', 'start');
  h2.engine.enqueue('a.service', 'start', 'ignore-requirements');
  assert.deepEqual(h2.calls, ['b.service/start'], 'a still waits for b');
});

test('graph: .wants/.requires dirs, Sockets=, socket triggers, default deps and the target ordering rule', () => {
  const h = harness({
    'multi-user.target': { defaultDependencies: true, wantsDirs: ['web.service'], requiresDirs: ['db.service'] },
    'web.service': { defaultDependencies: true, sockets: ['web.socket'] },
    'web.socket': { defaultDependencies: true },
    'db.service': { defaultDependencies: true },
    'sysinit.target': {}, 'basic.target': {}, 'shutdown.target': {}, 'sockets.target': {},
  });
  const g = h.engine.graph;
  const d = (n: string): Record<string, string[]> => g.effectiveDeps(g.unit(n));
  const mu = d('multi-user.target');
  assert.deepEqual(mu['Wants'], ['web.service']);
  assert.deepEqual(mu['Requires'], ['db.service']);
  assert.deepEqual(mu['After'], ['db.service', 'web.service']);
  assert.deepEqual(mu['Conflicts'], ['shutdown.target']);
  const web = d('web.service');
  assert.deepEqual(web['Requires'], ['sysinit.target', 'system.slice']);
  assert.deepEqual(web['After'], ['basic.target', 'sysinit.target', 'system.slice', 'systemd-journald.socket', 'web.socket']);
  assert.deepEqual(web['Wants'], ['web.socket']);
  assert.deepEqual(web['TriggeredBy'], ['web.socket']);
  assert.deepEqual(web['Before'], ['multi-user.target', 'shutdown.target']);
  const sock = d('web.socket');
  assert.deepEqual(sock['Triggers'], ['web.service']);
  assert.deepEqual(sock['Before'], ['shutdown.target', 'sockets.target', 'web.service']);
  assert.deepEqual(sock['Wants'], [], 'a socket never Wants its service');
  assert.equal(g.unit('system.slice').activeState, 'active');
});

test('aliases resolve to one unit; daemon-reload rebuilds edges and keeps state', () => {
  const spec: Record<string, UnitSpec> = { 'a.service': { aliases: ['alias.service'] }, 'b.service': {} };
  let extra = false;
  const h = harness(spec);
  h.set('a.service', 'active');
  assert.equal(h.engine.graph.unit('alias.service'), h.engine.graph.unit('a.service'));
  assert.deepEqual(h.engine.graph.effectiveDeps(h.engine.graph.unit('a.service'))['Wants'], []);
  extra = true;
  h.engine.reload((name) => {
    const s = spec[name];
    if (!s) return null;
    return makeConfig(name, extra && name === 'a.service' ? { ...s, Wants: ['b.service'] } : s);
  });
  assert.deepEqual(h.engine.graph.effectiveDeps(h.engine.graph.unit('a.service'))['Wants'], ['b.service']);
  assert.equal(h.state('a.service'), 'active');
});

test('try-restart of an inactive unit is a nop job that finishes done, even while another job is queued', () => {
  const h = harness({ 'a.service': {}, 'b.service': { After: ['a.service'] } });
  h.engine.enqueue('a.service', 'start');
  const r = h.engine.enqueue('a.service', 'try-restart');
  assert.ok(r.ok);
  assert.equal(r.job.type, 'nop');
  assert.ok(h.finished.includes('a.service/nop=done'));
  assert.deepEqual(h.engine.listJobs().map((j) => `${j.unit}/${j.type}`), ['a.service/start']);
  const t = h.engine.enqueue('b.service', 'try-restart');
  assert.ok(t.ok);
  assert.ok(h.finished.includes('b.service/nop=done'));
});

test('a 20,000-unit Requires+After chain plans without recursion limits', () => {
  const spec: Record<string, UnitSpec> = {};
  const n = 20000;
  for (let i = 0; i < n; i++) spec[`c${i}.service`] = i + 1 < n ? { Requires: [`c${i + 1}.service`], After: [`c${i + 1}.service`] } : {};
  const h = harness(spec);
  const r = h.engine.enqueue('c0.service', 'start', 'replace', { dryRun: true });
  assert.ok(r.ok);
  assert.equal(r.jobs.length, n);
  // close the chain into a Requires cycle: unbreakable
  spec[`c${n - 1}.service`] = { Requires: ['c0.service'], After: ['c0.service'] };
  const h2 = harness(spec);
  const r2 = h2.engine.enqueue('c0.service', 'start', 'replace', { dryRun: true });
  assert.deepEqual(r2.ok ? null : r2.code, 'cyclic');
});

test('user manager default dependencies: basic.target and app.slice, no sysinit.target or journald ordering', () => {
  const h = harness({ 'a.service': { defaultDependencies: true }, 'tpl@x.service': { defaultDependencies: true }, 'k.socket': { defaultDependencies: true } }, { userMode: true });
  const g = h.engine.graph;
  const a = g.effectiveDeps(g.unit('a.service'));
  assert.deepEqual(a['Requires'], ['app.slice', 'basic.target']);
  assert.deepEqual(a['After'], ['app.slice', 'basic.target']);
  assert.deepEqual(g.effectiveDeps(g.unit('tpl@x.service'))['Requires'], ['app-tpl.slice', 'basic.target']);
  const k = g.effectiveDeps(g.unit('k.socket'));
  assert.deepEqual(k['Requires'], ['app.slice']);
  assert.deepEqual(k['Before'], ['k.service', 'shutdown.target', 'sockets.target']);
  assert.equal(g.unit('app.slice').loadState, 'loaded', 'slices need no file');
  assert.deepEqual(g.effectiveDeps(g.unit('app-tpl.slice'))['Requires'], ['app.slice']);
});

test('system manager: timers/paths get default deps and trigger their service; devices load without files', () => {
  const h = harness({ 'x.timer': { defaultDependencies: true }, 'y.path': { defaultDependencies: true }, 'a.service': { BindsTo: ['dev-sda.device'] } });
  const g = h.engine.graph;
  const t = g.effectiveDeps(g.unit('x.timer'));
  assert.deepEqual(t['Triggers'], ['x.service']);
  assert.deepEqual(t['Before'], ['shutdown.target', 'timers.target', 'x.service']);
  assert.deepEqual(t['Requires'], ['sysinit.target']);
  assert.deepEqual(g.effectiveDeps(g.unit('y.path'))['Before'], ['paths.target', 'shutdown.target', 'y.service']);
  assert.equal(g.unit('dev-sda.device').loadState, 'loaded');
  const r = h.engine.enqueue('a.service', 'start', 'replace', { dryRun: true });
  assert.ok(r.ok);
  assert.deepEqual(r.jobs.map((j) => j.unit).sort(), ['a.service', 'dev-sda.device']);
});
