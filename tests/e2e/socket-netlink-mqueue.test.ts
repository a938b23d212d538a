// E2E: ListenNetlink= and ListenMessageQueue= — the socket unit creates a bound AF_NETLINK socket and a
// POSIX message queue, and the service receives both at fds 3 and 4 with LISTEN_FDS/LISTEN_FDNAMES;
// RemoveOnStop=yes removes the queue (mq_unlink) when the socket stops, as systemd's socket_close_fds().
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { prop, startDaemon, waitFor } from '../helpers/daemon';

test('ListenNetlink=route 1 and ListenMessageQueue=/name are handed to the service as fds 3 and 4', async () => {
  const q = `/tsysd-e2e-${process.pid}`;
  const d = await startDaemon({
    ipc: true,   // the queue lives in the daemon's private IPC namespace and dies with it
    units: {
      'nl.socket': `[Socket]\nListenNetlink=route 1\nListenMessageQueue=${q}\nFileDescriptorName=events\nRemoveOnStop=yes\n`,
      'nl.service': '[Service]\nExecStart=/bin/sh -c \'echo "fds=$LISTEN_FDS names=$LISTEN_FDNAMES"; readlink /proc/self/fd/3 /proc/self/fd/4 > "$OUT"; exec sleep 60\'\nEnvironment=OUT=@OUT@\n',
    },
  });
  const out = path.join(d.dir, 'fds.txt');
  try {
    const p = path.join(d.unitDir, 'nl.service');
    fs.writeFileSync(p, fs.readFileSync(p, 'utf8').replace('@OUT@', out));
    await d.ctl(['daemon-reload']);
    const r = await d.ctl(['start', 'nl.socket']);
    assert.equal(r.code, 0, r.stderr + d.output.slice(-1500));
    assert.equal(await prop(d, 'nl.socket', 'SubState'), 'listening');
    assert.equal((await d.ctl(['start', 'nl.service'])).code, 0);
    assert.ok(await waitFor(() => fs.existsSync(out) && fs.readFileSync(out, 'utf8').trim().split('\n').length === 2, 10000), d.output.slice(-1500));
    const [fd3, fd4] = fs.readFileSync(out, 'utf8').trim().split('\n');
    assert.match(fd3 ?? '', /^socket:\[\d+\]$/, 'fd 3 is the netlink socket');
    assert.equal(fd4, q, 'fd 4 is the message queue');
    assert.ok(await waitFor(async () => (await d.ctl(['logs', '-u', 'nl.service'])).stdout.includes('fds=2 names=events:events'), 5000));
    // The queue is listed in the daemon's IPC namespace (an mqueue fs mounted in its private mount namespace)
    // while the socket is up, and gone after `stop`.
    const queues = async (): Promise<string> => execFileSync('nsenter', ['-t', String(d.innerPid()), '-m', '-i', '--', 'sh', '-c',
      'mkdir -p "$1" && { mountpoint -q "$1" || mount -t mqueue none "$1"; } && ls "$1"', 'sh', path.join(d.dir, 'mq')], { encoding: 'utf8' });
    assert.ok((await queues()).split('\n').includes(q.slice(1)), 'the queue exists while listening');
    assert.equal((await d.ctl(['stop', 'nl.socket', 'nl.service'])).code, 0);
    assert.equal((await queues()).split('\n').includes(q.slice(1)), false, 'RemoveOnStop=yes unlinked the queue');
  } finally {
    await d.stop();
  }
});
