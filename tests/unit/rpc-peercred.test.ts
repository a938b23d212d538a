// SO_PEERCRED authorisation end to end: the server's default credential source (H4's addon), a root
// client (this process) may change state, a client run as uid 65534 via setpriv may read but gets
// "access denied" (ACCESS_DENIED) for state changes.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { RpcClient } from '../../src/rpc/client';
import { ErrorCode } from '../../src/rpc/protocol';
import { harness } from './rpc-helpers';

const CLIENT = `
const net = require('net');
const s = net.connect(process.argv[1]);
let buf = '';
const out = {};
s.on('data', (d) => {
  buf += d;
  for (const l of buf.split('\\n').slice(0, -1)) { const m = JSON.parse(l); out[m.id] = m; }
  buf = buf.slice(buf.lastIndexOf('\\n') + 1);
  if (out[1] && out[2] && out[3]) { process.stdout.write(JSON.stringify(out)); s.end(); }
});
s.write(JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'unit-states', params: { units: ['a.service'] } }) + '\\n');
s.write(JSON.stringify({ jsonrpc: '2.0', id: 2, method: 'start', params: { unit: 'b.service' } }) + '\\n');
s.write(JSON.stringify({ jsonrpc: '2.0', id: 3, method: 'daemon-reload' }) + '\\n');
`;

test('uid 65534 (setpriv) reads state but is denied state changes; root is allowed', async () => {
  assert.equal(process.getuid?.(), 0, 'this test runs as root (the project machine)');
  const h = await harness({ peerCred: undefined });
  try {
    const r = await new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve) => {
      // spawnSync would block the event loop that serves the socket: run it in a child via async spawn
      const { spawn } = require('node:child_process') as typeof import('node:child_process');
      const p = spawn('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', process.execPath, '-e', CLIENT, h.sock]);
      let stdout = ''; let stderr = '';
      p.stdout.on('data', (d: Buffer) => { stdout += d; });
      p.stderr.on('data', (d: Buffer) => { stderr += d; });
      p.on('close', (status) => resolve({ status, stdout, stderr }));
    });
    assert.equal(r.status, 0, r.stderr);
    const out = JSON.parse(r.stdout) as Record<string, { result?: Array<{ activeState: string }>; error?: { code: number; message: string } }>;
    assert.equal(out['1']?.result?.[0]?.activeState, 'active');
    assert.equal(out['2']?.error?.code, ErrorCode.ACCESS_DENIED);
    assert.equal(out['2']?.error?.message, 'Access denied');
    assert.equal(out['3']?.error?.code, ErrorCode.ACCESS_DENIED);
    const seen = h.mgr.calls.find((c) => c.method === 'unit-states');
    assert.equal(seen?.caller.uid, 65534);
    assert.equal(seen?.caller.privileged, false);
    assert.ok((seen?.caller.pid ?? 0) > 0);
    assert.ok(!h.mgr.calls.some((c) => c.method === 'start' || c.method === 'daemon-reload'));
    // root (this process) may change state
    const c = await RpcClient.connect(h.sock);
    assert.equal((await c.call('start', { unit: 'b.service', wait: true })).result, 'done');
    const call = h.mgr.calls.find((x) => x.method === 'start');
    assert.deepEqual([call?.caller.uid, call?.caller.pid, call?.caller.privileged], [0, process.pid, true]);
    c.close();
  } finally { await h.close(); }
});


test('without the native addon the socket is restricted to its owner (0600) and the owner is trusted', async () => {
  const script = `
    const fs = require('fs');
    const { harness } = require(${JSON.stringify(require.resolve('./rpc-helpers'))});
    const { RpcClient } = require(${JSON.stringify(require.resolve('../../src/rpc/client'))});
    harness({ peerCred: undefined }).then(async (h) => {
      const mode = fs.statSync(h.sock).mode & 0o777;
      const c = await RpcClient.connect(h.sock);
      const r = await c.call('start', { unit: 'b.service', wait: true });
      c.close();
      process.stdout.write(JSON.stringify({ mode, result: r.result, caller: h.mgr.calls.find((x) => x.method === 'start').caller }));
      await h.close();
    });`;
  const { spawn } = require('node:child_process') as typeof import('node:child_process');
  const out = await new Promise<string>((resolve) => {
    const p = spawn(process.execPath, ['-e', script], { env: { ...process.env, TSYSD_NATIVE_DIR: '/nonexistent-tsysd-native' } });
    let s = '';
    p.stdout.on('data', (d: Buffer) => { s += d; });
    p.on('close', () => resolve(s));
  });
  const r = JSON.parse(out) as { mode: number; result: string; caller: { uid: number; privileged: boolean } };
  assert.equal(r.mode, 0o600);
  assert.equal(r.result, 'done');
  assert.deepEqual([r.caller.uid, r.caller.privileged], [0, true]);
});
