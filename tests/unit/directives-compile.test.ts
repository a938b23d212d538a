// compileUnit over hand-built UnitSources: list/scalar/reset rules, dependency rules, diagnostics wording and
// lines (as systemd-analyze verify prints them), fatal rules and type defaults of systemd 252 (semantics §1, §4).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Assignment, SpecifierContext, UnitSource } from '../../src/unit-file/types';
import { compileUnit, synthesizeUnit } from '../../src/directives/compile';
import { ALL_ROWS, findRow } from '../../src/directives/tables';

const ctx: SpecifierContext = {
  userMode: false, hostname: 'host.example', machineId: 'm'.repeat(32), bootId: 'b'.repeat(32), kernelRelease: '6.1.0',
  architecture: 'x86-64', userName: 'root', uid: 0, groupName: 'root', gid: 0, home: '/root', shell: '/bin/sh',
  runtimeDir: '/run', stateDir: '/var/lib', cacheDir: '/var/cache', logsDir: '/var/log', configDir: '/etc', tmpDir: '/tmp', varTmpDir: '/var/tmp', osRelease: {}, realpath: (p: string) => p,
};

/** Build a source from "[Section]" / "Key=Value" lines of one file (line numbers as in the file). */
function src(id: string, text: string, extra: Partial<UnitSource> = {}): UnitSource {
  const file = `/etc/systemd/system/${id}`;
  const assignments: Assignment[] = [];
  const sections: { name: string; file: string; line: number }[] = [];
  let section = '';
  text.split('\n').forEach((l, i) => {
    const m = /^\[(.+)\]$/.exec(l);
    if (m) { section = m[1]!; sections.push({ name: section, file, line: i + 1 }); return; }
    const eq = l.indexOf('=');
    if (eq > 0) assignments.push({ section, key: l.slice(0, eq).trim(), value: l.slice(eq + 1).trim(), file, line: i + 1 });
  });
  const at = id.indexOf('@');
  const dot = id.lastIndexOf('.');
  return {
    requested: id, id, names: [id], loadState: 'loaded', fragmentPath: file, dropInPaths: [], assignments, wantsFromDirs: [],
    requiresFromDirs: [], prefix: at >= 0 ? id.slice(0, at) : id.slice(0, dot), instance: at >= 0 ? id.slice(at + 1, dot) : '',
    type: id.slice(dot + 1), diagnostics: [], sections, ...extra,
  };
}
const msgs = (c: ReturnType<typeof compileUnit>): string[] => c.diagnostics.map((d) => (d.line ? `${d.line}: ${d.message}` : d.message));

test('every directive row has a unique (section, key) and every section/key systemd 252 uses for [Unit] is present', () => {
  assert.ok(ALL_ROWS.length > 300);
  for (const k of ['Description', 'After', 'Wants', 'ConditionPathExists', 'AssertPathExists', 'StartLimitIntervalSec', 'OnFailure'])
    assert.ok(findRow('Unit', k), k);
  for (const k of ['ExecStart', 'Type', 'Restart', 'Environment', 'User', 'KillMode', 'ProtectSystem', 'MemoryMax', 'LimitNOFILE'])
    assert.ok(findRow('Service', k), k);
  for (const k of ['ListenStream', 'Accept', 'SocketMode', 'ExecStartPre', 'KillSignal']) assert.ok(findRow('Socket', k), k);
});

test('unknown keys and sections warn at their line; X- keys and sections are kept silently', () => {
  const c = compileUnit(src('a.service', '[Unit]\nDescription=test\nFoo=bar\nX-Foo=1\n[Bogus]\nK=v\n[X-Sec]\nA=b\n[Service]\nExecStart=/bin/true'), ctx);
  assert.deepEqual(msgs(c), ["3: Unknown key 'Foo' in section [Unit], ignoring.", "5: Unknown section 'Bogus'. Ignoring."]);
  assert.equal(c.loadState, 'loaded');
  assert.deepEqual(c.raw?.['Unit.X-Foo'], ['1']);
  assert.deepEqual(c.raw?.['X-Sec.A'], ['b']);
});

test('bad values warn with systemd wording and keep the default', () => {
  const c = compileUnit(src('a.service', '[Service]\nType=weird\nExecStart=/bin/true\nTimeoutSec=abc\nRestart=sometimes\nKillSignal=SIGFOO\nNice=50\nUMask=999\nLimitNOFILE=abc\nSuccessExitStatus=FOO 300 42'), ctx);
  assert.deepEqual(msgs(c), [
    '2: Failed to parse service type, ignoring: weird', '4: Failed to parse TimeoutSec= parameter, ignoring: abc',
    '5: Failed to parse service restart specifier, ignoring: sometimes', '6: Failed to parse signal name, ignoring: SIGFOO',
    '7: Nice priority out of range, ignoring: 50', '8: Failed to parse mode value, ignoring: 999', '9: Failed to parse resource value, ignoring: abc',
    '10: Failed to parse value, ignoring: FOO', '10: Failed to parse value, ignoring: 300',
  ]);
  const s = c.service!;
  assert.equal(s.type, 'simple');
  assert.equal(s.timeoutStartUs, 90_000_000);
  assert.equal(c.kill.killSignal, 15);
  assert.equal(c.exec.umask, 0o022);
  assert.deepEqual(s.successExitStatus.statuses, [42]);
});

