// E2E: clients nobody here wrote, against tsysd's systemd D-Bus face. tsysd runs as PID 1 of a private PID
// namespace whose mount namespace has its own tmpfs on /run/systemd and /run/dbus (so nothing touches the
// host's), with /run/systemd/private, /run/systemd/system (--sd-booted) and Debian's dbus.service started by
// tsysd itself. The real systemctl 252 (stdout and exit code compared with tsysctl installed as systemctl,
// for units in every state), systemd-run --wait, busctl; the effect of each change is checked.
import { after, before, describe, test } from 'node:test';
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ROOT, TSYSCTL, startDaemon, sleep, type CtlResult, type Daemon } from '../helpers/daemon';

const have = (t: string): boolean => spawnSync('sh', ['-c', `command -v ${t}`]).status === 0;
const missing = ['systemctl', 'systemd-run', 'busctl', 'nsenter', 'dbus-daemon'].filter((t) => !have(t));
const dbusUnits = fs.existsSync('/lib/systemd/system/dbus.service') && fs.existsSync('/lib/systemd/system/dbus.socket');

const UNITS: Record<string, string> = {
  'active.service': '[Unit]\nDescription=Active sleeper\n[Service]\nExecStart=/bin/sleep 1000\n[Install]\nWantedBy=multi-user.target\n',
  'exitfail.service': '[Unit]\nDescription=Fails with 3\n[Service]\nType=oneshot\nExecStart=/bin/sh -c "exit 3"\n',
  'inactive.service': '[Unit]\nDescription=Never started\n[Service]\nExecStart=/bin/sleep 1000\n[Install]\nWantedBy=multi-user.target\n',
  'echo.socket': '[Unit]\nDescription=Echo socket\n[Socket]\nListenStream=/run/systemd/tsysd-test-echo.sock\nAccept=no\n[Install]\nWantedBy=sockets.target\n',
  'echo.service': '[Unit]\nDescription=Echo service\n[Service]\nExecStart=/bin/cat\nStandardInput=socket\n',
  'multi-user.target': '[Unit]\nDescription=Multi-User System\nWants=dbus.socket echo.socket\n',
};
if (dbusUnits) {
  UNITS['dbus.service'] = fs.readFileSync('/lib/systemd/system/dbus.service', 'utf8');
  UNITS['dbus.socket'] = fs.readFileSync('/lib/systemd/system/dbus.socket', 'utf8');
}

