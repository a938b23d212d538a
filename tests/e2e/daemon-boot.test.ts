// E2E: the daemon itself — boot of a target, system state, control-socket ownership, daemon-reload,
// broken unit files, service output in logs — driven through the real tsysctl.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { prop, runCtl, sleep, startDaemon, TSYSD, waitFor } from '../helpers/daemon';

const svc = (body: string, unit = ''): string => `[Unit]\n${unit}\n[Service]\n${body}\n`;

test('boots the target, reaches running, services are active and their output is logged', async () => {
  const d = await startDaemon({
    units: {
      'app.target': '[Unit]\nDescription=App\nWants=web.service once.service\n',
      'web.service': svc('ExecStart=/bin/sh -c "echo web-up; exec sleep 60"', 'Description=Web server'),
      'once.service': svc('Type=oneshot\nRemainAfterExit=yes\nExecStart=/bin/echo once-ran'),
    },
    args: ['--target', 'app.target'],
  });
  try {
    const r = await d.ctl(['is-system-running']);
    assert.equal(r.stdout.trim(), 'running');
    assert.equal(r.code, 0);
    const a = await d.ctl(['is-active', 'web.service', 'once.service', 'app.target']);
    assert.equal(a.stdout, 'active\nactive\nactive\n');
    assert.equal(a.code, 0);
    assert.equal(await prop(d, 'once.service', 'SubState'), 'exited');
    assert.ok(Number(await prop(d, 'web.service', 'MainPID')) > 1);
    assert.ok(await waitFor(async () => (await d.ctl(['logs', '-u', 'web.service', '--no-pager'])).stdout.includes('web-up')), 'web output in logs');
    const st = await d.ctl(['status', 'web.service']);
    assert.equal(st.code, 0);
    assert.match(st.stdout, /● web\.service - Web server/);
    assert.match(st.stdout, /Active: active \(running\)/);
    assert.match(st.stdout, /web-up/);
  } finally {
    assert.equal(await d.stop(), 0);
  }
});

test('a failing unit makes the system degraded, not dead; the manager keeps serving', async () => {
  const d = await startDaemon({
    units: {
      'app.target': '[Unit]\nWants=bad.service good.service\n',
      'bad.service': svc('Type=oneshot\nExecStart=/bin/false'),
      'good.service': svc('ExecStart=/bin/sleep 60'),
    },
    args: ['--target', 'app.target'],
  });
  try {
    const r = await d.ctl(['is-system-running']);
    assert.equal(r.stdout.trim(), 'degraded');
    assert.equal(r.code, 1);
    const f = await d.ctl(['is-failed', 'bad.service']);
    assert.equal(f.code, 0);
    assert.equal(await prop(d, 'bad.service', 'Result'), 'exit-code');
    assert.equal((await d.ctl(['is-active', 'good.service'])).code, 0);
    await d.ctl(['reset-failed', 'bad.service']);
    assert.equal((await d.ctl(['is-system-running'])).stdout.trim(), 'running');
  } finally {
    await d.stop();
  }
});

