// Differential test: tsysd's analyze algorithms (src/analyze/) against the REAL systemd-analyze 252, fed
// identical timestamps and dependency lists. The systemd side reads them over D-Bus from a fake
// org.freedesktop.systemd1 on a private dbus-daemon (tests/helpers/fake-systemd-bus.ts); the tsysd side
// gets the same numbers as plain data. Outputs must be byte-identical: blame, critical-chain (plain,
// coloured, --fuzz, several roots), time (container/user split and the full firmware/loader/kernel/initrd
// split of a non-container system), dot (all/--order/--require, patterns, --from/--to-pattern, aliases).
// Scenarios: hand-written edge cases plus seeded random graphs (seed printed on failure).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { FakeSystemdBus, HAVE_ANALYZE, HAVE_DBUS_DAEMON, type FakeManager, type FakeUnit } from '../helpers/fake-systemd-bus';
import { rng } from '../helpers/random';
import { acquireBootTimes, acquireTimeData, bootTimesFromProperties, prettyBootTime, type UnitTimes } from '../../src/analyze/timedata';
import { renderBlame } from '../../src/analyze/blame';
import { CRITICAL_CHAIN_HEADER, renderCriticalChain } from '../../src/analyze/critical-chain';
import { DOT_LEGEND, expandPatterns, renderDot, type DotMode } from '../../src/analyze/dot';

const skip = !HAVE_ANALYZE || !HAVE_DBUS_DAEMON ? 'systemd-analyze or dbus-daemon missing' : false;

// ---------------------------------------------------------------- the tsysd side on the same data

function raw(m: FakeManager): ReturnType<typeof bootTimesFromProperties> {
  const props: Record<string, string> = {};
  for (const [k, v] of Object.entries(m.timestamps)) props[k] = String(v);
  return bootTimesFromProperties(props);
}
function times(m: FakeManager, scope: 'system' | 'user'): { boot: ReturnType<typeof acquireBootTimes>; list: UnitTimes[] } {
  const boot = acquireBootTimes(raw(m), scope);
  const list = acquireTimeData(boot, m.units.map((u) => ({ name: u.id, activating: u.activating ?? 0, activated: u.activated ?? 0, deactivating: u.deactivating ?? 0, deactivated: u.deactivated ?? 0 })));
  return { boot, list };
}
function unitOf(m: FakeManager, name: string): FakeUnit | undefined { return m.units.find((u) => u.id === name || (u.aliases ?? []).includes(name)); }

function tsysdBlame(m: FakeManager, scope: 'system' | 'user'): string { return renderBlame(times(m, scope).list); }
function tsysdTime(m: FakeManager, scope: 'system' | 'user'): string {
  const { boot } = times(m, scope);
  const t = unitOf(m, 'default.target');
  return prettyBootTime(boot, { id: t?.id ?? 'default.target', activated: t?.activated ?? 0 }) + '\n';
}
function tsysdChain(m: FakeManager, scope: 'system' | 'user', roots: string[], fuzz = 0, color = false): string {
  const { boot, list } = times(m, scope);
  const map = new Map(list.map((t) => [t.name, t]));
  const after = (n: string): string[] => unitOf(m, n)?.deps?.After ?? [];
  let out = `${CRITICAL_CHAIN_HEADER}\n`;
  for (const r of roots.length ? roots : ['default.target']) out += renderCriticalChain({ boot, times: map, after }, r, unitOf(m, r)?.id ?? r, { fuzz, color });
  return out;
}
function tsysdDot(m: FakeManager, mode: DotMode, patterns: string[], from: string[] = [], to: string[] = []): string {
  const idOf = (n: string): string => unitOf(m, n)?.id ?? n;
  const units = m.units.map((u) => ({ id: u.id, deps: { After: u.deps?.After ?? [], Requires: u.deps?.Requires ?? [], Requisite: u.deps?.Requisite ?? [], Wants: u.deps?.Wants ?? [], Conflicts: u.deps?.Conflicts ?? [] } }));
  return renderDot(units, mode, { patterns: expandPatterns(patterns, idOf), from: expandPatterns(from, idOf), to: expandPatterns(to, idOf) });
}

// ---------------------------------------------------------------- scenarios

