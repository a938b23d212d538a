// e2e: the journal inside the real daemon (tsysd --system --journal as PID 1 of a private namespace, tmpfs on
// /run/systemd so journald's socket paths are private): `logger -p user.err` from a unit lands in
// `journalctl -u UNIT -p err` with its identifier and pid; `systemd-cat` and sd_journal_send() with a 1 MiB
// field are attributed to their units; a StandardOutput=journal service's <3> prefixes set PRIORITY=3; the
// manager's own messages carry UNIT= and MESSAGE_ID=; a SIGKILL of the manager leaves files that pass
// journalctl --verify as they are, or after the redo record the next open re-applies (src/journal/writer.ts:
// a kill between applying a commit and storing its header).
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { startDaemon, hasUnshare, sleep } from '../helpers/daemon';
import { JOURNALCTL, journalctl, tmpdir } from '../unit/journal-helpers';
import { recoverJournal } from '../../src/journal/writer';

const canRun = process.getuid?.() === 0 && !!JOURNALCTL && fs.existsSync('/usr/include/systemd/sd-journal.h') && hasUnshare();

function entries(dir: string, args: string[]): Array<Record<string, string>> {
  const r = journalctl(['-D', dir, '-o', 'json', '--all', ...args]);
  assert.ok(r.code === 0 || r.code === 1, r.stderr);
  const t = r.stdout.toString().trim();
  return t ? t.split('\n').map((l) => JSON.parse(l) as Record<string, string>) : [];
}

/** journalctl --verify of every file in dir. afterCrash: a file that fails must be one killed inside a commit's
 *  apply window, which the redo record after its tail completes (as the storage's next open does:
 *  recoverJournal); then it must pass. */
function verifyDir(dir: string, afterCrash = false): void {
  for (const f of fs.readdirSync(dir)) {
    const file = path.join(dir, f);
    let v = journalctl(['--verify', '--file', file]);
    if (v.code !== 0 && afterCrash) {
      const b = fs.readFileSync(file);
      const r = recoverJournal(b, b.length);
      assert.ok(r.recovered, `${f}: ${v.stderr}\nand no redo record completes it: ${r.reason}`);
      fs.writeFileSync(file, b);
      v = journalctl(['--verify', '--file', file]);
    }
    assert.equal(v.code, 0, `${f}: ${v.stderr}`);
  }
}

