// E2E: timer and path units in the real daemon (tests/helpers/daemon.ts, private PID and mount namespaces).
//  - an OnCalendar=*:*:0/5 timer fires every 5 s and its service sees TRIGGER_UNIT/TRIGGER_TIMER_*_USEC;
//  - Debian's own logrotate.timer/.service, dpkg-db-backup.timer/.service and e2scrub_all.timer/.service,
//    copied unaltered from /lib/systemd/system: the Persistent= ones have stamps older than their last due
//    elapse (logrotate's two days old) and fire exactly once at boot (catch-up); dpkg-db-backup (daily, not persistent) fires at midnight: the daemon runs on a
//    wall clock shifted to 30 s before midnight by an LD_PRELOAD shim (tests/helpers/clockshift.c, the
//    daemon's view only). State directories are tmpfs mounts inside the daemon's mount namespace, and a
//    drop-in makes logrotate a dry run (-d), so nothing on the host changes. logrotate.timer's
//    AccuracySec=1h lets the event loop wait; the 5-second timer's wake-ups dispatch it, as on systemd;
//  - a .path unit starts its service when a file appears, and again after the service exited and the file
//    changed;
//  - list-timers/show/status of timers and paths against the real systemctl of systemd 252 (run in a
//    podman container over an overlay of this machine's root, when podman and runc are available).
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { startDaemon, ROOT, sleep } from '../helpers/daemon';
import { podman, ULIMIT_OPTS } from '../helpers/podman';

async function waitFor(pred: () => boolean | Promise<boolean>, ms: number, what: string): Promise<void> {
  const end = Date.now() + ms;
  while (Date.now() < end) { if (await pred()) return; await sleep(200); }
  assert.fail(`timed out waiting for ${what}`);
}

const readLines = (f: string): string[] => (fs.existsSync(f) ? fs.readFileSync(f, 'utf8').split('\n').filter((l) => l) : []);

test('OnCalendar=*:*:0/5 fires every 5 s with TRIGGER_* in the environment; list-timers and status show it', { timeout: 90_000 }, async () => {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'tsysd-tick-'));
  fs.chmodSync(out, 0o777);
  const d = await startDaemon({
    units: {
      'test.target': '[Unit]\nWants=tick.timer\n',
      'tick.timer': '[Unit]\nDescription=Tick\n[Timer]\nOnCalendar=*:*:0/5\nAccuracySec=1us\n',
      'tick.service': `[Service]\nType=oneshot\nExecStart=/bin/sh -c 'echo "$TRIGGER_UNIT $TRIGGER_TIMER_REALTIME_USEC $TRIGGER_TIMER_MONOTONIC_USEC" >> ${out}/ticks'\n`,
    },
    args: ['--target', 'test.target'],
  });
  try {
    const f = path.join(out, 'ticks');
    await waitFor(() => readLines(f).length >= 2, 30_000, 'two ticks');
    for (const l of readLines(f)) {
      const [unit, rt, mono] = l.split(' ');
      assert.equal(unit, 'tick.timer');
      assert.ok(Number(rt) % 5_000_000 < 3_000_000, `fired just after a 5 s boundary: ${rt}`);   // dispatch delay under load
      assert.ok(Number(mono) > 0);
    }
    const lt = await d.ctl(['list-timers']);
    assert.equal(lt.code, 0);
    const rows = lt.stdout.split('\n');
    assert.match(rows[0]!, /^NEXT {24}LEFT +LAST {24}PASSED +UNIT +ACTIVATES$/);
    assert.match(rows[1]!, /^\w{3} \d{4}-\d\d-\d\d \d\d:\d\d:\d[05] UTC \d+(us|ms|s) left +\w{3} \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC (\d+(us|ms|s) ago|now) +tick\.timer tick\.service$/);
    assert.deepEqual(rows.slice(2), ['', '1 timers listed.', 'Pass --all to see loaded but inactive timers, too.', '']);
    const st = await d.ctl(['status', 'tick.timer']);
    assert.match(st.stdout, /\n {4}Trigger: \w{3} \d{4}-\d\d-\d\d \d\d:\d\d:\d[05] UTC; (\d+(us|ms|s) left|now)\n {3}Triggers: . tick\.service\n/);
    const sh = await d.ctl(['show', 'tick.timer', '-p', 'SubState,Unit,TimersCalendar,AccuracyUSec,NextElapseUSecMonotonic']);
    // in the bus order (Timer interface, then Unit), as systemctl prints -p lists
    assert.equal(sh.stdout, 'Unit=tick.service\nTimersCalendar={ OnCalendar=*-*-* *:*:00/5 ; next_elapse=' +
      sh.stdout.split('next_elapse=')[1]!.split(' }')[0] + ' }\nNextElapseUSecMonotonic=0\nAccuracyUSec=1us\nSubState=waiting\n');
  } finally {
    await d.stop();
    fs.rmSync(out, { recursive: true, force: true });
  }
});

