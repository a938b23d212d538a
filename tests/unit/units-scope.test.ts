// The scope machine (src/units/scope/machine.ts) driven with fake events against systemd 252's scope.c
// semantics: the handed-over processes join at start, the scope is running while any lives and dead once
// the last is gone; stop signals per KillMode=/KillSignal=/SendSIGHUP=, TimeoutStopSec= escalates to
// FinalKillSignal= and then gives up with Result=timeout; RuntimeMaxSec= stops it with Result=timeout;
// Abandon(). Also the [Scope] rows as the real directive tables compile them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { ALL_ROWS } from '../../src/directives/tables';
import { compileUnit } from '../../src/directives/compile';
import { showProperties } from '../../src/directives/show';
import type { UnitConfig } from '../../src/directives/types';
import { ScopeMachine, type ScopeHost } from '../../src/units/scope/machine';
import type { SpecifierContext, UnitSource } from '../../src/unit-file/types';
import { FakeHost, SEC, unitConfig, type UnitOver } from './units-fake';

/** A scope host whose processes are the `others` of FakeHost; signalled ones die unless they ignore it. */
class FakeScopeHost extends FakeHost implements ScopeHost {
  handed: number[] | null = [];
  attachError: string | null = null;
  watching = false;
  realized = 0;
  /** Signals each process ignores (pid → signals). */
  ignores = new Map<number, number[]>();
  /** Signals delivered to the scope as a whole, in order. */
  delivered: number[] = [];
  realizeCgroup(): void { this.realized++; }
  attachPids(): number | { error: string } | null {
    if (this.handed === null) return null;
    if (this.attachError) return { error: this.attachError };
    const live = this.handed.filter((p) => this.outside.has(p));
    for (const p of live) { this.outside.delete(p); this.others.add(p); }
    return live.length;
  }
  watchEmpty(on: boolean): void { this.watching = on; }
  randomBelow(n: number): number { return Math.floor(n / 2); }
  processList(): { pid: number; comm: string }[] { return [...this.others].map((pid) => ({ pid, comm: 'sleep' })); }
  override signalOthers(sig: number, exclude: number[]): number {
    const n = super.signalOthers(sig, exclude);
    if (n > 0) this.delivered.push(sig);
    for (const p of [...this.others]) if (!exclude.includes(p) && sig !== 1 && !(this.ignores.get(p) ?? []).includes(sig)) this.others.delete(p);
    return n;
  }
}

function scopeConfig(o: UnitOver = {}, scope: Partial<NonNullable<UnitConfig['scope']>> = {}): UnitConfig {
  const cfg = unitConfig('run-x.scope', 'scope', null, null, o);
  cfg.scope = { runtimeMaxUs: Infinity, runtimeRandomizedExtraUs: 0, timeoutStopUs: 90 * SEC, ...scope };
  return cfg;
}

function rig(o: UnitOver = {}, scope: Partial<NonNullable<UnitConfig['scope']>> = {}, pids = [500, 501]): { h: FakeScopeHost; m: ScopeMachine } {
  const h = new FakeScopeHost();
  for (const p of pids) h.outside.add(p);
  h.handed = pids;
  const m = new ScopeMachine(scopeConfig(o, scope), h);
  h.target = m;
  return { h, m };
}

/** The scope's processes are all gone (what the host's cgroup.events watch reports). */
function empty(h: FakeScopeHost, m: ScopeMachine): void { h.others.clear(); m.onUnitEmpty(); }

test('start moves the handed-over processes in: running while they live, dead (success) once the last is gone', () => {
  const { h, m } = rig();
  assert.equal(m.start(), 'started');
  assert.equal(h.realized, 1);
  assert.deepEqual([...h.others].sort((a, b) => a - b), [500, 501]);
  assert.equal(m.activeState(), 'active');
  assert.equal(m.subState(), 'running');
  assert.equal(h.watching, true);
  assert.equal(h.timers.size, 0, 'no runtime limit by default');
  assert.equal(m.invocationId(), '1'.padStart(32, '0'));
  assert.equal(m.start(), 'noop');
  empty(h, m);
  assert.equal(m.subState(), 'dead');
  assert.equal(m.result(), 'success');
  assert.equal(h.watching, false);
  assert.deepEqual(h.subStates(), ['running', 'dead']);
  assert.ok(h.logs.includes('info: run-x.scope: Deactivated successfully.'));
  assert.deepEqual(m.properties().Result, 'success');
});

