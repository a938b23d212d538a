// Abuse of the notify socket against the real daemon (issue 12): fds of every type in FDSTORE=1 (finding 1:
// a memfd, a regular file or /dev/null made RealPlatform.pollFd throw and killed PID 1), as many fds as
// the kernel lets one message carry and 1,000 in chunks, a truncated 200 KB datagram whose first 4 KiB say
// READY=1 (finding 7), an embedded NUL, a flood of random and mutated datagrams from a unit and from a
// process outside any unit, and forged sender credentials. After each: the manager is alive and answers,
// other units are served, its fd count returns to its baseline once the units stop, its RSS stays bounded.
import { after, before, describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { type Daemon, startDaemon, sleep, waitFor } from '../helpers/daemon';
import { fixture } from '../fixtures/build';
import { show, tail, waitState } from '../fixtures/svc-helpers';

const NA = fixture('notify-abuse');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'abuse-notify-'));
fs.chmodSync(tmp, 0o755);
const f = (n: string): string => path.join(tmp, n);
const ALL_KINDS = 'memfd,file,devnull,dir,pipe,socket,eventfd,timerfd,signalfd,epoll,inotify,pidfd';

const units: Record<string, string> = {
  // FileDescriptorStoreMax=0 (the default): every fd is closed.
  'fds-max0.service': `[Service]\nType=notify\nExecStart=${NA} fds:${ALL_KINDS} many:253 send:READY=1 pause\n`,
  // A store large enough for everything: epoll refuses memfd/file/devnull/dir (EPERM), they are stored
  // unwatched; an O_PATH fd (EBADF) is refused. Then 1,000 fds in one message (the kernel refuses: at most
  // 253 per message) and 1,000 in chunks of 250.
  'fds-big.service': `[Service]\nType=notify\nFileDescriptorStoreMax=4096\nTimeoutStopSec=5\n` +
    `ExecStart=${NA} fds:${ALL_KINDS} fds:opath many:1000 chunks:1000:250 send:READY=1 pause\n`,
  'trunc.service': `[Service]\nType=notify\nTimeoutStartSec=60\nTimeoutStopSec=5\n` +
    `ExecStart=${NA} "big:200000:READY=1\\nSTATUS=cut" "nul:STATUS=nul\\nREADY=1" wait:${f('trunc.go')} "big:4096:READY=1\\nSTATUS=whole" pause\n`,
  'garbage.service': `[Service]\nType=notify\nNotifyAccess=all\nTimeoutStartSec=120\nTimeoutStopSec=5\nWatchdogSec=0\n` +
    `ExecStart=${NA} random:20000:${(Math.random() * 1e9) >>> 0} send:READY=1 pause\n`,
  'spoof.service': `[Service]\nType=notify\nUser=65534\nTimeoutStartSec=30\nTimeoutStopSec=5\n` +
    `ExecStart=${NA} "spoof:1:READY=1\\nSTATUS=spoofed" wait:${f('spoof.go')} "send:READY=1\\nSTATUS=honest" pause\n`,
  'bystander.service': `[Service]\nType=notify\nExecStart=${NA} send:READY=1 pause\n`,
};

function fdCount(pid: number): number { try { return fs.readdirSync(`/proc/${pid}/fd`).length; } catch { return -1; } }
function rssKiB(pid: number): number {
  const m = /VmRSS:\s+(\d+)/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) : 0;
}

