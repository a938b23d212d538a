// Unit tests of the pure analyze algorithms (src/analyze/) on one small boot. Every expected string
// below was produced by the real systemd-analyze 252 from the same timestamps (through the fake
// org.freedesktop.systemd1 of tests/helpers/fake-systemd-bus.ts; the e2e analyze-oracle test re-checks
// this and many random graphs against the binary on every run).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { acquireBootTimes, acquireTimeData, BootNotFinished, emptyBootTimesRaw, prettyBootTime, type UnitTimes } from '../../src/analyze/timedata';
import { renderBlame } from '../../src/analyze/blame';
import { CRITICAL_CHAIN_HEADER, renderCriticalChain } from '../../src/analyze/critical-chain';
import { expandPatterns, renderDot } from '../../src/analyze/dot';
import { cfixed } from '../../src/analyze/plot';
import { renderPlanSvg } from '../../src/analyze/plan-svg';
import { cylonPos, drawCylon, ellipsizeMiddle, progressMessage } from '../../src/cli/ctl/progress';

const S = 1_000_000;
const UNITS = [
  { name: 't.target', activating: 2.9 * S, activated: 2.9 * S, deactivating: 0, deactivated: 0, after: ['x.service', 'y.service'], wants: ['x.service', 'y.service'] },
  { name: 'x.service', activating: 1.2 * S, activated: 2.9 * S, deactivating: 0, deactivated: 0, after: ['z.service'], requires: ['z.service'] },
  { name: 'y.service', activating: 1.2 * S, activated: 2.85 * S, deactivating: 0, deactivated: 0, after: ['z.service'], conflicts: ['q.service'] },
  { name: 'z.service', activating: 1.1 * S, activated: 1.15 * S, deactivating: 0, deactivated: 0, after: [] as string[] },
];

function setup(): { boot: ReturnType<typeof acquireBootTimes>; times: Map<string, UnitTimes> } {
  const raw = { ...emptyBootTimesRaw(), userspace: 1 * S, finish: 3 * S };
  const boot = acquireBootTimes(raw, 'user');
  return { boot, times: new Map(acquireTimeData(boot, UNITS).map((t) => [t.name, t])) };
}
const after = (n: string): string[] => UNITS.find((u) => u.name === n)?.after ?? [];

test('blame: longest first, right-aligned times', () => {
  assert.equal(renderBlame([...setup().times.values()]), '1.700s x.service\n1.650s y.service\n  50ms z.service\n');
});

test('time: userspace only in a container/user manager, target reached relative to userspace', () => {
  const { boot } = setup();
  assert.equal(prettyBootTime(boot, { id: 't.target', activated: 2.9 * S }), 'Startup finished in 2s (userspace) \nt.target reached after 1.900s in userspace.');
  assert.equal(prettyBootTime(boot, { id: 't.target', activated: 0 }), 'Startup finished in 2s (userspace) \nt.target was never reached.');
  assert.throws(() => acquireBootTimes(emptyBootTimesRaw(), 'system'), (e: unknown) => e instanceof BootNotFinished && /FinishTimestampMonotonic=0\)\.\nPlease try again later\./.test(e.message));
});

test('critical-chain: the latest After= dependency, recursively; --fuzz adds near ones and "..." for repeats', () => {
  const { boot, times } = setup();
  assert.equal(CRITICAL_CHAIN_HEADER + '\n' + renderCriticalChain({ boot, times, after }, 't.target', 't.target'),
    'The time when unit became active or started is printed after the "@" character.\nThe time the unit took to start is printed after the "+" character.\n\nt.target @1.900s\n└─x.service @200ms +1.700s\n  └─z.service @100ms +50ms\n');
  assert.equal(renderCriticalChain({ boot, times, after }, 't.target', 't.target', { fuzz: 100_000 }),
    't.target @1.900s\n├─x.service @200ms +1.700s\n│ └─z.service @100ms +50ms\n└─y.service @200ms +1.650s\n  └─z.service @100ms +50ms\n    └─...\n');
  const red = renderCriticalChain({ boot, times, after }, 'x.service', 'x.service', { color: true });
  assert.equal(red, '\x1b[0;1;31mx.service +1.700s\x1b[0m\n└─\x1b[0;1;31mz.service @100ms +50ms\x1b[0m\n');
});

