// E2E: Debian's packaging tools and the real /sbin/shutdown against tsysd's systemd face, with a root file
// system that may be written: the daemon's mount namespace has overlays (upper dirs on a tmpfs) on /usr, /var
// and /etc, and empty tmpfs on /etc/systemd/system and /usr/lib/systemd/system (so the host's enablement
// and vendor units stay out), plus the private /run/systemd and /run/dbus of `systemd: true`. Nothing on the
// host changes. What is checked: `deb-systemd-helper [--user] enable` (which runs the real `systemctl --root=/
// preset` offline, then daemon-reload over D-Bus), mask/unmask and reload through the real systemctl and
// Ansible, `apt-get install` of a daemon package (postinst modelled on dh_installsystemd's autoscripts) leaving
// the service enabled and running, and `shutdown -h now` (systemd-sysv's symlink to systemctl) stopping the
// manager in dependency order with status 0.
import { after, before, describe, test } from 'node:test';
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { TSYSCTL, startDaemon, sleep, type CtlResult, type Daemon } from '../helpers/daemon';

const have = (t: string): boolean => spawnSync('sh', ['-c', `command -v ${t}`]).status === 0;
const missing = ['systemctl', 'deb-systemd-helper', 'deb-systemd-invoke', 'dpkg-deb', 'apt-get', 'nsenter', 'dbus-daemon'].filter((t) => !have(t));
const dbusUnits = fs.existsSync('/lib/systemd/system/dbus.service') && fs.existsSync('/lib/systemd/system/dbus.socket');
const shutdownLink = fs.existsSync('/sbin/shutdown') && fs.realpathSync('/sbin/shutdown') === fs.realpathSync('/bin/systemctl');

