// Differential test: `tsysd analyze security --offline=yes` against the REAL `systemd-analyze security
// --offline=yes` (systemd 252) on the same unit files. Each unit's text must be byte-identical, plain and
// with SYSTEMD_ANALYZE_DEBUG=1 (which prints every row's weight, badness and range), and on top of that the
// test names what differs when it does: the overall exposure and level, then each row's ✓/✗/n.a. decision
// and badness. Corpus: every service of /lib/systemd/system (the hardened Debian ones — ProtectSystem=,
// DynamicUser=, SystemCallFilter=, … — included; templates as instance "i"), hand-written units covering
// each assessor's branches and non-service types, and seeded random combinations of the assessed
// directives (seed: TSYSD_SECURITY_SEED, else fixed under CI, else random; printed on failure). Also: exit
// codes (--threshold, missing/masked/bad units) and the ASCII glyphs of a C locale / dumb terminal.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { HAVE_ANALYZE } from '../helpers/fake-systemd-bus';
import { rng } from '../helpers/random';
import { TSYSD } from '../helpers/daemon';

const skip = HAVE_ANALYZE ? false : 'systemd-analyze missing';

interface Run { code: number; stdout: string }

function systemdAnalyze(args: string[], env: Record<string, string> = {}): Run {
  const r = spawnSync('systemd-analyze', ['security', '--offline=yes', ...args], { env: { ...process.env, TERM: 'xterm', LANG: 'C.UTF-8', ...env }, encoding: 'utf8', timeout: 120_000 });
  return { code: r.status ?? -1, stdout: r.stdout };
}
function tsysd(args: string[], env: Record<string, string> = {}): Run {
  const r = spawnSync(process.execPath, [TSYSD, 'analyze', 'security', '--offline=yes', ...args], { env: { ...process.env, TERM: 'xterm', LANG: 'C.UTF-8', ...env }, encoding: 'utf8', timeout: 120_000 });
  return { code: r.status ?? -1, stdout: r.stdout };
}

interface Report { unit: string; text: string; exposure: string; level: string; rows: Map<string, string> }

/** Split concatenated per-unit outputs at their summary lines; rows keyed by NAME → "mark badness". */
function reports(out: string): Report[] {
  const res: Report[] = [];
  let cur: string[] = [];
  for (const line of out.split('\n')) {
    cur.push(line);
    const m = /^(?:→|->) Overall exposure level for (.+): ([0-9]+\.[0-9]) ([A-Z]+) /.exec(line);
    if (!m) continue;
    const rows = new Map<string, string>();
    for (const l of cur) {
      const r = /^(.) (\S+)\s.*?\s([0-9]+)\s+([0-9]+)\s+([0-9]+)(?:\s+[0-9.]+)?$/.exec(l);
      if (r) rows.set(r[2] as string, `${r[1]} badness=${r[4]}`);
    }
    res.push({ unit: m[1] as string, text: cur.join('\n'), exposure: m[2] as string, level: m[3] as string, rows });
    cur = [];
  }
  return res;
}

/** Compare both sides on the same files: precise complaints first, then the exact text. */
function compare(files: string[], label: string): void {
  for (const debug of ['1', '0']) {
    const env = { SYSTEMD_ANALYZE_DEBUG: debug };
    const want = systemdAnalyze(files, env);
    const got = tsysd(files, env);
    const w = reports(want.stdout), g = reports(got.stdout);
    assert.deepEqual(g.map((r) => r.unit), w.map((r) => r.unit), `${label}: the same units assessed`);
    for (let k = 0; k < w.length; k++) {
      const a = w[k] as Report, b = g[k] as Report;
      assert.equal(`${b.exposure} ${b.level}`, `${a.exposure} ${a.level}`, `${label}: overall exposure of ${a.unit}`);
      if (debug === '1') for (const [name, verdict] of a.rows) assert.equal(b.rows.get(name), verdict, `${label}: ${a.unit} row ${name}`);
      assert.equal(b.text, a.text, `${label}: ${a.unit} text (SYSTEMD_ANALYZE_DEBUG=${debug})`);
    }
    assert.equal(got.stdout, want.stdout, `${label}: whole output`);
    assert.equal(got.code, want.code, `${label}: exit code`);
  }
}

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tsysd-sec-'));
test.after(() => fs.rmSync(dir, { recursive: true, force: true }));

