// e2e: the journal server on journald's real socket paths (private mount + PID namespace, tmpfs on /run):
// `logger` (syslog), `systemd-cat` (stdout stream), `logger --journald` and a C program calling
// sd_journal_send() with a 1 MiB field (libsystemd passes it as a sealed memfd) all land in the journal
// with the sender's trusted fields; the files pass journalctl --verify and the real journalctl reads them.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { JOURNALCTL, journalctl, tmpdir } from '../unit/journal-helpers';

const canRun = process.getuid?.() === 0 && fs.existsSync('/usr/bin/unshare') && !!JOURNALCTL && fs.existsSync('/usr/include/systemd/sd-journal.h');

test('server: logger, systemd-cat, logger --journald and sd_journal_send (1 MiB memfd) are stored with trusted fields', { skip: !canRun }, () => {
  const dir = tmpdir('tsysd-jsrv-');
  try {
    const csrc = path.join(dir, 'send.c');
    fs.writeFileSync(csrc, `#include <systemd/sd-journal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
int main(void) {
  size_t n = 1024 * 1024; char *big = malloc(n + 1); memset(big, 'Q', n); big[n] = 0;
  int r = sd_journal_send("MESSAGE=big one", "PRIORITY=5", "BIGFIELD=%s", big, "SYSLOG_IDENTIFIER=bigsender", NULL);
  usleep(500000);   /* stay alive so the server can read /proc/PID for _COMM, _EXE, _CMDLINE */
  return r < 0 ? 1 : 0;
}
`);
    const cc = spawnSync('gcc', ['-O1', '-o', path.join(dir, 'send'), csrc, '-lsystemd']);
    assert.equal(cc.status, 0, cc.stderr?.toString());
    const main = path.resolve(__dirname, '../../src/journal/main.js');
    const out = path.join(dir, 'out');
    fs.mkdirSync(out);
    const script = `
set -e
mount -t tmpfs tmpfs /run
node ${main} --persistent-root /nonexistent --no-dev-log > /run/srv.out 2>/run/srv.err &
SRV=$!
for i in $(seq 1 100); do grep -q ready /run/srv.out 2>/dev/null && break; sleep 0.05; done
logger -u /run/systemd/journal/dev-log -p user.err -t mytag hello-syslog &
LPID=$!; wait $LPID
echo "hi from cat" | systemd-cat -t catid -p warning
printf 'MESSAGE=native hello\\nPRIORITY=2\\nCUSTOM=yes\\n' | logger --journald=/dev/stdin
${path.join(dir, 'send')}
sleep 0.3
kill -TERM $SRV; wait $SRV || true
cat /run/srv.err >&2
echo LPID=$LPID
cp -r /run/log/journal ${out}/
`;
    const r = spawnSync('unshare', ['--mount', '--pid', '--fork', '--mount-proc', 'bash', '-c', script], { timeout: 60_000 });
    const output = `${r.stdout?.toString()}\n${r.stderr?.toString()}`;
    assert.equal(r.status, 0, output);
    const lpid = /LPID=(\d+)/.exec(output)?.[1];
    const mids = fs.readdirSync(path.join(out, 'journal'));
    assert.equal(mids.length, 1);
    const jdir = path.join(out, 'journal', mids[0]!);
    for (const f of fs.readdirSync(jdir)) {
      const v = journalctl(['--verify', '--file', path.join(jdir, f)]);
      assert.equal(v.code, 0, `${f}: ${v.stderr}`);
    }
    const js = journalctl(['-D', jdir, '-o', 'json', '--all']);
    assert.equal(js.code, 0, js.stderr);
    const entries = js.stdout.toString().trim().split('\n').map((l) => JSON.parse(l) as Record<string, string>);
    const find = (k: string, v: string): Record<string, string> => {
      const e = entries.find((x) => x[k] === v);
      assert.ok(e, `no entry with ${k}=${v}: ${JSON.stringify(entries.map((x) => x.MESSAGE))}`);
      return e;
    };
    const sys = find('MESSAGE', 'hello-syslog');
    assert.equal(sys._TRANSPORT, 'syslog');
    assert.equal(sys.PRIORITY, '3');
    assert.equal(sys.SYSLOG_FACILITY, '1');
    assert.equal(sys.SYSLOG_IDENTIFIER, 'mytag');
    assert.equal(sys._PID, lpid, 'sender pid from SCM_CREDENTIALS');
    assert.equal(sys._UID, '0');
    assert.ok(sys._BOOT_ID && sys._MACHINE_ID && sys._HOSTNAME && sys._SOURCE_REALTIME_TIMESTAMP);
    const cat = find('MESSAGE', 'hi from cat');
    assert.equal(cat._TRANSPORT, 'stdout');
    assert.equal(cat.PRIORITY, '4');
    assert.equal(cat.SYSLOG_IDENTIFIER, 'catid');
    assert.match(cat._STREAM_ID ?? '', /^[0-9a-f]{32}$/);
    const nat = find('MESSAGE', 'native hello');
    assert.equal(nat._TRANSPORT, 'journal');
    assert.equal(nat.PRIORITY, '2');
    assert.equal(nat.CUSTOM, 'yes');
    const big = find('MESSAGE', 'big one');
    assert.equal(big._TRANSPORT, 'journal');
    assert.equal(big.SYSLOG_IDENTIFIER, 'bigsender', JSON.stringify(Object.keys(big)));
    assert.equal(big.BIGFIELD?.length, 1024 * 1024, 'the 1 MiB field arrived whole (memfd)');
    assert.equal(big._COMM, 'send');
    assert.equal(big._EXE, path.join(dir, 'send'));
    assert.equal(big._CMDLINE, path.join(dir, 'send'));
  } finally { fs.rmSync(dir, { recursive: true, force: true }); }
});