test('lists append, empty resets (earlier files included), scalars: last wins', () => {
  const c = compileUnit(src('a.service', '[Service]\nExecStartPre=/bin/a\nExecStartPre=/bin/b\nExecStartPre=\nExecStartPre=/bin/c\nExecStart=/bin/true\nEnvironment=A=1 B=2\nEnvironment=A=3\nRestartSec=1\nRestartSec=2min'), ctx);
  assert.deepEqual(c.service!.execStartPre.map((x) => x.path), ['/bin/c']);
  assert.equal(c.service!.execStartPre[0]!.line, 5);
  assert.deepEqual(c.exec.environment, ['A=3', 'B=2']);
  assert.equal(c.service!.restartUs, 120_000_000);
});

test('dependency keys cannot be reset, invalid names skipped one by one, self-dependency dropped', () => {
  const c = compileUnit(src('a.service', '[Unit]\nAfter=b.service\nAfter=\nAfter=bad..name c.target a.service b.service\nWants=x.service\n[Service]\nExecStart=/bin/true'), ctx);
  assert.deepEqual(c.unit.deps.After, ['b.service', 'c.target']);
  assert.deepEqual(c.unit.deps.Wants, ['x.service']);
  assert.deepEqual(msgs(c), ['4: Failed to add dependency on bad..name, ignoring: Invalid argument']);
});

test('fatal: Exec line errors stop parsing and give bad-setting', () => {
  const c = compileUnit(src('a.service', '[Service]\nExecStart=/bin/true "unbalanced\nFoo=bar'), ctx);
  assert.equal(c.loadState, 'bad-setting');
  assert.deepEqual(msgs(c), ['2: Unbalanced quoting, ignoring: "/bin/true "unbalanced"', 'Unit configuration has fatal error, unit will not be started.']);
  assert.ok(c.diagnostics[0]!.fatal);
});

test('service_verify rules of 252', () => {
  const cases: [string, string][] = [
    ['[Service]\nExecStart=/bin/true\nExecStart=/bin/true', 'Service has more than one ExecStart= setting, which is only allowed for Type=oneshot services. Refusing.'],
    ['[Service]\nType=simple', 'Service has no ExecStart=, ExecStop=, or SuccessAction=. Refusing.'],
    ['[Service]\nType=oneshot\nExecStop=/bin/true', 'Service has no ExecStart= and no SuccessAction= settings and does not have RemainAfterExit=yes set. Refusing.'],
    ['[Service]\nType=oneshot\nExecStart=/bin/true\nRestart=always', "Service has Restart= set to either always or on-success, which isn't allowed for Type=oneshot services. Refusing."],
    ['[Service]\nType=dbus\nExecStart=/bin/true', 'Service is of type D-Bus but no D-Bus service name has been specified. Refusing.'],
    ['[Service]\nType=simple\nExecStop=/bin/true', 'Service has no ExecStart= setting, which is only allowed for Type=oneshot services. Refusing.'],
  ];
  for (const [text, msg] of cases) {
    const c = compileUnit(src('a.service', text), ctx);
    assert.equal(c.loadState, 'bad-setting', text);
    assert.deepEqual(msgs(c), [msg], text);
  }
  const ok = compileUnit(src('a.service', '[Service]\nType=oneshot\nExecStop=/bin/true\nRemainAfterExit=yes'), ctx);
  assert.equal(ok.loadState, 'loaded');
});

test('type defaults: simple, dbus with BusName, oneshot without ExecStart; oneshot start timeout infinity; NotifyAccess', () => {
  assert.equal(compileUnit(src('a.service', '[Service]\nExecStart=/bin/true'), ctx).service!.type, 'simple');
  assert.equal(compileUnit(src('a.service', '[Service]\nExecStart=/bin/true\nBusName=org.example.Foo'), ctx).service!.type, 'dbus');
  const one = compileUnit(src('a.service', '[Service]\nExecStop=/bin/true\nRemainAfterExit=yes'), ctx).service!;
  assert.equal(one.type, 'oneshot');
  assert.equal(one.timeoutStartUs, Infinity);
  assert.equal(compileUnit(src('a.service', '[Service]\nType=oneshot\nExecStart=/bin/true\nTimeoutStartSec=5'), ctx).service!.timeoutStartUs, 5_000_000);
  assert.equal(compileUnit(src('a.service', '[Service]\nType=notify\nExecStart=/bin/true'), ctx).service!.notifyAccess, 'main');
  assert.equal(compileUnit(src('a.service', '[Service]\nExecStart=/bin/true\nWatchdogSec=5'), ctx).service!.notifyAccess, 'main');
  assert.equal(compileUnit(src('a.service', '[Service]\nExecStart=/bin/true'), ctx).service!.notifyAccess, 'none');
  assert.equal(compileUnit(src('a.service', '[Service]\nType=notify\nNotifyAccess=all\nExecStart=/bin/true'), ctx).service!.notifyAccess, 'all');
  assert.equal(compileUnit(src('a.service', '[Service]\nType=notify\nNotifyAccess=none\nExecStart=/bin/true'), ctx).service!.notifyAccess, 'main');
  const t = compileUnit(src('a.service', '[Service]\nExecStart=/bin/true\nTimeoutSec=0\nKillSignal=SIGINT'), ctx);
  assert.equal(t.service!.timeoutStartUs, Infinity);
  assert.equal(t.service!.timeoutStopUs, Infinity);
  assert.equal(t.kill.restartKillSignal, 2);
});