describe('the real systemctl, systemd-run and busctl against tsysd', { skip: missing.length ? `missing ${missing.join(', ')}` : false, timeout: 240000 }, () => {
  let d: Daemon;
  let ctlAsSystemctl = '';
  const sc = (args: string[], env: Record<string, string> = {}): Promise<CtlResult> =>
    d.inNs(['systemctl', '--no-pager', ...args], { env: { SYSTEMD_COLORS: '0', ...env }, timeoutMs: 30000 });
  const ts = (args: string[]): Promise<CtlResult> =>
    d.inNs([process.execPath, ctlAsSystemctl, '--socket', d.sock, '--no-pager', ...args], { env: { SYSTEMD_COLORS: '0' }, timeoutMs: 30000 });
  /** Same stdout and exit code from both clients (stderr too unless told). */
  async function same(args: string[], opts: { stderr?: boolean; filter?: (s: string) => string } = {}): Promise<CtlResult> {
    const a = await sc(args);
    const b = await ts(args);
    const f = opts.filter ?? ((s: string) => s);
    assert.equal(f(a.stdout), f(b.stdout), `stdout of ${args.join(' ')}`);
    assert.equal(a.code, b.code, `exit code of ${args.join(' ')}: systemctl ${a.code} (${a.stderr.trim()}), tsysctl ${b.code} (${b.stderr.trim()})`);
    if (opts.stderr) assert.equal(a.stderr, b.stderr, `stderr of ${args.join(' ')}`);
    return a;
  }

  before(async () => {
    d = await startDaemon({ units: UNITS, symlinks: { 'masked.service': '/dev/null' }, systemd: true, args: ['--target', 'multi-user.target'] });
    ctlAsSystemctl = path.join(d.dir, 'systemctl');
    fs.symlinkSync(TSYSCTL, ctlAsSystemctl);
  });
  after(async () => { if (d) await d.stop(); });

  test('start and stop wait for the job; the process really runs; a failing start exits 1 as tsysctl does', async () => {
    const r = await sc(['start', 'active.service']);
    assert.equal(r.code, 0, r.stderr);
    const pid = Number((await ts(['show', '-p', 'MainPID', '--value', 'active.service'])).stdout.trim());
    assert.ok(pid > 0);
    assert.equal((await d.inNs(['kill', '-0', String(pid)])).code, 0, 'the main process exists');
    const f = await sc(['start', 'exitfail.service']);
    const g = await ts(['start', 'exitfail.service']);
    assert.equal(f.code, 1);
    assert.equal(g.code, f.code);
    assert.match(f.stderr, /Job for exitfail.service failed because the control process exited with error code/);
    assert.equal(f.stderr, g.stderr);
    assert.equal((await sc(['start', 'nope.service'])).code, (await ts(['start', 'nope.service'])).code);
    assert.equal((await sc(['start', 'masked.service'])).code, (await ts(['start', 'masked.service'])).code);
  });

  test('is-active / is-failed / is-enabled / show / show -p / status / list-dependencies: same stdout and exit code for units in every state', async () => {
    const units = ['active.service', 'exitfail.service', 'inactive.service', 'masked.service', 'nope.service', 'echo.socket', 'echo.service',
      'multi-user.target', 'system.slice', 'dbus.service'].filter((u) => dbusUnits || u !== 'dbus.service');
    for (const u of units) {
      // the whole of `show`: every property systemd 252 prints, in its order, with its formatting
      await same(['show', u]);
      await same(['is-active', u]);
      await same(['is-failed', u]);
      await same(['is-enabled', u]);
      await same(['show', '-p', 'Id,LoadState,ActiveState,SubState,Result,MainPID,ExecMainStatus,ExecMainCode,CPUUsageNSec,UnitFileState,Description,CanStart,CanStop,CanReload,NRestarts,Type,Restart,TimeoutStartUSec,RemainAfterExit,Listen,Accept,Triggers,TriggeredBy,Names,FragmentPath,Wants,WantedBy', u]);
      // status: the header and state lines ("since … ago" differs by the time between the two runs)
      // the accounting lines must be there or not alike; their values move
      await same(['status', '-n0', u], { filter: (s) => s.split('\n').filter((l) => !/ago$/.test(l)).map((l) => l.replace(/^(\s+(Tasks|Memory|CPU):).*/, '$1 …')).join('\n') });
    }
    await same(['is-active', 'active.service', 'inactive.service']);
    await same(['list-dependencies', 'multi-user.target']);
  });

  test('list-units, list-unit-files, list-sockets, list-jobs, get-default, is-system-running, the manager\'s show', async () => {
    await same(['list-units', '--all'], { filter: (s) => s.replace(/tsysctl/g, 'systemctl') });
    await same(['list-units', '--all', '--plain', '--no-legend', '--type=service']);
    await same(['list-units', '--state=failed']);
    await same(['list-unit-files']);
    await same(['list-unit-files', '--state=disabled', '*.service']);
    await same(['list-sockets']);
    await same(['list-jobs']);
    await same(['is-system-running']);
    // the manager's own properties: the same list, order and values, Version aside (D-Bus clients get
    // systemd's version number, tsysctl says tsysd's)
    await same(['show'], { filter: (s) => s.replace(/^Version=.*\n/, '') });
    await same(['show', '-p', 'NNames,SystemState,UserspaceTimestamp,FinishTimestampMonotonic,DefaultTimeoutStartUSec,Environment,UnitPath']);
  });

  test('add-wants, link and revert over D-Bus (LinkUnitFiles, RevertUnitFiles, AddDependencyUnitFiles)', async () => {
    const w = await sc(['add-wants', 'multi-user.target', 'inactive.service']);
    assert.deepEqual({ code: w.code, stderr: w.stderr },
      { code: 0, stderr: `Created symlink ${d.unitDir}/multi-user.target.wants/inactive.service \u2192 ${d.unitDir}/inactive.service.\n` });
    assert.equal((await ts(['is-enabled', 'inactive.service'])).stdout, 'enabled\n');
    assert.equal((await sc(['disable', 'inactive.service'])).code, 0);
    const ext = path.join(d.dir, 'outside.service');
    fs.writeFileSync(ext, '[Service]\nExecStart=/bin/true\n');
    const l = await sc(['link', ext]);
    assert.deepEqual({ code: l.code, stderr: l.stderr }, { code: 0, stderr: `Created symlink ${d.unitDir}/outside.service \u2192 ${ext}.\n` });
    assert.equal((await ts(['is-enabled', 'outside.service'])).stdout, 'linked\n');
    fs.mkdirSync(path.join(d.unitDir, 'inactive.service.d'));
    fs.writeFileSync(path.join(d.unitDir, 'inactive.service.d', 'x.conf'), '[Unit]\nDescription=X\n');
    const r = await sc(['revert', 'inactive.service']);
    assert.deepEqual({ code: r.code, stderr: r.stderr },
      { code: 0, stderr: `Removed "${d.unitDir}/inactive.service.d/x.conf".\nRemoved "${d.unitDir}/inactive.service.d".\n` });
  });

  test('freeze/thaw/clean over D-Bus: the same messages and exit codes as tsysctl', async () => {
    await same(['freeze', 'inactive.service'], { stderr: true });
    await same(['thaw', 'nope.service'], { stderr: true });
    await same(['clean', 'inactive.service'], { stderr: true });
    await same(['clean', '--what=bogus', 'inactive.service'], { stderr: true });
  });

  test('enable/disable/daemon-reload/kill/reset-failed change what they should', async () => {
    const e = await sc(['enable', 'inactive.service']);
    assert.equal(e.code, 0, e.stderr);
    assert.match(e.stderr, /Created symlink .*multi-user.target.wants\/inactive.service/);
    assert.equal((await ts(['is-enabled', 'inactive.service'])).stdout, 'enabled\n');
    const dis = await sc(['disable', 'inactive.service']);
    assert.equal(dis.code, 0, dis.stderr);
    assert.match(dis.stderr, /Removed ".*multi-user.target.wants\/inactive.service"/);
    assert.equal((await ts(['is-enabled', 'inactive.service'])).stdout, 'disabled\n');
    assert.equal((await sc(['daemon-reload'])).code, 0);
    // kill: SIGTERM to the sleeper; it dies (killed by signal: failed, as under systemd)
    const pid = Number((await ts(['show', '-p', 'MainPID', '--value', 'active.service'])).stdout.trim());
    assert.equal((await sc(['kill', 'active.service'])).code, 0);
    for (let i = 0; i < 100 && (await d.inNs(['kill', '-0', String(pid)])).code === 0; i++) await sleep(50);
    assert.notEqual((await d.inNs(['kill', '-0', String(pid)])).code, 0, 'the main process is gone');
    await same(['is-active', 'active.service']);
    // a unit killed by a signal: Duration, the Process line of ExecStart, Main PID (code=killed), no CGroup
    const ago = (s: string): string => s.replace(/; [^;]* ago$/gm, '');
    await same(['status', '-n0', 'active.service'], { filter: ago });
    await same(['show', 'active.service']);
    assert.equal((await sc(['reset-failed', 'exitfail.service'])).code, 0);
    assert.equal((await ts(['is-failed', 'exitfail.service'])).stdout, 'inactive\n');
    await same(['kill', 'nope.service']);
    await same(['reset-failed', 'nope.service']);
    // restart and stop wait for their jobs
    assert.equal((await sc(['restart', 'active.service'])).code, 0);
    assert.equal((await ts(['is-active', 'active.service'])).stdout, 'active\n');
    assert.equal((await sc(['stop', 'active.service'])).code, 0);
    assert.equal((await ts(['is-active', 'active.service'])).stdout, 'inactive\n');
    await same(['status', '-n0', 'active.service'], { filter: ago });
  });

  test('systemd-run: transient units; --wait true → 0, --wait false → 1 (through the system bus); transient timers', { skip: !dbusUnits && 'dbus units not installed' }, async () => {
    const plain = await d.inNs(['systemd-run', '--unit=tsysd-run-1', '-p', 'Type=oneshot', '--remain-after-exit', 'true']);
    assert.equal(plain.code, 0, plain.stderr);
    assert.equal((await ts(['is-active', 'tsysd-run-1.service'])).stdout, 'active\n');
    // the bus comes up with dbus.socket; give tsysd a moment to join it
    let ok = false;
    for (let i = 0; i < 100 && !ok; i++) {
      ok = (await d.inNs(['busctl', 'status', 'org.freedesktop.systemd1'])).code === 0;
      if (!ok) await sleep(100);
    }
    assert.ok(ok, 'tsysd owns org.freedesktop.systemd1 on the system bus');
    const t = await d.inNs(['systemd-run', '--wait', 'true'], { timeoutMs: 30000 });
    assert.equal(t.code, 0, t.stderr);
    const f = await d.inNs(['systemd-run', '--wait', 'false'], { timeoutMs: 30000 });
    assert.equal(f.code, 1, f.stderr);
    assert.match(f.stderr, /Finished with result: exit-code/);
    // a transient timer (systemd-run --on-active / --on-calendar): the schedule reads the same both ways
    for (const [unit, when] of [['tsysd-tmr1', '--on-active=1h'], ['tsysd-tmr2', '--on-calendar=*-*-* 04:00:00']]) {
      const tm = await d.inNs(['systemd-run', `--unit=${unit}`, when as string, '/bin/true']);
      assert.equal(tm.code, 0, tm.stderr);
      await same(['show', `${unit}.timer`]);
      await same(['status', '-n0', `${unit}.timer`], { filter: (s) => s.replace(/; [^;]* (ago|left)$/gm, '') });
      // (the 1 h timer alone: its LEFT column cannot cross a minute boundary between the two reads)
      if (unit === 'tsysd-tmr1') await same(['list-timers', '--all']);
    }
  });

  test('busctl: tree, introspect (systemd 252 signatures), get-property of a not-found unit, call', { skip: !dbusUnits && 'dbus units not installed' }, async () => {
    const tree = await d.inNs(['busctl', '--no-pager', 'tree', 'org.freedesktop.systemd1']);
    assert.equal(tree.code, 0, tree.stderr);
    assert.match(tree.stdout, /\/org\/freedesktop\/systemd1\/unit\/active_2eservice/);
    const intro = await d.inNs(['busctl', '--no-pager', 'introspect', 'org.freedesktop.systemd1', '/org/freedesktop/systemd1/unit/active_2eservice', 'org.freedesktop.systemd1.Service']);
    assert.equal(intro.code, 0, intro.stderr);
    assert.match(intro.stdout, /\.ExecStart\s+property\s+a\(sasbttttuii\)/);
    // Every systemd1 interface block, live, is byte-identical to systemd 252's own introspection (the XML
    // fixtures were taken with busctl from systemd 252): every property, with its signature and annotations.
    const objects: Array<[string, string]> = [['/org/freedesktop/systemd1', 'manager'], ['/org/freedesktop/systemd1/unit/active_2eservice', 'service'],
      ['/org/freedesktop/systemd1/unit/echo_2esocket', 'socket'], ['/org/freedesktop/systemd1/unit/multi_2duser_2etarget', 'target'],
      ['/org/freedesktop/systemd1/unit/system_2eslice', 'slice'], ['/org/freedesktop/systemd1/unit/nope_2eservice', 'notfound']];
    const blocks = (xml: string): Map<string, string> =>
      new Map([...xml.matchAll(/ <interface name="(org\.freedesktop\.systemd1\.[^"]+)">[\s\S]*?<\/interface>\n/g)].map((m) => [m[1] as string, m[0]]));
    for (const [obj, fixture] of objects) {
      const live = await d.inNs(['busctl', '--xml-interface', 'introspect', 'org.freedesktop.systemd1', obj]);
      assert.equal(live.code, 0, live.stderr);
      const want = blocks(fs.readFileSync(path.join(ROOT, 'tests', 'fixtures', 'dbus', `${fixture}.xml`), 'utf8'));
      const got = blocks(live.stdout);
      assert.deepEqual([...got.keys()], [...want.keys()], `${obj}: interfaces`);
      for (const [name, xml] of want) assert.equal(got.get(name), xml, `${obj}: ${name} as systemd 252 has it`);
    }
    const nf = await d.inNs(['busctl', 'get-property', 'org.freedesktop.systemd1', '/org/freedesktop/systemd1/unit/nope_2eservice', 'org.freedesktop.systemd1.Unit', 'LoadState']);
    assert.equal(nf.stdout, 's "not-found"\n');
    const call = await d.inNs(['busctl', 'call', 'org.freedesktop.systemd1', '/org/freedesktop/systemd1', 'org.freedesktop.systemd1.Manager', 'GetUnitFileState', 's', 'inactive.service']);
    assert.equal(call.stdout, 's "disabled"\n');
    // reads are open to everyone on the bus, writes are root's
    const nobody = ['setpriv', '--reuid=65534', '--regid=65534', '--clear-groups'];
    assert.equal((await d.inNs([...nobody, 'systemctl', 'is-active', 'echo.socket'])).stdout, 'active\n');
    const denied = await d.inNs([...nobody, 'systemctl', 'stop', 'echo.socket']);
    assert.equal(denied.code, 4);
    assert.equal((await ts(['is-active', 'echo.socket'])).stdout, 'active\n');
  });

  test('Debian\'s service, invoke-rc.d and deb-systemd-invoke drive tsysd through systemctl', { skip: !have('invoke-rc.d') && 'init-system-helpers not installed' }, async () => {
    // The host's policy-rc.d (a build-container policy) may deny starts: in the daemon's mount namespace only.
    if (fs.existsSync('/usr/sbin/policy-rc.d')) assert.equal((await d.inNs(['mount', '--bind', '/bin/true', '/usr/sbin/policy-rc.d'])).code, 0);
    assert.equal((await d.inNs(['invoke-rc.d', 'inactive', 'start'])).code, 0);
    assert.equal((await ts(['is-active', 'inactive.service'])).stdout, 'active\n');
    assert.equal((await d.inNs(['service', 'inactive', 'stop'])).code, 0);
    assert.equal((await ts(['is-active', 'inactive.service'])).stdout, 'inactive\n');
    // deb-systemd-invoke starts only enabled units, as under systemd
    const dis = await d.inNs(['deb-systemd-invoke', 'start', 'inactive.service']);
    assert.equal(dis.code, 0);
    assert.match(dis.stderr, /disabled or a static unit, not starting it/);
    assert.equal((await ts(['is-active', 'inactive.service'])).stdout, 'inactive\n');
    await ts(['enable', 'inactive.service']);
    assert.equal((await d.inNs(['deb-systemd-invoke', 'start', 'inactive.service'])).code, 0);
    assert.equal((await ts(['is-active', 'inactive.service'])).stdout, 'active\n');
    await ts(['disable', 'inactive.service']);
    assert.equal((await d.inNs(['deb-systemd-invoke', 'stop', 'inactive.service'])).code, 0);
    assert.equal((await ts(['is-active', 'inactive.service'])).stdout, 'inactive\n');
  });

  test('Ansible (-c local): service_mgr is systemd; systemd_service, service and service_facts act and report', { skip: !have('ansible') && 'ansible-core not installed', timeout: 180000 }, async () => {
    const ans = async (module: string, args: string): Promise<CtlResult> =>
      d.inNs(['ansible', 'localhost', '-c', 'local', '-o', '-m', module, '-a', args], { env: { ANSIBLE_NOCOLOR: '1', ANSIBLE_LOCALHOST_WARNING: 'false' }, timeoutMs: 120000 });
    const mgr = await ans('setup', 'filter=ansible_service_mgr');
    assert.equal(mgr.code, 0, mgr.stdout + mgr.stderr);
    assert.match(mgr.stdout, /"ansible_service_mgr": "systemd"/);
    const started = await ans('systemd_service', 'name=inactive.service state=started');
    assert.equal(started.code, 0, started.stdout + started.stderr);
    assert.match(started.stdout, /CHANGED/);
    assert.equal((await ts(['is-active', 'inactive.service'])).stdout, 'active\n');
    assert.equal((await ans('systemd_service', 'name=inactive.service state=restarted')).code, 0);
    const en = await ans('systemd_service', 'name=inactive.service enabled=yes daemon_reload=yes');
    assert.equal(en.code, 0, en.stdout);
    assert.equal((await ts(['is-enabled', 'inactive.service'])).stdout, 'enabled\n');
    const stop = await ans('service', 'name=inactive state=stopped');
    assert.equal(stop.code, 0, stop.stdout);
    assert.equal((await ts(['is-active', 'inactive.service'])).stdout, 'inactive\n');
    const facts = await ans('service_facts', '');
    assert.equal(facts.code, 0, facts.stdout);
    assert.match(facts.stdout, /"inactive.service": \{"name": "inactive.service", ?"source": "systemd", ?"state": "stopped", ?"status": "enabled"\}/);
    assert.match(facts.stdout, /"dbus.service": \{"name": "dbus.service", ?"source": "systemd", ?"state": "running"/);
    assert.equal((await ans('systemd_service', 'name=inactive.service enabled=no')).code, 0);
    assert.equal((await ts(['is-enabled', 'inactive.service'])).stdout, 'disabled\n');
  });
});
