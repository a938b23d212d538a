// The crash barrier against the real daemon (issue 12, "a crash barrier that is not a catch-all"): for each
// event source a daemon is started with TSYSD_TEST_FAULT=source[:unit] (src/manager/barrier.ts), which
// throws inside the guarded handler. The unit concerned fails with Result=resources, the fault is logged
// with its stack, and the manager keeps serving: other units start, the control socket answers, SIGTERM
// still gives an orderly exit 0. For RPC requests the faulting request gets an error and nothing else
// changes (the health endpoint and signals still work).
import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as net from 'node:net';
import * as path from 'node:path';
import { type Daemon, startDaemon, sleep, waitFor } from '../helpers/daemon';
import { show } from '../fixtures/svc-helpers';
import { fixture } from '../fixtures/build';

const NA = fixture('notify-abuse');

const units = (dir: string): Record<string, string> => ({
  'bystander.service': `[Service]\nExecStart=/bin/sleep 600\n`,
  'exits.service': `[Service]\nExecStart=/bin/sleep 0.3\n`,
  'never-ready.service': `[Service]\nType=notify\nExecStart=/bin/sleep 600\nTimeoutStartSec=1\n`,
  'ready.service': `[Service]\nType=notify\nExecStart=${NA} send:READY=1 pause\n`,
  'victim.socket': `[Socket]\nListenStream=${dir}/victim.sock\n`,
  'victim.service': `[Service]\nExecStart=/bin/sleep 600\n`,
});

async function withDaemon(fault: string, fn: (d: Daemon, dir: string) => Promise<void>, extraArgs: string[] = [], exitVia: 'SIGTERM' | 'exit' = 'SIGTERM'): Promise<void> {
  const dir = fs.mkdtempSync('/run/tsysd-barrier-');
  fs.chmodSync(dir, 0o755);
  const d = await startDaemon({ units: units(dir), env: { TSYSD_TEST_FAULT: fault }, args: extraArgs });
  try {
    await fn(d, dir);
    // The manager keeps serving: a new unit starts (except when every request faults), SIGTERM exits 0.
    if (!fault.startsWith('rpc')) {
      const r = await d.ctl(['start', 'bystander.service']);
      assert.equal(r.code, 0, r.stderr + d.output.slice(-3000));
    }
    assert.equal(d.exitCode, null, `manager died:\n${d.output.slice(-3000)}`);
    if (exitVia === 'SIGTERM') d.signal('SIGTERM'); else await d.ctl(['exit', '0']);
    assert.equal(await d.waitExit(30000), 0, d.output.slice(-3000));
    assert.match(d.output, new RegExp(`Internal error while handling a ${fault.split(':')[0]} event: Error: injected fault`));
  } finally {
    await d.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

async function failedWithResources(d: Daemon, unit: string): Promise<void> {
  assert.ok(await waitFor(async () => (await show(d, unit, ['ActiveState']))['ActiveState'] === 'failed', 20000, 100), d.output.slice(-3000));
  assert.equal((await show(d, unit, ['Result']))['Result'], 'resources');
}

describe('abuse: crash barrier, one throwing handler per event source', { concurrency: 3 }, () => {
  it('child exit', async () => {
    await withDaemon('child-exit:exits.service', async (d) => {
      await d.ctl(['start', 'exits.service']);
      await failedWithResources(d, 'exits.service');
    });
  });

  it('timer', async () => {
    await withDaemon('timer:never-ready.service', async (d) => {
      await d.ctl(['start', '--no-block', 'never-ready.service']);
      await failedWithResources(d, 'never-ready.service');
    });
  });

  it('notify datagram', async () => {
    await withDaemon('notify:ready.service', async (d) => {
      await d.ctl(['start', '--no-block', 'ready.service']);
      await failedWithResources(d, 'ready.service');
    });
  });

  it('socket readiness', async () => {
    await withDaemon('socket:victim.socket', async (d, dir) => {
      assert.equal((await d.ctl(['start', 'victim.socket'])).code, 0);
      const s = net.connect(path.join(dir, 'victim.sock'));
      s.on('error', () => { /* closed by the failing socket unit */ });
      await failedWithResources(d, 'victim.socket');
      s.destroy();
    });
  });

  it('RPC request: the request gets an error, the manager keeps running (health endpoint, signals)', async () => {
    const port = 20000 + Math.floor(Math.random() * 20000);
    await withDaemon('rpc', async (d) => {
      const r = await d.ctl(['is-active', 'bystander.service']);
      assert.notEqual(r.code, 0);
      assert.match(r.stderr, /Internal error/);
      const body = await new Promise<string>((resolve, reject) => {
        http.get(`http://127.0.0.1:${port}/healthz`, (res) => { let t = ''; res.on('data', (x: Buffer) => { t += x.toString(); }); res.on('end', () => resolve(`${res.statusCode} ${t}`)); }).on('error', reject);
      });
      assert.match(body, /^2\d\d /);
      await sleep(100);
    }, ['--health-listen', `127.0.0.1:${port}`]);
  });

  it('signal (SIGHUP reload)', async () => {
    // SIGTERM would fault too: this daemon exits through the control socket.
    await withDaemon('signal', async (d) => {
      d.signal('SIGHUP');
      await waitFor(() => /handling a signal event/.test(d.output), 10000);
    }, [], 'exit');
  });
});
