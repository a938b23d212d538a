// The real hosts of timer and path units: what they know of the unit they trigger (its state, timestamps,
// pending job), queueing its start with the TRIGGER_* environment (activation details), the manager's
// clocks (time-service.ts) for timers, and inotify, file checks and mkdir for paths. Timer and path units
// have no processes and get no cgroup.
// Invariants: every platform event reaches the machine through the crash barrier; inotify instances are
// owned here (one per path spec) and closed when the machine asks or the runtime is disposed.
import type { UnitConfig } from '../directives/types';
import { processTime } from '../calendar/env';
import type { LibcTime } from '../calendar/libc';
import type { PathHost, StartTriggeredResult, TimerHost, TriggerHost, TriggerTarget } from '../units/host';
import type { FixedDelayIdentity } from '../units/timer/fixed-delay';
import { parseId128 } from '../units/timer/fixed-delay';
import type { DualTimestamp } from '../units/types';
import type { TimeService } from './time-service';
import { UnitHost, type HostManager } from './unit-host';

export interface TriggerManager extends HostManager {
  /** The unit `id` triggers (its first Triggers= dependency) as the machine needs to know it. */
  triggerTargetOf(id: string): TriggerTarget | null;
  /** Queue a start job (replace) for `target`, its processes getting `env` (activation details). */
  startTriggered(from: string, target: string, env: Record<string, string>): StartTriggeredResult;
  timeService(): TimeService;
  /** CLOCK_MONOTONIC when the manager started. */
  readonly userspaceMonotonic: number;
  /** Directory of the Persistent= stamps ('' = none can be determined). */
  readonly timerStampDir: string;
  readonly container: string;
}

/** Monotonic µs of a dual timestamp property, 0 when unset. */
export function monotonicOf(v: unknown): number {
  return typeof v === 'object' && v !== null && 'monotonic' in v ? Number((v as DualTimestamp).monotonic) || 0 : 0;
}

class TriggerUnitHost extends UnitHost implements TriggerHost {
  constructor(readonly tmgr: TriggerManager, cfg: UnitConfig) { super(tmgr, cfg, { cgroup: false }); }
  triggerTarget(): TriggerTarget | null { return this.tmgr.triggerTargetOf(this.id); }
  startTriggered(env: Record<string, string>): StartTriggeredResult {
    const t = this.triggerTarget();
    if (!t) return { ok: false, error: 'No unit to trigger.' };
    return this.tmgr.startTriggered(this.id, t.id, env);
  }
  override hasStopJob(): boolean { return this.tmgr.hasStopJob(this.id); }
}

export class TimerUnitHost extends TriggerUnitHost implements TimerHost {
  private readonly keys = new Set<string>();

  armClockTimer(key: string, clock: 'monotonic' | 'realtime', at: number, accuracy: number): void {
    const k = `${this.id}\0${key}`;
    this.keys.add(k);
    this.tmgr.timeService().arm(k, clock, at, accuracy, () => {
      this.keys.delete(k);
      this.tmgr.guard('timer', this.id, () => this.machine?.onTimer(key));
    });
  }

  override clearTimer(key: string): void {
    super.clearTimer(key);
    const k = `${this.id}\0${key}`;
    if (this.keys.delete(k)) this.tmgr.timeService().clear(k);
  }

  userspaceMonotonic(): number { return this.tmgr.userspaceMonotonic; }
  inContainer(): boolean { return this.tmgr.container !== ''; }
  libc(): LibcTime { return processTime(); }
  stampPath(): string | null { return this.tmgr.timerStampDir ? `${this.tmgr.timerStampDir}/stamp-${this.id}` : null; }
  fileMtime(path: string): number | null { return this.tmgr.platform.mtimeUs(path); }
  touchFile(path: string, realtimeUs: number | null): void {
    const r = this.tmgr.platform.touch(path, realtimeUs);
    if (r < 0) this.log('debug', `Failed to touch ${path}: ${this.tmgr.platform.strerror(-r)}`);
  }
  randomU64(): bigint { return this.tmgr.platform.randomBytes(8).readBigUInt64LE(0); }
  fixedDelayIdentity(): FixedDelayIdentity {
    const p = this.tmgr.platform;
    return { machineId: parseId128(p.readFile('/etc/machine-id') ?? ''), system: !this.tmgr.userMode, uid: process.getuid?.() ?? 0 };
  }

