// Unit: a scope through the real manager and its host (src/manager/scope-host.ts) over the FakePlatform:
// the pids handed over (Manager.scopePids, what StartTransientUnit fills) join the scope's cgroup — or are
// tracked by pid without cgroups —, RuntimeMaxSec= signals exactly them, their exit ends the scope, and a
// start with nothing handed over is refused.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { LogStore } from '../../src/logs/store';
import { BUILTIN_UNITS } from '../../src/manager/builtin-units';
import { Manager } from '../../src/manager/manager';
import type { DaemonOptions } from '../../src/manager/options';
import { FakePlatform } from '../../src/platform/fake';
import { realConditionEnv } from '../../src/platform/conditions-real';

const SEC = 1_000_000;

interface Rig { m: Manager; p: FakePlatform; settle(): Promise<void>; foreign(): number }

function rig(units: Record<string, string>, cgroups: boolean): Rig {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tsysd-scope-'));
  const unitDir = path.join(dir, 'units');
  fs.mkdirSync(unitDir);
  for (const [n, t] of Object.entries({ ...BUILTIN_UNITS, ...units })) fs.writeFileSync(path.join(unitDir, n), t);
  const p = new FakePlatform();
  p.cgroupsAvailable = cgroups;
  p.killEnds = true;
  const options: DaemonOptions = {
    userMode: false, unitPaths: [unitDir], target: 'boot.target', controlSocket: path.join(dir, 'control.sock'), runtimeDir: path.join(dir, 'run'),
    logDir: '', logLevel: 'info', container: true, healthListen: '', forwardOutput: false, cgroupName: 'test', journalArgs: ['--no-journal'],
    dbusPrivate: 'no', sdBooted: false, systemdComm: false,
  };
  const m = new Manager({
    options, platform: p, logs: new LogStore(), console: () => undefined, isPid1: false, container: 'podman',
    env: {}, uid: 0, conditionEnv: realConditionEnv({}),
  });
  p.onChildExit((e) => m.onChildExit(e.pid, e.code, e.status));
  const settle = async (): Promise<void> => {
    for (let i = 0; i < 20; i++) { p.flush(); await new Promise((r) => setImmediate(r)); }
  };
  // A process somebody else started (systemd-run before it execs its command): known to the fake kernel only.
  const foreign = (): number => {
    const pid = p.nextPid++;
    p.spawns.push({ pid, alive: true, req: { ...(p.spawns[0]?.req ?? { path: '/bin/sleep', argv: ['sleep', '1000'] }) } as FakePlatform['spawns'][number]['req'] });
    return pid;
  };
  test.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  return { m, p, settle, foreign };
}

const BOOT = '[Unit]\nDescription=boot\nWants=x.scope\nAfter=x.scope\n';

for (const cgroups of [true, false]) {
  test(`a scope ${cgroups ? 'moves its pids into its cgroup' : 'tracks its pids (no cgroups)'}; RuntimeMaxSec= signals them; their exit ends it`, async () => {
    const r = rig({ 'x.scope': '[Unit]\nDescription=X\n[Scope]\nRuntimeMaxSec=5\n', 'boot.target': BOOT }, cgroups);
    const pid = r.foreign();
    const bystander = r.foreign();
    r.m.scopePids.set('x.scope', [pid]);
    r.m.boot();
    await r.settle();
    const rt = r.m.peekRuntime('x.scope');
    assert.equal(rt?.machine.activeState(), 'active');
    assert.equal(rt?.machine.subState(), 'running');
    assert.equal(r.m.scopePids.has('x.scope'), false, 'the handed-over pids were taken');
    if (cgroups) {
      const cg = rt?.host.procs.cgroup ?? '';
      assert.match(cg, /\/system\.slice\/x\.scope$/);
      assert.deepEqual([...(r.p.cgroups.get(cg) ?? [])], [pid], 'written to the scope\'s cgroup.procs');
    }
    assert.deepEqual(rt?.host.pids(), [pid]);
    assert.equal(r.m.findUnitByPid(pid)?.id, 'x.scope');
    r.p.advance(5 * SEC);
    await r.settle();
    assert.ok(r.p.kills.some((k) => k.pid === pid && k.signal === 15), 'SIGTERM to the scope\'s process');
    assert.ok(!r.p.kills.some((k) => k.pid === bystander), 'nothing else is signalled');
    assert.equal(rt?.machine.activeState(), 'failed');
    assert.equal(rt?.machine.result(), 'timeout');
  });
}

test('a scope with nothing handed over (not created by StartTransientUnit) is not started', async () => {
  const r = rig({ 'x.scope': '[Unit]\nDescription=X\n', 'boot.target': BOOT }, true);
  r.m.boot();
  await r.settle();
  assert.equal(r.m.peekRuntime('x.scope')?.machine.activeState() ?? 'inactive', 'inactive');
});