function unitFile(name: string, text: string): string {
  const p = path.join(dir, name);
  fs.writeFileSync(p, text);
  return p;
}

test('every service of /lib/systemd/system, hardened ones included: same tables, exposure and level', { skip, timeout: 600_000 }, () => {
  const files = fs.readdirSync('/lib/systemd/system').filter((f) => f.endsWith('.service')).sort().map((f) => `/lib/systemd/system/${f}`)
    .filter((f) => { try { return fs.statSync(f).isFile() && fs.statSync(f).size > 0; } catch { return false; } });
  const hardened = files.filter((f) => /^(ProtectSystem|DynamicUser|SystemCallFilter|PrivateTmp|CapabilityBoundingSet)=/m.test(fs.readFileSync(f, 'utf8')));
  assert.ok(hardened.length >= 5, `hardened Debian units present (${hardened.length})`);
  // One run per unit keeps a unit that fails to load from hiding the others.
  for (const f of files) compare([f], path.basename(f));
});

const HAND: Record<string, string> = {
  'plain.service': '[Service]\nExecStart=/bin/true\n',
  'noaccess.service': '[Service]\nExecStart=/bin/true\nProtectProc=noaccess\nSystemCallArchitectures=x86-64\nSystemCallFilter=@system-service\nSystemCallFilter=~@privileged:EPERM\n',
  'dyn.service': '[Service]\nExecStart=/bin/true\nSystemCallArchitectures=native x86-64\nPrivateDevices=yes\nProtectClock=yes\nIPAddressDeny=any\nIPAddressAllow=localhost\nDynamicUser=yes\nRestrictAddressFamilies=AF_UNIX AF_INET6\nRestrictNamespaces=~user net\n',
  'nobody.service': '[Service]\nExecStart=/bin/true\nDeviceAllow=/dev/null rw\nDevicePolicy=strict\nIPAddressDeny=0.0.0.0/0\nIPAddressDeny=::/0\nIPAddressAllow=10.0.0.0/8\nUser=nobody\nSupplementaryGroups=adm\nSystemCallFilter=~@mount @swap\nAmbientCapabilities=CAP_NET_RAW\nNotifyAccess=all\nUMask=0077\nKeyringMode=shared\nProtectProc=invisible\nProcSubset=pid\nDelegate=yes\n',
  'devices.service': '[Service]\nExecStart=/bin/true\nDeviceAllow=/dev/null rw\nDeviceAllow=/dev/zero\nDeviceAllow=char-pts r\nProtectClock=yes\nDevicePolicy=closed\n',
  'max.service': '[Service]\nExecStart=/bin/true\nDynamicUser=yes\nPrivateNetwork=yes\nPrivateUsers=yes\nPrivateDevices=yes\nPrivateMounts=yes\nProtectKernelTunables=yes\n' +
    'ProtectKernelModules=yes\nProtectKernelLogs=yes\nProtectControlGroups=yes\nProtectClock=yes\nProtectHostname=yes\nProtectHome=yes\nProtectProc=invisible\nProcSubset=pid\n' +
    'LockPersonality=yes\nMemoryDenyWriteExecute=yes\nRestrictRealtime=yes\nRestrictNamespaces=yes\nRestrictAddressFamilies=none\nCapabilityBoundingSet=\n' +
    'SystemCallArchitectures=native\nSystemCallFilter=@system-service\nSystemCallFilter=~@privileged @resources\nIPAddressDeny=any\nUMask=0077\nRootDirectory=/srv\nDevicePolicy=closed\n',
  'early.service': '[Unit]\nDefaultDependencies=no\n[Service]\nExecStart=/bin/true\nUser=daemon\nProtectHome=tmpfs\nProtectSystem=full\n',
  'root0.service': '[Service]\nExecStart=/bin/true\nUser=0\nDynamicUser=yes\nProtectHome=read-only\nProtectSystem=yes\nUMask=0027\nCapabilityBoundingSet=CAP_NET_BIND_SERVICE CAP_KILL\n',
  'umask.service': '[Service]\nExecStart=/bin/true\nUser=daemon\nUMask=0007\nRemoveIPC=yes\nIPAddressDeny=any\nIPAddressAllow=127.0.0.1\nIPAddressAllow=::1\nRestrictAddressFamilies=~AF_PACKET AF_NETLINK AF_BLUETOOTH\n',
  'bpf.service': '[Service]\nExecStart=/bin/true\nIPIngressFilterPath=/sys/fs/bpf/x\nUMask=0037\nCapabilityBoundingSet=~CAP_BPF CAP_SYS_ADMIN\nSystemCallFilter=@basic-io @file-system\n',
  'x.socket': '[Socket]\nListenStream=/run/x.sock\n',
  'x.target': '[Unit]\nDescription=x\n',
  'tmpl@.service': '[Service]\nExecStart=/bin/echo %i\nPrivateTmp=yes\nNotifyAccess=main\nType=notify\n',
  'x.slice': '[Slice]\nMemoryMax=10M\n',
};

