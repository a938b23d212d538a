// tsysctl output formatting: status layout, show, cat, list-* tables and legends, list-dependencies tree,
// enable/disable change lines, environment verbs, logs/journalctl; pure renderers plus the real CLI
// against a fake manager.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { defaults } from '../../src/cli/ctl/args';
import { formatAgo, formatTimestamp, globMatch, parseSignal } from '../../src/cli/ctl/common';
import { renderDependencyTree } from '../../src/cli/ctl/deptree';
import { renderListUnits, renderUnitFiles } from '../../src/cli/ctl/list';
import { renderStatus } from '../../src/cli/ctl/status';
import { ErrorCode, type StatusReply, type UnitListEntry } from '../../src/rpc/protocol';
import { RpcError } from '../../src/rpc/errors';
import { FakeManager, logLine, T0, unit } from './rpc-fake-manager';
import { spawn } from 'node:child_process';
import { TSYSCTL, withCtl } from './ctl-helpers';

process.env.TZ = 'UTC';

function st(o: Partial<StatusReply>): StatusReply {
  return {
    id: 'sleeper.service', names: ['sleeper.service'], description: 'Sleeper test', loadState: 'loaded', loadError: '',
    fragmentPath: '/etc/systemd/system/sleeper.service', dropInPaths: [], unitFileState: 'enabled', unitFilePreset: 'enabled',
    activeState: 'active', subState: 'running', result: 'success', stateChangeTs: T0, activeEnterTs: T0, activeExitTs: 0,
    inactiveEnterTs: 0, inactiveExitTs: T0, conditionResult: true, conditionTs: T0, failedCondition: '', documentation: [],
    triggeredBy: [], triggers: [], listen: [], mainPid: 28208, mainComm: 'sleep', execMainPid: 28208, execMainCode: '',
    execMainStatus: 0, controlPid: 0, controlComm: '', statusText: '', statusErrno: 0, tasks: 1, tasksMax: 4915, memoryBytes: null,
    cgroup: '/system.slice/sleeper.service', processes: [{ pid: 28208, cmdline: '/bin/sleep 1000' }], execs: [], job: null,
    needDaemonReload: false, invocationId: '', logs: [], ...o,
  };
}

test('timestamps and relative times as systemctl prints them', () => {
  assert.equal(formatTimestamp(T0), 'Sun 2026-11-22 01:34:40 UTC');
  assert.equal(formatAgo(T0, T0 + 36000), '36ms ago');
  assert.equal(formatAgo(T0, T0 + 5e6), '5s ago');
  assert.equal(formatAgo(T0, T0 + 63e6), '1min 3s ago');
  assert.equal(formatAgo(T0, T0 + 7 * 60e6), '7min ago');
  assert.equal(formatAgo(T0, T0 + 2 * 3600e6 + 5 * 60e6), '2h 5min ago');
  assert.equal(formatAgo(T0, T0 + 3 * 86400e6), '3 days ago');
  assert.equal(parseSignal('SIGRTMIN+3'), 37);
  assert.equal(parseSignal('kill'), 9);
  assert.ok(globMatch('a*.service', 'abc.service') && !globMatch('a?.service', 'abc.service') && globMatch('[ab]x.socket', 'bx.socket'));
});

