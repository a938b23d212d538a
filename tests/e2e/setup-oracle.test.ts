// tsysd's sysusers.d and tmpfiles.d fallbacks (src/setup/) against systemd 252's own tools on the same
// input: a fixture root is copied twice; `systemd-sysusers --root=A` then `systemd-tmpfiles --create
// --remove --boot --root=A` run on one copy, tsysd's applySysusers/applyTmpfilesConfig on the other, and the
// two trees must be identical (type, mode, owner, link target, content, the passwd/group/shadow files).
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { applySysusers, applyTmpfilesConfig, hasBinary } from '../../src/setup/boot';

const have = process.getuid?.() === 0 && hasBinary('/', 'systemd-tmpfiles') && hasBinary('/', 'systemd-sysusers');

function w(root: string, p: string, text: string, mode = 0o644): void {
  fs.mkdirSync(path.dirname(path.join(root, p)), { recursive: true });
  fs.writeFileSync(path.join(root, p), text, { mode });
  fs.chmodSync(path.join(root, p), mode);
}

function fixture(root: string): void {
  w(root, '/etc/passwd', 'root:x:0:0:root:/root:/bin/bash\ndaemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin\nold:x:998:998::/nonexistent:/usr/sbin/nologin\n');
  w(root, '/etc/group', 'root:x:0:\ndaemon:x:1:\nadm:x:4:\nold:x:998:\ntaken:x:990:\n');
  w(root, '/etc/shadow', 'root:*:19000:0:99999:7:::\ndaemon:*:19000:0:99999:7:::\nold:!*:19000::::::\n', 0o640);
  w(root, '/etc/gshadow', 'root:*::\ndaemon:*::\nadm:*::\nold:!*::\ntaken:!*::\n', 0o640);
  w(root, '/etc/machine-id', '0123456789abcdef0123456789abcdef\n');
  w(root, '/usr/lib/sysusers.d/a.conf', [
    'g webgrp - - -',
    'u web - "Web server" /var/lib/web',
    'u fixed 990 "Fixed uid, gid taken" /',
    'u withgid 985:adm -',
    'u named -:webgrp "Named group"',
    'u old - "Exists already"',
    'g fixedg 980',
    'm web adm',
    'm member newgrp',
  ].join('\n') + '\n');
  w(root, '/etc/sysusers.d/masked.conf', '');
  w(root, '/usr/lib/sysusers.d/masked.conf', 'u masked - -\n');
  w(root, '/usr/share/factory/etc/copied.conf', 'from factory\n');
  w(root, '/var/lib/existing/file', 'x', 0o600);
  w(root, '/var/cache/purge/a', 'a');
  w(root, '/var/cache/purge/sub/b', 'b');
  w(root, '/run/dcontent/stale', 'stale');
  w(root, '/tmp/remove-me', 'r');
  w(root, '/tmp/tree/x/y', 'y');
  w(root, '/srv/write-target', 'old\n');
  w(root, '/srv/chmod/a', 'a', 0o600);
  w(root, '/srv/chmod/d/b', 'b', 0o600);
  w(root, '/usr/lib/tmpfiles.d/t.conf', [
    'd /run/app 0750 web webgrp -',
    'd /run/app/sub - - - -',
    'D /run/dcontent 0755 root root -',
    'f /etc/created.conf 0640 root adm - hello\\nworld',
    'f /var/lib/existing/file 0644 web - - ignored',
    'f+ /srv/truncated 0600 - - - new content',
    'w /srv/write-target - - - - appended?',
    'w+ /srv/write-target - - - - \\nmore',
    'L /run/link - - - - /etc/created.conf',
    'L+ /srv/write-target-link - - - - /srv/write-target',
    'L /run/factory-link',
    'C /etc/copied.conf',
    'p /run/app/fifo 0620 web - -',
    'z /var/lib/existing 0711 daemon - -',
    'Z /srv/chmod 0640 web adm -',
    'r /tmp/remove-me',
    'R /tmp/tree',
    'e /var/cache/purge 0700 - - -',
    'x /tmp/ignored',
    'd /run/%m 0700 - - -',
    'd- /nonexistent-parent-is-ok/x 0755 - - -',
    'd! /run/bootonly 0755 - - -',
    'd /run/notboot-d! 0755 - - -',
    'v /var/lib/subvol 0755 - - -',
    'c /dev/tsysd-test-null 0666 - - - 1:3',
    'd /run/app 0700 root root -',
    "d '/run/quoted dir' 0755 - - -",
    'q /var/lib/q 0755 - - -',
  ].join('\n') + '\n');
  w(root, '/etc/tmpfiles.d/masked.conf', '');
  w(root, '/usr/lib/tmpfiles.d/masked.conf', 'd /run/should-not-exist\n');
}

function tree(root: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (d: string): void => {
    for (const n of fs.readdirSync(d).sort()) {
      const p = path.join(d, n), rel = p.slice(root.length);
      const st = fs.lstatSync(p);
      let desc = `${(st.mode & 0o170000).toString(8)} ${(st.mode & 0o7777).toString(8)} ${st.uid}:${st.gid}`;
      if (st.isSymbolicLink()) desc += ` -> ${fs.readlinkSync(p)}`;
      else if (st.isFile()) desc += ` ${JSON.stringify(fs.readFileSync(p, 'utf8'))}`;
      out.set(rel, desc);
      if (st.isDirectory()) walk(p);
    }
  };
  walk(root);
  return out;
}

test('sysusers.d and tmpfiles.d fallbacks give the tree systemd-sysusers and systemd-tmpfiles give', { skip: !have && 'needs root and systemd\'s tools', timeout: 60_000 }, () => {
  const base = fs.mkdtempSync(path.join(os.tmpdir(), 'tsysd-setup-'));
  try {
    const t = path.join(base, 'template'), a = path.join(base, 'systemd'), b = path.join(base, 'tsysd');
    fixture(t);
    spawnSync('cp', ['-a', t, a]); spawnSync('cp', ['-a', t, b]);
    const env = { PATH: '/usr/sbin:/usr/bin:/sbin:/bin', SYSTEMD_LOG_LEVEL: 'err' };
    const r1 = spawnSync('systemd-sysusers', [`--root=${a}`], { env, encoding: 'utf8' });
    const r2 = spawnSync('systemd-tmpfiles', ['--create', '--remove', '--boot', `--root=${a}`], { env, encoding: 'utf8' });
    const logs: string[] = [];
    applySysusers(b, (l, m) => logs.push(`${l} ${m}`));
    applyTmpfilesConfig(b, { machineId: '0123456789abcdef0123456789abcdef', bootId: '', hostname: os.hostname(), kernelRelease: os.release(), userName: 'root', uid: 0, groupName: 'root', gid: 0, home: '/root' }, (l, m) => logs.push(`${l} ${m}`));
    const ta = tree(a), tb = tree(b);
    const diffs: string[] = [];
    for (const k of new Set([...ta.keys(), ...tb.keys()])) if (ta.get(k) !== tb.get(k)) diffs.push(`${k}: systemd ${ta.get(k) ?? '(none)'} / tsysd ${tb.get(k) ?? '(none)'}`);
    assert.ok(ta.size > 30, `systemd produced a tree (${ta.size} entries; sysusers rc ${r1.status} ${r1.stderr}; tmpfiles rc ${r2.status} ${r2.stderr})`);
    assert.deepEqual(diffs, [], logs.join('\n'));
  } finally { fs.rmSync(base, { recursive: true, force: true }); }
});