const S = 1_000_000;
function handWritten(): FakeManager {
  return {
    timestamps: { UserspaceTimestampMonotonic: 1 * S, FinishTimestampMonotonic: 4.5 * S, UnitsLoadStartTimestampMonotonic: 1.1 * S, UnitsLoadFinishTimestampMonotonic: 1.2 * S },
    units: [
      { id: 'multi-user.target', aliases: ['default.target'], activating: 4.4 * S, activated: 4.4 * S, deps: { After: ['a.service', 'b.service', 'basic.target', 'c.service', 'never.service', 'late.service'], Wants: ['a.service', 'b.service', 'c.service'], Conflicts: ['rescue.target'] } },
      { id: 'a.service', activating: 1.3 * S, activated: 4.4 * S - 1, deps: { After: ['basic.target', 'sysinit.target'], Requires: ['basic.target'] } },
      { id: 'b.service', activating: 1.3 * S, activated: 4.39 * S, deps: { After: ['basic.target'], Requisite: ['sysinit.target'] } },
      { id: 'c.service', activating: 1.31 * S, activated: 0, deactivating: 0, deactivated: 2.2 * S, activeState: 'failed', deps: { After: ['basic.target'] } },
      { id: 'late.service', activating: 5 * S, activated: 6 * S, deps: { After: ['basic.target'] } },
      { id: 'never.service', deps: { After: ['basic.target'] } },
      { id: 'basic.target', activating: 1.29 * S, activated: 1.29 * S, deps: { After: ['sysinit.target', 'loop-a.service'] } },
      { id: 'loop-a.service', activating: 1.2 * S, activated: 1.25 * S, deps: { After: ['loop-b.service'] } },
      { id: 'loop-b.service', activating: 1.1 * S, activated: 1.24 * S, deps: { After: ['loop-a.service'] } },
      { id: 'sysinit.target', activating: 1.2 * S, activated: 1.2 * S, deps: {} },
      { id: 'same-1.service', activating: 1.5 * S, activated: 1.6 * S, deps: {} },
      { id: 'same-2.service', activating: 1.5 * S, activated: 1.6 * S, deps: {} },
      { id: 'dev-disk-by\\x2duuid-1234.device', activating: 1.05 * S, activated: 1.06 * S, deps: {} },
      { id: 'a-very-long-unit-name-that-goes-on-and-on-and-on-and-on-and-on-and-on-and-on@instance.service', activating: 2 * S, activated: 2.0005 * S, deps: { After: ['basic.target'] } },
    ],
  };
}

const NAMES = ['a', 'b', 'c', 'dbus', 'getty@tty1', 'ssh', 'x-y', 'z_9', 'cron', 'nginx', 'redis', 'postgresql@15-main', 'sys\\x2dfs', 'ünï'];
const TYPES = ['service', 'socket', 'target', 'mount', 'timer', 'path'];
function random(seed: number): FakeManager {
  const r = rng(seed);
  const n = 3 + Math.floor(r() * 30);
  const names: string[] = [];
  for (let i = 0; i < n; i++) {
    const b = NAMES[Math.floor(r() * NAMES.length)] as string;
    const name = `${b}${i}.${TYPES[Math.floor(r() * TYPES.length)] as string}`;
    names.push(name);
  }
  names.push('default.target');
  const userspace = Math.floor(r() * 5 * S) + 1;
  const finish = userspace + Math.floor(r() * 20 * S) + 1;
  const pick = (): number => {
    const x = r();
    if (x < 0.1) return 0;
    if (x < 0.15) return userspace;   // exactly at the userspace start
    return userspace + Math.floor(r() * (finish - userspace) * 1.2);
  };
  const units: FakeUnit[] = names.map((id) => {
    const a = pick();
    const kind = r();
    let activated = a === 0 ? 0 : a + Math.floor(r() * 3 * S);
    if (kind < 0.1) activated = a;            // instant
    if (r() < 0.05) activated = Math.floor(r() * 4) * 1000 + userspace; // coarse times, ties
    const u: FakeUnit = { id, activating: a, activated };
    // (systemd asserts every unit timestamp is >= the userspace start in user/container scope)
    if (kind > 0.85 && activated > 0) { u.deactivating = activated + 100; u.deactivated = activated + Math.floor(r() * S); }
    if (kind > 0.95 && a > 0) { u.activated = 0; u.deactivating = 0; u.deactivated = a + 5000; }
    const deps = (): string[] => names.filter(() => r() < 3 / n);
    u.deps = { After: deps(), Requires: deps(), Requisite: r() < 0.2 ? deps() : [], Wants: deps(), Conflicts: r() < 0.2 ? deps() : [] };
    return u;
  });
  return { timestamps: { UserspaceTimestampMonotonic: userspace, FinishTimestampMonotonic: finish }, units };
}

/** A non-container system boot: firmware, loader, kernel, initrd and security timestamps set. */
function bareMetal(): FakeManager {
  const m = handWritten();
  m.timestamps = {
    FirmwareTimestampMonotonic: 3.2 * S, LoaderTimestampMonotonic: 1.7 * S, InitRDTimestampMonotonic: 0.9 * S,
    UserspaceTimestampMonotonic: 1 * S, FinishTimestampMonotonic: 4.5 * S, SecurityStartTimestampMonotonic: 1.01 * S,
    SecurityFinishTimestampMonotonic: 1.02 * S, GeneratorsStartTimestampMonotonic: 1.03 * S, GeneratorsFinishTimestampMonotonic: 1.05 * S,
    UnitsLoadStartTimestampMonotonic: 1.05 * S, UnitsLoadFinishTimestampMonotonic: 1.09 * S,
  };
  return m;
}