test('status: running service layout', () => {
  const lines = renderStatus(st({
    dropInPaths: ['/etc/systemd/system/sleeper.service.d/a.conf', '/etc/systemd/system/sleeper.service.d/b.conf', '/run/systemd/system/service.d/z.conf'],
    statusText: 'hello there', documentation: ['man:sleep(1)'],
    execs: [{ kind: 'ExecStartPre', pid: 25250, argv: ['/bin/true'], path: '/bin/true', code: 'exited', status: 0, startTs: T0, exitTs: T0 }],
    logs: [logLine(1, 'sleeper.service', 'started')],
  }), T0 + 5e6, 'host');
  assert.deepEqual(lines, [
    '● sleeper.service - Sleeper test',
    '     Loaded: loaded (/etc/systemd/system/sleeper.service; enabled; preset: enabled)',
    '    Drop-In: /etc/systemd/system/sleeper.service.d',
    '             └─a.conf, b.conf',
    '             /run/systemd/system/service.d',
    '             └─z.conf',
    '     Active: active (running) since Sun 2026-11-22 01:34:40 UTC; 5s ago',
    '       Docs: man:sleep(1)',
    '    Process: 25250 ExecStartPre=/bin/true (code=exited, status=0/SUCCESS)',
    '   Main PID: 28208 (sleep)',
    '     Status: "hello there"',
    '      Tasks: 1 (limit: 4915)',
    '     CGroup: /system.slice/sleeper.service',
    '             └─28208 /bin/sleep 1000',
    '',
    'Nov 22 01:34:41 host sleep[4242]: started',
  ]);
});

test('status: failed, inactive, description equal to id, condition failure', () => {
  const failed = renderStatus(st({
    activeState: 'failed', subState: 'failed', result: 'exit-code', inactiveEnterTs: T0, mainPid: 0, mainComm: '',
    execMainPid: 25251, execMainCode: 'exited', execMainStatus: 1, tasks: null, processes: [], cgroup: '', unitFileState: 'static', unitFilePreset: '',
  }), T0 + 36000, 'host');
  assert.deepEqual(failed, [
    '× sleeper.service - Sleeper test',
    '     Loaded: loaded (/etc/systemd/system/sleeper.service; static)',
    '     Active: failed (Result: exit-code) since Sun 2026-11-22 01:34:40 UTC; 36ms ago',
    '   Main PID: 25251 (code=exited, status=1/FAILURE)',
  ]);
  const inactive = renderStatus(st({
    description: 'sleeper.service', activeState: 'inactive', subState: 'dead', inactiveEnterTs: 0, mainPid: 0, execMainPid: 0,
    tasks: null, processes: [], cgroup: '', conditionResult: false, failedCondition: 'ConditionPathExists=/nonexistent',
  }), T0 + 2e6, 'host');
  assert.deepEqual(inactive, [
    '○ sleeper.service',
    '     Loaded: loaded (/etc/systemd/system/sleeper.service; enabled; preset: enabled)',
    '     Active: inactive (dead)',
    '  Condition: start condition failed at Sun 2026-11-22 01:34:40 UTC; 2s ago',
    '             └─ ConditionPathExists=/nonexistent was not met',
  ]);
  const sock = renderStatus(st({ id: 'echo.socket', description: 'Echo', listen: [{ type: 'Stream', address: '127.0.0.1:7777' }], triggers: [{ unit: 'echo.service', activeState: 'inactive' }], subState: 'listening', mainPid: 0, execMainPid: 0, tasks: null, processes: [], cgroup: '' }), T0, 'h');
  assert.deepEqual(sock.slice(2), [
    '     Active: active (listening) since Sun 2026-11-22 01:34:40 UTC; now',
    '   Triggers: ● echo.service',   // systemd 252 prints ● for an inactive triggered unit too
    '     Listen: 127.0.0.1:7777 (Stream)',
  ]);
});

const entry = (u: string, active: UnitListEntry['activeState'], sub: string, o: Partial<UnitListEntry> = {}): UnitListEntry =>
  ({ unit: u, loadState: 'loaded', activeState: active, subState: sub, description: `Desc ${u}`, job: null, following: '', ...o });

