// The crash barrier: every event that enters the manager from outside (a child exit, an sd_notify datagram,
// a readable socket, a timer, a deferred machine report, an RPC request, and later inotify, D-Bus and journal
// traffic) runs through CrashBarrier.guard(). A handler that throws does not end the manager: the fault is
// logged with the event source, the unit and the stack, and the unit concerned is failed with
// Result=resources (systemd's answer to a unit it cannot handle); a request is answered with an error by its
// own server. This is not a catch-all: process.on('uncaughtException') stays unset, so a throw outside the
// barrier is still a visible bug.
// Invariants: guard() never throws; fault handling itself is guarded (a unit whose fail() throws too is
// logged and left alone); faults are counted per source (Manager `show` prints NFaults... via faults()).

/** Where an event came from (for the log line and the per-source counters). */
export type EventSource =
  | 'child-exit' | 'exec-outcome' | 'notify' | 'socket' | 'timer' | 'deferred' | 'rpc' | 'signal' | 'fd-store'
  | 'bus-name' | 'inotify' | 'dbus' | 'journal' | 'mountinfo' | 'web' | 'engine';

export interface Fault { source: EventSource; unit: string; error: unknown }

/** Longest stack text logged per fault (a hostile value in an error message must not flood the log). */
const MAX_FAULT_TEXT = 4096;

export function faultText(e: unknown): string {
  const t = e instanceof Error ? e.stack ?? `${e.name}: ${e.message}` : String(e);
  return t.length > MAX_FAULT_TEXT ? `${t.slice(0, MAX_FAULT_TEXT)}... (${t.length - MAX_FAULT_TEXT} more characters)` : t;
}

export class CrashBarrier {
  private readonly counts = new Map<EventSource, number>();
  /** Test hook (TSYSD_TEST_FAULT=source[:unit], see the daemon): throw inside guard() for matching events. */
  inject: ((source: EventSource, unit: string) => void) | null = null;

  constructor(private readonly onFault: (f: Fault) => void) {}

  /** Run `fn` for an event of `source` concerning `unit` ('' = the manager itself). Never throws. */
  guard(source: EventSource, unit: string, fn: () => void): void {
    try {
      this.inject?.(source, unit);
      fn();
    } catch (error) {
      this.counts.set(source, (this.counts.get(source) ?? 0) + 1);
      try { this.onFault({ source, unit, error }); } catch { /* the fault handler must not take us down */ }
    }
  }

  /** Faults so far, per source. */
  faults(): Record<string, number> { return Object.fromEntries(this.counts); }
}

/** A TSYSD_TEST_FAULT value ("notify", "timer:web.service", ...) as an injector, or null when unset/invalid. */
export function faultInjector(spec: string | undefined): ((source: EventSource, unit: string) => void) | null {
  if (!spec) return null;
  const [src, unit] = spec.split(':', 2);
  return (source, u) => {
    if (source === src && (!unit || unit === u)) throw new Error(`injected fault (${spec})`);
  };
}
