// Standard units every systemd installation ships (systemd.special(7)) that unit files rely on through
// default dependencies: sysinit.target, basic.target, sockets.target, shutdown.target, ... When tsysd runs
// on a bare unit directory (`--unit-path DIR`, a container with only its own units) these are missing,
// and every service's `Requires=sysinit.target` would make a manual start fail. tsysd therefore appends a
// directory with minimal definitions to the END of its search path: a real file of the same name wins.
// (Documented divergence: systemd itself has no such fallback.)
import type { Platform } from '../platform/types';

const T = (desc: string, extra = ''): string => `[Unit]\nDescription=${desc}\nDocumentation=man:systemd.special(7)\n${extra}`;

export const BUILTIN_UNITS: Record<string, string> = {
  'sysinit.target': T('System Initialization', 'Wants=local-fs.target\nAfter=local-fs.target\nConflicts=emergency.service emergency.target\nBefore=emergency.service emergency.target\n'),
  'local-fs.target': T('Local File Systems', 'DefaultDependencies=no\nConflicts=shutdown.target\nBefore=shutdown.target\n'),
  'basic.target': T('Basic System', 'Requires=sysinit.target\nWants=sockets.target timers.target paths.target slices.target\nAfter=sysinit.target sockets.target paths.target slices.target timers.target\n'),
  'sockets.target': T('Sockets'),
  'timers.target': T('Timers'),
  'paths.target': T('Path Units'),
  'slices.target': T('Slice Units'),
  'network.target': T('Network'),
  'network-pre.target': T('Preparation for Network'),
  'network-online.target': T('Network is Online', 'After=network.target\n'),
  'nss-lookup.target': T('Host and Network Name Lookups'),
  'nss-user-lookup.target': T('User and Group Name Lookups'),
  'remote-fs.target': T('Remote File Systems'),
  'time-sync.target': T('System Time Synchronized'),
  'multi-user.target': T('Multi-User System', 'Requires=basic.target\nConflicts=rescue.service rescue.target\nAfter=basic.target rescue.service rescue.target\nAllowIsolate=yes\n'),
  'graphical.target': T('Graphical Interface', 'Requires=multi-user.target\nAfter=multi-user.target\nAllowIsolate=yes\n'),
  'shutdown.target': T('System Shutdown', 'DefaultDependencies=no\nRefuseManualStart=yes\n'),
  'umount.target': T('Unmount All Filesystems', 'DefaultDependencies=no\n'),
  'final.target': T('Late Shutdown Services', 'DefaultDependencies=no\nRefuseManualStart=yes\nAfter=shutdown.target umount.target\n'),
  'emergency.target': T('Emergency Mode', 'AllowIsolate=yes\n'),
  'rescue.target': T('Rescue Mode', 'Requires=sysinit.target\nAfter=sysinit.target\nAllowIsolate=yes\n'),
};

/** Write the built-in units into `dir` (recreated) and return it, for appending to the search path. */
export function writeBuiltinUnits(p: Platform, dir: string): string {
  p.removeTree(dir);
  p.mkdirp(dir, 0o755);
  for (const [name, text] of Object.entries(BUILTIN_UNITS)) p.writeFile(`${dir}/${name}`, text, 0o644);
  return dir;
}