test('list-units: glyph column, default filter, legend; JOB column only with jobs; --no-legend, --plain, --state, --type, globs', () => {
  const all = [
    entry('b.service', 'active', 'running'), entry('a.socket', 'active', 'listening'), entry('c.service', 'inactive', 'dead'),
    entry('bad.service', 'failed', 'failed'), entry('nf.service', 'inactive', 'dead', { loadState: 'not-found', description: 'nf.service' }),
  ];
  const o = defaults('tsysctl');
  assert.deepEqual(renderListUnits(all, o, 'systemctl'), [
    // systemctl orders by type suffix, then name (unit_info_compare; checked with systemctl 252 against tsysd's D-Bus face)
    '  UNIT        LOAD   ACTIVE SUB       DESCRIPTION',
    '  b.service   loaded active running   Desc b.service',
    '● bad.service loaded failed failed    Desc bad.service',
    '  a.socket    loaded active listening Desc a.socket',
    '',
    'LOAD   = Reflects whether the unit definition was properly loaded.',
    'ACTIVE = The high-level unit activation state, i.e. generalization of SUB.',
    'SUB    = The low-level unit activation state, values depend on unit type.',
    '3 loaded units listed. Pass --all to see loaded but inactive units, too.',
    "To show all installed unit files use 'systemctl list-unit-files'.",
  ]);
  const withJob = [...all.slice(0, 2), entry('c.service', 'inactive', 'dead', { job: { id: 7, type: 'start', state: 'waiting' } })];
  assert.deepEqual(renderListUnits(withJob, { ...o, noLegend: true }, 'tsysctl'), [
    '  b.service loaded active   running         Desc b.service',
    '  c.service loaded inactive dead      start Desc c.service',
    '  a.socket  loaded active   listening       Desc a.socket',
  ]);
  const allOut = renderListUnits(all, { ...o, all: true, type: [], types: ['service'] } as typeof o, 'tsysctl');
  assert.equal(allOut[0], '  UNIT        LOAD      ACTIVE   SUB     DESCRIPTION');
  assert.equal(allOut[4], '● nf.service  not-found inactive dead    nf.service');
  assert.equal(allOut.at(-2), '4 loaded units listed.');
  assert.deepEqual(renderListUnits(all, { ...o, plain: true, noLegend: true, states: ['failed'] }, 'x'), ['bad.service loaded failed failed Desc bad.service']);
  assert.deepEqual(renderListUnits(all, { ...o, noLegend: true, args: ['b*'] }, 'x'), ['  b.service   loaded active running Desc b.service', '● bad.service loaded failed failed  Desc bad.service']);
  assert.deepEqual(renderListUnits(all, { ...o, noLegend: true, args: ['c'] }, 'x'), []);
  assert.deepEqual(renderListUnits(all, { ...o, noLegend: true, all: true, args: ['c'] }, 'x'), ['  c.service loaded inactive dead Desc c.service']);
  assert.deepEqual(renderListUnits([], o, 'tsysctl'), ['  UNIT LOAD ACTIVE SUB DESCRIPTION', '0 loaded units listed. Pass --all to see loaded but inactive units, too.', "To show all installed unit files use 'tsysctl list-unit-files'."]);
});

test('list-unit-files matches systemctl 252 byte for byte', () => {
  const files = [
    { unit: 'foo.service', state: 'disabled', preset: 'enabled' }, { unit: 'longername-static.service', state: 'static', preset: '' },
    { unit: 'x.target', state: 'static', preset: '' },
  ];
  const o = defaults('systemctl');
  // captured from `systemctl --root=DIR list-unit-files` (systemd 252) on the same tree
  assert.equal(renderUnitFiles(files, o).join('\n') + '\n',
    'UNIT FILE                 STATE    PRESET\nfoo.service               disabled enabled\nlongername-static.service static   -\nx.target                  static   -\n\n3 unit files listed.\n');
  assert.equal(renderUnitFiles(files, { ...o, states: ['static'], noLegend: true }).join('\n') + '\n', 'longername-static.service static -\nx.target                  static -\n');
  assert.equal(renderUnitFiles(files, { ...o, types: ['target'], args: ['foo*'] }).join('\n') + '\n', 'UNIT FILE STATE PRESET\n\n0 unit files listed.\n');
});