test('dot: edges per property in systemd order and colour; --from-pattern restricts origins', () => {
  const units = UNITS.map((u) => ({ id: u.name, deps: { After: u.after, Requires: u.requires ?? [], Wants: u.wants ?? [], Conflicts: u.conflicts ?? [] } }));
  assert.equal(renderDot(units, 'all', { patterns: [], from: expandPatterns(['x*'], (n) => n), to: [] }),
    'digraph systemd {\n\t"x.service"->"z.service" [color="green"];\n\t"x.service"->"z.service" [color="black"];\n}\n');
  const all = renderDot(units, 'require', { patterns: [], from: [], to: [] });
  assert.equal(all, 'digraph systemd {\n\t"t.target"->"x.service" [color="grey66"];\n\t"t.target"->"y.service" [color="grey66"];\n\t"x.service"->"z.service" [color="black"];\n\t"y.service"->"q.service" [color="red"];\n}\n');
});

test('cfixed: printf("%.Nf") rounding of the exact binary value (ties to even, -0)', () => {
  // Each pair checked with /usr/bin/printf (glibc), e.g. `printf "%.0f %.0f %.0f %.3f %.1f %.3f" 0.5 1.5 2.5 0.0625 0.25 -0.0`.
  assert.deepEqual([cfixed(0.5, 0), cfixed(1.5, 0), cfixed(2.5, 0), cfixed(0.0625, 3), cfixed(0.25, 1), cfixed(-0, 3)], ['0', '2', '2', '0.062', '0.2', '-0.000']);
  assert.deepEqual([cfixed(0.1 * 3, 3), cfixed(999.9996, 3), cfixed(-12.3456, 2), cfixed(880, 0)], ['0.300', '1000.000', '-12.35', '880']);
});

test('plan --svg: one row per job, one second of chart per wave, bars labelled with the job type', () => {
  const svg = renderPlanSvg({ ok: true, jobs: { 'a.service': 'start', 'b.service': 'stop', 't.target': 'start' }, order: [], waves: [['a.service', 'b.service'], ['t.target']], units: {}, cycles: [] }, 'start t.target', '0.1.0');
  assert.match(svg, /<text x="20" y="50">start t\.target: 3 jobs in 2 waves<\/text>/);
  assert.match(svg, /<rect class="activating" x="0\.000" y="20\.000" width="100\.000" height="19\.000" \/>\n  <rect class="active" x="100\.000" y="20\.000" width="100\.000"/);
  assert.match(svg, /<rect class="deactivating" x="0\.000" y="40\.000" width="100\.000" height="19\.000" \/>\n  <text class="left" x="5\.000" y="54\.000">b\.service \(stop\)<\/text>/);
  assert.match(svg, /<rect class="activating" x="100\.000" y="60\.000" width="100\.000"/);
  assert.match(svg, />wave 1<\/text>[\s\S]*>wave 2<\/text>/);
});

test('tsysctl progress: draw_cylon positions and the status message as systemd formats them', () => {
  // draw_cylon(width 6): pos 0 and 7 put the centre light behind the corners.
  assert.deepEqual([0, 1, 2, 3, 4, 5, 6, 7].map((p) => drawCylon(p, false)), ['*     ', '**    ', '***   ', ' ***  ', '  *** ', '   ***', '    **', '     *']);
  assert.equal(drawCylon(3, true), ' \x1b[0;31m*\x1b[0;1;31m*\x1b[0m\x1b[0;31m*  \x1b[0m');
  assert.deepEqual(Array.from({ length: 16 }, (_, i) => cylonPos(i)), [0, 1, 2, 3, 4, 5, 6, 7, 6, 5, 4, 3, 2, 1, 0, 1]);
  assert.equal(progressMessage({ type: 'start', ident: 'Slow service', elapsedUs: 5_400_000, limitUs: 90_000_000 }, 2, 3), '(2 of 3) A start job is running for Slow service (5s / 1min 30s)');
  assert.equal(progressMessage({ type: 'stop', ident: 'x.target', elapsedUs: 2_000_000, limitUs: Infinity }, 1, 1), 'A stop job is running for x.target (2s / no limit)');
  assert.equal(ellipsizeMiddle('abcdefghij', 5), 'ab…ij');
});
