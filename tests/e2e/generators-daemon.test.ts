// Generators in the running manager: tsysd (PID 1 of a private PID + mount namespace, /run/systemd on a
// private tmpfs so the host's generator directories are never touched) runs the executables of
// $SYSTEMD_GENERATOR_PATH before loading units, with argv `normal early late`, systemd's environment and
// umask 022, and the built-in SysV generator for the script in $SYSTEMD_SYSVINIT_PATH (no real
// systemd-sysv-generator on that generator path); the generated units start through the runlevel links,
// and `daemon-reload` flushes and re-runs the generators. Also the platform runner's timeout.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { startDaemon, waitFor } from '../helpers/daemon';
import { createRealPlatform } from '../../src/platform/real';
import { platformRunner } from '../../src/platform/generators';

function w(p: string, text: string, mode = 0o755): void { fs.mkdirSync(path.dirname(p), { recursive: true }); fs.writeFileSync(p, text, { mode }); }

test('the manager runs generators at boot and on daemon-reload; SysV scripts start through the built-in generator', { timeout: 120_000 }, async () => {
  const t = fs.mkdtempSync(path.join(os.tmpdir(), 'tsysd-gen-e2e-'));
  fs.chmodSync(t, 0o755);
  w(`${t}/gens/10-hello`, `#!/bin/sh
{ echo "argv=$*"; echo "umask=$(umask)"; env | grep -E '^(SYSTEMD_[A-Z_]+|container)=' | sort; } > ${t}/gen-run.$$
mkdir -p "$1/multi-user.target.wants"
printf '[Unit]\\nDescription=generated\\n[Service]\\nType=oneshot\\nRemainAfterExit=yes\\nExecStart=/bin/true\\n' > "$1/hello-gen.service"
ln -s ../hello-gen.service "$1/multi-user.target.wants/hello-gen.service"
if [ -e ${t}/second ]; then printf '[Service]\\nExecStart=/bin/sleep 1000\\n' > "$3/late-gen.service"; fi
`);
  w(`${t}/gens/20-masked`, '', 0o755);   // empty file: a mask, never run
  w(`${t}/init.d/legacy`, `#!/bin/sh
### BEGIN INIT INFO
# Provides:          legacy
# Required-Start:    $remote_fs $syslog
# Default-Start:     2 3 4 5
# Short-Description: a SysV-only daemon
### END INIT INFO
case "$1" in
  start) touch ${t}/legacy.started ;;
  stop) touch ${t}/legacy.stopped ;;
  *) echo "Usage: $0 {start|stop}"; exit 3 ;;
esac
`);
  fs.mkdirSync(`${t}/rc/rc2.d`, { recursive: true });
  fs.symlinkSync('../../init.d/legacy', `${t}/rc/rc2.d/S01legacy`);
  const d = await startDaemon({
    units: { 'multi-user.target': '[Unit]\nDescription=Multi-User\n' },
    args: ['--generators', '--target', 'multi-user.target'],
    setup: 'mount -t tmpfs tmpfs /run/systemd',
    env: { SYSTEMD_GENERATOR_PATH: `${t}/gens`, SYSTEMD_SYSVINIT_PATH: `${t}/init.d`, SYSTEMD_SYSVRCND_PATH: `${t}/rc`, container: '' },
  });
  try {
    const runs = fs.readdirSync(t).filter((f) => f.startsWith('gen-run.'));
    assert.equal(runs.length, 1, 'one generator run at boot');
    const rec = fs.readFileSync(`${t}/${runs[0]}`, 'utf8');
    assert.match(rec, /^argv=\/run\/systemd\/generator \/run\/systemd\/generator\.early \/run\/systemd\/generator\.late$/m);
    assert.match(rec, /^umask=0022$/m);
    assert.match(rec, /^SYSTEMD_SCOPE=system$/m);
    assert.match(rec, /^SYSTEMD_IN_INITRD=0$/m);
    assert.match(rec, /^SYSTEMD_ARCHITECTURE=\S+$/m);
    assert.match(rec, /^SYSTEMD_EXEC_PID=\d+$/m);
    let r = await d.ctl(['is-active', 'hello-gen.service', 'legacy.service']);
    assert.equal(r.stdout, 'active\nactive\n', d.output);
    assert.ok(fs.existsSync(`${t}/legacy.started`));
    r = await d.ctl(['show', '-p', 'FragmentPath,SourcePath,Description', 'legacy.service']);
    assert.equal(r.stdout, 'Description=LSB: a SysV-only daemon\nFragmentPath=/run/systemd/generator.late/legacy.service\nSourcePath=' + `${t}/init.d/legacy` + '\n');
    assert.equal((await d.ctl(['cat', 'late-gen.service'])).code, 1);
    w(`${t}/second`, '', 0o644);
    r = await d.ctl(['daemon-reload']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(fs.readdirSync(t).filter((f) => f.startsWith('gen-run.')).length, 2, 'generators ran again');
    r = await d.ctl(['show', '-p', 'LoadState,FragmentPath', 'late-gen.service']);
    assert.equal(r.stdout, 'LoadState=loaded\nFragmentPath=/run/systemd/generator.late/late-gen.service\n');
    r = await d.ctl(['stop', 'legacy.service']);
    assert.equal(r.code, 0, r.stderr);
    assert.ok(await waitFor(() => fs.existsSync(`${t}/legacy.stopped`), 5000));
  } finally {
    await d.stop();
    fs.rmSync(t, { recursive: true, force: true });
  }
});

test('platform runner: generators run in parallel; the timeout sends SIGTERM to those still running', { timeout: 60_000 }, async () => {
  const t = fs.mkdtempSync(path.join(os.tmpdir(), 'tsysd-gen-run-'));
  const platform = createRealPlatform({ reaper: true });
  try {
    w(`${t}/a`, '#!/bin/sh\nsleep 0.3; exit 3\n');
    w(`${t}/b`, '#!/bin/sh\nsleep 0.3; exit 0\n');
    w(`${t}/slow`, '#!/bin/sh\nexec sleep 30\n');
    const t0 = Date.now();
    const res = await platformRunner(platform, -1, -1).runAll(['a', 'b', 'slow'].map((n) => ({ path: `${t}/${n}`, argv: [`${t}/${n}`] })), ['PATH=/usr/bin:/bin'], 2_000_000);
    const took = Date.now() - t0;
    const by = Object.fromEntries(res.map((r) => [path.basename(r.path), `${r.outcome}:${r.status}`]));
    assert.deepEqual(by, { a: 'exited:3', b: 'exited:0', slow: 'timeout:0' });
    assert.ok(took >= 1900, `waited for the timeout (${took} ms)`);
    const missing = await platformRunner(platform, -1, -1).runAll([{ path: `${t}/nope`, argv: [`${t}/nope`] }], [], 1_000_000);
    assert.equal(missing.length, 1);
    assert.ok(missing[0]!.outcome === 'exited' ? missing[0]!.status === 203 : missing[0]!.outcome === 'spawn-failed', JSON.stringify(missing));
  } finally {
    fs.rmSync(t, { recursive: true, force: true });
  }
});
