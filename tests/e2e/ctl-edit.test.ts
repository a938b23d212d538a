// tsysctl edit through a live tsysd (PID-namespaced, tests/helpers/daemon.ts), on a pseudo-terminal (`script`,
// since systemctl refuses to edit without a tty) with $EDITOR a small script: the drop-in lands in the
// manager's config dir, the editor saw systemctl 252's header and the commented unit, the text between the
// markers is what is kept, the manager is reloaded, and the cancel / masked / missing-unit messages.
import { test, before, after } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { startDaemon, runCmd, TSYSCTL, type Daemon } from '../helpers/daemon';

let d: Daemon;
let etc = '';
let work = '';
let editor = '';

before(async () => {
  etc = fs.mkdtempSync(path.join(os.tmpdir(), 'tsysd-edit-etc-'));
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'tsysd-edit-work-'));
  editor = path.join(work, 'editor.sh');
  // records the temp file it was given, then replaces its contents with $ED_TEXT (printf-style) when set
  fs.writeFileSync(editor, `#!/bin/sh\ncp "$1" "${work}/seen"\necho "$1" > "${work}/seen-name"\n[ -n "$ED_TEXT" ] && printf "$ED_TEXT" > "$1"\nexit 0\n`, { mode: 0o755 });
  d = await startDaemon({
    unitPathsFirst: [etc],
    units: { 'ed.service': '[Unit]\nDescription=Vendor\n\n[Service]\nExecStart=/bin/sleep 1000\n', 'ed2.service': '[Service]\nExecStart=/bin/true\n' },
    symlinks: { 'gone.service': '/dev/null' },
  });
});
after(async () => {
  if (d) await d.stop();
  fs.rmSync(etc, { recursive: true, force: true });
  fs.rmSync(work, { recursive: true, force: true });
});

async function edit(args: string[], text: string, tty = true, input?: string): Promise<{ code: number; out: string }> {
  const argv = [process.execPath, TSYSCTL, '--socket', d.sock, 'edit', ...args].map((a) => `'${a}'`).join(' ');
  const env = { EDITOR: editor, ED_TEXT: text, SYSTEMD_EDITOR: '', VISUAL: '' };
  delete (env as Record<string, string | undefined>).SYSTEMD_EDITOR;
  const r = tty ? await runCmd('script', ['-qec', argv, '/dev/null'], { env, timeoutMs: 30000, ...(input !== undefined ? { input } : {}) })
    : await runCmd(process.execPath, [TSYSCTL, '--socket', d.sock, 'edit', ...args], { env, timeoutMs: 30000 });
  return { code: r.code, out: (r.stdout + r.stderr).replace(/\r\n/g, '\n') };
}

test('edit writes override.conf from between the markers and the manager reloads', async () => {
  const r = await edit(['ed'], '### Anything between here and the comment below will become the new contents of the file\\n\\n[Unit]\\nDescription=Edited\\n\\n### Lines below this comment will be discarded\\n# junk\\n');
  assert.deepEqual(r, { code: 0, out: '' });
  assert.equal(fs.readFileSync(path.join(etc, 'ed.service.d/override.conf'), 'utf8'), '[Unit]\nDescription=Edited\n');
  assert.equal(fs.readFileSync(path.join(work, 'seen'), 'utf8'), `### Editing ${etc}/ed.service.d/override.conf\n`
    + '### Anything between here and the comment below will become the new contents of the file\n\n\n\n'
    + '### Lines below this comment will be discarded\n\n'
    + `### ${d.unitDir}/ed.service\n# [Unit]\n# Description=Vendor\n# \n# [Service]\n# ExecStart=/bin/sleep 1000`);
  assert.match(fs.readFileSync(path.join(work, 'seen-name'), 'utf8'), new RegExp(`^${etc}/ed\\.service\\.d/\\.#override\\.conf[0-9a-f]{16}\\n$`));
  assert.equal((await d.ctl(['show', '-P', 'Description', 'ed.service'])).stdout, 'Edited\n');
  assert.deepEqual(fs.readdirSync(path.join(etc, 'ed.service.d')), ['override.conf']);
});