test('no live process to attach, or a failed attach: failed with Result=resources; a scope not created transiently cannot start', () => {
  const a = rig({}, {}, [700]);
  a.h.outside.clear();   // the process exited before the start
  assert.equal(a.m.start(), 'started');
  assert.equal(a.m.activeState(), 'failed');
  assert.equal(a.m.result(), 'resources');
  assert.ok(a.h.logs.includes("warning: run-x.scope: No PIDs left to attach to the scope's control group, refusing."));
  assert.equal(a.m.start(), 'refused', 'a failed scope starts again only after reset-failed');
  a.m.resetFailed();
  assert.equal(a.m.subState(), 'dead');
  assert.equal(a.m.result(), 'success');

  const b = rig();
  b.h.attachError = 'Permission denied';
  b.m.start();
  assert.equal(b.m.subState(), 'failed');
  assert.equal(b.m.result(), 'resources');
  assert.ok(b.h.logs.some((l) => l.includes("Failed to add PIDs to scope's control group: Permission denied")));

  const c = rig();
  c.h.handed = null;
  assert.equal(c.m.start(), 'unsupported');
  assert.equal(c.m.subState(), 'dead');
});

test('stop: KillSignal= to every process; gone before TimeoutStopSec= → dead with success', () => {
  const { h, m } = rig({ killSignal: 2 });
  m.start();
  assert.equal(m.stop(), 'stopping');
  assert.deepEqual(h.delivered, [2]);
  assert.equal(m.subState(), 'stop-sigterm');
  assert.equal(m.activeState(), 'deactivating');
  assert.equal(h.timers.get('scope'), h.t + 90 * SEC);
  assert.equal(m.stop(), 'stopping', 'a second stop joins the first');
  assert.equal(m.start(), 'again', 'a start waits until the stop is done');
  m.onUnitEmpty();
  assert.equal(m.subState(), 'dead');
  assert.equal(m.result(), 'success');
  assert.equal(h.timers.size, 0);
  assert.equal(m.stop(), 'noop');
});

test('TimeoutStopSec= → FinalKillSignal= (Result=timeout) → "Still around after SIGKILL" → failed; SendSIGKILL=no gives up', () => {
  const { h, m } = rig({}, { timeoutStopUs: 2 * SEC });
  h.ignores.set(500, [15, 9]);
  m.start();
  m.stop();
  assert.equal(m.subState(), 'stop-sigterm');
  h.advance(2 * SEC);
  assert.ok(h.logs.includes('warning: run-x.scope: Stopping timed out. Killing.'));
  assert.deepEqual(h.delivered, [15, 9]);
  assert.equal(m.subState(), 'stop-sigkill');
  assert.equal(m.result(), 'timeout');
  h.advance(2 * SEC);
  assert.ok(h.logs.includes('warning: run-x.scope: Still around after SIGKILL. Ignoring.'));
  assert.equal(m.subState(), 'failed');
  assert.equal(m.activeState(), 'failed');
  assert.ok(h.logs.includes("warning: run-x.scope: Failed with result 'timeout'."));

  const b = rig({ sendSIGKILL: false }, { timeoutStopUs: 1 * SEC });
  b.h.ignores.set(500, [15]);
  b.m.start();
  b.m.stop();
  b.h.advance(1 * SEC);
  assert.ok(b.h.logs.includes('warning: run-x.scope: Stopping timed out. Skipping SIGKILL.'));
  assert.deepEqual(b.h.delivered, [15]);
  assert.equal(b.m.subState(), 'failed');
  assert.equal(b.m.result(), 'timeout');
});

