// systemd's half of dbus-daemon's bus activation (org.freedesktop.systemd1.Activator): dbus-daemon started with
// --systemd-activation (Debian's dbus.service) does not spawn a service itself but signals ActivationRequest(s)
// with the unit named by SystemdService= to org.freedesktop.systemd1 and waits. systemd 252 (src/core/dbus.c
// signal_activation_request) starts the unit, or answers an ActivationFailure(sss) signal to org.freedesktop.DBus
// at once when it cannot, so the client gets an error instead of a 25 s timeout (systemctl's logind calls
// before `shutdown -h now`: org.freedesktop.login1 is activatable but systemd-logind is not there).
//
// Invariants: only the manager's state decides (no I/O here); a start that is queued is systemd's "that's it
// for us" (its later failure is reported as well, since nobody else will take the name); never throws.
import type { Caller, ManagerApi } from '../../rpc/api';
import type { Manager } from '../../manager/manager';
import { parseUnitName } from '../../unit-file/names';

const MANAGER: Caller = { uid: 0, gid: 0, pid: 0, privileged: true };

export type ActivationFailure = [name: string, error: string, message: string];

/**
 * Handle ActivationRequest for `unit`; `fail` is called (at most once) with the ActivationFailure body when
 * the unit cannot be started (not found, masked, RefuseManualStart=, or its start job failing).
 */
export function activationRequest(mgr: Manager, api: ManagerApi, unit: string, fail: (f: ActivationFailure) => void): void {
  try {
    if (!parseUnitName(unit)) { fail([unit, 'org.freedesktop.DBus.Error.InvalidArgs', `Unit name ${unit} is not valid.`]); return; }
    const u = mgr.engine.graph.unit(unit);
    if (u.loadState === 'not-found') { fail([unit, 'org.freedesktop.systemd1.NoSuchUnit', `Unit ${unit} not found.`]); return; }
    if (u.loadState === 'masked') { fail([unit, 'org.freedesktop.systemd1.UnitMasked', `Unit ${unit} is masked.`]); return; }
    if (u.loadState !== 'loaded') { fail([unit, 'org.freedesktop.systemd1.LoadFailed', `Unit ${unit} failed to load properly.`]); return; }
    if (u.config.unit.refuseManualStart) {
      fail([unit, 'org.freedesktop.systemd1.OnlyByDependency', `Operation refused, unit ${unit} may be requested by dependency only (it is configured to refuse manual start/stop).`]);
      return;
    }
    api.start({ unit, mode: 'replace', wait: true }, MANAGER).then((r) => {
      if (r.result !== undefined && r.result !== 'done') fail([unit, 'org.freedesktop.systemd1.JobFailed', `Job for ${unit} failed (${r.result}).`]);
    }, (e: Error) => fail([unit, 'org.freedesktop.systemd1.JobFailed', e.message]));
  } catch (e) {
    fail([unit, 'org.freedesktop.DBus.Error.Failed', (e as Error).message]);
  }
}
