// `tsysctl show` of mount, swap and automount units against systemd 252's `systemctl show` of the same unit
// files. The expected outputs (tests/fixtures/show252/*.show) were captured from systemd 252 as PID 1 of a
// podman container (Debian bookworm, `podman run --systemd=always`, the unit files copied to
// /etc/systemd/system, `systemctl show UNIT`). Compared: every property of the unit's own interface and of
// its cgroup/exec/kill interfaces (all lines before Id=), and the Unit properties that do not depend on the
// machine's other units or on time. Also: a mounted file system reports What=/Options=/Type= from the
// kernel's mount table, as systemd does.
import { after, before, describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { type Daemon, startDaemon } from '../helpers/daemon';

const FIX = path.join(__dirname, '..', '..', '..', 'tests', 'fixtures', 'show252');
const UNITS = ['srv-gone.mount', 'dev-nothing.swap', 'srv-auto.automount'];
const UNIT_PROPS = ['Description', 'LoadState', 'ActiveState', 'SubState', 'CanStart', 'CanStop', 'CanReload', 'CanIsolate',
  'StopWhenUnneeded', 'RefuseManualStart', 'RefuseManualStop', 'AllowIsolate', 'DefaultDependencies', 'IgnoreOnIsolate',
  'Transient', 'Perpetual', 'StartLimitIntervalUSec', 'StartLimitBurst', 'CollectMode', 'JobTimeoutUSec'];

// Values systemd takes from its own process and machine (the container's RLIMIT_NPROC/SIGPENDING/MSGQUEUE/
// NICE/RTPRIO, DefaultTasksMax = 15% of its pid limit): tsysd prints systemd's defaults for unset limits and
// no DefaultTasksMax, for services as well — not compared.
const HOST_DEPENDENT = /^(TasksMax|Limit(NPROC|SIGPENDING|MSGQUEUE|NICE|RTPRIO)(Soft)?)=/;

function split(text: string): { own: string[]; unit: Map<string, string> } {
  const lines = text.split('\n').filter((l) => l !== '' && !HOST_DEPENDENT.test(l));
  const at = lines.findIndex((l) => l.startsWith('Id='));
  const unit = new Map<string, string>();
  for (const l of lines.slice(at)) { const i = l.indexOf('='); unit.set(l.slice(0, i), l.slice(i + 1)); }
  return { own: lines.slice(0, at), unit };
}

describe('show of mount, swap and automount units as systemd 252', () => {
  let d: Daemon;
  before(async () => {
    const units: Record<string, string> = {};
    for (const f of fs.readdirSync(FIX)) if (!f.endsWith('.show')) units[f] = fs.readFileSync(path.join(FIX, f), 'utf8');
    units['srv-tsysd\\x2dshow.mount'] = '[Mount]\nWhat=tsysd-show\nWhere=/srv/tsysd-show\nType=tmpfs\nOptions=size=2m\n';
    // as in the container the captures come from: container=podman (swap units unsupported) and a read-only
    // /sys (device units unsupported, so no BindsTo=dev-nothing.device)
    d = await startDaemon({ units, waitRunning: true, env: { container: 'podman' },
      setup: 'mount -o remount,bind,ro /sys && mkdir -p /srv/tsysd-show && mount -t tmpfs -o size=1m tsysd-show /srv/tsysd-show' });
  });
  after(async () => { await d?.stop(); });

  for (const u of UNITS) {
    it(`${u}: its own, cgroup, exec and kill properties and the fixed Unit properties`, async () => {
      const want = split(fs.readFileSync(path.join(FIX, `${u}.show`), 'utf8'));
      const r = await d.ctl(['show', u]);
      assert.equal(r.code, 0, r.stderr);
      const got = split(r.stdout);
      assert.deepEqual(got.own, want.own);
      for (const k of UNIT_PROPS) assert.equal(got.unit.get(k), want.unit.get(k), `${u} ${k}`);
    });
  }

  it('starting a swap unit in a container, or an automount unit without /dev/autofs: "not supported", the unit stays inactive', async () => {
    for (const u of ['dev-nothing.swap', 'srv-auto.automount']) {
      const r = await d.ctl(['start', u]);
      assert.equal(r.code, 1, `${u}: ${r.stdout}${r.stderr}`);
      assert.equal(r.stderr.trim(), `Operation on or unit type of ${u} not supported on this system.`);
      assert.equal((await d.ctl(['show', '-p', 'ActiveState,SubState,Result', u])).stdout, 'Result=success\nActiveState=inactive\nSubState=dead\n');
    }
    assert.equal((await d.ctl(['stop', 'dev-nothing.swap'])).code, 0, 'stopping it is fine, as under systemd');
    assert.equal((await d.ctl(['is-system-running'])).stdout.trim(), 'running', 'an unsupported start does not degrade the system');
  });

  it('a mounted file system shows the kernel table\'s What=, Options= and Type=, and its unit file\'s other settings', async () => {
    const r = await d.ctl(['show', '-p', 'What,Where,Type,Options,ActiveState,SubState,Slice', 'srv-tsysd\\x2dshow.mount']);
    assert.equal(r.code, 0, r.stderr);
    const info = (await d.inNs(['sh', '-c', 'grep " /srv/tsysd-show " /proc/self/mountinfo'])).stdout.trim().split(' ');
    const sep = info.indexOf('-');
    const opts = [...new Set([...info[5]!.split(','), ...info[sep + 3]!.split(',')])].join(',');
    assert.equal(r.stdout, `Where=/srv/tsysd-show\nWhat=tsysd-show\nOptions=${opts}\nType=tmpfs\nSlice=system.slice\nActiveState=active\nSubState=mounted\n`);
    assert.match(opts, /size=1024k/, 'the mounted size, not the unit file\'s size=2m');
  });
});
