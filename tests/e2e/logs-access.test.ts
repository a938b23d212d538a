// Log read access through the real daemon with real unprivileged peers (issue 12 #10): any local user
// could read every service's output through the log API. Now, as journald: root and members of adm /
// systemd-journal read all; uid 65534 (setpriv) reads only the output of units running as 65534 — through
// `logs`, `logs -u`, `status` and `logs -f` (subscription events).
import { after, before, describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { type Daemon, type CtlResult, startDaemon, TSYSCTL, waitFor } from '../helpers/daemon';

const units: Record<string, string> = {
  // The secrets are computed by the shell: `status` shows command lines to anyone (as systemctl does).
  'rootly.service': '[Service]\nType=oneshot\nRemainAfterExit=yes\nExecStart=/bin/sh -c "echo secret-$$((6*7))-root"\n',
  'nobodys.service': '[Service]\nType=oneshot\nRemainAfterExit=yes\nUser=65534\nExecStart=/bin/echo hello-from-nobody\n',
  'later.service': '[Service]\nType=oneshot\nExecStart=/bin/sh -c "echo later-$$((6*7))-secret"\n',
};

function gidOf(name: string): number | null {
  const r = spawnSync('getent', ['group', name], { encoding: 'utf8' });
  return r.status === 0 ? Number(r.stdout.split(':')[2]) : null;
}

/** tsysctl as uid/gid 65534 with the given supplementary groups. */
function ctlAs(d: Daemon, groups: number[], args: string[], timeoutMs = 15000): Promise<CtlResult> {
  return new Promise((resolve) => {
    const g = groups.length ? ['--groups', groups.join(',')] : ['--clear-groups'];
    const p = spawn('setpriv', ['--reuid', '65534', '--regid', '65534', ...g, process.execPath, TSYSCTL, '--socket', d.sock, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '', stderr = '';
    p.stdout.on('data', (b: Buffer) => { stdout += b.toString(); });
    p.stderr.on('data', (b: Buffer) => { stderr += b.toString(); });
    const t = setTimeout(() => p.kill('SIGTERM'), timeoutMs);
    p.on('close', (code) => { clearTimeout(t); resolve({ code: code ?? 1, stdout, stderr }); });
  });
}

describe('log read access (journald rule)', () => {
  let d: Daemon;
  before(async () => {
    d = await startDaemon({ units });
    for (const u of ['rootly.service', 'nobodys.service']) assert.equal((await d.ctl(['start', u])).code, 0);
  });
  after(async () => { if (d) await d.stop(); });

  it('root reads everything', async () => {
    const r = await d.ctl(['logs']);
    assert.match(r.stdout, /secret-42-root/);
    assert.match(r.stdout, /hello-from-nobody/);
  });

  it('uid 65534 reads only its own units\' output: logs, logs -u, status', async () => {
    const all = await ctlAs(d, [], ['logs']);
    assert.equal(all.code, 0, all.stderr);
    assert.match(all.stdout, /hello-from-nobody/);
    assert.doesNotMatch(all.stdout, /secret-42-root/);
    assert.doesNotMatch(all.stdout, /Started|Finished/, 'the manager\'s own lines are the system journal\'s');
    assert.doesNotMatch((await ctlAs(d, [], ['logs', '-u', 'rootly.service'])).stdout, /secret-42-root/);
    assert.doesNotMatch((await ctlAs(d, [], ['status', 'rootly.service'])).stdout, /secret-42-root/);
    assert.match((await ctlAs(d, [], ['status', 'nobodys.service'])).stdout, /hello-from-nobody/);
  });

  it('uid 65534 in group adm or systemd-journal reads everything', async () => {
    for (const g of ['adm', 'systemd-journal']) {
      const gid = gidOf(g);
      if (gid === null) continue;
      const r = await ctlAs(d, [gid], ['logs']);
      assert.match(r.stdout, /secret-42-root/, g);
    }
  });

  it('logs -f (subscription events) does not leak other units\' new lines', async () => {
    const p = spawn('setpriv', ['--reuid', '65534', '--regid', '65534', '--clear-groups', process.execPath, TSYSCTL, '--socket', d.sock, 'logs', '-f'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    p.stdout.on('data', (b: Buffer) => { out += b.toString(); });
    try {
      await new Promise((r) => setTimeout(r, 800));
      assert.equal((await d.ctl(['start', 'later.service'])).code, 0);
      assert.equal((await d.ctl(['restart', 'nobodys.service'])).code, 0);
      assert.ok(await waitFor(() => (out.match(/hello-from-nobody/g) ?? []).length >= 2, 10000), out);
      assert.doesNotMatch(out, /later-42-secret|secret-42-root/);
    } finally { p.kill('SIGTERM'); }
  });
});