function buildClockShift(dir: string): string | null {
  const so = path.join(dir, 'clockshift.so');
  const r = spawnSync('gcc', ['-shared', '-fPIC', '-O2', '-o', so, path.join(ROOT, 'tests', 'helpers', 'clockshift.c'), '-ldl']);
  return r.status === 0 ? so : null;
}

const DEBIAN = ['logrotate', 'dpkg-db-backup', 'e2scrub_all'];
const haveDebian = DEBIAN.every((n) => fs.existsSync(`/lib/systemd/system/${n}.timer`) && fs.existsSync(`/lib/systemd/system/${n}.service`));

test('Debian logrotate, dpkg-db-backup and e2scrub_all timers fire under tsysd; Persistent= catch-up runs once at boot',
  { timeout: 240_000, skip: !haveDebian && 'logrotate/dpkg/e2fsprogs timers not installed' }, async () => {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tsysd-debian-timers-'));
    const so = buildClockShift(tmp);
    assert.ok(so, 'gcc builds the clock shim');
    const now = Date.now() * 1000;
    const dayUs = 86_400_000_000;
    const shifted = (Math.floor(now / dayUs) + 1) * dayUs - 30_000_000;      // 30 s before the next UTC midnight
    const shift = shifted - now;
    const twoDaysAgo = Math.floor((shifted - 2 * dayUs) / 1e6);
    const units: Record<string, string> = {
      'test.target': `[Unit]\nWants=${DEBIAN.map((n) => `${n}.timer`).join(' ')} tick.timer\n`,
      'tick.timer': '[Timer]\nOnCalendar=*:*:0/5\nAccuracySec=1us\n',
      'tick.service': '[Service]\nType=oneshot\nExecStart=/bin/true\n',
      // a dry run: logrotate reads its configuration and the state file, changes nothing
      'logrotate.service.d/50-test-dry-run.conf': '[Service]\nExecStart=\nExecStart=/usr/sbin/logrotate -d /etc/logrotate.conf\n',
    };
    for (const n of DEBIAN) for (const t of ['timer', 'service']) units[`${n}.${t}`] = fs.readFileSync(`/lib/systemd/system/${n}.${t}`, 'utf8');
    const setup = [
      'mount -t tmpfs -o mode=0755 tmpfs /var/lib/systemd', 'mkdir -p /var/lib/systemd/timers',
      'mount -t tmpfs -o mode=0755 tmpfs /var/backups',
      `touch -d @${twoDaysAgo} /var/lib/systemd/timers/stamp-logrotate.timer`,
      // e2scrub_all is weekly (Sun 03:10): its last run is nine days back, before the last Sunday
      `touch -d @${twoDaysAgo - 7 * 86400} /var/lib/systemd/timers/stamp-e2scrub_all.timer`,
    ].join(' && ');
    const d = await startDaemon({
      units, args: ['--target', 'test.target'], setup,
      env: { LD_PRELOAD: so!, TSYSD_TEST_CLOCK_SHIFT_US: String(shift), TZ: 'UTC' },
    });
    const bootedAt = Date.now();
    // Runs of each service: the distinct ExecMainStartTimestampMonotonic values seen, polled every 250 ms from
    // boot on (the value of the last run stays after it exited; runs here are seconds to a day apart). The
    // manager's "Starting X..." lines are no proof: as systemd 252, it prints them only while it boots.
    const services = DEBIAN.map((n) => `${n}.service`);
    const runs = new Map<string, Set<string>>(services.map((u) => [u, new Set<string>()]));
    let polling = true;
    const poller = (async () => {
      while (polling) {
        const r = await d.ctl(['show', '-p', 'Id,ExecMainStartTimestampMonotonic', ...services]);
        for (const block of r.stdout.split('\n\n')) {
          const id = /^Id=(.+)$/m.exec(block)?.[1];
          const ts = /^ExecMainStartTimestampMonotonic=(\d+)$/m.exec(block)?.[1];
          if (id && ts && ts !== '0') runs.get(id)?.add(ts);
        }
        await sleep(250);
      }
    })();
    try {
      const ran = (unit: string): number => runs.get(unit)?.size ?? 0;
      // catch-up: both persistent timers fire once right at boot (e2scrub_all adds up to RandomizedDelaySec=60)
      await waitFor(() => ran('logrotate.service') >= 1, 30_000, 'logrotate.service to run');
      await waitFor(async () => {
        const r = await d.ctl(['show', 'logrotate.service', '-p', 'ExecMainStatus,ActiveState']);
        return r.stdout.includes('ExecMainStatus=0') && r.stdout.includes('ActiveState=inactive');
      }, 30_000, 'logrotate.service to finish');
      // up to midnight (30 s after boot on the daemon's clock) the catch-up has run exactly once
      await sleep(Math.max(0, 20_000 - (Date.now() - bootedAt)));
      assert.equal(ran('logrotate.service'), 1, 'the catch-up runs once');
      assert.equal(ran('dpkg-db-backup.service'), 0, 'dpkg-db-backup waits for midnight');
      try { await waitFor(() => ran('e2scrub_all.service') >= 1, 120_000, 'e2scrub_all.service to run'); } catch (e) {
        const lt = await d.ctl(['list-timers', '--all']);
        const sh = await d.ctl(['show', 'e2scrub_all.timer', 'e2scrub_all.service']);
        throw new Error(`${String(e)}\n${lt.stdout}\n${sh.stdout}\n${d.output}`);
      }
      // dpkg-db-backup is not persistent: it waits for midnight on the (shifted) wall clock
      await waitFor(() => ran('dpkg-db-backup.service') >= 1, 60_000, 'dpkg-db-backup.service at midnight');
      const root = `/proc/${d.innerPid()}/root`;
      await waitFor(() => fs.existsSync(`${root}/var/backups/dpkg.status.0`), 30_000, 'the dpkg database backup in the private /var/backups');
      await sleep(6000);
      assert.equal(ran('logrotate.service'), 2, 'and logrotate.timer (daily) fires again at midnight');
      assert.equal(ran('e2scrub_all.service'), 1);
      assert.equal(ran('dpkg-db-backup.service'), 1);
      // the stamp carries the trigger time (on the daemon's clock), the timer waits for the next midnight
      const stamp = fs.statSync(`${root}/var/lib/systemd/timers/stamp-logrotate.timer`).mtimeMs * 1000;
      assert.ok(Math.abs(stamp - shifted) < 120_000_000, `stamp ${stamp} near the shifted boot time ${shifted}`);
      const lt = await d.ctl(['list-timers', 'logrotate', 'dpkg-db-backup.timer']);
      const next = new Date((Math.floor(shifted / dayUs) + 2) * dayUs / 1000).toISOString().slice(0, 10);
      assert.match(lt.stdout, new RegExp(`\\n\\w{3} ${next} 00:00:00 UTC .* dpkg-db-backup\\.timer +dpkg-db-backup\\.service\\n`));
      assert.match(lt.stdout, /logrotate\.timer +logrotate\.service/);
      assert.match(lt.stdout, /\n2 timers listed\.\n/);
    } finally {
      polling = false;
      await poller;
      await d.stop();
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  });

test('a .path unit starts its service when the file appears, and again after the service exited and the file changed',
  { timeout: 90_000 }, async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tsysd-path-'));
    fs.chmodSync(dir, 0o777);
    const d = await startDaemon({
      units: {
        'test.target': '[Unit]\nWants=watch.path spool.path\n',
        'watch.path': `[Path]\nPathChanged=${dir}/data\n`,
        'watch.service': `[Service]\nType=oneshot\nExecStart=/bin/sh -c 'echo "$TRIGGER_UNIT $TRIGGER_PATH" >> ${dir}/runs'\n`,
        'spool.path': `[Path]\nDirectoryNotEmpty=${dir}/spool\nMakeDirectory=yes\nDirectoryMode=0700\n`,
        'spool.service': `[Service]\nType=oneshot\nExecStart=/bin/sh -c 'for f in ${dir}/spool/*; do echo "$f" >> ${dir}/jobs; rm -f "$f"; done'\n`,
      },
      args: ['--target', 'test.target'],
    });
    try {
      assert.equal((fs.statSync(`${dir}/spool`).mode & 0o777), 0o700, 'MakeDirectory= with DirectoryMode=');
      const runs = path.join(dir, 'runs');
      fs.writeFileSync(path.join(dir, 'data'), 'one\n');
      await waitFor(() => readLines(runs).length === 1, 20_000, 'the first run');
      assert.deepEqual(readLines(runs), [`watch.path ${dir}/data`]);
      await waitFor(async () => (await d.ctl(['show', 'watch.path', '-p', 'SubState'])).stdout === 'SubState=waiting\n', 20_000, 're-armed');
      fs.appendFileSync(path.join(dir, 'data'), 'two\n');
      await waitFor(() => readLines(runs).length === 2, 20_000, 'the second run');
      fs.writeFileSync(path.join(dir, 'spool', 'job1'), 'x');
      await waitFor(() => readLines(path.join(dir, 'jobs')).length === 1, 20_000, 'the spool job');
      const lp = await d.ctl(['list-paths']);
      assert.equal(lp.stdout, [
        `PATH${' '.repeat(dir.length + 7 - 4)}CONDITION         UNIT       ACTIVATES`,
        `${dir}/data  PathChanged       watch.path watch.service`,
        `${dir}/spool DirectoryNotEmpty spool.path spool.service`,
        '', '2 paths listed.', 'Pass --all to see loaded but inactive paths, too.', '',
      ].join('\n'));
      const sh = await d.ctl(['show', 'spool.path', '-p', 'Paths,MakeDirectory,DirectoryMode,Unit,TriggerLimitBurst']);
      assert.equal(sh.stdout, `Unit=spool.service\nPaths=${dir}/spool (DirectoryNotEmpty)\nMakeDirectory=yes\nDirectoryMode=0700\nTriggerLimitBurst=200\n`);
    } finally {
      await d.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

// ---- against the real systemctl of systemd 252 ------------------------------------------------------

const podmanOk = spawnSync('sh', ['-c', 'command -v podman && command -v runc']).status === 0 && fs.existsSync('/lib/systemd/systemd');

const ORACLE_UNITS: Record<string, string> = {
  'zz-a.timer': '[Unit]\nDescription=fixed far\n[Timer]\nOnCalendar=2030-01-01 00:00:00\nOnCalendar=Mon 2031-*-* 10:00\n',
  'zz-c.timer': '[Timer]\nOnCalendar=2031-06-15 12:00 UTC\nUnit=zz-a.service\nPersistent=yes\nAccuracySec=1us\nRandomizedDelaySec=0\nRemainAfterElapse=no\n',
  'zz-d.timer': '[Timer]\nOnCalendar=2032-02-29\n',
  'zz-a.service': '[Service]\nType=oneshot\nExecStart=/bin/true\n',
  'zz-d.service': '[Service]\nType=oneshot\nExecStart=/bin/true\n',
  'zz-p.path': '[Path]\nPathExists=/nonexistent/zz-flag\nPathChanged=/nonexistent/zz-conf\nUnit=zz-a.service\nMakeDirectory=no\nTriggerLimitBurst=7\n',
};
const TIMER_PROPS = 'Unit,TimersCalendar,TimersMonotonic,NextElapseUSecRealtime,NextElapseUSecMonotonic,LastTriggerUSec,LastTriggerUSecMonotonic,Result,AccuracyUSec,RandomizedDelayUSec,FixedRandomDelay,Persistent,WakeSystem,RemainAfterElapse,OnClockChange,OnTimezoneChange,ActiveState,SubState';
const PATH_PROPS = 'Unit,Paths,MakeDirectory,DirectoryMode,Result,TriggerLimitIntervalUSec,TriggerLimitBurst,ActiveState,SubState';

test('list-timers, show and status of timers and paths match systemctl (systemd 252 in a podman container)',
  { timeout: 240_000, skip: !podmanOk && 'podman/runc or systemd not available' }, async () => {
    const name = `tsysd-timer-oracle-${process.pid}`;
    const started = await podman(['run', '-d', '--name', name, '--network=none', ...ULIMIT_OPTS,
      '--tmpfs', '/run:rw,mode=0755,notmpcopyup', '--tmpfs', '/tmp:notmpcopyup', '--rootfs', '/:O', '/lib/systemd/systemd', '--unit=sysinit.target']);
    assert.equal(started.code, 0, started.stderr);
    const stamps = fs.mkdtempSync(path.join(os.tmpdir(), 'tsysd-stamps-'));
    const d = await startDaemon({ units: { ...ORACLE_UNITS, 'test.target': '[Unit]\nWants=zz-a.timer zz-c.timer zz-p.path\n' },
      args: ['--target', 'test.target'], env: { TZ: 'UTC', TSYSD_TIMER_STAMP_DIR: stamps } });
    try {
      const ex = (cmd: string): Promise<{ code: number; stdout: string; stderr: string }> => podman(['exec', '-e', 'TZ=UTC', name, 'sh', '-c', cmd]);
      await waitFor(async () => (await ex('systemctl is-system-running')).stdout.trim() !== '' , 60_000, 'systemd in the container');
      const writes = Object.entries(ORACLE_UNITS).map(([f, body]) => `printf '%s' '${body.replace(/'/g, "'\\''")}' > /etc/systemd/system/${f}`).join(' && ');
      const w = await ex(`${writes} && systemctl daemon-reload && systemctl start zz-a.timer zz-c.timer zz-p.path`);
      assert.equal(w.code, 0, w.stderr);
      const pairs: [string[], string][] = [
        [['list-timers', '--all', 'zz-*'], 'list-timers --all zz-*'],
        [['list-timers', 'zz-*'], 'list-timers zz-*'],
        [['show', 'zz-a.timer', 'zz-c.timer', 'zz-d.timer', '-p', TIMER_PROPS], `show zz-a.timer zz-c.timer zz-d.timer -p ${TIMER_PROPS}`],
        [['show', 'zz-p.path', '-p', PATH_PROPS], `show zz-p.path -p ${PATH_PROPS}`],
      ];
      for (const [ours, theirs] of pairs) {
        const a = await ex(`SYSTEMD_COLORS=0 systemctl --no-pager ${theirs.replace(/\*/g, '\\*')}`);
        const b = await d.ctl(ours);
        assert.equal(b.stdout, a.stdout, `tsysctl ${ours.join(' ')} vs systemctl`);
      }
      // status: the Trigger: line of a waiting timer
      const trig = (s: string): string => s.split('\n').find((l) => l.includes('Trigger:')) ?? '';
      assert.equal(trig((await d.ctl(['status', 'zz-a.timer'])).stdout), trig((await ex('systemctl --no-pager status zz-a.timer')).stdout));
    } finally {
      await d.stop();
      await podman(['rm', '-f', '-t', '0', name]);
      fs.rmSync(stamps, { recursive: true, force: true });
    }
  });