test('KillMode=mixed: no SIGTERM, the processes get FinalKillSignal=; KillMode=process/none: nothing is signalled, dead at once', () => {
  const mixed = rig({ killMode: 'mixed' });
  mixed.m.start();
  mixed.m.stop();
  assert.deepEqual(mixed.h.delivered, [9]);
  assert.equal(mixed.m.subState(), 'stop-sigkill');
  mixed.m.onUnitEmpty();
  assert.equal(mixed.m.subState(), 'dead');
  assert.equal(mixed.m.result(), 'success');
  for (const mode of ['process', 'none'] as const) {
    const r = rig({ killMode: mode });
    r.m.start();
    assert.equal(r.m.stop(), 'stopping');
    assert.deepEqual(r.h.delivered, []);
    assert.equal(r.m.subState(), 'dead');
    assert.deepEqual(r.h.subStates(), ['running', 'dead']);
    assert.equal(r.h.others.size, 2, 'the processes are left running');
  }
});

test('SendSIGHUP=yes follows KillSignal= with SIGHUP', () => {
  const { h, m } = rig({ sendSIGHUP: true });
  h.ignores.set(500, [15]);   // still there when the SIGHUP follows (a real process takes a moment to exit)
  m.start();
  m.stop();
  assert.deepEqual(h.delivered, [15, 1]);
});

test('RuntimeMaxSec= (+ part of RuntimeRandomizedExtraSec=) after ActiveEnterTimestamp stops it with Result=timeout', () => {
  const { h, m } = rig({}, { runtimeMaxUs: 2 * SEC, runtimeRandomizedExtraUs: 1 * SEC });
  m.start();
  const enter = m.base.activeEnterTs.monotonic;
  assert.equal(h.timers.get('scope'), enter + 2 * SEC + SEC / 2, 'the fake host draws half of the extra');
  h.advance(2 * SEC);
  assert.equal(m.subState(), 'running');
  h.advance(SEC / 2);
  assert.ok(h.logs.includes('warning: run-x.scope: Scope reached runtime time limit. Stopping.'));
  assert.equal(m.subState(), 'stop-sigterm');
  assert.deepEqual(h.delivered, [15]);
  m.onUnitEmpty();
  assert.equal(m.subState(), 'failed');
  assert.equal(m.result(), 'timeout');
  m.resetFailed();
  assert.equal(m.activeState(), 'inactive');
});

test('Abandon(): running → abandoned (no runtime limit any more); a later stop logs each process it kills; not when dead', () => {
  const { h, m } = rig({}, { runtimeMaxUs: 5 * SEC });
  assert.equal(m.abandon(), false, 'a dead scope cannot be abandoned');
  m.start();
  assert.equal(m.abandon(), true);
  assert.equal(m.subState(), 'abandoned');
  assert.equal(m.activeState(), 'active');
  assert.equal(h.timers.size, 0);
  assert.equal(m.abandon(), true, 'abandoning again is fine');
  h.advance(10 * SEC);
  assert.equal(m.subState(), 'abandoned');
  m.stop();
  assert.ok(h.logs.includes('notice: run-x.scope: Killing process 500 (sleep) with signal SIGTERM.'));
  assert.equal(m.subState(), 'stop-sigterm');
  m.onUnitEmpty();
  assert.equal(m.subState(), 'dead');
  assert.equal(m.abandon(), false);
});

test('fail(resources) (crash barrier): the processes are killed and the scope ends failed', () => {
  const { h, m } = rig();
  m.start();
  m.fail('resources');
  assert.deepEqual(h.delivered, [9]);
  assert.equal(m.subState(), 'failed');
  assert.equal(m.result(), 'resources');
});

const SPEC_CTX: SpecifierContext = {
  userMode: false, hostname: 'h', machineId: 'm'.repeat(32), bootId: 'b'.repeat(32), kernelRelease: '6.1.0',
  architecture: 'x86-64', userName: 'root', uid: 0, groupName: 'root', gid: 0, home: '/root', shell: '/bin/sh',
  runtimeDir: '/run', stateDir: '/var/lib', cacheDir: '/var/cache', logsDir: '/var/log', configDir: '/etc', tmpDir: '/tmp', varTmpDir: '/var/tmp',
  osRelease: {}, realpath: (p: string) => p,
};