test('list-dependencies tree: targets recurse, services do not without --all, cycles stop', () => {
  const g = {
    root: 'multi-user.target',
    units: {
      'multi-user.target': { activeState: 'active' as const, subState: 'active', loadState: 'loaded' as const, deps: ['basic.target', 'a.service', 'z.service'] },
      'basic.target': { activeState: 'active' as const, subState: 'active', loadState: 'loaded' as const, deps: ['sockets.target', 'multi-user.target'] },
      'sockets.target': { activeState: 'active' as const, subState: 'active', loadState: 'loaded' as const, deps: ['e.socket'] },
      'e.socket': { activeState: 'active' as const, subState: 'listening', loadState: 'loaded' as const, deps: [] },
      'a.service': { activeState: 'failed' as const, subState: 'failed', loadState: 'loaded' as const, deps: ['x.service'] },
      'x.service': { activeState: 'active' as const, subState: 'running', loadState: 'loaded' as const, deps: [] },
      'z.service': { activeState: 'inactive' as const, subState: 'dead', loadState: 'loaded' as const, deps: [] },
    },
  };
  assert.deepEqual(renderDependencyTree(g, { all: false, plain: false }), [
    'multi-user.target',
    '× ├─a.service',
    '○ ├─z.service',
    '● └─basic.target',
    '●   ├─sockets.target',
    '●     └─e.socket',      // systemctl's quirk: the branch bit comes from the list position
    '    └─...',
  ]);
  const all = renderDependencyTree(g, { all: true, plain: true });
  assert.deepEqual(all.slice(0, 3), ['multi-user.target', '  a.service', '  x.service']);
});

const mk = (): FakeManager => {
  const m = new FakeManager([
    unit('a.service', { activeState: 'active', mainPid: 100, unitFileState: 'enabled', description: 'Alpha' }),
    unit('b.service', { unitFileState: 'disabled' }),
    unit('echo.socket', { activeState: 'active', subState: 'listening', listen: [{ type: 'Stream', address: '127.0.0.1:7777' }], triggers: ['echo.service'] }),
  ]);
  m.logLines = [logLine(1, 'a.service', 'one'), logLine(2, 'b.service', 'bee'), logLine(3, 'a.service', 'two'), logLine(4, 'a.service', 'three')];
  return m;
};

test('show: -p lists and repeats, --value/-P, blank line between units, missing unit shows not-found', async () => {
  await withCtl(mk(), async (run) => {
    let r = await run(['show', '-p', 'ActiveState,SubState', '-p', 'MainPID', 'a']);
    assert.deepEqual([r.code, r.stdout], [0, 'MainPID=100\nActiveState=active\nSubState=running\n']);
    r = await run(['show', '-P', 'ActiveState', 'a', 'b']);
    assert.equal(r.stdout, 'active\n\ninactive\n');
    r = await run(['show', '--property=ActiveState', '--value', 'a']);
    assert.equal(r.stdout, 'active\n');
    r = await run(['show', '-p', 'LoadState,ActiveState,SubState', 'nope.service']);
    assert.deepEqual([r.code, r.stdout], [0, 'LoadState=not-found\nActiveState=inactive\nSubState=dead\n']);
    r = await run(['show', '-p', 'StatusText', 'a']);
    assert.equal(r.stdout, 'StatusText=\n');
    r = await run(['show', 'a']);
    assert.ok(!r.stdout.includes('StatusText='));
    r = await run(['show', '--all', 'a']);
    assert.ok(r.stdout.includes('StatusText=\n'));
  });
});

