// Answers that differed from systemd 252 (issue 12 finding 9), against the real daemon and tsysctl. The
// expected values were observed on systemd 252 itself (Debian bookworm's /lib/systemd/systemd as PID 1 of
// a podman container, `podman run --systemd=always --rootfs DIR -v /usr:/usr:ro ... /lib/systemd/systemd`
// with the same unit files, then `podman exec ... systemctl ...`):
//   is-enabled m2.service (→ /dev/null in /etc/systemd/system)     → "masked", exit 1
//   show -p UnitFileState,LoadState m2.service                      → LoadState=masked, UnitFileState=masked
//   show -p TimeoutStopUSec t.service (TimeoutStopSec=2.5)           → TimeoutStopUSec=2.500000s (format_timespan
//       with accuracy 0: the "2s 500ms" is not what systemctl 252 prints; tsysd already matched)
//   reload nosuch.service → "Failed to reload nosuch.service: Unit nosuch.service not found.", exit 5
//   OnFailure=h.service of f.service (exit 3) → h's ExecStart sees MONITOR_SERVICE_RESULT=exit-code,
//       MONITOR_EXIT_CODE=exited, MONITOR_EXIT_STATUS=3, MONITOR_INVOCATION_ID=<32 hex>, MONITOR_UNIT=f.service
//   PropagatesStopTo=b on a: stop a → b inactive; StopPropagatedFrom=d on c: stop d → c inactive;
//       restart a → b stays active; `kill a` (unexpected) → b inactive
// The offline masked case is also checked live against the installed `systemctl --root`.
import { after, before, describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { type Daemon, startDaemon, TSYSCTL, waitFor } from '../helpers/daemon';
import { computePlan } from '../../src/cli/plan';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ctl252-'));
const units: Record<string, string> = {
  't.service': '[Service]\nExecStart=/bin/sleep 1000\nTimeoutStopSec=2.5\n',
  'f.service': '[Unit]\nOnFailure=h.service\n[Service]\nExecStart=/bin/sh -c "exit 3"\n',
  'h.service': `[Service]\nType=oneshot\nExecStart=/bin/sh -c "env | grep ^MONITOR_ | sort > ${tmp}/monitor.env"\n`,
  'a.service': '[Unit]\nPropagatesStopTo=b.service\n[Service]\nExecStart=/bin/sleep 1000\n',
  'b.service': '[Service]\nExecStart=/bin/sleep 1000\n',
  'c.service': '[Unit]\nStopPropagatedFrom=d.service\n[Service]\nExecStart=/bin/sleep 1000\n',
  'd.service': '[Service]\nExecStart=/bin/sleep 1000\n',
};

describe('answers as systemd 252 gives them', () => {
  let d: Daemon;
  before(async () => { d = await startDaemon({ units, symlinks: { 'm2.service': '/dev/null' } }); });
  after(async () => { if (d) await d.stop(); fs.rmSync(tmp, { recursive: true, force: true }); });

  it('a unit masked in the (persistent) unit directory: is-enabled and UnitFileState say "masked"', async () => {
    const r = await d.ctl(['is-enabled', 'm2.service']);
    assert.deepEqual([r.stdout.trim(), r.code], ['masked', 1]);
    assert.equal((await d.ctl(['show', '-p', 'UnitFileState,LoadState', 'm2.service'])).stdout.trim(), 'LoadState=masked\nUnitFileState=masked');
  });

  it('offline (--root): masked in /etc is "masked", in /run "masked-runtime", as the real systemctl --root says', () => {
    const root = path.join(tmp, 'root');
    fs.mkdirSync(path.join(root, 'etc/systemd/system'), { recursive: true });
    fs.mkdirSync(path.join(root, 'run/systemd/system'), { recursive: true });
    fs.symlinkSync('/dev/null', path.join(root, 'etc/systemd/system/m2.service'));
    fs.symlinkSync('/dev/null', path.join(root, 'run/systemd/system/m3.service'));
    for (const u of ['m2.service', 'm3.service']) {
      const mine = spawnSync(process.execPath, [TSYSCTL, `--root=${root}`, 'is-enabled', u], { encoding: 'utf8' });
      const sys = spawnSync('systemctl', [`--root=${root}`, 'is-enabled', u], { encoding: 'utf8' });
      if (sys.error) continue;   // no systemctl here: the daemon case above still holds
      assert.deepEqual([mine.stdout, mine.status], [sys.stdout, sys.status], u);
    }
  });

  it('show prints time spans with format_timespan(t, 0) like systemctl 252: TimeoutStopUSec=2.500000s', async () => {
    assert.equal((await d.ctl(['show', '-p', 'TimeoutStopUSec', 't.service'])).stdout.trim(), 'TimeoutStopUSec=2.500000s');
  });

  it('reload of an unknown unit: "Unit X not found.", exit 5', async () => {
    const r = await d.ctl(['reload', 'nosuch.service']);
    assert.equal(r.code, 5);
    assert.equal(r.stderr.trim(), 'Failed to reload nosuch.service: Unit nosuch.service not found.');
  });

  it('an OnFailure= handler gets MONITOR_SERVICE_RESULT/EXIT_CODE/EXIT_STATUS/INVOCATION_ID/UNIT', async () => {
    await d.ctl(['start', 'f.service']);
    assert.ok(await waitFor(() => fs.existsSync(path.join(tmp, 'monitor.env')) && fs.readFileSync(path.join(tmp, 'monitor.env'), 'utf8').length > 0, 15000));
    const env = fs.readFileSync(path.join(tmp, 'monitor.env'), 'utf8').trim().split('\n');
    const inv = (await d.ctl(['show', '-p', 'InvocationID', '--value', 'f.service'])).stdout.trim();
    assert.match(inv, /^[0-9a-f]{32}$/);
    assert.deepEqual(env, ['MONITOR_EXIT_CODE=exited', 'MONITOR_EXIT_STATUS=3', `MONITOR_INVOCATION_ID=${inv}`, 'MONITOR_SERVICE_RESULT=exit-code', 'MONITOR_UNIT=f.service']);
  });

  it('PropagatesStopTo=/StopPropagatedFrom= are honoured (stop, not restart; an unexpected stop too)', async () => {
    assert.equal((await d.ctl(['start', 'a.service', 'b.service', 'c.service', 'd.service'])).code, 0);
    await d.ctl(['restart', 'a.service']);
    assert.equal((await d.ctl(['is-active', 'b.service'])).stdout.trim(), 'active');
    await d.ctl(['stop', 'a.service']);
    await d.ctl(['stop', 'd.service']);
    const r = await d.ctl(['is-active', 'a.service', 'b.service', 'c.service', 'd.service']);
    assert.deepEqual([r.stdout.trim().split('\n'), r.code], [['inactive', 'inactive', 'inactive', 'inactive'], 3]);
    assert.equal((await d.ctl(['show', '-p', 'PropagatesStopTo', '--value', 'a.service'])).stdout.trim(), 'b.service');
    assert.equal((await d.ctl(['show', '-p', 'StopPropagatedFrom', '--value', 'c.service'])).stdout.trim(), 'd.service');
    await d.ctl(['start', 'a.service', 'b.service']);
    await d.ctl(['kill', 'a.service']);
    assert.ok(await waitFor(async () => (await d.ctl(['is-active', 'b.service'])).stdout.trim() === 'inactive', 10000));
  });

  it('tsysd plan --unit-path on a bare directory uses the daemon\'s built-in targets', () => {
    const bare = path.join(tmp, 'bare');
    fs.mkdirSync(bare);
    fs.writeFileSync(path.join(bare, 'x.service'), '[Service]\nExecStart=/bin/sleep 10\n');
    const p = computePlan({ unitPaths: [bare], user: false, mode: 'replace', json: true, type: 'start', units: ['x.service'] });
    assert.ok(p.ok, p.error);
    assert.deepEqual(Object.keys(p.jobs).sort(), ['local-fs.target', 'sysinit.target', 'x.service']);
  });
});
