// tsysctl's progress line while it waits for jobs on a terminal (start/stop/restart/... of several units,
// isolate): systemd 252's "jobs in progress" console status (manager_print_jobs_in_progress(),
// draw_cylon(), status_vprintf() in src/core/), shown by the client instead of on /dev/console:
//   [  ***] (2 of 3) A start job is running for Slow service (5s / 1min 30s)
// Rules kept from systemd: nothing for the first 2 s (fast jobs stay silent); then a refresh every 1/3 s;
// the cylon moves one step per refresh (14 positions, width 6); with several running jobs the line shows
// one at a time, changing every third refresh ("(k of n)"); the elapsed time and the limit are formatted to
// whole seconds; the limit is the job's timeout (JobTimeoutSec=, else the unit's start/stop timeout) or
// "no limit"; the text is the unit's Description (StatusUnitFormat=description, 252's default); the line
// is ephemeral (rewritten in place, erased at the end) and ellipsized to the terminal width.
// Invariants: only ever writes to the terminal stream it is given; never used when that stream is not a
// tty, with --quiet or --no-block (the caller decides); stop() is idempotent and leaves no line behind.
import type { RpcClient } from '../../rpc/client';
import type { JobInfo } from '../../rpc/protocol';
import { formatTimespan, parseTimespan } from '../../directives/values';

export const WAIT_MS = 2000;
export const PERIOD_MS = 333;
const WIDTH = 6;
const ANSI_RED = '\x1b[0;31m';
const ANSI_HIGHLIGHT_RED = '\x1b[0;1;31m';
const ANSI_NORMAL = '\x1b[0m';
const REVERSE_LINEFEED = '\x1bM';
const ERASE_TO_EOL = '\x1b[K';

/** draw_cylon(width 6, pos): the "  ***" light bar, red when colours are on. */
export function drawCylon(pos: number, color: boolean): string {
  let p = '';
  if (pos > 1) {
    if (pos > 2) p += ' '.repeat(pos - 2);
    if (color) p += ANSI_RED;
    p += '*';
  }
  if (pos > 0 && pos <= WIDTH) {
    if (color) p += ANSI_HIGHLIGHT_RED;
    p += '*';
  }
  if (color) p += ANSI_NORMAL;
  if (pos < WIDTH) {
    if (color) p += ANSI_RED;
    p += '*';
    if (pos < WIDTH - 1) p += ' '.repeat(WIDTH - 1 - pos);
    if (color) p += ANSI_NORMAL;
  }
  return p;
}

/** The cylon position for an iteration (0..7 and back). */
export function cylonPos(iteration: number): number {
  const p = iteration % 14;
  return p >= 8 ? 14 - p : p;
}

export interface RunningJob { type: string; ident: string; elapsedUs: number; limitUs: number }

/** The message after "[cylon] ": "(k of n) A start job is running for X (5s / 1min 30s)". */
export function progressMessage(j: RunningJob, k: number, n: number): string {
  const of = n > 1 ? `(${k} of ${n}) ` : '';
  const limit = j.limitUs > 0 && Number.isFinite(j.limitUs) ? formatTimespan(j.limitUs, 1_000_000) : 'no limit';
  return `${of}A ${j.type} job is running for ${j.ident} (${formatTimespan(j.elapsedUs, 1_000_000)} / ${limit})`;
}

/** ellipsize(s, max, 50): cut in the middle with "…" (systemd keeps both ends). */
export function ellipsizeMiddle(s: string, max: number): string {
  const cps = [...s];
  if (cps.length <= max) return s;
  if (max < 3) return cps.slice(0, max).join('');
  const left = Math.floor((max - 1) / 2);
  const right = max - 1 - left;
  return `${cps.slice(0, left).join('')}…${cps.slice(cps.length - right).join('')}`;
}

interface UnitInfo { ident: string; jobTimeoutUs: number; startUs: number; stopUs: number }

export interface ProgressOptions {
  write: (s: string) => void;
  columns: () => number;
  color: boolean;
  /** CLOCK_MONOTONIC in µs (the manager's timestamps use the same clock). */
  nowUs?: () => number;
  waitMs?: number;
  periodMs?: number;
}

