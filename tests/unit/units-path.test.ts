// The path machine (systemd 252's path.c) on a fake file tree and fake inotify: every condition
// (PathExists=, PathExistsGlob=, PathChanged=, PathModified=, DirectoryNotEmpty=), the watch layout
// (every existing component, the path itself with its type's mask), MakeDirectory=/DirectoryMode=,
// TriggerLimitIntervalSec=/Burst=, re-arming after the service exits, TRIGGER_PATH/TRIGGER_UNIT.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FLAGS, IN } from '../../src/units/path/machine';
import { FakePathHost, pathConfig, pathRig } from './path-fake';

test('[Path] rows: list order is systemd\'s, an empty value clears all specs, defaults and verify', () => {
  const c = pathConfig(['PathExists=/a', 'PathChanged=/b//c/./', 'DirectoryNotEmpty=/d']);
  assert.deepEqual(c.path!.specs.map((s) => `${s.kind} ${s.path}`), ['DirectoryNotEmpty /d', 'PathChanged /b/c', 'PathExists /a']);
  assert.equal(c.path!.triggerLimitBurst, 200);
  assert.equal(c.path!.triggerLimitIntervalUs, 2_000_000);
  assert.equal(c.path!.directoryMode, 0o755);
  const e = pathConfig(['PathExists=/a', 'PathModified=']);
  assert.equal(e.loadState, 'bad-setting');
  assert.ok(e.diagnostics.some((d) => d.message === 'Path unit lacks path setting. Refusing.'));
});

test('PathExists=: waits with watches on every existing component, starts the service when the file appears', () => {
  const h = new FakePathHost();
  h.create('/run', 'dir'); h.create('/run/app', 'dir');
  const { m } = pathRig(['PathExists=/run/app/ready'], h);
  assert.equal(m.start(), 'started');
  assert.equal(m.subState(), 'waiting');
  assert.deepEqual(h.watchedPaths().sort(), ['/', '/run', '/run/app']);
  assert.equal(h.jobs.length, 0);
  h.create('/run/app/ready');
  assert.equal(m.subState(), 'running');
  assert.deepEqual(h.jobs[0], { TRIGGER_UNIT: 'test.path', TRIGGER_PATH: '/run/app/ready' });
  assert.equal(h.inotify.size, 0, 'no watches while running');
});

test('PathExists=: after the service exits the path re-arms; while the file exists it triggers again', () => {
  const h = new FakePathHost();
  h.create('/tmp', 'dir');
  const { m } = pathRig(['PathExists=/tmp/flag'], h);
  m.start();
  h.create('/tmp/flag');
  assert.equal(h.jobs.length, 1);
  h.serviceRuns();                                  // file still there: systemd triggers again at once
  assert.equal(h.jobs.length, 2);
  assert.equal(m.subState(), 'running');
  h.remove('/tmp/flag');
  h.serviceRuns();
  assert.equal(m.subState(), 'waiting');
  assert.equal(h.jobs.length, 2);
});

test('PathChanged=: a write on the watched file triggers (primary watch); a later write triggers again after re-arming', () => {
  const h = new FakePathHost();
  h.create('/etc', 'dir'); h.create('/etc/app.conf');
  const { m } = pathRig(['PathChanged=/etc/app.conf'], h);
  m.start();
  assert.equal(m.subState(), 'waiting');            // existing at start: no trigger (initial)
  const idx = h.inotify.get(0)!;
  assert.equal(idx.watches.get('/etc/app.conf')!.mask, FLAGS.PathChanged);
  h.write('/etc/app.conf');
  assert.equal(m.subState(), 'running');
  assert.equal(h.jobs[0]!.TRIGGER_PATH, '/etc/app.conf');
  h.serviceRuns();
  assert.equal(m.subState(), 'waiting');            // no new change: back to waiting, not re-triggered
  assert.equal(h.jobs.length, 1);
  h.write('/etc/app.conf');
  assert.equal(h.jobs.length, 2);
});

test('PathChanged=: appearance and removal of the file trigger; PathModified= also reacts to IN_MODIFY', () => {
  const h = new FakePathHost();
  h.create('/srv', 'dir');
  const { m } = pathRig(['PathChanged=/srv/data'], h);
  m.start();
  h.create('/srv/data');
  assert.equal(h.jobs.length, 1);
  h.serviceRuns();
  h.remove('/srv/data');
  assert.equal(h.jobs.length, 2);
  assert.equal(FLAGS.PathModified & IN.MODIFY, IN.MODIFY);
  assert.equal(FLAGS.PathChanged & IN.MODIFY, 0);
});