test('cat prints fragment and drop-ins with # headers; missing unit fails', async () => {
  const m = mk();
  await withCtl(m, async (run, h) => {
    const frag = path.join(h.dir, 'a.service');
    const drop = path.join(h.dir, 'a.service.d', 'x.conf');
    fs.mkdirSync(path.dirname(drop));
    fs.writeFileSync(frag, '[Service]\nExecStart=/bin/true\n');
    fs.writeFileSync(drop, '[Unit]\nDescription=X');
    const u = m.units.get('a.service');
    if (!u) throw new Error('no unit');
    u.fragmentPath = frag;
    m.show = async () => ({ unit: 'a.service', properties: [['Id', 'a.service'], ['LoadState', 'loaded'], ['FragmentPath', frag], ['DropInPaths', drop]] });
    let r = await run(['cat', 'a']);
    assert.deepEqual([r.code, r.stdout], [0, `# ${frag}\n[Service]\nExecStart=/bin/true\n\n# ${drop}\n[Unit]\nDescription=X\n`]);
    m.show = async () => ({ unit: 'nope.service', properties: [['Id', 'nope.service'], ['LoadState', 'not-found'], ['FragmentPath', ''], ['DropInPaths', '']] });
    r = await run(['cat', 'nope']);
    assert.deepEqual([r.code, r.stderr], [1, 'No files found for nope.service.\n']);
  });
});

test('status via the CLI: rc 0 active, 3 inactive, 4 not found', async () => {
  await withCtl(mk(), async (run) => {
    let r = await run(['status', 'a']);
    assert.equal(r.code, 0);
    assert.match(r.stdout, /^● a\.service - Alpha\n {5}Loaded: loaded \(\/etc\/systemd\/system\/a\.service; enabled; preset: enabled\)\n {5}Active: active \(running\) since Sun 2026-11-22 01:34:40 UTC; .* ago\n/);
    assert.match(r.stdout, /\n\nNov 22 01:34:4[1-4] .* sleep\[4242\]: one\n.*two\n.*three\n$/);
    r = await run(['status', 'b']);
    assert.equal(r.code, 3);
    assert.match(r.stdout, /^○ b\.service\n/);
    r = await run(['status', 'nope']);
    assert.deepEqual([r.code, r.stdout, r.stderr], [4, '', 'Unit nope.service could not be found.\n']);
  });
});

test('list-sockets and list-jobs tables', async () => {
  await withCtl(mk(), async (run) => {
    let r = await run(['list-sockets']);
    assert.equal(r.stdout, 'LISTEN         UNIT        ACTIVATES\n127.0.0.1:7777 echo.socket echo.service\n\n1 sockets listed.\nPass --all to see loaded but inactive sockets, too.\n');
    r = await run(['list-sockets', '--show-types', '--no-legend']);
    assert.equal(r.stdout, '127.0.0.1:7777 Stream echo.socket echo.service\n');
    r = await run(['list-jobs']);
    assert.equal(r.stdout, 'No jobs running.\n');
  });
});

test('enable/disable/mask print change lines on stderr (-q silences); --now starts; set-default/get-default', async () => {
  const m = mk();
  await withCtl(m, async (run) => {
    let r = await run(['enable', '--now', 'b']);
    assert.equal(r.code, 0);
    assert.equal(r.stderr, 'Created symlink /etc/systemd/system/multi-user.target.wants/b.service → /etc/systemd/system/b.service.\n');
    assert.equal(m.units.get('b.service')?.activeState, 'active');
    r = await run(['disable', 'b', '-q']);
    assert.deepEqual([r.code, r.stderr], [0, '']);
    r = await run(['mask', 'a'], { as: 'systemctl' });
    assert.equal(r.stderr, 'Created symlink /etc/systemd/system/a.service → /dev/null.\n');
    r = await run(['enable', 'nope']);
    assert.deepEqual([r.code, r.stderr], [1, 'Failed to enable unit: Unit nope.service not found.\n']);
    r = await run(['set-default', 'graphical']);
    assert.equal(r.stderr, 'Removed "/etc/systemd/system/default.target".\nCreated symlink /etc/systemd/system/default.target → /lib/systemd/system/graphical.target.\n');
    r = await run(['get-default']);
    assert.deepEqual([r.code, r.stdout], [0, 'graphical.target\n']);
    r = await run(['preset', '--preset-mode=bogus', 'a']);
    assert.equal(r.code, 1);
  });
});