  override dispose(opts: { final?: boolean } = {}): void {
    for (const k of this.keys) this.tmgr.timeService().clear(k);
    this.keys.clear();
    super.dispose(opts);
  }
}

export class PathUnitHost extends TriggerUnitHost implements PathHost {
  private readonly instances = new Map<number, { fd: number; poll: number }>();

  inotifyOpen(index: number): { ok: true } | { ok: false; error: string } {
    this.inotifyClose(index);
    const p = this.tmgr.platform;
    const fd = p.inotifyInit();
    if (fd < 0) return { ok: false, error: p.strerror(-fd) };
    const poll = p.pollFd(fd, 1, () => this.tmgr.guard('inotify', this.id, () => {
      if (this.instances.get(index)?.fd !== fd) return;
      const ev = p.inotifyRead(fd);
      if (typeof ev === 'number') {
        if (ev !== -11 && ev !== -4) this.machine?.onInotifyError?.(index, p.strerror(-ev));
        return;
      }
      this.machine?.onInotify?.(index, ev);
    }));
    this.instances.set(index, { fd, poll });
    return { ok: true };
  }

  inotifyAddWatch(index: number, path: string, mask: number): { wd: number } | { errno: number; error: string } {
    const ins = this.instances.get(index);
    const p = this.tmgr.platform;
    if (!ins) return { errno: 9, error: p.strerror(9) };
    const wd = p.inotifyAddWatch(ins.fd, path, mask);
    return wd < 0 ? { errno: -wd, error: p.strerror(-wd) } : { wd };
  }

  inotifyClose(index: number): void {
    const ins = this.instances.get(index);
    if (!ins) return;
    this.tmgr.platform.unpollFd(ins.poll);
    this.tmgr.platform.close(ins.fd);
    this.instances.delete(index);
  }

  pathExists(path: string): boolean { return this.tmgr.platform.exists(path); }
  globFirst(pattern: string): string | null { return this.tmgr.platform.glob(pattern)[0] ?? null; }
  dirIsEmpty(path: string): number {
    const r = this.tmgr.platform.readDir(path);
    if (typeof r === 'number') return r;
    return r.some((n) => !hiddenOrBackup(n)) ? 0 : 1;
  }
  mkdirP(path: string, mode: number): string | null {
    const r = this.tmgr.platform.mkdirp(path, mode);
    return r < 0 ? this.tmgr.platform.strerror(-r) : null;
  }
  defer(fn: () => void): void {
    // sd_event_add_defer runs on a later loop iteration, after the current dispatch
    this.tmgr.platform.soon(() => this.tmgr.guard('deferred', this.id, fn));
  }

  override dispose(opts: { final?: boolean } = {}): void {
    for (const i of [...this.instances.keys()]) this.inotifyClose(i);
    super.dispose(opts);
  }
}

const BACKUP_SUFFIXES = ['rpmnew', 'rpmsave', 'rpmorig', 'dpkg-old', 'dpkg-new', 'dpkg-tmp', 'dpkg-dist', 'dpkg-bak',
  'dpkg-backup', 'dpkg-remove', 'ucf-new', 'ucf-old', 'ucf-dist', 'swp', 'bak', 'old', 'new'];

/** hidden_or_backup_file() of systemd 252. */
export function hiddenOrBackup(name: string): boolean {
  if (name.startsWith('.') || name === 'lost+found' || name === 'aquota.user' || name === 'aquota.group' || name.endsWith('~')) return true;
  const dot = name.lastIndexOf('.');
  return dot >= 0 && BACKUP_SUFFIXES.includes(name.slice(dot + 1));
}