/** The package: a daemon in /usr/sbin, its unit, and dh_installsystemd's postinst/prerm logic. */
function buildPackage(dir: string): string {
  const root = path.join(dir, 'pkg');
  const w = (rel: string, text: string, mode = 0o644): void => {
    fs.mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
    fs.writeFileSync(path.join(root, rel), text, { mode });
  };
  w('DEBIAN/control', 'Package: tsysd-testd\nVersion: 1.0\nArchitecture: all\nMaintainer: tsysd tests <tests@invalid>\n'
    + 'Description: daemon package for tsysd end-to-end tests\n');
  w('DEBIAN/postinst', `#!/bin/sh
set -e
if [ "$1" = "configure" ] || [ "$1" = "abort-upgrade" ] || [ "$1" = "abort-deconfigure" ] || [ "$1" = "abort-remove" ] ; then
  deb-systemd-helper unmask 'tsysd-testd.service' >/dev/null || true
  if deb-systemd-helper --quiet was-enabled 'tsysd-testd.service'; then
    deb-systemd-helper enable 'tsysd-testd.service' >/dev/null || true
  else
    deb-systemd-helper update-state 'tsysd-testd.service' >/dev/null || true
  fi
fi
if [ "$1" = "configure" ] || [ "$1" = "abort-upgrade" ] || [ "$1" = "abort-deconfigure" ] || [ "$1" = "abort-remove" ] ; then
  if [ -d /run/systemd/system ]; then
    systemctl --system daemon-reload >/dev/null || true
    if [ -n "$2" ]; then _dh_action=restart; else _dh_action=start; fi
    deb-systemd-invoke $_dh_action 'tsysd-testd.service' >/dev/null || true
  fi
fi
`, 0o755);
  w('DEBIAN/prerm', `#!/bin/sh
set -e
if [ -d /run/systemd/system ] && [ "$1" = remove ]; then
  deb-systemd-invoke stop 'tsysd-testd.service' >/dev/null || true
fi
`, 0o755);
  w('usr/sbin/tsysd-testd', '#!/bin/sh\nexec sleep 100000\n', 0o755);
  w('usr/lib/systemd/system/tsysd-testd.service', '[Unit]\nDescription=tsysd test daemon\n[Service]\nExecStart=/usr/sbin/tsysd-testd\n'
    + '[Install]\nWantedBy=multi-user.target\n');
  const deb = path.join(dir, 'tsysd-testd_1.0_all.deb');
  const r = spawnSync('dpkg-deb', ['--root-owner-group', '--build', root, deb], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return deb;
}

describe('Debian packaging tools and shutdown against tsysd (overlay root)', {
  skip: missing.length ? `missing ${missing.join(', ')}` : !dbusUnits ? 'dbus units not installed' : false, timeout: 240000,
}, () => {
  let d: Daemon;
  let ov = '';
  let ctl = '';
  let deb = '';
  const sc = (args: string[]): Promise<CtlResult> => d.inNs(['systemctl', '--no-pager', ...args], { env: { SYSTEMD_COLORS: '0' }, timeoutMs: 30000 });
  const ts = (args: string[]): Promise<CtlResult> =>
    d.inNs([process.execPath, ctl, '--socket', d.sock, '--no-pager', ...args], { env: { SYSTEMD_COLORS: '0' }, timeoutMs: 30000 });
  const sh = (script: string, timeoutMs = 60000): Promise<CtlResult> =>
    d.inNs(['sh', '-c', script], { env: { DEBIAN_FRONTEND: 'noninteractive' }, timeoutMs });
  const order = (): string => (fs.existsSync(path.join(ov, 'order')) ? fs.readFileSync(path.join(ov, 'order'), 'utf8') : '');

  before(async () => {
    ov = fs.mkdtempSync(path.join(os.tmpdir(), 'tsysd-deb-'));
    fs.chmodSync(ov, 0o755);
    deb = buildPackage(ov);
    const mark = (n: string): string => `ExecStop=/bin/sh -c 'echo ${n} >> ${ov}/order'`;
    const setup = [`mkdir -p ${ov}/ov && mount -t tmpfs tsysd-ov ${ov}/ov`,
      ...['usr', 'var', 'etc'].map((x) => `mkdir -p ${ov}/ov/u/${x} ${ov}/ov/w/${x} && mount -t overlay overlay -o lowerdir=/${x},upperdir=${ov}/ov/u/${x},workdir=${ov}/ov/w/${x} /${x}`),
      'mount -t tmpfs tsysd-ov /etc/systemd/system && mount -t tmpfs tsysd-ov /usr/lib/systemd/system',
      // a build host's policy-rc.d may deny starts (in this mount namespace only)
      '{ [ ! -e /usr/sbin/policy-rc.d ] || mount --bind /bin/true /usr/sbin/policy-rc.d; }'].join(' && ');
    d = await startDaemon({
      systemd: true, setup,
      units: {
        'multi-user.target': '[Unit]\nDescription=Multi-User System\nWants=dbus.socket first.service second.service\n',
        'dbus.service': fs.readFileSync('/lib/systemd/system/dbus.service', 'utf8'),
        'dbus.socket': fs.readFileSync('/lib/systemd/system/dbus.socket', 'utf8'),
        // stopped in reverse start order at shutdown: second (After=first) first
        'first.service': `[Unit]\nDescription=First\n[Service]\nExecStart=/bin/sleep 1000\n${mark('first')}\n`,
        'second.service': `[Unit]\nDescription=Second\nAfter=first.service\n[Service]\nExecStart=/bin/sleep 1000\n${mark('second')}\n`,
        'reloadable.service': `[Unit]\nDescription=Reloadable\n[Service]\nExecStart=/bin/sleep 1000\nExecReload=/bin/sh -c 'echo reloaded >> ${ov}/reloads'\n`,
      },
      // as systemd's search path: /etc (where enable and mask write) and /run first, the vendor dir last
      unitPathsFirst: ['/etc/systemd/system', '/run/systemd/system'],
      args: ['--target', 'multi-user.target', '--unit-path', '/usr/lib/systemd/system'],
    });
    ctl = path.join(d.dir, 'systemctl');
    fs.symlinkSync(TSYSCTL, ctl);
  });
  after(async () => {
    if (d) await d.stop();
    if (ov) fs.rmSync(ov, { recursive: true, force: true });
  });

  test('deb-systemd-helper enable and --user enable (real systemctl preset offline, daemon-reload over D-Bus)', async () => {
    const w = await sh("printf '[Unit]\\nDescription=Helper\\n[Service]\\nExecStart=/bin/sleep 1000\\n[Install]\\nWantedBy=multi-user.target\\n' > /usr/lib/systemd/system/dsh.service"
      + " && mkdir -p /usr/lib/systemd/user && printf '[Service]\\nExecStart=/bin/sleep 1000\\n[Install]\\nWantedBy=default.target\\n' > /usr/lib/systemd/user/dshu.service");
    assert.equal(w.code, 0, w.stderr);
    // deb-systemd-helper runs only from maintainer scripts (dpkg sets DPKG_MAINTSCRIPT_PACKAGE)
    const helper = (args: string[]): Promise<CtlResult> => d.inNs(['deb-systemd-helper', ...args], { env: { DPKG_MAINTSCRIPT_PACKAGE: 'tsysd-test' } });
    const en = await helper(['enable', 'dsh.service']);
    assert.equal(en.code, 0, en.stderr);
    assert.ok((await sh('test -L /etc/systemd/system/multi-user.target.wants/dsh.service')).code === 0, 'the wants link exists');
    assert.equal((await ts(['is-enabled', 'dsh.service'])).stdout, 'enabled\n', 'tsysd sees it (daemon-reload by the helper)');
    assert.equal((await sc(['is-enabled', 'dsh.service'])).stdout, 'enabled\n');
    assert.equal((await helper(['--quiet', 'was-enabled', 'dsh.service'])).code, 0);
    const user = await helper(['--user', 'enable', 'dshu.service']);
    assert.equal(user.code, 0, user.stderr);
    assert.equal((await sh('test -L /etc/systemd/user/default.target.wants/dshu.service')).code, 0, 'the global user link exists');
  });

  test('mask/unmask, reload and stop through the real systemctl and Ansible', { skip: !have('ansible') && 'ansible-core not installed', timeout: 180000 }, async () => {
    const m = await sc(['mask', 'dsh.service']);
    assert.equal(m.code, 0, m.stderr);
    for (const c of [sc, ts]) assert.equal((await c(['is-enabled', 'dsh.service'])).stdout, 'masked\n');
    assert.equal((await sc(['start', 'dsh.service'])).code, (await ts(['start', 'dsh.service'])).code);
    assert.equal((await sc(['unmask', 'dsh.service'])).code, 0);
    assert.equal((await ts(['is-enabled', 'dsh.service'])).stdout, 'enabled\n');
    const ans = (args: string): Promise<CtlResult> =>
      d.inNs(['ansible', 'localhost', '-c', 'local', '-o', '-m', 'systemd_service', '-a', args], { env: { ANSIBLE_NOCOLOR: '1', ANSIBLE_LOCALHOST_WARNING: 'false' }, timeoutMs: 120000 });
    const masked = await ans('name=dsh.service masked=yes');
    assert.equal(masked.code, 0, masked.stdout + masked.stderr);
    assert.match(masked.stdout, /CHANGED/);
    assert.equal((await ts(['is-enabled', 'dsh.service'])).stdout, 'masked\n');
    const unmasked = await ans('name=dsh.service masked=no');
    assert.equal(unmasked.code, 0, unmasked.stdout);
    assert.match(unmasked.stdout, /CHANGED/);
    assert.equal((await ts(['is-enabled', 'dsh.service'])).stdout, 'enabled\n');
    assert.equal((await ans('name=reloadable.service state=started')).code, 0);
    const rl = await ans('name=reloadable.service state=reloaded');
    assert.equal(rl.code, 0, rl.stdout);
    assert.equal(fs.readFileSync(path.join(ov, 'reloads'), 'utf8'), 'reloaded\n', 'ExecReload ran once');
    const stopped = await ans('name=reloadable.service state=stopped');
    assert.equal(stopped.code, 0, stopped.stdout);
    assert.match(stopped.stdout, /CHANGED/);
    assert.equal((await ts(['is-active', 'reloadable.service'])).stdout, 'inactive\n');
  });

  test('apt-get install of a daemon package leaves its service enabled and running', { timeout: 180000 }, async () => {
    fs.copyFileSync(deb, path.join(d.dir, 'tsysd-testd.deb'));
    const inst = await sh(`apt-get install -y ${d.dir}/tsysd-testd.deb`, 150000);
    assert.equal(inst.code, 0, inst.stdout + inst.stderr);
    for (const c of [sc, ts]) {
      assert.equal((await c(['is-enabled', 'tsysd-testd.service'])).stdout, 'enabled\n');
      assert.equal((await c(['is-active', 'tsysd-testd.service'])).stdout, 'active\n');
    }
    const pid = Number((await ts(['show', '-p', 'MainPID', '--value', 'tsysd-testd.service'])).stdout.trim());
    assert.ok(pid > 0);
    assert.equal((await d.inNs(['cat', `/proc/${pid}/comm`])).stdout, 'sleep\n', 'the daemon process runs');
  });

  test('shutdown -h now (systemd-sysv\'s link to the real systemctl) stops the manager in order, status 0', { skip: !shutdownLink && 'systemd-sysv not installed' }, async () => {
    for (const u of ['first.service', 'second.service']) assert.equal((await ts(['is-active', u])).stdout, 'active\n');
    const r = await d.inNs(['/sbin/shutdown', '-h', 'now'], { timeoutMs: 30000 });
    assert.equal(r.code, 0, r.stderr);
    let code: number | null = null;
    for (let i = 0; i < 300 && code === null; i++) { code = d.exitCode; if (code === null) await sleep(100); }
    assert.equal(code, 0, `the manager exited with status 0:\n${d.output.slice(-2000)}`);
    assert.equal(order(), 'second\nfirst\n', 'second (After=first) stopped before first');
  });
});
