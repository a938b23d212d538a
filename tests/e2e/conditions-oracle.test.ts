// Every condition kind of systemd 252, each with values that hold and values that do not on this machine
// (and malformed ones), evaluated by tsysd (src/units/conditions.ts over src/platform/conditions-real.ts)
// and by `systemd-analyze condition` with the same environment. The entries go to systemd as '|' triggers so
// that it evaluates and logs every one ("… succeeded." / "… failed." / "Couldn't determine result …").
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { checkCondition, SUPPORTED_KINDS } from '../../src/units/conditions';
import { realConditionEnv } from '../../src/platform/conditions-real';

const have = spawnSync('systemd-analyze', ['--version']).status === 0;

function cases(tmp: string): [string, string][] {
  const rel = os.release();
  const cpus = os.availableParallelism();
  const osr = fs.readFileSync(fs.existsSync('/etc/os-release') ? '/etc/os-release' : '/usr/lib/os-release', 'utf8');
  const id = /^ID=(.*)$/m.exec(osr)?.[1]?.replace(/"/g, '') ?? 'debian';
  const mid = fs.existsSync('/etc/machine-id') ? fs.readFileSync('/etc/machine-id', 'utf8').trim() : '';
  const host = os.hostname();
  const me = os.userInfo();
  const out: [string, string][] = [];
  const add = (k: string, ...vs: string[]): void => { for (const v of vs) out.push([k, v]); };
  fs.writeFileSync(`${tmp}/file`, 'x');
  fs.writeFileSync(`${tmp}/empty`, '');
  fs.writeFileSync(`${tmp}/exe`, '#!/bin/sh\n', { mode: 0o755 });
  fs.mkdirSync(`${tmp}/dir`);
  fs.mkdirSync(`${tmp}/hidden`);
  fs.writeFileSync(`${tmp}/hidden/.x`, '');
  fs.writeFileSync(`${tmp}/hidden/y.dpkg-old`, '');
  fs.symlinkSync(`${tmp}/file`, `${tmp}/link`);
  fs.symlinkSync(`${tmp}/missing`, `${tmp}/dangling`);
  fs.mkdirSync(`${tmp}/creds`);
  fs.writeFileSync(`${tmp}/creds/tok`, 'secret');
  add('PathExists', `${tmp}/file`, `${tmp}/missing`, `${tmp}/dangling`, '/proc/self');
  add('PathExistsGlob', `${tmp}/f*`, `${tmp}/zz*`, `${tmp}/[a-f]ile`, `${tmp}/.x*`);
  add('PathIsDirectory', `${tmp}/dir`, `${tmp}/file`, `${tmp}/missing`);
  add('PathIsSymbolicLink', `${tmp}/link`, `${tmp}/dangling`, `${tmp}/file`);
  add('PathIsMountPoint', '/proc', '/', '/sys', tmp, `${tmp}/missing`);
  add('PathIsReadWrite', tmp, '/proc/sys', '/sys', `${tmp}/missing`, '/');
  add('PathIsEncrypted', '/', tmp, '/proc', `${tmp}/missing`);
  add('DirectoryNotEmpty', tmp, `${tmp}/dir`, `${tmp}/hidden`, `${tmp}/file`, `${tmp}/missing`);
  add('FileNotEmpty', `${tmp}/file`, `${tmp}/empty`, `${tmp}/dir`, `${tmp}/missing`);
  add('FileIsExecutable', `${tmp}/exe`, `${tmp}/file`, `${tmp}/dir`, '/bin/sh');
  const firstWord = (f: string): string[] => { try { const w = fs.readFileSync(f, 'utf8').split(/[\0\s]+/).filter(Boolean); return w.slice(0, 2); } catch { return []; } };
  add('KernelCommandLine', 'quiet', 'nosuchword_tsysd', 'root', 'BOOT_IMAGE', ...firstWord('/proc/cmdline'), ...firstWord('/proc/1/cmdline'));
  add('KernelVersion', rel, `>=${rel}`, `<${rel}`, `>= 1.0`, `${rel.split('.')[0]}.*`, '9999.*', `=${rel}`, `!=${rel}`, `$=${rel.slice(0, 3)}*`, `!$=*`, `>1 <2`, `>1 <99999`, '<', '"quoted');
  add('Credential', 'tok', 'nope', '../tok', '');
  add('Virtualization', 'yes', 'no', 'container', 'vm', 'docker', 'podman', 'kvm', 'qemu', 'private-users', 'lxc', 'bogus');
  add('Security', 'selinux', 'apparmor', 'smack', 'audit', 'ima', 'tomoyo', 'uefi-secureboot', 'tpm2', 'bogus');
  add('Capability', 'CAP_SYS_ADMIN', 'cap_net_admin', 'CAP_MKNOD', 'CAP_CHECKPOINT_RESTORE', '0', '40', '62', '64', 'NET_ADMIN', 'bogus');
  add('Host', host, host.toUpperCase(), `${host.slice(0, 2)}*`, 'not-this-host', ...(mid ? [mid, `${mid.slice(0, 8)}-${mid.slice(8, 12)}-${mid.slice(12, 16)}-${mid.slice(16, 20)}-${mid.slice(20)}`] : []), '00000000000000000000000000000001');
  add('ACPower', 'true', 'false', 'maybe');
  add('Architecture', 'x86-64', 'arm64', 'native', 'amd64', 'x86');
  add('Firmware', 'uefi', 'device-tree', 'device-tree-compatible(foo,bar)', 'smbios-field(sys_vendor = QEMU)', 'smbios-field(nosuchfield = x)', 'smbios-field(bad', 'bios');
  fs.mkdirSync(`${tmp}/upd`);
  fs.writeFileSync(`${tmp}/upd/.updated`, '# newer than /usr\n');
  add('NeedsUpdate', '/etc', '/var', tmp, '/proc', `${tmp}/upd`);
  add('FirstBoot', 'yes', 'no', 'maybe');
  add('User', 'root', '0', me.username, String(me.uid), 'nobody', '65534', '@system', 'no-such-user-tsysd');
  add('Group', 'root', '0', 'adm', '4', 'nogroup', 'no-such-group-tsysd');
  add('ControlGroupController', 'v1', 'v2', 'cpu', 'memory', 'cpu memory', 'io', 'pids', 'devices', 'cpuset', 'bpf-firewall', 'nonsense', 'cpu nonsense');
  add('CPUs', String(cpus), `=${cpus}`, `>${cpus}`, `<${cpus + 1}`, `!=${cpus}`, `<>${cpus}`, '>=1', 'many', '');
  add('Memory', '1M', '>=1G', '<1G', '>=1T', '=1', `<${os.totalmem() + 4096}`, '1.5G', 'lots');
  add('Environment', 'FOO', 'FOO=bar', 'FOO=baz', 'FO', 'EMPTY', 'EMPTY=', 'NOPE');
  add('CPUFeature', 'sse2', 'SSE4_2', 'avx', 'avx2', 'lm', 'pclmul', 'fma3', 'constant_tsc', 'avx512f', 'sse4-2', 'bogus');
  add('OSRelease', `ID=${id}`, 'ID=nosuchos', `ID!=${id}`, `ID$=${id.slice(0, 2)}*`, 'VERSION_ID>=1', 'VERSION_ID<1', 'NOSUCHKEY=', 'NOSUCHKEY!=x', 'ID', 'ID= x', '=x', `ID=${id} VERSION_ID>=1`);
  for (const k of ['MemoryPressure', 'CPUPressure', 'IOPressure']) add(k, '100%', '0%', '50%/10sec', '0.01%/1min', '99.99%/5min', '5‰', '10‱', 'system.slice:100%', 'nosuch.slice:1%', '1%/2min', 'lots', '101%');
  return out;
}

/** systemd's verdict for each entry, from one `systemd-analyze condition` run with all of them as triggers. */
function oracle(entries: [string, string][], env: Record<string, string>): string[] {
  const args = entries.map(([k, v]) => `Condition${k}=|${v.replace(/%/g, '%%')}`);
  const r = spawnSync('systemd-analyze', ['condition', ...args], { env, encoding: 'utf8', cwd: '/' });
  const lines = r.stderr.split('\n');
  return entries.map(([k, v]) => {
    // systemd lowercases a CPUFeature= parameter in place before logging it
    const tail = `Condition${k}=|${k === 'CPUFeature' ? v.toLowerCase() : v}`;
    for (const l of lines) {
      if (l.endsWith(`${tail} succeeded.`)) return 'pass';
      if (l.endsWith(`${tail} failed.`)) return 'fail';
      if (l.includes(`Couldn't determine result for ${tail}, assuming failed`)) return 'error';
    }
    return `missing (${r.stderr.split('\n').filter((l) => l.includes(`Condition${k}=`)).join(' | ') || r.stderr.trim().split('\n').pop()})`;
  });
}

test('every condition kind agrees with systemd-analyze condition on this machine', { skip: !have && 'no systemd-analyze', timeout: 120_000 }, () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tsysd-cond-oracle-'));
  try {
    const all = cases(tmp);
    assert.deepEqual([...new Set(all.map(([k]) => k))].sort(), [...SUPPORTED_KINDS].sort(), 'every kind is exercised');
    const penv: Record<string, string> = { PATH: '/usr/sbin:/usr/bin:/sbin:/bin', FOO: 'bar', EMPTY: '', CREDENTIALS_DIRECTORY: `${tmp}/creds`, SYSTEMD_LOG_LEVEL: 'info' };
    const mine = realConditionEnv({ processEnv: penv, environment: () => Object.entries(penv).map(([k, v]) => `${k}=${v}`) });
    const diffs: string[] = [];
    const seen: Record<string, Set<string>> = {};
    // one systemd run per kind (a run stops at a condition it cannot parse)
    for (const kind of SUPPORTED_KINDS) {
      const entries = all.filter(([k]) => k === kind);
      const theirs = oracle(entries, penv);
      entries.forEach(([k, v], i) => {
        const ours = checkCondition(k, v, mine);
        (seen[k] ??= new Set()).add(theirs[i]!);
        if (ours !== theirs[i]) diffs.push(`Condition${k}=${v}: tsysd ${ours}, systemd ${theirs[i]}`);
      });
    }
    const both = Object.entries(seen).filter(([, s]) => s.has('pass') && s.has('fail')).map(([k]) => k);
    const one = [...SUPPORTED_KINDS].filter((k) => !both.includes(k)).map((k) => `${k}(${[...seen[k]!].join('/')})`);
    process.stdout.write(`# ${all.length} conditions compared; kinds seen both true and false here: ${both.length}/${SUPPORTED_KINDS.size}; only one outcome here: ${one.join(' ')}\n`);
    assert.deepEqual(diffs, []);
  } finally { fs.rmSync(tmp, { recursive: true, force: true }); }
});
