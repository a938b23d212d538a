// Differential test: tsysd verify (collectVerify) against `systemd-analyze verify` (systemd 252) on
// (1) every .service/.socket/.target in /lib/systemd/system and the packages redis-server, nginx,
// openssh-server, cron, postgresql, dbus; (2) a generated corpus: every directive systemd 252 knows, set to a
// few bad and good values, one file each. Prints the agreement figures. Bounded: systemd-analyze runs in
// batches of a few hundred files.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { collectVerify, renderMessage } from '../../src/cli/verify';
import { ALL_ROWS, findRow } from '../../src/directives/tables';

const PKGS = ['redis-server', 'nginx', 'openssh-server', 'cron', 'postgresql', 'dbus'];
const haveAnalyze = spawnSync('systemd-analyze', ['--version']).status === 0;

function realFiles(): string[] {
  const out = new Set<string>();
  for (const f of fs.readdirSync('/lib/systemd/system')) if (/\.(service|socket|target)$/.test(f)) out.add(`/lib/systemd/system/${f}`);
  for (const p of PKGS) {
    const r = spawnSync('dpkg', ['-L', p], { encoding: 'utf8' });
    for (const l of (r.stdout ?? '').split('\n')) if (/\.(service|socket|target)$/.test(l) && fs.existsSync(l)) out.add(l);
  }
  return [...out].sort();
}

/** systemd-analyze messages, batched. Drops the summary lines that carry no location. */
function analyze(files: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < files.length; i += 400) {
    const r = spawnSync('systemd-analyze', ['verify', '--man=no', ...files.slice(i, i + 400)], { encoding: 'utf8', timeout: 120_000 });
    for (const l of `${r.stdout ?? ''}\n${r.stderr ?? ''}`.split('\n')) {
      if (!l.trim() || /^Unit \S+ has a bad unit file setting\.$/.test(l) || /failed to load properly/.test(l)) continue;
      out.push(l.trim());
    }
  }
  return out;
}

interface Cmp { systemd: number; matched: number; missing: string[]; falseErrors: string[]; extra: string[] }

function compare(files: string[]): Cmp {
  const names = new Set(files.map((f) => path.basename(f).replace(/^([^@]+)@(\.[a-z]+)$/, '$1@i$2')));
  const fileSet = new Set(files);
  const dropInDirs = files.map((f) => `${f}.d/`);
  const inScope = (l: string): boolean => {
    const m = /^(\/[^:]+):\d+: /.exec(l);
    if (m) return fileSet.has(m[1]!) || dropInDirs.some((d) => m[1]!.startsWith(d));
    const u = /^([^\s:]+): /.exec(l);
    if (u) return names.has(u[1]!);
    const b = /^Unit (\S+) /.exec(l);
    return b ? names.has(b[1]!) : false;
  };
  const sd = [...new Set(analyze(files).filter(inScope))];
  const r = collectVerify(files, { unitPaths: [], userMode: false });
  const ours = r.messages.filter((m) => m.level !== 'info' && !m.message.startsWith('tsysd:'));
  const oursText = new Set(ours.map((m) => renderMessage(m).trim()));
  const sdSet = new Set(sd);
  const missing = sd.filter((l) => !oursText.has(l));
  const falseErrors = ours.filter((m) => (m.level === 'error' || m.fatal) && !sdSet.has(renderMessage(m).trim())).map(renderMessage);
  const extra = [...oursText].filter((l) => !sdSet.has(l));
  return { systemd: sd.length, matched: sd.length - missing.length, missing, falseErrors, extra };
}

