// e2e: the real systemctl and journalctl read what tsysd's journal wrote. tsysd runs as PID 1 of a private
// namespace with its D-Bus face (/run/systemd private) and its journal at the default place (/run/log/journal
// on a tmpfs private to the namespace); `systemctl status UNIT` (over D-Bus for the state, sd-journal for the
// log lines) shows the unit's last lines, and `journalctl -u UNIT` finds them with the unit's trusted fields.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { startDaemon, hasUnshare, waitFor } from '../helpers/daemon';

const SYSTEMCTL = ['/usr/bin/systemctl', '/bin/systemctl'].find((p) => fs.existsSync(p));
const JOURNALCTL = ['/usr/bin/journalctl', '/bin/journalctl'].find((p) => fs.existsSync(p));
const canRun = process.getuid?.() === 0 && !!SYSTEMCTL && !!JOURNALCTL && hasUnshare() && fs.existsSync('/etc/machine-id');

test('the real systemctl status shows the last log lines tsysd\'s journal stored; journalctl -u finds them',
  { skip: canRun ? false : 'needs root, systemctl, journalctl, unshare and /etc/machine-id', timeout: 120_000 }, async () => {
    const d = await startDaemon({
      systemd: true,
      units: {
        'hello.service': '[Unit]\nDescription=Says hello\n[Service]\nType=oneshot\nRemainAfterExit=yes\nExecStart=/bin/sh -c \'echo "hello one"; echo "<3>hello two"\'\n',
      },
      args: ['--journal'],
      setup: 'mkdir -p /run/log && mount -t tmpfs -o mode=0755 tsysd-test /run/log',
    });
    try {
      assert.equal((await d.ctl(['start', 'hello.service'])).code, 0, d.output);
      let st = '';
      const shown = await waitFor(async () => {
        st = (await d.inNs([SYSTEMCTL!, 'status', '--no-pager', '-n', '5', 'hello.service'])).stdout;
        return st.includes('hello one') && st.includes('hello two');
      }, 20_000, 250);
      assert.ok(shown, `systemctl status:\n${st}\n${d.output.slice(-2000)}`);
      assert.match(st, /^● hello\.service - Says hello$/m);
      assert.match(st, /Active: active \(exited\)/);
      // the log lines are systemctl's short format: "Mon DD HH:MM:SS host IDENT[PID]: MESSAGE"
      assert.match(st, /^\w{3} \d{2} \d{2}:\d{2}:\d{2} \S+ sh\[\d+\]: hello one$/m);

      const j = await d.inNs([JOURNALCTL!, '-u', 'hello.service', '-o', 'json', '--no-pager']);
      assert.equal(j.code, 0, j.stderr);
      const entries = j.stdout.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, string>);
      const two = entries.find((e) => e.MESSAGE === 'hello two');
      assert.ok(two, j.stdout);
      assert.equal(two._SYSTEMD_UNIT, 'hello.service');
      assert.equal(two.PRIORITY, '3');
      assert.ok(entries.some((e) => e.UNIT === 'hello.service' && e.SYSLOG_IDENTIFIER === 'tsysd'), 'the manager\'s own messages about the unit are there too');
    } finally {
      await d.stop();
    }
  });
