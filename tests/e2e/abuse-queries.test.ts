// Read-only queries cannot grow the manager (issue 12 findings 5 and 6), against the real daemon through
// its control socket: 5,000 list-dependencies of unknown units left 5,000 more loaded units (NNames);
// 30 rounds of status/show/list-dependencies over broken units (a 100 KB bad value each, and fresh
// instances of a broken template) re-logged the whole value every time and took the daemon from 56 to
// 470 MiB. Now the unit table returns to its size, each file's diagnostics are logged once (cut to
// LINE_MAX), and the manager's RSS stays flat after the first rounds.
import { after, before, describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { type Daemon, startDaemon } from '../helpers/daemon';
import { RpcClient } from '../../src/rpc/client';

const BIG = 'x'.repeat(100_000);
const units: Record<string, string> = {
  'chain.service': `[Unit]\nWants=fresh-a.service fresh-b.service\nAfter=fresh-c.service\n[Service]\nExecStart=/bin/true\n`,
  'broken@.service': `[Service]\nExecStart=/bin/true %i\nTimeoutStartSec=${BIG}\n`,
};
for (let i = 0; i < 8; i++) units[`broken-${i}.service`] = `[Unit]\nDescription=broken ${i}\n[Service]\nExecStart=/bin/true\nTimeoutStartSec=${BIG}\nEnvironment="${BIG}\n`;

function rssKiB(pid: number): number {
  const m = /VmRSS:\s+(\d+)/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) : 0;
}

describe('abuse: read-only queries', () => {
  let d: Daemon;
  let c: RpcClient;
  before(async () => { d = await startDaemon({ units }); c = await RpcClient.connect(d.sock); });
  after(async () => { c?.close(); if (d) await d.stop(); });

  const nNames = async (): Promise<number> => Number((await c.call('show', { properties: ['NNames'] })).properties.find(([k]) => k === 'NNames')?.[1]);

  it('5,000 list-dependencies of unknown units (and a unit naming unknown ones) leave the unit table as it was', async () => {
    // Warm-up: the first service loaded brings system.slice and -.slice (loaded for good, as in systemd).
    await c.call('list-dependencies', { unit: 'chain.service' });
    const before = await nNames();
    for (let i = 0; i < 5000; i += 100) {
      await Promise.all(Array.from({ length: 100 }, (_, k) => c.call('list-dependencies', { unit: `unknown-${i + k}.service` })));
    }
    const g = await c.call('list-dependencies', { unit: 'chain.service' });
    assert.deepEqual(g.units['chain.service']?.deps.filter((x) => x.startsWith('fresh-')), ['fresh-a.service', 'fresh-b.service']);
    await c.call('list-dependencies', { unit: 'chain.service', order: 'after' });
    await c.call('status', { unit: 'unknown-x.service' });
    await c.call('unit-states', { units: ['unknown-y.service', 'chain.service'] });
    assert.equal(await nNames(), before, 'units loaded by queries are collected again');
  });

  it('30 rounds of queries over broken units: diagnostics logged once and cut, RSS flat', async () => {
    const pid = d.innerPid();
    const round = async (r: number): Promise<void> => {
      for (let i = 0; i < 8; i++) {
        const u = `broken-${i}.service`;
        await Promise.all([c.call('status', { unit: u }), c.call('show', { unit: u }), c.call('list-dependencies', { unit: u }),
          c.call('status', { unit: `broken@r${r}-${i}.service` })]);
      }
    };
    for (let r = 0; r < 5; r++) await round(r);
    const rss5 = rssKiB(pid);
    const logged = (await c.call('logs', { unit: 'broken-0.service' })).lines.length;
    for (let r = 5; r < 30; r++) await round(r);
    const rss30 = rssKiB(pid);
    assert.ok(rss30 - rss5 < 40 * 1024, `manager RSS ${rss5} KiB after 5 rounds, ${rss30} KiB after 30`);
    const lines = (await c.call('logs', { unit: 'broken-0.service' })).lines;
    assert.equal(lines.length, logged, 'no new diagnostics for the same file');
    assert.ok(lines.some((l) => l.message.includes('TimeoutStartSec=')), 'the diagnostics were logged once');
    const all = (await c.call('logs', {})).lines;
    const longest = Math.max(...all.map((l) => Buffer.byteLength(l.message)));
    assert.ok(longest <= 2048, `longest manager line ${longest} bytes`);
    assert.ok(all.filter((l) => l.message.includes('broken@')).length <= 4, 'a broken template is reported once, not per instance');
    assert.equal(d.exitCode, null);
  });
});
