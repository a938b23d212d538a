// `show -p` answered from the unit's machine alone (src/manager/props.ts liveProperties: StatusText, MainPID,
// Result, timestamps… without building every property) must print exactly what the full path prints. For
// units in several states (a Type=notify service with a status text, an exited RemainAfterExit oneshot, a
// failed service, a listening socket, a never-started service) every property of `show --all` is asked for
// alone and must come back with the same value(s); a multi-property request comes back in show's order.
// Accounting figures (they change between two calls) are not compared.
import { after, before, describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import { type Daemon, startDaemon, sleep } from '../helpers/daemon';
import { RpcClient } from '../../src/rpc/client';

const VOLATILE = new Set(['MemoryCurrent', 'TasksCurrent', 'CPUUsageNSec', 'IOReadBytes', 'IOWriteBytes']);
const UNITS = ['notifier.service', 'once.service', 'broken.service', 'listen.socket', 'idle.service'];

describe('show -p of live properties', () => {
  let d: Daemon;
  let c: RpcClient;
  before(async () => {
    d = await startDaemon({
      units: {
        'notifier.service': '[Service]\nType=notify\nNotifyAccess=all\nExecStart=/bin/sh -c \'systemd-notify --ready --status="serving 3 clients"; exec sleep 1000\'\n',
        'once.service': '[Service]\nType=oneshot\nRemainAfterExit=yes\nExecStart=/bin/true\n',
        'broken.service': '[Service]\nExecStart=/bin/false\n',
        'listen.socket': `[Socket]\nListenStream=@tsysd-show-live-${process.pid}\n`,
        'listen.service': '[Service]\nExecStart=/bin/cat\nStandardInput=socket\n',
        'idle.service': '[Service]\nExecStart=/bin/sleep 1000\n',
      },
      waitRunning: true,
    });
    c = await RpcClient.connect(d.sock);
    for (const u of ['notifier.service', 'once.service', 'listen.socket']) await c.call('start', { unit: u, wait: true });
    await c.call('start', { unit: 'broken.service', wait: true }).catch(() => undefined);
    for (let i = 0; i < 100; i++) {
      const r = await c.call('show', { unit: 'broken.service', properties: ['ActiveState'] });
      if (r.properties[0]?.[1] === 'failed') break;
      await sleep(50);
    }
  });
  after(async () => { c?.close(); await d?.stop(); });

  for (const unit of UNITS) {
    it(`every property of ${unit} alone equals its value in show --all`, async () => {
      const all = (await c.call('show', { unit, all: true })).properties;
      const byName = new Map<string, string[]>();
      for (const [k, v] of all) byName.set(k, [...(byName.get(k) ?? []), v]);
      assert.ok(byName.size > 100, `${unit}: ${byName.size} properties`);
      const differ: string[] = [];
      for (const [k, vs] of byName) {
        if (VOLATILE.has(k)) continue;
        const one = (await c.call('show', { unit, properties: [k] })).properties;
        // systemctl prints an unset *ActionExitStatus only with --all ([not set])
        const unsetStatus = (k === 'FailureActionExitStatus' || k === 'SuccessActionExitStatus') && vs[0] === '[not set]';
        const want = unsetStatus ? [] : vs.map((v) => [k, v]);
        if (JSON.stringify(one) !== JSON.stringify(want)) differ.push(`${k}: ${JSON.stringify(one)} != ${JSON.stringify(want)}`);
      }
      assert.deepEqual(differ, []);
    });
  }

  it('the live values are the ones the service set, in show order for several names', async () => {
    const r = await c.call('show', { unit: 'notifier.service', properties: ['StatusText', 'ExecMainStartTimestamp', 'MainPID', 'Result'] });
    const all = (await c.call('show', { unit: 'notifier.service', all: true })).properties;
    const wanted = new Set(['StatusText', 'ExecMainStartTimestamp', 'MainPID', 'Result']);
    assert.deepEqual(r.properties, all.filter(([k]) => wanted.has(k)));
    const m = new Map(r.properties);
    assert.equal(m.get('StatusText'), 'serving 3 clients');
    assert.ok(Number(m.get('MainPID')) > 1);
    assert.equal(m.get('Result'), 'success');
  });
});