test('environment verbs', async () => {
  const m = mk();
  await withCtl(m, async (run) => {
    let r = await run(['set-environment', 'FOO=bar baz', 'X=1']);
    assert.equal(r.code, 0, r.stderr);
    r = await run(['unset-environment', 'X']);
    r = await run(['show-environment']);
    assert.equal(r.stdout, 'FOO=bar baz\nLANG=C.UTF-8\nPATH=/usr/bin:/bin\n');
    r = await run(['set-environment', 'NOEQUALS']);
    assert.deepEqual([r.code, r.stderr], [1, 'Not a valid environment variable assignment: NOEQUALS\n']);
  });
});

test('logs -u -n, journalctl -u, -- No entries --, follow prints new lines', async () => {
  const m = mk();
  await withCtl(m, async (run, h) => {
    let r = await run(['logs', '-u', 'a', '-n', '2']);
    assert.match(r.stdout, /^Nov 22 01:34:43 \S+ sleep\[4242\]: two\nNov 22 01:34:44 \S+ sleep\[4242\]: three\n$/);
    r = await run(['-u', 'b.service', '--no-pager'], { as: 'journalctl' });
    assert.match(r.stdout, /^Nov 22 01:34:42 \S+ sleep\[4242\]: bee\n$/);
    r = await run(['-u', 'nothing'], { as: 'journalctl' });
    assert.equal(r.stdout, '-- No entries --\n');
    // follow: start, wait for the initial lines, emit a new one, then stop the client
    const p = spawn(process.execPath, [TSYSCTL, '--socket', h.sock, 'logs', '-f', '-u', 'a', '-n', '1']);
    let out = '';
    p.stdout.on('data', (d: Buffer) => { out += d.toString(); });
    const until = async (re: RegExp): Promise<void> => { const end = Date.now() + 5000; while (!re.test(out) && Date.now() < end) await new Promise((x) => setTimeout(x, 20)); };
    await until(/three/);
    const line = logLine(5, 'a.service', 'four');
    m.logLines.push(line);
    m.emit({ type: 'log', line });
    m.emit({ type: 'log', line: logLine(6, 'b.service', 'not mine') });
    await until(/four/);
    p.kill('SIGINT');
    await new Promise((x) => p.on('close', x));
    assert.match(out, /: three\n.*: four\n$/);
    assert.ok(!out.includes('not mine'));
  });
});

test('unit-file verbs print the manager\'s exact lines when it sends them', async () => {
  const m = mk();
  m.enable = async () => ({ changes: [], lines: ['Unit a.service is masked, ignoring.'] });
  m.disable = async () => { throw new RpcError(ErrorCode.UNIT_FILE_ERROR, 'Failed to disable unit, unit nope.service does not exist.'); };
  m.mask = async () => { throw new RpcError(ErrorCode.UNIT_FILE_ERROR, 'x', { lines: ['warning line', 'Failed to mask unit: File /etc/x exists.'] }); };
  await withCtl(m, async (run) => {
    let r = await run(['enable', 'a']);
    assert.deepEqual([r.code, r.stderr], [0, 'Unit a.service is masked, ignoring.\n']);
    r = await run(['enable', '-q', 'a']);
    assert.deepEqual([r.code, r.stderr], [0, '']);
    r = await run(['disable', 'nope']);
    assert.deepEqual([r.code, r.stderr], [1, 'Failed to disable unit, unit nope.service does not exist.\n']);
    r = await run(['mask', 'a']);
    assert.deepEqual([r.code, r.stderr], [1, 'warning line\nFailed to mask unit: File /etc/x exists.\n']);
  });
});
