// E2E: systemd 252's fallbacks where namespaces cannot be made — tsysd as root WITHOUT CAP_SYS_ADMIN (its
// bounding set drops it, as in an unprivileged podman/docker container). As systemd does (execute.c):
// mount-namespace sandboxing (PrivateTmp=, ProtectSystem=, ProtectHome=, PrivateDevices=, ...) is skipped
// with "Failed to set up namespace, assuming containerized execution and ignoring."; PrivateNetwork= and
// ProtectHostname= warn and go on; settings that rearrange the file system (TemporaryFileSystem=,
// BindPaths= to another place, RootDirectory=, DynamicUser=) fail the unit with 226/NAMESPACE; seccomp
// settings still apply, with NoNewPrivileges= implied. Each fallback is logged once per unit.
import { after, before, describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import { startDaemon, type Daemon } from '../helpers/daemon';
import { runProbe } from '../fixtures/sandbox-probe-run';


const probe = (d: Daemon, name: string, settings: string, checks: string[]): Promise<Record<string, string>> => runProbe(d, name, settings, checks);

const count = (hay: string, needle: string): number => hay.split(needle).length - 1;

describe('sandboxing without CAP_SYS_ADMIN: systemd\'s container fallbacks', { timeout: 180000 }, () => {
  let d: Daemon;
  before(async () => { d = await startDaemon({ units: {}, net: true, runMountPoint: true, dropCaps: ['sys_admin'] }); });
  after(async () => { await d.stop(); });

  it('mount-namespace settings are skipped ("assuming containerized execution"), logged once per unit', async () => {
    const settings = 'PrivateTmp=yes\nProtectSystem=strict\nProtectHome=yes\nPrivateDevices=yes\nProtectKernelTunables=yes\nReadWritePaths=/var/lib';
    const r = await probe(d, 'redisish', settings, ['status:CapEff', 'write:/tmp', 'stat:/dev/null']);
    assert.equal(r['_rc'], '0', JSON.stringify(r) + d.output);
    assert.equal(r['write:/tmp'], 'ok');
    const again = await probe(d, 'redisish', settings, ['write:/tmp']);
    assert.equal(again['_rc'], '0');
    assert.equal(count(d.output, 'redisish.service: Failed to set up namespace, assuming containerized execution and ignoring.'), 1, d.output);
    assert.ok(!/redisish\.service.*(226|NAMESPACE)/.test(d.output), d.output);
  });

  it('PrivateNetwork= and ProtectHostname= warn and go on; seccomp still applies, NoNewPrivileges= implied', async () => {
    const r = await probe(d, 'netish', 'PrivateNetwork=yes\nProtectHostname=yes\nRestrictAddressFamilies=AF_UNIX AF_INET',
      ['syscall:sethostname', 'syscall:socket-netlink', 'syscall:socket-inet', 'status:NoNewPrivs', 'status:Seccomp']);
    assert.equal(r['_rc'], '0', JSON.stringify(r) + d.output);
    assert.equal(r['syscall:sethostname'], 'EPERM');
    assert.equal(r['syscall:socket-netlink'], 'EAFNOSUPPORT');
    assert.equal(r['syscall:socket-inet'], 'ok');
    assert.equal(r['status:NoNewPrivs'], '1');
    assert.equal(r['status:Seccomp'], '2');
    assert.equal(count(d.output, 'netish.service: PrivateNetwork=yes is configured, but network namespace setup failed, ignoring: Operation not permitted'), 1, d.output);
    assert.equal(count(d.output, 'netish.service: ProtectHostname=yes is configured, but UTS namespace setup is prohibited (container manager?), ignoring namespace setup.'), 1, d.output);
  });

  it('settings that rearrange the file system fail with 226/NAMESPACE', async () => {
    for (const [n, s] of [['tmpfsish', 'TemporaryFileSystem=/srv'], ['bindish', 'BindPaths=/etc:/srv/etc'], ['dynish', 'DynamicUser=yes']]) {
      const r = await probe(d, n as string, s as string, ['id']);
      assert.notEqual(r['_rc'], '0', `${n} must not start`);
      assert.match(r['_status'] ?? '', /ExecMainStatus=226/, `${n}: ${r['_status']}`);
      assert.equal(r['id'], undefined, `${n} ran: ${r['id']}`);
    }
  });
});