test('edit again shows the current drop-in; --drop-in=NAME; emptying cancels', async () => {
  await edit(['ed.service'], '');
  assert.match(fs.readFileSync(path.join(work, 'seen'), 'utf8'), /file\n\n\[Unit\]\nDescription=Edited\n\n### Lines below/);
  assert.equal((await edit(['--drop-in=extra', 'ed'], '[Service]\\nEnvironment=A=1\\n')).code, 0);
  assert.equal(fs.readFileSync(path.join(etc, 'ed.service.d/extra.conf'), 'utf8'), '[Service]\nEnvironment=A=1\n');
  assert.equal((await d.ctl(['show', '-P', 'Environment', 'ed.service'])).stdout, 'A=1\n');
  const r = await edit(['--drop-in=none', 'ed'], '\\n\\n');
  assert.deepEqual(r, { code: 0, out: `Editing "${etc}/ed.service.d/none.conf" canceled: temporary file is empty.\n` });
  assert.equal(fs.existsSync(path.join(etc, 'ed.service.d/none.conf')), false);
});

test('edit --full copies the unit; refusals: no tty, masked, missing unit, --root', async () => {
  assert.equal((await edit(['--full', 'ed'], '[Unit]\\nDescription=Full\\n[Service]\\nExecStart=/bin/sleep 1000\\n')).code, 0);
  assert.equal(fs.readFileSync(path.join(work, 'seen'), 'utf8'), fs.readFileSync(path.join(d.unitDir, 'ed.service'), 'utf8'));
  assert.equal(fs.readFileSync(path.join(etc, 'ed.service'), 'utf8'), '[Unit]\nDescription=Full\n[Service]\nExecStart=/bin/sleep 1000\n');
  assert.deepEqual(await edit(['ed'], '', false), { code: 1, out: 'Cannot edit units if not on a tty.\n' });
  assert.deepEqual(await edit(['gone'], ''), { code: 1, out: 'Cannot edit gone.service: unit is masked.\n' });
  assert.deepEqual(await edit(['nope'], ''), { code: 1, out: "Run 'systemctl edit --force --full nope.service' to create a new unit.\n" });
  assert.equal((await edit(['--force', 'nope'], '[Unit]\\nDescription=New\\n')).code, 0);
  assert.equal(fs.readFileSync(path.join(etc, 'nope.service.d/override.conf'), 'utf8'), '[Unit]\nDescription=New\n');
  // --full over an existing different file asks first (the manager still has the vendor file loaded)
  fs.writeFileSync(path.join(etc, 'ed2.service'), '[Service]\nExecStart=/bin/false\n');
  const no = await edit(['--full', 'ed2'], '[Service]\nExecStart=/bin/sleep 1\n', true, 'n\n');
  assert.equal(no.code, 1);
  assert.match(no.out, /"[^"]+\/ed2\.service" already exists\. Overwrite with "[^"]+\/units\/ed2\.service"\? \[\(y\)es, \(n\)o\] (n\n)?ed2\.service skipped\.\n$/);
  assert.equal(fs.readFileSync(path.join(etc, 'ed2.service'), 'utf8'), '[Service]\nExecStart=/bin/false\n');
  assert.equal((await edit(['--full', 'ed2'], '[Service]\nExecStart=/bin/sleep 1\n', true, 'y\n')).code, 0);
  assert.equal(fs.readFileSync(path.join(etc, 'ed2.service'), 'utf8'), '[Service]\nExecStart=/bin/sleep 1\n');
  const root = await runCmd(process.execPath, [TSYSCTL, `--root=${work}`, 'edit', 'ed'], {});
  assert.deepEqual({ code: root.code, err: root.stderr }, { code: 1, err: "Verb 'edit' cannot be used with --root= or --image=.\n" });
});