test('daemon journal: logger, systemd-cat, sd_journal_send, <N> prefixes, manager messages', { skip: !canRun }, async () => {
  const jdir = tmpdir('tsysd-jd-');
  try {
    const csrc = path.join(jdir, 'send.c');
    fs.writeFileSync(csrc, `#include <systemd/sd-journal.h>
#include <stdlib.h>
#include <string.h>
int main(void) { size_t n = 1 << 20; char *b = malloc(n + 1); memset(b, 'Z', n); b[n] = 0;
  return sd_journal_send("MESSAGE=big from unit", "BIGFIELD=%s", b, NULL) < 0; }
`);
    const cc = spawnSync('gcc', ['-o', path.join(jdir, 'send'), csrc, '-lsystemd']);
    assert.equal(cc.status, 0, cc.stderr?.toString());
    const d = await startDaemon({
      units: {
        'lg.service': '[Service]\nType=oneshot\nExecStart=/usr/bin/logger -u /run/systemd/journal/dev-log -p user.err -t lgtag hello-from-logger\n',
        'cat.service': '[Service]\nType=oneshot\nExecStart=/usr/bin/systemd-cat -t x echo hi\n',
        'big.service': `[Service]\nType=oneshot\nExecStart=${path.join(jdir, 'send')}\n`,
        'prefix.service': '[Service]\nType=oneshot\nStandardOutput=journal\nExecStart=/bin/sh -c \'echo "<3>bad thing"; echo "<6>fine"; echo plain\'\n',
        'fails.service': '[Service]\nType=oneshot\nExecStart=/bin/false\n',
      },
      args: ['--journal', `--journal-runtime-dir=${jdir}/rj`, `--journal-persistent-dir=${jdir}/none`],
      shellPrefix: 'mkdir -p /run/systemd && mount -t tmpfs tmpfs /run/systemd',
    });
    let code = -1;
    try {
      for (const u of ['lg', 'cat', 'big', 'prefix']) {
        const r = await d.ctl(['start', `${u}.service`]);
        assert.equal(r.code, 0, `${u}: ${r.stderr}\n${d.output}`);
      }
      await d.ctl(['start', 'fails.service']);
      await sleep(300);
    } finally { code = await d.stop(); }
    assert.equal(code, 0);
    const mids = fs.readdirSync(path.join(jdir, 'rj'));
    const dir = path.join(jdir, 'rj', mids[0]!);
    verifyDir(dir);

    const lg = entries(dir, ['-u', 'lg.service', '-p', 'err']);
    const hello = lg.find((e) => e.MESSAGE === 'hello-from-logger');
    assert.ok(hello, JSON.stringify(lg));
    assert.equal(hello.SYSLOG_IDENTIFIER, 'lgtag');
    assert.equal(hello.PRIORITY, '3');
    assert.equal(hello._SYSTEMD_UNIT, 'lg.service');
    assert.match(hello._PID ?? '', /^\d+$/);
    assert.match(hello._SYSTEMD_INVOCATION_ID ?? '', /^[0-9a-f]{32}$/);

    const cat = entries(dir, ['-u', 'cat.service']).find((e) => e.MESSAGE === 'hi');
    assert.ok(cat);
    assert.equal(cat.SYSLOG_IDENTIFIER, 'x');
    assert.equal(cat._TRANSPORT, 'stdout');
    assert.equal(cat._SYSTEMD_UNIT, 'cat.service');

    const big = entries(dir, ['-u', 'big.service']).find((e) => e.MESSAGE === 'big from unit');
    assert.ok(big);
    assert.equal(big.BIGFIELD?.length, 1 << 20);
    assert.equal(big._SYSTEMD_UNIT, 'big.service');

    const pre = entries(dir, ['-u', 'prefix.service', '_TRANSPORT=stdout']);
    const pri = Object.fromEntries(pre.map((e) => [e.MESSAGE, e.PRIORITY]));
    assert.deepEqual(pri, { 'bad thing': '3', fine: '6', plain: '6' });

    // the manager's own messages: UNIT= and MESSAGE_ID=, shown by journalctl -u (tsysd is PID 1 here)
    const mgr = entries(dir, ['-u', 'prefix.service', 'SYSLOG_IDENTIFIER=tsysd']);
    assert.ok(mgr.some((e) => e.UNIT === 'prefix.service' && e.MESSAGE_ID === '39f53479d3a045ac8e11786248231fbf'),
      JSON.stringify(mgr.map((e) => [e.MESSAGE, e.MESSAGE_ID])));
    // with the type's verbs, as systemd's job_emit_done_message: a oneshot "Finished", a target "Reached target"
    assert.ok(mgr.some((e) => e.MESSAGE === 'Finished prefix.service.' && e.MESSAGE_ID === '39f53479d3a045ac8e11786248231fbf'),
      JSON.stringify(mgr.map((e) => [e.MESSAGE, e.MESSAGE_ID])));
    const target = entries(dir, ['UNIT=multi-user.target', 'MESSAGE_ID=39f53479d3a045ac8e11786248231fbf']).map((e) => e.MESSAGE);
    assert.deepEqual(target, ['Reached target multi-user.target - Multi-User System.']);
    const failed = entries(dir, ['UNIT=fails.service', 'MESSAGE_ID=be02cf6855d2428ba40df7e9d022f03d']);
    assert.ok(failed.length >= 1, 'a failed unit gets SD_MESSAGE_UNIT_FAILED');
  } finally { fs.rmSync(jdir, { recursive: true, force: true }); }
});

test('daemon journal: SIGKILL of the manager leaves files that pass journalctl --verify (or do once recovered)', { skip: !canRun }, async () => {
  const jdir = tmpdir('tsysd-jd-');
  try {
    const d = await startDaemon({
      units: { 'chatty.service': '[Service]\nExecStart=/bin/sh -c \'seq 1 20000; while :; do echo tick; sleep 0.01; done\'\n' },
      args: ['--journal', `--journal-runtime-dir=${jdir}/rj`, `--journal-persistent-dir=${jdir}/none`, '--no-forward-output'],
      shellPrefix: 'mkdir -p /run/systemd && mount -t tmpfs tmpfs /run/systemd',
    });
    try {
      assert.equal((await d.ctl(['start', 'chatty.service'])).code, 0);
      // wait (generously: a loaded machine) until lines are on disk, then kill while the service keeps writing
      for (let i = 0; i < 300; i++) {
        const m = fs.existsSync(path.join(jdir, 'rj')) ? fs.readdirSync(path.join(jdir, 'rj')) : [];
        if (m[0] && entries(path.join(jdir, 'rj', m[0]), ['_SYSTEMD_UNIT=chatty.service']).length > 100) break;
        await sleep(100);
      }
      d.signal('SIGKILL');
      await d.waitExit(10000);
    } finally { await d.stop(); }
    const mids = fs.readdirSync(path.join(jdir, 'rj'));
    const dir = path.join(jdir, 'rj', mids[0]!);
    verifyDir(dir, true);
    const all = entries(dir, []);
    const n = all.filter((e) => e._SYSTEMD_UNIT === 'chatty.service').length;
    assert.ok(n > 10, `${n} lines stored before the kill (${all.length} entries: ${JSON.stringify(all.slice(0, 3))})`);
  } finally { fs.rmSync(jdir, { recursive: true, force: true }); }
});