test('hand-written units: each assessor\'s branches, templates and non-service types', { skip, timeout: 300_000 }, () => {
  for (const [n, t] of Object.entries(HAND)) compare([unitFile(n, t)], n);
  // Several units in one run: their reports follow each other, as systemd-analyze prints them.
  compare(Object.keys(HAND).slice(0, 4).map((n) => path.join(dir, n)), 'four units');
});

const POOL: string[][] = [
  ['User=daemon', 'User=nobody', 'User=root', 'DynamicUser=yes', 'User=0'],
  ['SupplementaryGroups=adm', 'SupplementaryGroups='],
  ['PrivateDevices=yes', 'PrivateDevices=no'], ['PrivateMounts=yes'], ['PrivateNetwork=yes'], ['PrivateTmp=yes'], ['PrivateUsers=yes'],
  ['ProtectControlGroups=yes'], ['ProtectKernelModules=yes'], ['ProtectKernelTunables=yes'], ['ProtectKernelLogs=yes'], ['ProtectClock=yes'],
  ['ProtectHome=yes', 'ProtectHome=read-only', 'ProtectHome=tmpfs', 'ProtectHome=no'],
  ['ProtectSystem=yes', 'ProtectSystem=full', 'ProtectSystem=strict'], ['ProtectHostname=yes'],
  ['RootDirectory=/srv', 'RootDirectory=/'], ['LockPersonality=yes'], ['MemoryDenyWriteExecute=yes'], ['NoNewPrivileges=yes'],
  ['CapabilityBoundingSet=CAP_NET_BIND_SERVICE', 'CapabilityBoundingSet=~CAP_SYS_ADMIN CAP_SYS_PTRACE', 'CapabilityBoundingSet=', 'CapabilityBoundingSet=CAP_CHOWN CAP_KILL CAP_AUDIT_WRITE'],
  ['AmbientCapabilities=CAP_NET_BIND_SERVICE'], ['UMask=0077', 'UMask=0000', 'UMask=0027', 'UMask=0007', 'UMask=0002'],
  ['KeyringMode=private', 'KeyringMode=shared', 'KeyringMode=inherit'], ['ProtectProc=noaccess', 'ProtectProc=invisible', 'ProtectProc=ptraceable'],
  ['ProcSubset=pid'], ['NotifyAccess=all', 'NotifyAccess=main'], ['RemoveIPC=yes'], ['Delegate=yes'], ['RestrictRealtime=yes'], ['RestrictSUIDSGID=yes'],
  ['RestrictNamespaces=yes', 'RestrictNamespaces=~user', 'RestrictNamespaces=net ipc', 'RestrictNamespaces=no'],
  ['RestrictAddressFamilies=AF_UNIX', 'RestrictAddressFamilies=AF_INET AF_INET6', 'RestrictAddressFamilies=~AF_PACKET', 'RestrictAddressFamilies=none', 'RestrictAddressFamilies=AF_UNIX AF_NETLINK AF_CAN'],
  ['SystemCallArchitectures=native', 'SystemCallArchitectures=native x86', 'SystemCallArchitectures=x86-64'],
  ['SystemCallFilter=@system-service', 'SystemCallFilter=~@mount', 'SystemCallFilter=~@obsolete @clock @swap', 'SystemCallFilter=@basic-io', 'SystemCallFilter=~@debug:EPERM'],
  ['SystemCallFilter=~@privileged', 'SystemCallFilter=@reboot', 'SystemCallFilter=~@resources:EACCES'],
  ['IPAddressDeny=any', 'IPAddressDeny=0.0.0.0/0', 'IPAddressDeny=::/0 0.0.0.0/0'], ['IPAddressAllow=localhost', 'IPAddressAllow=10.1.0.0/16', 'IPAddressAllow=127.0.0.53'],
  ['DevicePolicy=closed', 'DevicePolicy=strict', 'DevicePolicy=auto'], ['DeviceAllow=/dev/null rw', 'DeviceAllow=char-* r'],
];

