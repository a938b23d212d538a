// How the manager runs the journal: decides whether to (--journal=auto: the system manager that owns the
// machine — system mode, default control socket — and no systemd-journald.socket unit; with the image's own
// journald systemd's unit runs instead), starts the JournalServer with the manager's pid → unit lookup and
// crash barrier, and turns the LogStore's lines into journal entries: captured service output
// (_TRANSPORT=stdout, <N> level prefixes honoured, the unit's _SYSTEMD_UNIT/_SYSTEMD_INVOCATION_ID) and the
// manager's own unit messages (UNIT=; MESSAGE_ID= from the line's status kind, Manager.unitStatus, or text), so
// `journalctl -u UNIT` shows both interleaved. With the image's own journald, the manager's unit messages go
// to it instead (journald-client.ts).
// OS-touching only through JournalServer. Invariant: the sink never throws into the LogStore.
import * as fs from 'node:fs';
import * as os from 'node:os';
import type { LogLine } from '../logs/store';
import type { JournaldClient } from './journald-client';
import type * as Server from './server';
import type * as Main from './main';
import type { JournalConfig } from './options';

// The server, its storage and intake parsers, and the journald client are loaded only when one is started:
// a manager without a journal (every --unit-path test, the benches) does not pay for them.
type JournalServer = Server.JournalServer;

export interface ManagerSide {
  userMode: boolean;
  isPid1: boolean;
  defaultControlSocket: boolean;
  hasUnit(name: string): boolean;
  findUnit(pid: number): { unit: string; invocationId: string | null } | null;
  invocationOf(unit: string): string | null;
  guard(unit: string, fn: () => void): void;
  console(line: string): void;
  forward: boolean;
}

export function journalWanted(cfg: JournalConfig, side: Pick<ManagerSide, 'userMode' | 'defaultControlSocket' | 'hasUnit'>): { on: boolean; why: string } {
  if (cfg.mode === 'no') return { on: false, why: 'disabled with --no-journal' };
  if (side.hasUnit('systemd-journald.socket')) return { on: false, why: 'systemd-journald.socket exists: the image runs its own journald' };
  if (cfg.mode === 'yes') return { on: true, why: '--journal' };
  if (side.userMode) return { on: false, why: 'user manager (use --journal)' };
  if (!side.defaultControlSocket) return { on: false, why: 'not the machine\'s manager (custom control socket; use --journal)' };
  return { on: true, why: 'system manager' };
}

function readId(p: string): string {
  try { return fs.readFileSync(p, 'utf8').trim().replace(/-/g, ''); } catch { return ''; }
}

export function startManagerJournal(cfg: JournalConfig, side: ManagerSide): { server: JournalServer; sink: (l: LogLine) => void; errors: string[] } {
  const metrics = {
    ...(cfg.maxUse !== undefined ? { maxUse: cfg.maxUse } : {}), ...(cfg.maxFileSize !== undefined ? { maxSize: cfg.maxFileSize } : {}),
    ...(cfg.maxFiles !== undefined ? { nMaxFiles: cfg.maxFiles } : {}), ...(cfg.keepFree !== undefined ? { keepFree: cfg.keepFree } : {}),
  };
  const { JournalServer } = require('./server') as typeof Server;
  const { unitFromCgroup } = require('./main') as typeof Main;
  const server = new JournalServer({
    socketDir: cfg.socketDir,
    devLogLink: cfg.devLog !== undefined ? cfg.devLog : side.isPid1 ? '/dev/log' : null,
    hostname: os.hostname(),
    storage: {
      storage: cfg.storage, runtimeRoot: cfg.runtimeRoot, persistentRoot: cfg.persistentRoot,
      machineId: readId('/etc/machine-id') || '0'.repeat(32), bootId: readId('/proc/sys/kernel/random/boot_id') || '0'.repeat(32),
      system: metrics, runtime: metrics, log: (m) => side.console(`tsysd: ${m}`),
    },
    lookup: (pid) => {
      const u = side.findUnit(pid);
      return u ? { unit: u.unit, invocationId: u.invocationId } : unitFromCgroup(pid);
    },
    guard: (unit, fn) => side.guard(unit, fn),
    // service output reaches the manager's stdout through the LogStore already; forward only socket traffic
    forward: side.forward ? (l) => side.console(l) : null,
    forwardSyslogPath: cfg.forwardSyslog ?? `${cfg.socketDir}/syslog`,
    rateLimitIntervalUs: cfg.rateLimitIntervalUs,
    rateLimitBurst: cfg.rateLimitBurst,
    maxLevelStore: cfg.maxLevelStore,
    log: (m) => side.console(`tsysd: ${m}`),
  });
  const errors = server.start();
  const sink = (l: LogLine): void => {
    try {
      if (l.stream === 'manager') server.managerMessage(l.unit, l.priority, l.text, l.unit ? side.invocationOf(l.unit) : null, l.unitResult, l.status);
      else server.serviceLine(l.unit, l.pid, l.ident, l.text, l.stream === 'stderr' ? 'stderr' : 'stdout', l.priority);
    } catch { /* the journal must never break logging */ }
  };
  return { server, sink, errors };
}

/** The image runs its own journald (systemd-journald.socket) and this is the machine's system manager:
 *  send it the manager's messages, as systemd's PID 1 does. */
export function journaldClientWanted(cfg: JournalConfig, side: Pick<ManagerSide, 'userMode' | 'defaultControlSocket' | 'hasUnit'>): boolean {
  return cfg.mode !== 'no' && !side.userMode && side.defaultControlSocket && side.hasUnit('systemd-journald.socket');
}

export function startJournaldClient(side: ManagerSide): { server: { stop(): void }; sink: (l: LogLine) => void } {
  const client = new (require('./journald-client') as { JournaldClient: typeof JournaldClient }).JournaldClient();
  // Service output stays with the LogStore (podman logs, tsysctl status): journald attributes a stream to a
  // unit by the sender's cgroup, which an unprivileged container cannot give each unit (docs/debian-container.md).
  const sink = (l: LogLine): void => {
    // systemd's unit messages carry the unit's name first (LOG_UNIT_MESSAGE); its status messages do not
    if (l.stream === 'manager' && l.unit) {
      client.managerMessage(l.unit, l.priority, l.status || l.text.startsWith(l.unit) ? l.text : `${l.unit}: ${l.text}`, side.invocationOf(l.unit), l.unitResult, l.status);
    }
  };
  return { server: client, sink };
}