test('verify agrees with systemd-analyze verify on the real unit files', { skip: !haveAnalyze && 'systemd-analyze not installed' }, () => {
  const files = realFiles();
  assert.ok(files.length > 150, `expected the Debian unit set, got ${files.length}`);
  const c = compare(files);
  console.log(`real units: ${files.length} files; systemd-analyze messages ${c.systemd}, tsysd reports ${c.matched} of them `
    + `(${c.systemd ? ((100 * c.matched) / c.systemd).toFixed(1) : '100.0'}%), false errors ${c.falseErrors.length}, extra warnings ${c.extra.length}`);
  assert.deepEqual(c.missing, [], 'systemd messages tsysd does not give');
  assert.deepEqual(c.falseErrors, [], 'errors tsysd gives that systemd does not');
});

/** Every key systemd 252 knows in the given sections (from its own --dump-configuration-items). */
function systemdKeys(sections: readonly string[] = ['Unit', 'Service', 'Socket']): { section: string; key: string }[] {
  const r = spawnSync('/lib/systemd/systemd', ['--dump-configuration-items'], { encoding: 'utf8' });
  const out: { section: string; key: string }[] = [];
  let sec = '';
  for (const l of (r.stdout ?? '').split('\n')) {
    const h = /^\[(\w+)\]$/.exec(l);
    if (h) { sec = h[1]!; continue; }
    const k = /^([A-Za-z0-9]+)=/.exec(l);
    if (k && sections.includes(sec)) out.push({ section: sec, key: k[1]! });
  }
  return out;
}

// Every section of every unit type tsysd loads: exactly systemd 252's keys, no more (a key systemd does not
// know is "Unknown key" there, and the unit must not get a setting from it here), no fewer (e.g. the exec,
// kill and resource-control settings of [Mount] and [Swap], which systemd accepts as for services).
const ALL_SECTIONS = ['Unit', 'Install', 'Service', 'Socket', 'Mount', 'Swap', 'Automount', 'Timer', 'Path', 'Slice'];
test('each section has exactly the directives of systemd 252', { skip: !fs.existsSync('/lib/systemd/systemd') && 'systemd 252 not installed' }, () => {
  const keys = systemdKeys(ALL_SECTIONS);
  assert.ok(keys.length > 1000, `systemd --dump-configuration-items gave ${keys.length} keys`);
  assert.deepEqual(keys.filter(({ section, key }) => !findRow(section, key)).map(({ section, key }) => `${section}.${key}`), [],
    'keys systemd 252 accepts that tsysd calls unknown');
  const known = new Set(keys.map(({ section, key }) => `${section}.${key}`));
  const extra = ALL_ROWS.flatMap((r) => r.sections.filter((s) => ALL_SECTIONS.includes(s)).map((s) => `${s}.${r.key}`)).filter((k) => !known.has(k));
  assert.deepEqual(extra, [], 'keys tsysd accepts that systemd 252 calls unknown');
});