test('seeded random combinations of the assessed directives', { skip, timeout: 600_000 }, () => {
  const seed = process.env['TSYSD_SECURITY_SEED'] !== undefined ? Number(process.env['TSYSD_SECURITY_SEED']) : process.env['CI'] ? 20261206 : Math.floor(Math.random() * 100000);
  const rand = rng(seed);
  const files: string[] = [];
  for (let n = 0; n < 40; n++) {
    const lines = ['[Service]', 'ExecStart=/bin/true'];
    if (rand() < 0.1) lines.unshift('[Unit]', 'DefaultDependencies=no');
    for (const choices of POOL) if (rand() < 0.35) lines.push(choices[Math.floor(rand() * choices.length)] as string);
    files.push(unitFile(`r${seed}-${n}.service`, `${lines.join('\n')}\n`));
  }
  for (const f of files) {
    try { compare([f], path.basename(f)); } catch (e) {
      throw new Error(`seed ${seed} (TSYSD_SECURITY_SEED=${seed} reproduces), unit ${f}:\n${fs.readFileSync(f, 'utf8')}\n${String(e)}`);
    }
  }
});

test('exit codes (--threshold, missing, masked, bad units) and ASCII glyphs', { skip, timeout: 120_000 }, () => {
  const plain = unitFile('thr.service', '[Service]\nExecStart=/bin/true\n');
  for (const t of ['50', '95', '96', '97', '100']) {
    assert.equal(tsysd([`--threshold=${t}`, plain]).code, systemdAnalyze([`--threshold=${t}`, plain]).code, `--threshold=${t}`);
  }
  fs.symlinkSync('/dev/null', path.join(dir, 'masked.service'));
  const bad = unitFile('bad.service', '[Service]\nType=simple\n');
  for (const args of [[path.join(dir, 'masked.service')], [bad], ['no-such-unit-here.service'], [path.join(dir, 'nope.service'), plain]]) {
    const w = systemdAnalyze(args), g = tsysd(args);
    assert.equal(g.code, w.code, `exit code of ${args.join(' ')}`);
    assert.equal(g.stdout, w.stdout, `output of ${args.join(' ')}`);
  }
  const max = unitFile('max.service', HAND['max.service'] ?? '');
  const envs: Record<string, string>[] = [{ LC_ALL: 'C' }, { TERM: 'dumb' }, { SYSTEMD_EMOJI: '0' }, { LANG: 'POSIX', LC_ALL: '' }, { LC_CTYPE: 'C.UTF-8', LANG: 'C' }];
  for (const env of envs) {
    const w = systemdAnalyze([plain, max], env), g = tsysd([plain, max], env);
    assert.equal(g.stdout, w.stdout, `glyphs with ${JSON.stringify(env)}`);
  }
});
