// Kill settings (systemd.kill(5)) shared by [Service], [Socket], [Mount], [Swap] and [Scope].
// Invariant: signals are stored as numbers; RestartKillSignal= defaults to KillSignal= (resolved in compile).
import { pBool, pEnum, pSignal, scalar, showRows, type Row, type SectionName } from './row';
import { yn } from './show-format';

const SS: SectionName[] = ['Service', 'Socket', 'Mount', 'Swap', 'Scope'];

export const KILL_ROWS: Row[] = [
  scalar('SendSIGKILL', SS, pBool, (c, v) => { c.kill.sendSIGKILL = v; }),
  scalar('SendSIGHUP', SS, pBool, (c, v) => { c.kill.sendSIGHUP = v; }),
  scalar('KillMode', SS, pEnum(['control-group', 'mixed', 'process', 'none'] as const, 'kill mode specification'), (c, v) => { c.kill.killMode = v; }, { empty: 'reset', reset: (c) => { c.kill.killMode = 'control-group'; } }),
  scalar('KillSignal', SS, pSignal, (c, v) => { c.kill.killSignal = v; }),
  scalar('RestartKillSignal', SS, pSignal, (c, v) => { c.kill.restartKillSignal = v; }),
  scalar('FinalKillSignal', SS, pSignal, (c, v) => { c.kill.finalKillSignal = v; }),
  scalar('WatchdogSignal', SS, pSignal, (c, v) => { c.kill.watchdogSignal = v; }),
];

// How `systemctl show` prints these rows (the kill context of org.freedesktop.systemd1.Service/Socket).
showRows(KILL_ROWS, {
  KillMode: { KillMode: (c) => c.kill.killMode },
  KillSignal: { KillSignal: (c) => String(c.kill.killSignal) },
  RestartKillSignal: { RestartKillSignal: (c) => String(c.kill.restartKillSignal) },
  FinalKillSignal: { FinalKillSignal: (c) => String(c.kill.finalKillSignal) },
  SendSIGKILL: { SendSIGKILL: (c) => yn(c.kill.sendSIGKILL) },
  SendSIGHUP: { SendSIGHUP: (c) => yn(c.kill.sendSIGHUP) },
  WatchdogSignal: { WatchdogSignal: (c) => String(c.kill.watchdogSignal) },
});