test('verify agrees with systemd-analyze on a generated corpus of bad and good values', { skip: !haveAnalyze && 'systemd-analyze not installed' }, () => {
  const keys = [...systemdKeys(), ...systemdKeys(['Mount', 'Swap', 'Slice'])];
  assert.ok(keys.length > 400);
  assert.deepEqual(keys.filter(({ section, key }) => !findRow(section, key)).map(({ section, key }) => `${section}.${key}`), [],
    'every directive systemd 252 knows has a row');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tsysd-verify-oracle-'));
  try {
    const values = ['zzbogus zz', '', '0', '/x/y z', 'yes', '5s', 'foo.service', '-1', 'infinity', '%Z', '"q w" e', 'a\\qb', '~', '-/opt/x'];
    const files: string[] = [];
    let n = 0;
    // [Mount]/[Swap]/[Slice] share most keys with [Service]: fewer values each keeps the corpus small
    const fewer = ['zzbogus zz', '', '0', 'yes', 'infinity'];
    for (const { section, key } of keys) {
      if (/^(Condition|Assert)/.test(key) && !['ConditionPathExists', 'AssertPathExists', 'ConditionUser'].includes(key)) continue;
      for (const v of ['Mount', 'Swap', 'Slice'].includes(section) ? fewer : values) {
        const i = n++;
        const type = section === 'Socket' ? 'socket' : section === 'Mount' ? 'mount' : section === 'Swap' ? 'swap' : section === 'Slice' ? 'slice' : 'service';
        const f = path.join(dir, type === 'mount' ? `srv-g${i}.mount` : type === 'swap' ? `dev-g${i}.swap` : `g${i}.${type}`);
        const base = type === 'socket' ? '[Socket]\nListenStream=/run/tsysd-oracle.sock\n'
          : type === 'mount' ? `[Mount]\nWhat=/dev/null\nWhere=/srv/g${i}\n`
          : type === 'swap' ? `[Swap]\nWhat=/dev/g${i}\n`
          : type === 'slice' ? '[Slice]\n' : '[Service]\nExecStart=/bin/true\n';
        const body = section === 'Unit' ? `[Unit]\n${key}=${v}\n${base}` : `${base}${key}=${v}\n`;
        fs.writeFileSync(f, body);
        if (type === 'socket') fs.writeFileSync(f.replace(/\.socket$/, '.service'), '[Service]\nExecStart=/bin/true\n');
        files.push(f);
      }
    }
    const c = compare(files);
    const known = (l: string): boolean => {
      const m = /^(\/[^:]+):(\d+): /.exec(l);
      if (!m) return true;
      const lines = fs.readFileSync(m[1]!, 'utf8').split('\n');
      const line = lines[Number(m[2]) - 1] ?? '';
      const k = line.split('=')[0] ?? '';
      const ext = m[1]!.slice(m[1]!.lastIndexOf('.') + 1);
      const sec = ext.charAt(0).toUpperCase() + ext.slice(1);
      return !!(findRow('Unit', k) ?? findRow(sec, k));
    };
    const missingKnown = c.missing.filter(known);
    const pct = c.systemd ? (100 * c.matched) / c.systemd : 100;
    console.log(`generated corpus: ${files.length} files; systemd-analyze messages ${c.systemd}, tsysd reports ${c.matched} `
      + `(${pct.toFixed(1)}%), false errors ${c.falseErrors.length}, extra warnings ${c.extra.length}`);
    const limit = Number(process.env.TSYSD_ORACLE_SHOW ?? 40);
    const withLine = (l: string): string => {
      const m = /^(\/[^:]+):(\d+): /.exec(l);
      return m ? `${l}   [${fs.readFileSync(m[1]!, 'utf8').split('\n')[Number(m[2]) - 1]}]` : l;
    };
    for (const m of missingKnown.slice(0, limit)) console.log(`  missing: ${withLine(m)}`);
    for (const m of c.falseErrors.slice(0, limit)) console.log(`  false error: ${withLine(m)}`);
    for (const m of c.extra.slice(0, limit)) console.log(`  extra: ${withLine(m)}`);
    assert.ok(pct >= 90, `agreement ${pct.toFixed(1)}% below 90%`);
    assert.deepEqual(c.falseErrors, [], 'errors tsysd gives that systemd does not');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

/** Hand-written value/syntax cases (Exec lines, Environment=, specifiers, sockets, dependencies...). */
const CASES: [string, string][] = [
  ['service', '[Service]\nExecStart=bin/true\n'],
  ['service', '[Service]\nExecStart=-bin/true\n'],
  ['service', '[Service]\nExecStart=true\n'],
  ['service', '[Service]\nExecStart=/bin/true "a\n'],
  ['service', '[Service]\nExecStart=/bin/echo a\\qb\n'],
  ['service', '[Service]\nExecStart=/bin/echo %Z\n'],
  ['service', '[Service]\nExecStart=-/bin/echo %Z\nExecStart=/bin/true\n'],
  ['service', '[Service]\nExecStart=%Z/x\n'],
  ['service', '[Service]\nExecStart=@\n'],
  ['service', '[Service]\nExecStart=@/bin/echo\n'],
  ['service', '[Service]\nExecStart=/bin/echo a ; /bin/true\n'],
  ['service', '[Service]\nType=oneshot\nExecStart=/bin/echo a ; /bin/true\nExecStart=/bin/true \\; x\n'],
  ['service', '[Service]\nExecStart=/bin/\n'],
  ['service', '[Service]\nExecStart=+!/bin/true\n'],
  ['service', '[Service]\nExecStart=!!/bin/true\n'],
  ['service', '[Service]\nExecStart=:/bin/true $X ${Y}\n'],
  ['service', "[Service]\nExecStart='/bin/true' \"a b\" 'c\n"],
  ['service', '[Service]\nExecStart=/bin/echo \\x41 \\101 \\u00e9 \\s\n'],
  ['service', '[Service]\nExecStart=/bin/echo %n %N %p %i %H %t %% %f\n'],
  ['service', '[Service]\nExecStart=/bin/echo 100%\n'],
  ['service', '[Service]\nExecStart=/bin/echo %1\n'],
  ['service', '[Service]\nExecStart=\nExecStart=/bin/true\n'],
  ['service', '[Service]\nExecStart=/bin/true\nEnvironment="A=1" B=a\\ b\nEnvironment=A=1 B\nEnvironment==x C=3\n'],
  ['service', "[Service]\nExecStart=/bin/true\nEnvironment=A=\"x\nEnvironment=A='1 2' B=3 D=\"q\"r\nEnvironment=E=%n F=%Z 1A=2\n"],
  ['service', '[Service]\nExecStart=/bin/true\nTimeoutSec=infinity\nTimeoutStartSec=0\nWatchdogSec=-1\nRestartSec=1x\nRuntimeMaxSec=1h 2min\n'],
  ['service', '[Service]\nExecStart=/bin/true\nSuccessExitStatus=1 2 SIGKILL TERM 256 -1 FOO\nRestartPreventExitStatus=\n'],
  ['service', '[Service]\nType=oneshot\nExecStart=/bin/true\nRestart=on-success\n'],
  ['service', '[Service]\nType=forking\nExecStart=/bin/true\nExecStart=/bin/false\n'],
  ['service', '[Service]\nExecStart=/bin/true\nUser=nobody\nGroup=-x\nSupplementaryGroups=a b:c\n'],
  ['service', '[Service]\nExecStart=/bin/true\nWorkingDirectory=~\nWorkingDirectory=-relative\nUMask=0027\nLimitNOFILE=1024:512\nLimitCORE=infinity\nLimitCPU=10s\n'],
  ['service', '[Service]\nExecStart=/bin/true\nStandardOutput=file:/tmp/x\nStandardError=append:relative\nStandardInput=data\nStandardInputText=hello\\nworld\n'],
  ['service', '[Unit]\nAfter=a.service,b.service\nWants=foo@.service\nRequires=%n\nBefore=foo.mount\nDocumentation=man:foo(1) http://x https: file:/x bogus\n[Service]\nExecStart=/bin/true\n'],
  ['service', '[Unit]\nConditionPathExists=!relative\nConditionVirtualization=container\nAssertPathExists=|/x\nConditionPathExists=\n[Service]\nExecStart=/bin/true\n'],
  ['service', '[Services]\nExecStart=/bin/true\n[Service]\nexecstart=/bin/true\nExecStart=/bin/true\n'],
  ['service', '[Unit]\nStartLimitIntervalSec=0\nStartLimitBurst=-1\nJobTimeoutSec=5min\nOnFailureJobMode=isolate\nFailureAction=reboot-force\nSuccessActionExitStatus=300\n[Service]\nExecStart=/bin/true\n'],
  ['service', '[Service]\nExecStart=/bin/true\nKillMode=mixed\nKillSignal=RTMIN+3\nFinalKillSignal=SIGRTMAX-1\nWatchdogSignal=65\nRestartKillSignal=0\n'],
  ['service', '[Service]\nExecStart=/bin/true\nBusName=org.example\nBusName=org\nNotifyAccess=exec\nSockets=a.socket b.service\n'],
  ['socket', '[Socket]\nListenStream=[::1]:80\nListenStream=0.0.0.0:0\nListenStream=65536\nListenStream=vsock:2:1234\nListenStream=@abs\nListenDatagram=1.2.3.4:53\n'],
  ['socket', '[Socket]\nListenNetlink=route 1\nListenNetlink=bogus\nListenSequentialPacket=127.0.0.1:5\nListenFIFO=/run/f\nBindIPv6Only=both\nService=foo.socket\n'],
  ['socket', '[Socket]\nListenFIFO=/run/f\nAccept=yes\n'],
  ['socket', '[Socket]\nListenStream=/run/s\nSocketMode=0600\nDirectoryMode=8\nBacklog=-5\nMaxConnections=0\nReceiveBuffer=1M\nSendBuffer=1X\nKeepAliveTimeSec=2h\n'],
  ['socket', '[Socket]\nListenStream=/run/s\nSymlinks=/run/a relative\nFileDescriptorName=a:b\nTriggerLimitBurst=x\nTimeoutSec=5\nExecStartPre=/bin/true "x\n'],
  ['target', '[Unit]\nDescription=T\nAfter=a.service\nFoo=1\n[Install]\nWantedBy=multi-user.target\nAlias=x.target\n[Service]\nExecStart=/bin/true\n'],
  ['target', '[Target]\nFoo=1\n[Unit]\nDescription=x\n'],
  ['socket', '[Socket]\nListenStream=/run/q.sock\n[Service]\nExecStart=/bin/true\n'],
];

test('verify agrees with systemd-analyze on hand-written value and syntax cases', { skip: !haveAnalyze && 'systemd-analyze not installed' }, () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tsysd-verify-cases-'));
  try {
    const files = CASES.map(([type, body], i) => {
      const f = path.join(dir, `c${i}.${type}`);
      fs.writeFileSync(f, body);
      if (type === 'socket') fs.writeFileSync(f.replace(/\.socket$/, '.service'), '[Service]\nExecStart=/bin/true\n');
      return f;
    });
    // Drop-ins: applied after the fragment in file-name order; messages carry the drop-in's path and line.
    const d = path.join(dir, 'dropin.service');
    fs.writeFileSync(d, '[Service]\nExecStart=/bin/true\nType=simple\n');
    fs.mkdirSync(`${d}.d`);
    fs.writeFileSync(`${d}.d/20-b.conf`, '[Service]\nRestartSec=bogus\nFoo=1\n[Unit]\nAfter=bad..name\n');
    fs.writeFileSync(`${d}.d/10-a.conf`, '[Service]\nExecStart=\nExecStart=/bin/echo "x\nKillSignal=NOPE\n');
    const d2 = path.join(dir, 'dropin2.service');
    fs.writeFileSync(d2, '[Service]\nExecStart=/bin/true\n');
    fs.mkdirSync(`${d2}.d`);
    fs.writeFileSync(`${d2}.d/a.conf`, '[Service]\nExecStart=/bin/false\nTimeoutSec=x\n[Bogus]\nA=1\n');
    files.push(d, d2);
    const c = compare(files);
    const pct = c.systemd ? (100 * c.matched) / c.systemd : 100;
    console.log(`hand-written cases: ${files.length} files; systemd-analyze messages ${c.systemd}, tsysd reports ${c.matched} (${pct.toFixed(1)}%), `
      + `false errors ${c.falseErrors.length}, extra warnings ${c.extra.length}`);
    for (const m of c.missing) console.log(`  missing: ${m}`);
    for (const m of c.falseErrors) console.log(`  false error: ${m}`);
    for (const m of c.extra) console.log(`  extra: ${m}`);
    assert.ok(pct >= 90, `agreement ${pct.toFixed(1)}% below 90%`);
    assert.deepEqual(c.falseErrors, [], 'errors tsysd gives that systemd does not');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
