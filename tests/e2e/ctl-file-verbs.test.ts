// add-wants / add-requires / link / revert through a live tsysd (PID-namespaced, tests/helpers/daemon.ts):
// systemctl 252's change lines and exit codes, and the manager sees the result (it reloads after the change).
// The daemon's first unit path (an "/etc") is where the links go; the test's unit dir is the vendor dir.
import { test, before, after } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { startDaemon, type Daemon } from '../helpers/daemon';

let d: Daemon;
let etc = '';
let opt = '';

before(async () => {
  etc = fs.mkdtempSync(path.join(os.tmpdir(), 'tsysd-verbs-etc-'));
  opt = fs.mkdtempSync(path.join(os.tmpdir(), 'tsysd-verbs-opt-'));
  fs.writeFileSync(path.join(opt, 'linked.service'), '[Unit]\nDescription=Linked\n[Service]\nExecStart=/bin/sleep 1000\n');
  d = await startDaemon({
    unitPathsFirst: [etc],
    units: {
      'vend.service': '[Unit]\nDescription=Vendor\n[Service]\nExecStart=/bin/sleep 1000\n',
      'app.target': '[Unit]\nDescription=App\n',
      'inst.service': '[Service]\nExecStart=/bin/sleep 1000\n[Install]\nWantedBy=app.target\n',
    },
  });
});
after(async () => {
  if (d) await d.stop();
  fs.rmSync(etc, { recursive: true, force: true });
  fs.rmSync(opt, { recursive: true, force: true });
});

test('add-wants and add-requires link into TARGET.wants/.requires and the manager sees the dependency', async () => {
  const r = await d.ctl(['add-wants', 'app', 'vend']);
  assert.deepEqual(r, { code: 0, stdout: '', stderr: `Created symlink ${etc}/app.target.wants/vend.service \u2192 ${d.unitDir}/vend.service.\n` });
  assert.equal((await d.ctl(['show', '-P', 'Wants', 'app.target'])).stdout, 'vend.service\n');
  const q = await d.ctl(['add-requires', 'app.target', 'vend.service']);
  assert.equal(q.code, 0);
  assert.equal(q.stderr, `Created symlink ${etc}/app.target.requires/vend.service \u2192 ${d.unitDir}/vend.service.\n`);
  assert.equal((await d.ctl(['show', '-P', 'Requires', 'app.target'])).stdout, 'vend.service\n');
  assert.deepEqual(await d.ctl(['add-wants', 'app.target', 'nope.service']),
    { code: 1, stdout: '', stderr: 'Failed to add dependency on unit, unit nope.service does not exist.\n' });
  assert.deepEqual(await d.ctl(['add-wants', 'app.target']), { code: 1, stdout: '', stderr: 'Too few arguments.\n' });
});

test('link PATH makes a unit outside the search path loadable; is-enabled says linked', async () => {
  const f = path.join(opt, 'linked.service');
  assert.deepEqual(await d.ctl(['link', f]), { code: 0, stdout: '', stderr: `Created symlink ${etc}/linked.service \u2192 ${f}.\n` });
  assert.equal((await d.ctl(['is-enabled', 'linked.service'])).stdout, 'linked\n');
  assert.equal((await d.ctl(['show', '-P', 'Description', 'linked.service'])).stdout, 'Linked\n');
  assert.deepEqual(await d.ctl(['link', path.join(opt, 'missing.service')]),
    { code: 1, stdout: '', stderr: `Failed to link unit, unit ${opt}/missing.service does not exist.\n` });
});

test('revert removes the override and drop-ins of a vendor unit', async () => {
  fs.writeFileSync(path.join(etc, 'vend.service'), '[Unit]\nDescription=Override\n[Service]\nExecStart=/bin/sleep 1000\n');
  fs.mkdirSync(path.join(etc, 'vend.service.d'));
  fs.writeFileSync(path.join(etc, 'vend.service.d', 'x.conf'), '[Unit]\nDescription=Dropin\n');
  assert.equal((await d.ctl(['daemon-reload'])).code, 0);
  assert.equal((await d.ctl(['show', '-P', 'Description', 'vend.service'])).stdout, 'Dropin\n');
  const r = await d.ctl(['revert', 'vend']);
  assert.equal(r.code, 0);
  assert.equal(r.stderr, [`Removed "${etc}/vend.service.d/x.conf".`, `Removed "${etc}/vend.service.d".`, `Removed "${etc}/vend.service".`, ''].join('\n'));
  assert.equal(fs.existsSync(path.join(etc, 'vend.service')), false);
  assert.equal((await d.ctl(['show', '-P', 'Description', 'vend.service'])).stdout, 'Vendor\n');
  assert.deepEqual(await d.ctl(['revert', 'vend']), { code: 0, stdout: '', stderr: '' });
});

test('UnitFileState is kept per loaded unit until a reload, as systemd caches it; enable through the manager reloads', async () => {
  const state = async (): Promise<string> => (await d.ctl(['show', '-P', 'UnitFileState', 'inst.service'])).stdout;
  assert.equal(await state(), 'disabled\n');
  assert.equal((await d.ctl(['enable', 'inst.service'])).code, 0);
  assert.equal(await state(), 'enabled\n');
  assert.match((await d.ctl(['status', '--no-pager', 'inst.service'])).stdout, /Loaded: loaded \(.*inst\.service; enabled[;)]/);
  // A link removed behind the manager's back: a loaded unit (running, so never garbage-collected) keeps its
  // state, as unit_get_unit_file_state() caches it per unit object, while is-enabled (GetUnitFileState) scans
  // afresh; daemon-reload catches up.
  assert.equal((await d.ctl(['start', 'inst.service'])).code, 0);
  assert.equal(await state(), 'enabled\n');
  fs.rmSync(path.join(etc, 'app.target.wants', 'inst.service'));
  assert.equal((await d.ctl(['is-enabled', 'inst.service'])).stdout, 'disabled\n');
  assert.equal(await state(), 'enabled\n');
  assert.equal((await d.ctl(['daemon-reload'])).code, 0);
  assert.equal(await state(), 'disabled\n');
  assert.equal((await d.ctl(['stop', 'inst.service'])).code, 0);
});
