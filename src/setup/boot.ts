// tsysd's own tmpfiles.d and sysusers.d step at boot, for images without the systemd package: when no
// systemd-sysusers binary exists the sysusers.d configuration is applied, then, when no systemd-tmpfiles
// exists, tmpfiles.d with --create --remove --boot semantics (what systemd-sysusers.service and
// systemd-tmpfiles-setup.service do early at boot). With the binaries present nothing happens here: the
// image's own units run them. `root` is '/' for the manager and a temp root in tests.
import { applyTmpfiles, orderItems, parseTmpfiles, type SpecifierValues, type TmpfilesDiag, type TmpfilesItem } from './tmpfiles';
import { parseSysusers, planSysusers } from './sysusers';
import { readConfFiles, readRootFile, realTmpfilesFs, rootExists, writeRootFile } from '../platform/setup-fs';

const BIN_DIRS = ['/usr/bin', '/bin', '/usr/sbin', '/sbin'];
export const TMPFILES_DIRS = ['/etc/tmpfiles.d', '/run/tmpfiles.d', '/usr/local/lib/tmpfiles.d', '/usr/lib/tmpfiles.d'];
export const SYSUSERS_DIRS = ['/etc/sysusers.d', '/run/sysusers.d', '/usr/local/lib/sysusers.d', '/usr/lib/sysusers.d'];

export type SetupLog = (level: 'error' | 'warning' | 'info' | 'debug', message: string) => void;

export function hasBinary(root: string, name: string): boolean { return BIN_DIRS.some((d) => rootExists(root, `${d}/${name}`)); }

export function applySysusers(root: string, log: SetupLog, nowDays = Math.floor(Date.now() / 86_400_000)): number {
  const errors: string[] = [];
  const items = readConfFiles(SYSUSERS_DIRS, root).flatMap((f) => parseSysusers(f.text, f.file, errors));
  if (!items.length) return 0;
  const nologin = rootExists(root, '/usr/sbin/nologin') || !rootExists(root, '/sbin/nologin') ? '/usr/sbin/nologin' : '/sbin/nologin';
  const plan = planSysusers(items, {
    passwd: readRootFile(root, '/etc/passwd') ?? '', group: readRootFile(root, '/etc/group') ?? '',
    shadow: readRootFile(root, '/etc/shadow', true), gshadow: readRootFile(root, '/etc/gshadow', true),
  }, { nowDays, nologin, rootShell: '/bin/sh' });
  for (const e of [...errors, ...plan.errors]) log('error', `sysusers: ${e}`);
  for (const c of plan.created) log('info', `sysusers: created ${c}`);
  if (!plan.created.length) return errors.length + plan.errors.length;
  let bad = 0;
  // As systemd-sysusers: take /etc/.pwd.lock, keep the previous files as <file>- backups.
  writeRootFile(root, '/etc/.pwd.lock', '', 0o600);
  for (const f of ['/etc/group', '/etc/gshadow', '/etc/passwd', '/etc/shadow']) {
    const old = readRootFile(root, f, true);
    if (old !== null) writeRootFile(root, `${f}-`, old, 0o600, f);
  }
  bad += writeRootFile(root, '/etc/group', plan.files.group, 0o644) < 0 ? 1 : 0;
  if (plan.files.gshadow !== null) bad += writeRootFile(root, '/etc/gshadow', plan.files.gshadow, 0o000) < 0 ? 1 : 0;
  bad += writeRootFile(root, '/etc/passwd', plan.files.passwd, 0o644) < 0 ? 1 : 0;
  if (plan.files.shadow !== null) bad += writeRootFile(root, '/etc/shadow', plan.files.shadow, 0o000) < 0 ? 1 : 0;
  return bad + errors.length + plan.errors.length;
}

export function applyTmpfilesConfig(root: string, spec: SpecifierValues, log: SetupLog, boot = true): number {
  const diags: TmpfilesDiag[] = [];
  const items: TmpfilesItem[] = readConfFiles(TMPFILES_DIRS, root).flatMap((f) => parseTmpfiles(f.text, f.file, spec, diags));
  const ordered = orderItems(items, diags);
  for (const d of diags) log(d.level, `tmpfiles: ${d.file}:${d.line}: ${d.message}`);
  return applyTmpfiles(realTmpfilesFs(root), ordered, { boot, remove: true, log: (l, m) => log(l, `tmpfiles: ${m}`) });
}

/** The boot step: sysusers.d then tmpfiles.d, each only when the image lacks systemd's binary. */
export function bootSetup(root: string, spec: SpecifierValues, log: SetupLog): { sysusers: boolean; tmpfiles: boolean } {
  const r = { sysusers: false, tmpfiles: false };
  if (!hasBinary(root, 'systemd-sysusers')) { applySysusers(root, log); r.sysusers = true; }
  if (!hasBinary(root, 'systemd-tmpfiles')) { applyTmpfilesConfig(root, spec, log); r.tmpfiles = true; }
  return r;
}
