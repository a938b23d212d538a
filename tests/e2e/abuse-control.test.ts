// Abuse of the control socket against the real daemon (issue 12, "abuse tests for every socket the manager
// owns"; the framing itself is fuzzed in tests/unit/fuzz-rpc.test.ts and the connection caps, slow readers
// and 1,000 concurrent clients are tested on a real ControlServer in tests/unit/rpc-limits.test.ts and
// rpc-caps.test.ts). Here: fd passing on the stream socket — fds of every type attached to request bytes,
// as many as the kernel lets one message carry (253), 1,000 more in chunks, forged SCM_CREDENTIALS, random
// bytes — from root and from an unprivileged user. After each: the manager is alive, still answers,
// and holds no fd more than before (the kernel discards fds the reader does not take; the server must
// not take them).
import { after, before, describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import { type Daemon, startDaemon, waitFor } from '../helpers/daemon';
import { fixture } from '../fixtures/build';
import { tail } from '../fixtures/svc-helpers';

const NA = fixture('notify-abuse');
const KINDS = 'memfd,file,devnull,dir,opath,pipe,socket,eventfd,timerfd,signalfd,epoll,inotify,pidfd';
const REQ = '{"jsonrpc":"2.0","id":1,"method":"is-system-running"}\\n';

function fdCount(pid: number): number { try { return fs.readdirSync(`/proc/${pid}/fd`).length; } catch { return -1; } }
function fdList(pid: number): string {
  try { return fs.readdirSync(`/proc/${pid}/fd`).map((n) => { try { return `${n}→${fs.readlinkSync(`/proc/${pid}/fd/${n}`)}`; } catch { return n; } }).join(' '); } catch { return ''; }
}

/** Run notify-abuse over one stream connection to the control socket; resolves with its output. */
function abuse(sock: string, actions: string[], uid?: number): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    const p = spawn(NA, actions, {
      env: { ...process.env, NOTIFY_SOCKET: sock, NOTIFY_ABUSE_STREAM: '1' }, stdio: ['ignore', 'pipe', 'pipe'],
      ...(uid !== undefined ? { uid, gid: uid } : {}),
    });
    let out = '';
    p.stdout.on('data', (b: Buffer) => { out += b.toString(); });
    p.stderr.on('data', (b: Buffer) => { out += b.toString(); });
    p.on('exit', (code) => resolve({ code, out }));
  });
}

describe('abuse: control socket', () => {
  let d: Daemon;
  before(async () => {
    d = await startDaemon({ units: { 'a.service': '[Service]\nExecStart=/bin/sleep 1000\n' } });
    fs.chmodSync(d.sock, 0o666);   // let the unprivileged sender connect (the daemon decides per request)
    // Warm up: fds the manager opens once, on the first start/stop (cgroup, log files), are in the baseline.
    assert.equal((await d.ctl(['start', 'a.service'])).code, 0);
    assert.equal((await d.ctl(['stop', 'a.service'])).code, 0);
  });
  after(async () => { if (d) await d.stop(); });

  async function servedAndNoFdLeak(pid: number, baseline: number, what: string): Promise<void> {
    assert.equal(d.exitCode, null, `manager died after ${what}:\n${tail(d)}`);
    const r = await d.ctl(['is-system-running']);
    assert.equal(r.stdout.trim(), 'running', `${what}: ${r.stderr}${tail(d)}`);
    assert.equal((await d.ctl(['start', 'a.service'])).code, 0);
    assert.equal((await d.ctl(['stop', 'a.service'])).code, 0);
    assert.ok(await waitFor(() => fdCount(pid) <= baseline, 30000, 100), `${what}: manager holds ${fdCount(pid)} fds, ${baseline} before: ${fdList(pid)}`);
  }

  for (const who of ['root', 'nobody'] as const) {
    it(`fds of every type, 253 in one message, 1,000 in chunks, forged credentials and random bytes (${who})`, async () => {
      const pid = d.innerPid();
      await d.ctl(['is-system-running']);
      const baseline = fdCount(pid);
      const r = await abuse(d.sock, [`fds:${KINDS}:${REQ}`, `many:253:${REQ}`, 'chunks:1000:250', `many:1000:${REQ}`,
        `spoof:1:${REQ}`, 'random:300:4242', `fds:${KINDS}:${REQ}`], who === 'nobody' ? 65534 : undefined);
      assert.match(r.out, /many 253: /, r.out);
      assert.match(r.out, /many 1000: /, r.out);   // the kernel refuses more than 253 per message
      await servedAndNoFdLeak(pid, baseline, `fd abuse as ${who}`);
    });
  }

  it('100 connections in parallel, each passing 253 fds with a request, then hanging up', async () => {
    const pid = d.innerPid();
    const baseline = fdCount(pid);
    const runs = await Promise.all(Array.from({ length: 100 }, () => abuse(d.sock, [`many:253:${REQ}`])));
    assert.equal(runs.filter((x) => x.code === 0).length, 100, runs.map((x) => x.out).join(''));
    await servedAndNoFdLeak(pid, baseline, '100 × 253 fds');
  });
});