function compileScope(lines: string[]): UnitConfig {
  const id = 'run-y.scope';
  const assignments = lines.map((l, i) => {
    const [section, rest] = l.split('|') as [string, string];
    const eq = rest.indexOf('=');
    return { section, key: rest.slice(0, eq), value: rest.slice(eq + 1), file: `/run/systemd/transient/${id}`, line: i + 2 };
  });
  const src: UnitSource = {
    requested: id, id, names: [id], type: 'scope', loadState: 'loaded', fragmentPath: `/run/systemd/transient/${id}`, dropInPaths: [],
    prefix: 'run-y', instance: '', assignments, diagnostics: [], wantsFromDirs: [], requiresFromDirs: [],
  };
  return compileUnit(src, SPEC_CTX);
}

test('[Scope] rows: RuntimeMaxSec=, RuntimeRandomizedExtraSec=, TimeoutStopSec=, the shared kill rows; show prints them as systemctl', () => {
  const cfg = compileScope(['Scope|RuntimeMaxSec=2', 'Scope|RuntimeRandomizedExtraSec=500ms', 'Scope|TimeoutStopSec=5s', 'Scope|KillMode=mixed',
    'Scope|KillSignal=SIGINT', 'Scope|SendSIGHUP=yes', 'Scope|OOMPolicy=continue', 'Scope|RuntimeMaxSec=bogus']);
  assert.deepEqual(cfg.scope, { runtimeMaxUs: 2 * SEC, runtimeRandomizedExtraUs: SEC / 2, timeoutStopUs: 5 * SEC });
  assert.equal(cfg.kill.killMode, 'mixed');
  assert.equal(cfg.kill.killSignal, 2);
  assert.equal(cfg.kill.sendSIGHUP, true);
  assert.ok(cfg.diagnostics.some((d) => /Failed to parse sec value, ignoring: bogus/.test(d.message)), 'a bad value warns and keeps the earlier one');
  const show = new Map(showProperties(cfg));
  assert.equal(show.get('RuntimeMaxUSec'), '2s');
  assert.equal(show.get('RuntimeRandomizedExtraUSec'), '500ms');
  assert.equal(show.get('TimeoutStopUSec'), '5s');
  assert.equal(show.get('OOMPolicy'), 'continue');
  assert.equal(show.get('KillMode'), 'mixed');
  assert.equal(show.get('KillSignal'), '2');
  // systemd 252's order: the Scope interface, its cgroup part, the kill context, then Unit
  const names = showProperties(cfg).map(([k]) => k);
  assert.deepEqual(names.slice(0, 6), ['Controller', 'TimeoutStopUSec', 'Result', 'RuntimeMaxUSec', 'RuntimeRandomizedExtraUSec', 'OOMPolicy']);
  assert.ok(names.indexOf('Slice') < names.indexOf('KillMode') && names.indexOf('KillMode') < names.indexOf('Id'));
  // defaults: no runtime limit, DefaultTimeoutStopSec=
  const d = compileScope([]);
  assert.deepEqual(d.scope, { runtimeMaxUs: Infinity, runtimeRandomizedExtraUs: 0, timeoutStopUs: 90 * SEC });
  assert.equal(new Map(showProperties(d)).get('RuntimeMaxUSec'), 'infinity');
});

test('[Scope] keys are systemd 252\'s (the Scope.* strings of libsystemd-core-252.so), NetClass= (obsolete) aside', (t) => {
  const lib = ['/usr/lib/x86_64-linux-gnu/systemd/libsystemd-core-252.so', '/lib/x86_64-linux-gnu/systemd/libsystemd-core-252.so',
    '/usr/lib/systemd/libsystemd-core-252.so'].find((p) => fs.existsSync(p));
  if (!lib) { t.skip('systemd 252 core library not installed'); return; }
  const theirs = new Set(fs.readFileSync(lib, 'latin1').split('\0').filter((x) => /^Scope\.[A-Za-z]+$/.test(x)));
  const ours = new Set(ALL_ROWS.filter((r) => r.sections.includes('Scope')).map((r) => `Scope.${r.key}`));
  assert.deepEqual([...ours].filter((k) => !theirs.has(k)), [], 'rows systemd 252 does not have');
  assert.deepEqual([...theirs].filter((k) => !ours.has(k) && k !== 'Scope.NetClass').sort(), [], 'systemd 252 keys without a row');
});