test('a second manager on the same control socket is refused; a stale socket file is replaced', async () => {
  const d = await startDaemon({ units: { 'x.service': svc('ExecStart=/bin/sleep 60') } });
  try {
    const r = spawnSync(process.execPath, [TSYSD, '--system', '--unit-path', d.unitDir, '--control-socket', d.sock, '--runtime-dir', path.join(d.dir, 'run2')], { encoding: 'utf8', timeout: 10000 });
    assert.equal(r.status, 1);
    assert.match(r.stderr, /another manager is already listening on/);
    assert.equal((await d.ctl(['is-system-running'])).code, 0, 'first manager unaffected');
  } finally {
    await d.stop();
  }
  // Stale: a socket file nobody listens on (left by a killed manager).
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tsysd-stale-'));
  try {
    const sock = path.join(dir, 'control.sock');
    spawnSync('python3', ['-c', `import socket; s=socket.socket(socket.AF_UNIX); s.bind(${JSON.stringify(sock)})`]);
    assert.ok(fs.existsSync(sock));
    fs.mkdirSync(path.join(dir, 'units'));
    const p = spawn('unshare', ['--pid', '--fork', '--mount-proc', '--kill-child=SIGKILL', process.execPath, TSYSD, '--system',
      '--unit-path', path.join(dir, 'units'), '--control-socket', sock, '--runtime-dir', path.join(dir, 'run'), '--dbus-private', 'no'], { stdio: 'ignore' });
    try {
      assert.ok(await waitFor(async () => (await runCtl(['--socket', sock, 'is-system-running'])).stdout.trim() === 'running', 10000), 'manager took over the stale socket');
    } finally {
      // unshare --fork ignores SIGTERM itself: signal tsysd (its child, PID 1 of the namespace) directly.
      const exited = new Promise((r) => p.on('exit', r));
      const kids = fs.readFileSync(`/proc/${p.pid}/task/${p.pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean);
      for (const k of kids) process.kill(Number(k), 'SIGTERM');
      await exited;
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('daemon-reload: new units can be started, changed units are flagged and take effect on next start', async () => {
  const d = await startDaemon({ units: { 'a.service': svc('ExecStart=/bin/sh -c "echo version-1; exec sleep 60"') } });
  try {
    assert.equal((await d.ctl(['start', 'a.service'])).code, 0);
    fs.writeFileSync(path.join(d.unitDir, 'a.service'), svc('ExecStart=/bin/sh -c "echo version-2; exec sleep 60"'));
    fs.writeFileSync(path.join(d.unitDir, 'b.service'), svc('ExecStart=/bin/sleep 60'));
    // make sure the mtime moves past the load time even on coarse clocks
    const later = new Date(Date.now() + 2000);
    fs.utimesSync(path.join(d.unitDir, 'a.service'), later, later);
    assert.equal(await prop(d, 'a.service', 'NeedDaemonReload'), 'yes');
    assert.equal((await d.ctl(['daemon-reload'])).code, 0);
    assert.equal((await d.ctl(['is-active', 'a.service'])).code, 0, 'running unit keeps running');
    assert.equal((await d.ctl(['start', 'b.service'])).code, 0, 'new unit can be started');
    assert.equal((await d.ctl(['restart', 'a.service'])).code, 0);
    assert.ok(await waitFor(async () => (await d.ctl(['logs', '-u', 'a.service'])).stdout.includes('version-2')), 'restart uses the new ExecStart');
  } finally {
    await d.stop();
  }
});

test('a broken unit file is a located warning; the unit fails to load and the rest keeps working', async () => {
  const d = await startDaemon({
    units: {
      'broken.service': '[Unit]\nDescription=broken\n[Service]\nExecStart=relative/path arg\n',
      'nokey.service': '[Service]\nNoSuchKey=1\nExecStart=/bin/sleep 60\n',
      'ok.service': svc('ExecStart=/bin/sleep 60'),
    },
  });
  try {
    const b = await d.ctl(['start', 'broken.service']);
    assert.notEqual(b.code, 0);
    assert.match(b.stderr, /broken\.service/);
    assert.equal(await prop(d, 'broken.service', 'LoadState'), 'bad-setting');
    assert.equal((await d.ctl(['start', 'nokey.service'])).code, 0, 'unknown key only warns');
    assert.match(d.output, /nokey\.service:2: Unknown key 'NoSuchKey' in section \[Service\], ignoring\./);
    assert.equal((await d.ctl(['start', 'ok.service'])).code, 0);
    const missing = await d.ctl(['start', 'missing.service']);
    assert.equal(missing.code, 5);
    assert.match(missing.stderr, /Unit missing\.service not found\./);
  } finally {
    await d.stop();
  }
});

test('tsysctl exit N makes the manager exit with N after stopping units', async () => {
  const d = await startDaemon({ units: { 's.service': svc('ExecStart=/bin/sleep 60') } });
  let code = -1;
  try {
    assert.equal((await d.ctl(['start', 's.service'])).code, 0);
    assert.equal((await d.ctl(['exit', '7'])).code, 0);
    const c = await d.waitExit(15000);
    assert.equal(c, 7);
    code = c ?? -1;
  } finally {
    await d.stop();
  }
  assert.equal(code, 7);
  await sleep(0);
});

test('after boot the manager sends READY=1 to its own $NOTIFY_SOCKET, like systemd as PID 1 of a container', async () => {
  const { createRealPlatform } = require('../../src/platform/real') as typeof import('../../src/platform/real');
  const p = createRealPlatform({ reaper: false });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tsysd-parent-'));
  const sockPath = path.join(dir, 'notify');
  const r = p.openNotifySocket(sockPath);
  assert.ok('fd' in r, 'receiver socket');
  try {
    const d = await startDaemon({
      units: { 'app.target': '[Unit]\nWants=s.service\n', 's.service': svc('ExecStart=/bin/sleep 60') },
      args: ['--target', 'app.target'],
      env: { NOTIFY_SOCKET: sockPath },
    });
    try {
      let got = '';
      assert.ok(await waitFor(() => {
        const m = p.recvNotify(r.fd);
        if (m) got += m.data.toString();
        return got.includes('READY=1');
      }, 10000), `no READY=1 received (got ${JSON.stringify(got)})`);
      assert.match(got, /STATUS=Startup finished/);
    } finally {
      await d.stop();
    }
  } finally {
    p.close(r.fd);
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