test('Sockets= adds Wants and After; socket units parse Listen lines in order and verify', () => {
  const c = compileUnit(src('a.service', '[Service]\nExecStart=/bin/true\nSockets=a.socket b.socket'), ctx);
  assert.deepEqual(c.service!.sockets, ['a.socket', 'b.socket']);
  assert.deepEqual(c.unit.deps.Wants, ['a.socket', 'b.socket']);
  assert.deepEqual(c.unit.deps.After, ['a.socket', 'b.socket']);
  const s = compileUnit(src('web.socket', '[Socket]\nListenStream=8080\nListenDatagram=/run/x.sock\nListenStream=zzbogus zz\nAccept=no\nSocketMode=0600'), ctx);
  assert.deepEqual(s.socket!.listen.map((l) => `${l.kind}:${l.address}`), ['stream:8080', 'datagram:/run/x.sock']);
  assert.deepEqual(msgs(s), ["4: Failed to parse address value in 'zzbogus zz', ignoring: Invalid argument"]);
  assert.equal(s.socket!.socketMode, 0o600);
  const none = compileUnit(src('b.socket', '[Socket]\nAccept=yes'), ctx);
  assert.equal(none.loadState, 'bad-setting');
  assert.deepEqual(msgs(none), ['Unit has no Listen setting (ListenStream=, ListenDatagram=, ListenFIFO=, ...). Refusing.']);
});

test('specifiers expand in values; an unknown one warns (non-exec) or is fatal (exec)', () => {
  const c = compileUnit(src('foo@bar.service', '[Unit]\nDescription=Instance %i of %p on %H\n[Service]\nExecStart=/bin/echo %n %I'), ctx);
  assert.equal(c.unit.description, 'Instance bar of foo on host.example');
  assert.deepEqual(c.service!.execStart[0]!.argv, ['/bin/echo', 'foo@bar.service', 'bar']);
  const bad = compileUnit(src('a.service', '[Service]\nSyslogIdentifier=%Z\nExecStart=/bin/true'), ctx);
  assert.deepEqual(msgs(bad), ["2: Failed to resolve unit specifiers in '%Z', ignoring: Invalid slot"]);
});

test('not-enforced directives are recorded; conditions keep prefixes and reset on empty', () => {
  const c = compileUnit(src('a.service', '[Unit]\nConditionPathExists=|!/etc/x\nConditionPathExists=relative\nAssertPathExists=/y\n[Service]\nExecStart=/bin/true\nCPUSchedulingPolicy=fifo\nIPAddressDeny=any'), ctx);
  assert.deepEqual(c.unit.conditions.map((x) => [x.kind, x.assert, x.trigger, x.negate, x.value]),
    [['PathExists', false, true, true, '/etc/x'], ['PathExists', true, false, false, '/y']]);
  assert.deepEqual(msgs(c), ['3: ConditionPathExists= path is not absolute, ignoring: relative']);
  assert.deepEqual(c.notEnforced?.map((n) => n.key), ['Service.CPUSchedulingPolicy', 'Service.IPAddressDeny']);
  const r = compileUnit(src('a.service', '[Unit]\nConditionPathExists=/a\nConditionPathExists=\n[Service]\nExecStart=/bin/true'), ctx);
  assert.deepEqual(r.unit.conditions, []);
});

test('synthesizeUnit and non-loaded sources', () => {
  const nf = synthesizeUnit('missing.service', 'not-found', '');
  assert.equal(nf.loadState, 'not-found');
  assert.equal(nf.loadError, 'Unit missing.service not found.');
  assert.equal(nf.type, 'service');
  assert.ok(nf.service);
  const m = compileUnit(src('m.socket', '', { loadState: 'masked', fragmentPath: '/dev/null' }), ctx);
  assert.equal(m.loadState, 'masked');
  assert.equal(m.fragmentPath, '/dev/null');
});

test('Delegate= is taken by services and scopes (can_delegate in systemd 252), refused with systemd\'s warning elsewhere', () => {
  for (const id of ['d.service', 'run-x.scope']) {
    const c = compileUnit(src(id, id.endsWith('.scope') ? '[Scope]\nDelegate=yes\n' : '[Service]\nExecStart=/bin/true\nDelegate=yes\n'), ctx);
    assert.deepEqual(msgs(c), [], id);
    assert.equal(c.resource?.delegate, true, id);
  }
  const m = compileUnit(src('srv-d.mount', '[Mount]\nWhat=tmpfs\nDelegate=yes\n'), ctx);
  assert.deepEqual(msgs(m), ['3: Delegate= setting not supported for this unit type, ignoring.']);
});