export class JobProgress {
  private timer: ReturnType<typeof setTimeout> | null = null;
  private iteration = 0;
  private shown = false;
  private stopped = false;
  private busy = false;
  /** Job id → when it began running (µs, monotonic). */
  private readonly begin = new Map<number, Promise<number>>();
  private readonly units = new Map<string, Promise<UnitInfo>>();
  private readonly now: () => number;

  constructor(private readonly c: RpcClient, private readonly o: ProgressOptions) {
    this.now = o.nowUs ?? ((): number => Number(process.hrtime.bigint() / 1000n));
  }

  /** systemd's begin_usec: when the job started running. The unit's InactiveExit (start-like jobs) or
   *  ActiveExit (stop) timestamp is that moment; without one, when this client first saw the job. */
  private jobBegin(j: JobInfo, seen: number): Promise<number> {
    let p = this.begin.get(j.id);
    if (!p) {
      const prop = j.type === 'stop' ? 'ActiveExitTimestampMonotonic' : 'InactiveExitTimestampMonotonic';
      p = this.c.call('show', { unit: j.unit, properties: [prop], all: true }).then((r) => {
        const v = Number(new Map(r.properties).get(prop) ?? 0);
        return v > 0 && v <= seen ? v : seen;
      }, () => seen);
      this.begin.set(j.id, p);
    }
    return p;
  }

  start(): void {
    this.timer = setTimeout(() => { void this.tick(); }, this.o.waitMs ?? WAIT_MS);
    this.timer.unref?.();
  }

  /** Erase the line (if one is shown) and stop refreshing. */
  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    if (this.shown) this.o.write(`${REVERSE_LINEFEED}\r${ERASE_TO_EOL}`);
    this.shown = false;
  }

  private unitInfo(unit: string): Promise<UnitInfo> {
    let p = this.units.get(unit);
    if (!p) {
      p = this.c.call('show', { unit, properties: ['Description', 'JobTimeoutUSec', 'TimeoutStartUSec', 'TimeoutStopUSec'], all: true }).then((r) => {
        const m = new Map(r.properties);
        const span = (k: string): number => { const v = m.get(k); return v === undefined || v === '' || v === 'infinity' ? Infinity : parseTimespan(v) ?? Infinity; };
        return { ident: m.get('Description') || unit, jobTimeoutUs: span('JobTimeoutUSec'), startUs: span('TimeoutStartUSec'), stopUs: span('TimeoutStopUSec') };
      }, () => ({ ident: unit, jobTimeoutUs: Infinity, startUs: Infinity, stopUs: Infinity }));
      this.units.set(unit, p);
    }
    return p;
  }

  private async tick(): Promise<void> {
    if (this.stopped || this.busy) return;
    this.busy = true;
    try {
      const jobs: JobInfo[] = await this.c.call('list-jobs', {});
      if (this.stopped) return;
      const now = this.now();
      const running = jobs.filter((j) => j.state === 'running').sort((a, b) => a.id - b.id);
      if (running.length > 0) {
        const nr = Math.floor(this.iteration / 3) % running.length;
        const j = running[nr] as JobInfo;
        const [info, begin] = await Promise.all([this.unitInfo(j.unit), this.jobBegin(j, now)]);
        if (this.stopped) return;
        const limit = Number.isFinite(info.jobTimeoutUs) && info.jobTimeoutUs > 0 ? info.jobTimeoutUs
          : j.type === 'stop' ? info.stopUs : (j.unit.endsWith('.service') || j.unit.endsWith('.socket')) ? info.startUs : Infinity;
        const msg = progressMessage({ type: j.type, ident: info.ident, elapsedUs: this.now() - begin, limitUs: limit }, nr + 1, running.length);
        const cylon = drawCylon(cylonPos(this.iteration), this.o.color);
        this.iteration++;
        const text = ellipsizeMiddle(msg, Math.max(this.o.columns() - 9 - 1, 3));
        this.o.write(`${this.shown ? `${REVERSE_LINEFEED}\r${ERASE_TO_EOL}` : ''}[${cylon}] ${text}\n`);
        this.shown = true;
      }
    } catch { /* the connection closed: the caller reports */ } finally {
      this.busy = false;
      if (!this.stopped) { this.timer = setTimeout(() => { void this.tick(); }, this.o.periodMs ?? PERIOD_MS); this.timer.unref?.(); }
    }
  }
}