describe('abuse: notify socket', () => {
  let d: Daemon;
  before(async () => { d = await startDaemon({ units }); });
  after(async () => {
    if (d) await d.stop();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  async function alive(): Promise<void> {
    assert.equal(d.exitCode, null, `manager died:\n${tail(d)}`);
    const r = await d.ctl(['start', 'bystander.service']);
    assert.equal(r.code, 0, r.stderr + tail(d));
    assert.equal((await d.ctl(['is-active', 'bystander.service'])).stdout.trim(), 'active');
  }

  it('FDSTORE=1 with fds of every type (memfd, regular file, /dev/null, directory, O_PATH, …) never ends the manager', async () => {
    const pid = d.innerPid();
    await alive();
    const base = fdCount(pid);
    let r = await d.ctl(['start', 'fds-max0.service']);
    assert.equal(r.code, 0, r.stderr + tail(d));
    assert.equal((await show(d, 'fds-max0.service', ['NFileDescriptorStore']))['NFileDescriptorStore'], '0');
    r = await d.ctl(['start', 'fds-big.service']);
    assert.equal(r.code, 0, r.stderr + tail(d));
    await alive();
    // 12 kinds stored (4 of them unwatched), the O_PATH fd refused, 1,000 from the chunks.
    assert.equal((await show(d, 'fds-big.service', ['NFileDescriptorStore']))['NFileDescriptorStore'], '1012', tail(d));
    assert.match(d.output, /Failed to add fd to store: Bad file descriptor/);
    assert.ok(fdCount(pid) >= base + 1012);
    // Stopping releases the store (no fd leaks in the manager).
    for (const u of ['fds-max0.service', 'fds-big.service']) assert.equal((await d.ctl(['stop', u])).code, 0);
    assert.ok(await waitFor(() => fdCount(pid) <= base + 2, 10000), `manager fds: ${fdCount(pid)} (baseline ${base})`);
    await alive();
  });

  it('a truncated datagram (READY=1 in its first 4 KiB) and one with an embedded NUL are ignored; 4,096 bytes is whole', async () => {
    assert.equal((await d.ctl(['start', '--no-block', 'trunc.service'])).code, 0);
    await sleep(1500);
    const s = await show(d, 'trunc.service', ['ActiveState', 'StatusText']);
    assert.equal(s['ActiveState'], 'activating', tail(d));
    assert.equal(s['StatusText'], '');
    assert.match(d.output, /exceeded maximum size/);
    assert.match(d.output, /embedded NUL/);
    fs.writeFileSync(f('trunc.go'), '');
    const st = await waitState(d, 'trunc.service', 'active');
    assert.equal(st['ActiveState'], 'active', tail(d));
    assert.equal((await show(d, 'trunc.service', ['StatusText']))['StatusText'], 'whole');
    assert.equal((await d.ctl(['stop', 'trunc.service'])).code, 0);
  });

  it('20,000 random/mutated datagrams from a unit and 20,000 from outside any unit: the manager stays up, RSS bounded', async () => {
    const pid = d.innerPid();
    assert.equal((await d.ctl(['start', '--no-block', 'garbage.service'])).code, 0);
    // From a process that belongs to no unit (the test itself, outside the namespace).
    const outside = spawn(NA, [`random:20000:${(Math.random() * 1e9) >>> 0}`], { env: { ...process.env, NOTIFY_SOCKET: path.join(d.runDir, 'notify') }, stdio: 'ignore' });
    await new Promise((res) => outside.on('exit', res));
    assert.ok(await waitFor(async () => {
      const a = (await show(d, 'garbage.service', ['ActiveState']))['ActiveState'];
      return a !== 'activating';
    }, 120000, 500), tail(d));
    await alive();
    const rss = rssKiB(pid);
    assert.ok(rss < 400 * 1024, `manager RSS ${rss} KiB`);
    await d.ctl(['stop', 'garbage.service']);
    await d.ctl(['reset-failed', 'garbage.service']);
  });

  it('forged credentials: an unprivileged service cannot claim another pid (the kernel refuses), its own datagrams still count', async () => {
    assert.equal((await d.ctl(['start', '--no-block', 'spoof.service'])).code, 0);
    await sleep(1000);
    assert.equal((await show(d, 'spoof.service', ['ActiveState']))['ActiveState'], 'activating');
    assert.match(d.output, /spoof: Operation not permitted/);
    fs.writeFileSync(f('spoof.go'), '');
    await waitState(d, 'spoof.service', 'active');
    assert.equal((await show(d, 'spoof.service', ['StatusText']))['StatusText'], 'honest');
    await alive();
  });
});