test('DirectoryNotEmpty= ignores hidden and backup files; PathExistsGlob= passes the first match as TRIGGER_PATH', () => {
  let h = new FakePathHost();
  h.create('/spool', 'dir');
  let r = pathRig(['DirectoryNotEmpty=/spool'], h);
  r.m.start();
  h.create('/spool/.hidden');
  h.create('/spool/x~');
  assert.equal(r.m.subState(), 'waiting');
  h.create('/spool/job1');
  assert.equal(r.m.subState(), 'running');
  assert.equal(h.jobs[0]!.TRIGGER_PATH, '/spool');
  h = new FakePathHost();
  h.create('/in', 'dir');
  r = pathRig(['PathExistsGlob=/in/*.csv'], h);
  r.m.start();
  h.create('/in/b.txt');
  assert.equal(r.m.subState(), 'waiting');
  h.create('/in/a.csv');
  assert.equal(h.jobs[0]!.TRIGGER_PATH, '/in/a.csv');
});

test('MakeDirectory= creates the watched directories with DirectoryMode= (not for PathExists=)', () => {
  const h = new FakePathHost();
  const { m } = pathRig(['MakeDirectory=yes', 'DirectoryMode=0700', 'DirectoryNotEmpty=/var/spool/q', 'PathExists=/var/other'], h);
  m.start();
  assert.equal(h.fs.get('/var/spool/q')?.mode, 0o700);
  assert.equal(h.fs.has('/var/other'), false);
  assert.equal(m.subState(), 'waiting');
  assert.equal(m.properties().DirectoryMode, '0700');
});

test('TriggerLimitBurst= within TriggerLimitIntervalSec=: the next trigger fails the path with trigger-limit-hit', () => {
  const h = new FakePathHost();
  h.create('/tmp', 'dir');
  const { m } = pathRig(['PathExists=/tmp/f', 'TriggerLimitBurst=3', 'TriggerLimitIntervalSec=10s'], h);
  m.start();
  h.create('/tmp/f');
  h.serviceRuns();
  h.serviceRuns();
  assert.equal(h.jobs.length, 3);
  h.serviceRuns();
  assert.equal(m.subState(), 'failed');
  assert.equal(m.result(), 'trigger-limit-hit');
  assert.ok(h.logs.some((l) => l.includes('Trigger limit hit, refusing further activation.')));
  m.resetFailed();
  h.mono += 11_000_000;
  assert.equal(m.start(), 'started');
  assert.equal(h.jobs.length, 4);                   // a new interval
});

test('the triggered unit hitting its start limit fails the path (unit-start-limit-hit); a queued job defers re-arming', () => {
  const h = new FakePathHost();
  h.create('/tmp', 'dir');
  const { m } = pathRig(['PathExists=/tmp/f'], h);
  m.start();
  h.create('/tmp/f');
  h.setTrigger('inactive', true);                   // job still queued: nothing happens
  h.flush();
  assert.equal(m.subState(), 'running');
  h.setTrigger('failed', false, true);
  assert.equal(m.subState(), 'failed');
  assert.equal(m.result(), 'unit-start-limit-hit');
});

test('an already active service makes a starting path running; a watch error other than ENOENT/EACCES fails it', () => {
  let h = new FakePathHost();
  h.trigger!.activeState = 'active';
  let r = pathRig(['PathExists=/nope'], h);
  r.m.start();
  assert.equal(r.m.subState(), 'running');
  h = new FakePathHost();
  h.denied.add('/');
  r = pathRig(['PathExists=/x'], h);
  r.m.start();
  assert.equal(r.m.subState(), 'failed');
  assert.equal(r.m.result(), 'resources');
  assert.ok(h.logs.some((l) => l.includes('Failed to add watch on any of the components of /x')));
});

test('stop drops every watch; a pending stop job keeps an event from queueing a start; properties', () => {
  const h = new FakePathHost();
  h.create('/tmp', 'dir');
  const { m } = pathRig(['PathExists=/tmp/f', 'PathChanged=/tmp/g', 'Unit=other.service'], h);
  h.trigger!.id = 'other.service';
  m.start();
  assert.equal(h.inotify.size, 2);
  h.stopJob = true;
  h.create('/tmp/f');
  assert.equal(h.jobs.length, 0);
  h.stopJob = false;
  assert.equal(m.stop(), 'stopping');
  assert.equal(h.inotify.size, 0);
  const p = m.properties();
  assert.equal(p.Paths, '/tmp/g (PathChanged)\n/tmp/f (PathExists)');
  assert.equal(p.Unit, 'other.service');
  assert.equal(p.TriggerLimitIntervalUSec, '2s');
  assert.equal(p.TriggerLimitBurst, 200);
});
