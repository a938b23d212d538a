// showProperties: systemd 252 property names, systemctl's order (type interface, exec, kill, Unit) and value
// formats (org.freedesktop.systemd1(5), systemctl show; semantics §7).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Assignment, SpecifierContext, UnitSource } from '../../src/unit-file/types';
import { compileUnit, synthesizeUnit } from '../../src/directives/compile';
import { showProperties } from '../../src/directives/show';

const ctx: SpecifierContext = {
  userMode: false, hostname: 'h', machineId: '', bootId: '', kernelRelease: '', architecture: 'x86-64', userName: 'root', uid: 0,
  groupName: 'root', gid: 0, home: '/root', shell: '/bin/sh', runtimeDir: '/run', stateDir: '/var/lib', cacheDir: '/var/cache',
  logsDir: '/var/log', configDir: '/etc', tmpDir: '/tmp', varTmpDir: '/var/tmp', osRelease: {}, realpath: (p: string) => p,
};
function unit(id: string, lines: [string, string, string][]): UnitSource {
  const file = `/etc/systemd/system/${id}`;
  const assignments: Assignment[] = lines.map(([section, key, value], i) => ({ section, key, value, file, line: i + 2 }));
  const dot = id.lastIndexOf('.');
  return { requested: id, id, names: [id], loadState: 'loaded', fragmentPath: file, dropInPaths: [], assignments, wantsFromDirs: [],
    requiresFromDirs: [], prefix: id.slice(0, dot), instance: '', type: id.slice(dot + 1), diagnostics: [] };
}
const get = (p: [string, string][], k: string): string[] => p.filter(([n]) => n === k).map(([, v]) => v);
const idx = (p: [string, string][], k: string): number => p.findIndex(([n]) => n === k);

test('service properties: names, formats and systemctl order', () => {
  const cfg = compileUnit(unit('sleeper.service', [
    ['Unit', 'Description', 'Sleeper test'], ['Unit', 'After', 'a.service b.target'], ['Unit', 'Wants', 'a.service'],
    ['Service', 'ExecStart', '/bin/sleep 1000'], ['Service', 'Restart', 'on-failure'], ['Service', 'RestartSec', '1.5'],
    ['Service', 'TimeoutStopSec', '90s'], ['Service', 'KillSignal', 'SIGINT'], ['Service', 'UMask', '0077'],
  ]), ctx);
  const p = showProperties(cfg, { MainPID: '4242', ActiveState: 'active', SubState: 'running' });
  assert.deepEqual(get(p, 'Type'), ['simple']);
  assert.deepEqual(get(p, 'Restart'), ['on-failure']);
  assert.deepEqual(get(p, 'RestartUSec'), ['1.500000s']);
  assert.deepEqual(get(p, 'TimeoutStartUSec'), ['1min 30s']);
  assert.deepEqual(get(p, 'TimeoutStopUSec'), ['1min 30s']);
  assert.deepEqual(get(p, 'WatchdogUSec'), ['0']);
  assert.deepEqual(get(p, 'RuntimeMaxUSec'), ['infinity']);
  assert.deepEqual(get(p, 'RemainAfterExit'), ['no']);
  assert.deepEqual(get(p, 'NotifyAccess'), ['none']);
  assert.deepEqual(get(p, 'KillMode'), ['control-group']);
  assert.deepEqual(get(p, 'KillSignal'), ['2']);
  assert.deepEqual(get(p, 'UMask'), ['0077']);
  assert.deepEqual(get(p, 'MainPID'), ['4242']);
  assert.deepEqual(get(p, 'ActiveState'), ['active']);
  const o = showProperties(cfg, { Wants: 'a.service z.service', Names: 'sleeper.service alias.service', ExecStart: 'x' });
  assert.deepEqual(get(o, 'Wants'), ['a.service z.service']);
  assert.deepEqual(get(o, 'Names'), ['sleeper.service alias.service']);
  assert.equal(get(o, 'ExecStart')[0], get(p, 'ExecStart')[0]);
  assert.deepEqual(get(p, 'ExecStart'), ['{ path=/bin/sleep ; argv[]=/bin/sleep 1000 ; ignore_errors=no ; start_time=[n/a] ; stop_time=[n/a] ; pid=0 ; code=(null) ; status=0/0 }']);
  assert.deepEqual(get(p, 'After'), ['a.service b.target']);
  assert.deepEqual(get(p, 'Description'), ['Sleeper test']);
  assert.deepEqual(get(p, 'LoadState'), ['loaded']);
  assert.deepEqual(get(p, 'FragmentPath'), ['/etc/systemd/system/sleeper.service']);
  // systemctl order: Service interface first, exec/kill next, the Unit interface last.
  assert.ok(idx(p, 'Type') === 0);
  assert.ok(idx(p, 'Restart') < idx(p, 'RestartUSec') && idx(p, 'RestartUSec') < idx(p, 'TimeoutStartUSec'));
  assert.ok(idx(p, 'ExecStart') < idx(p, 'UMask') && idx(p, 'UMask') < idx(p, 'KillMode') && idx(p, 'KillMode') < idx(p, 'Id'));
  assert.ok(idx(p, 'Id') < idx(p, 'Names') && idx(p, 'Requires') < idx(p, 'Wants') && idx(p, 'Before') < idx(p, 'After'));
  assert.ok(idx(p, 'Description') < idx(p, 'LoadState') && idx(p, 'LoadState') < idx(p, 'ActiveState') && idx(p, 'ActiveState') < idx(p, 'SubState'));
});

test('socket properties: one Listen= per address with its type, Accept, modes', () => {
  const cfg = compileUnit(unit('web.socket', [
    ['Socket', 'ListenStream', '127.0.0.1:47123'], ['Socket', 'ListenDatagram', '/run/x.sock'], ['Socket', 'Accept', 'yes'],
  ]), ctx);
  const p = showProperties(cfg);
  assert.deepEqual(get(p, 'Listen'), ['127.0.0.1:47123 (Stream)', '/run/x.sock (Datagram)']);
  assert.deepEqual(get(p, 'Accept'), ['yes']);
  assert.deepEqual(get(p, 'SocketMode'), ['0666']);
  assert.deepEqual(get(p, 'NAccepted'), ['0']);
  assert.deepEqual(get(p, 'Id'), ['web.socket']);
});

test('not-found units: LoadState and LoadError, Description falls back to the name', () => {
  const p = showProperties(synthesizeUnit('nope.service', 'not-found', ''));
  assert.deepEqual(get(p, 'LoadState'), ['not-found']);
  assert.deepEqual(get(p, 'ActiveState'), ['inactive']);
  assert.deepEqual(get(p, 'SubState'), ['dead']);
  assert.deepEqual(get(p, 'Description'), ['nope.service']);
  assert.deepEqual(get(p, 'LoadError'), ['org.freedesktop.systemd1.NoSuchUnit "Unit nope.service not found."']);
  const t = showProperties(synthesizeUnit('x.target', 'loaded', ''));
  assert.equal(get(t, 'Type').length, 0);
  assert.equal(t[0]![0], 'Id');
});