async function withBus<T>(m: FakeManager, fn: (b: FakeSystemdBus) => Promise<T>): Promise<T> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tsysd-analyze-oracle-'));
  const b = await FakeSystemdBus.start(dir, m);
  try { return await fn(b); } finally { await b.stop(); fs.rmSync(dir, { recursive: true, force: true }); }
}

async function same(b: FakeSystemdBus, args: string[], mine: string, what: string, env: Record<string, string> = {}): Promise<void> {
  const r = await b.analyze(args, env);
  assert.equal(r.code, 0, `${what}: systemd-analyze ${args.join(' ')} failed: ${r.stderr}`);
  assert.equal(mine, r.stdout, `${what}: systemd-analyze ${args.join(' ')}`);
}

test('blame, critical-chain, time, dot: identical to systemd-analyze 252 on hand-written edge cases', { skip, timeout: 180_000 }, async () => {
  const m = handWritten();
  await withBus(m, async (b) => {
    for (const scope of ['user', 'system'] as const) {
      const s = scope === 'user' ? ['--user'] : [];
      await same(b, [...s, 'blame'], tsysdBlame(m, scope), `blame ${scope}`);
      await same(b, [...s, 'time'], tsysdTime(m, scope), `time ${scope}`);
      await same(b, [...s, 'critical-chain'], tsysdChain(m, scope, []), `chain ${scope}`);
    }
    await same(b, ['--user', 'critical-chain', 'a.service', 'multi-user.target', 'never.service', 'basic.target'],
      tsysdChain(m, 'user', ['a.service', 'multi-user.target', 'never.service', 'basic.target']), 'chain roots');
    await same(b, ['--user', 'critical-chain', '--fuzz=20ms'], tsysdChain(m, 'user', [], 20_000), 'chain fuzz');
    await same(b, ['--user', 'critical-chain', '--fuzz=5s'], tsysdChain(m, 'user', [], 5 * S), 'chain big fuzz');
    await same(b, ['--user', 'critical-chain'], tsysdChain(m, 'user', [], 0, true), 'chain colour', { SYSTEMD_COLORS: '1' });
    const dots: Array<[string[], DotMode, string[], string[], string[]]> = [
      [[], 'all', [], [], []], [['--order'], 'order', [], [], []], [['--require'], 'require', [], [], []],
      [['a.service'], 'all', ['a.service'], [], []], [['default.target'], 'all', ['default.target'], [], []],
      [['*.target'], 'all', ['*.target'], [], []], [['--from-pattern=*.service'], 'all', [], ['*.service'], []],
      [['--to-pattern=basic.target', '--require'], 'require', [], [], ['basic.target']],
      [['--from-pattern=a*', '--to-pattern=*.target', 'c.service'], 'all', ['c.service'], ['a*'], ['*.target']],
    ];
    for (const [args, mode, pats, from, to] of dots) {
      const r = await b.analyze(['--user', 'dot', ...args]);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(tsysdDot(m, mode, pats, from, to), r.stdout, `dot ${args.join(' ')}`);
      assert.equal(r.stderr, DOT_LEGEND);
    }
  });
});

test('time: the full firmware/loader/kernel/initrd split of a non-container boot matches systemd-analyze', { skip, timeout: 60_000 }, async () => {
  const m = bareMetal();
  await withBus(m, async (b) => {
    await same(b, ['time'], tsysdTime(m, 'system'), 'time bare metal');
    await same(b, ['blame'], tsysdBlame(m, 'system'), 'blame bare metal');
    await same(b, ['critical-chain'], tsysdChain(m, 'system', []), 'chain bare metal');
  });
});

test('seeded random graphs: blame, critical-chain (incl. fuzz) and dot identical to systemd-analyze', { skip, timeout: 600_000 }, async () => {
  const seeds = Array.from({ length: 25 }, (_, i) => 1000 + i * 7919);
  let compared = 0;
  for (const seed of seeds) {
    const m = random(seed);
    const what = `seed ${seed}`;
    await withBus(m, async (b) => {
      await same(b, ['--user', 'blame'], tsysdBlame(m, 'user'), what);
      await same(b, ['--user', 'time'], tsysdTime(m, 'user'), what);
      await same(b, ['--user', 'critical-chain'], tsysdChain(m, 'user', []), what);
      const roots = m.units.slice(0, 3).map((u) => u.id);
      await same(b, ['--user', 'critical-chain', '--fuzz=1s', ...roots], tsysdChain(m, 'user', roots, S), what);
      const r = await b.analyze(['--user', 'dot']);
      assert.equal(tsysdDot(m, 'all', []), r.stdout, `${what}: dot`);
      compared += 5;
    });
  }
  process.stdout.write(`# analyze oracle: ${seeds.length} random graphs, ${compared} outputs identical to systemd-analyze\n`);
});
