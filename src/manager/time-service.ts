// The manager's clocks for timer units, as systemd's event loop provides them: one coalescing queue per
// clock (src/units/timer/coalesce.ts, perturbation from the boot id), a monotonic wake-up through the
// platform's timers, a wall-clock wake-up through a CLOCK_REALTIME timerfd armed with
// TFD_TIMER_CANCEL_ON_SET (so a clock jump both re-times the wake-up and is reported: every timer unit's
// onClockChange), and a watch on /etc/localtime (a changed zone re-reads the C-library state and calls
// every timer unit's onTimezoneChange). Created on first use, so a manager without timers pays nothing.
// Invariants: wake-ups are re-programmed once per event-loop turn after arm/clear (dirty flag); every
// callback into a machine runs through the crash barrier; fds are closed by dispose().
import { reloadProcessTime } from '../calendar/env';
import type { Platform, TimerHandle } from '../platform/types';
import { ClockQueue, perturbFromId } from '../units/timer/coalesce';
import { parseId128 } from '../units/timer/fixed-delay';
import type { UnitMachine } from '../units/types';
import type { EventSource } from './barrier';

export interface TimeServiceOwner {
  readonly platform: Platform;
  guard(source: EventSource, unit: string, fn: () => void): void;
  /** The machines to tell about clock and zone changes. */
  machines(): Iterable<{ id: string; machine: UnitMachine }>;
  log(level: 'debug' | 'info' | 'warning', text: string): void;
}

/** A wall-clock value beyond any real timer (the time-change fd is armed there when nothing else waits). */
const FAR_FUTURE_US = 253402300799 * 1_000_000;
const ECANCELED = -125;
const IN_ATTRIB = 0x4, IN_CLOSE_WRITE = 0x8, IN_MOVED_TO = 0x80, IN_CREATE = 0x100, IN_DELETE = 0x200;

export class TimeService {
  readonly mono: ClockQueue;
  readonly rt: ClockQueue;
  private monoTimer: TimerHandle | null = null;
  private rtTimer: TimerHandle | null = null;
  private rtFd = -1;
  private rtPoll = -1;
  private tzFd = -1;
  private tzPoll = -1;
  private tzContent: string | null;
  private dirty = false;

  constructor(private readonly o: TimeServiceOwner) {
    const p = o.platform;
    const id = parseId128(p.readFile('/proc/sys/kernel/random/boot_id') ?? '') ?? parseId128(p.readFile('/etc/machine-id') ?? '');
    const perturb = perturbFromId(id);
    this.mono = new ClockQueue(perturb);
    this.rt = new ClockQueue(perturb);
    const fd = p.realtimeTimerCreate();
    if (fd >= 0) {
      this.rtFd = fd;
      this.rtPoll = p.pollFd(fd, 1, () => this.o.guard('timer', '', () => this.onRealtimeFd()));
    } else this.o.log('warning', `Failed to create wall-clock timer fd, clock changes go unnoticed: ${p.strerror(-fd)}`);
    this.tzContent = p.readFile('/etc/localtime');
    this.watchTimezone();
    this.schedule();
  }

  arm(key: string, clock: 'monotonic' | 'realtime', at: number, accuracy: number, fire: () => void): void {
    (clock === 'monotonic' ? this.rt : this.mono).clear(key);
    (clock === 'monotonic' ? this.mono : this.rt).arm(key, at, accuracy, fire);
    this.markDirty();
  }

  clear(key: string): void {
    if (this.mono.clear(key) || this.rt.clear(key)) this.markDirty();
  }

  private markDirty(): void {
    if (this.dirty) return;
    this.dirty = true;
    this.o.platform.soon(() => { this.dirty = false; this.schedule(); });
  }

  /** event_arm_timer() for both clocks. */
  private schedule(): void {
    const p = this.o.platform;
    if (this.monoTimer !== null) { p.clearTimer(this.monoTimer); this.monoTimer = null; }
    const mw = this.mono.nextWake();
    if (mw !== Infinity) {
      this.monoTimer = p.setTimer(Math.max(0, mw - p.monotonicUs()), () => {
        this.monoTimer = null;
        this.o.guard('timer', '', () => this.dispatch());
      });
    }
    const rw = this.rt.nextWake();
    if (this.rtTimer !== null) { p.clearTimer(this.rtTimer); this.rtTimer = null; }
    if (this.rtFd >= 0) {
      const r = p.realtimeTimerSet(this.rtFd, rw === Infinity ? FAR_FUTURE_US : Math.max(1, rw), true);
      if (r < 0) this.o.log('warning', `Failed to arm wall-clock timer: ${p.strerror(-r)}`);
    } else if (rw !== Infinity) {
      this.rtTimer = p.setTimer(Math.max(0, rw - p.realtimeUs()), () => { this.rtTimer = null; this.o.guard('timer', '', () => this.dispatch()); });
    }
  }

  /** Fire everything due on either clock, then re-arm. */
  private dispatch(): void {
    const p = this.o.platform;
    const fires = [...this.mono.due(p.monotonicUs()), ...this.rt.due(p.realtimeUs())];
    for (const f of fires) f();
    this.schedule();
  }

  private onRealtimeFd(): void {
    const r = this.o.platform.realtimeTimerRead(this.rtFd);
    if (r === ECANCELED) {
      this.o.log('debug', 'Time has been changed.');
      this.dispatchTimeChange();
      return;
    }
    if (r > 0) this.dispatch();
  }

  /** manager_dispatch_time_change_fd(): every timer unit hears of it, then the wake-ups are re-armed. */
  dispatchTimeChange(): void {
    for (const { id, machine } of [...this.o.machines()]) {
      if (machine.onClockChange) this.o.guard('timer', id, () => machine.onClockChange?.());
    }
    this.schedule();
  }

  private watchTimezone(): void {
    const p = this.o.platform;
    const fd = p.inotifyInit();
    if (fd < 0) return;
    if (p.inotifyAddWatch(fd, '/etc', IN_ATTRIB | IN_CLOSE_WRITE | IN_MOVED_TO | IN_CREATE | IN_DELETE) < 0) { p.close(fd); return; }
    this.tzFd = fd;
    this.tzPoll = p.pollFd(fd, 1, () => this.o.guard('inotify', '', () => {
      const ev = p.inotifyRead(fd);
      if (typeof ev === 'number' || !ev.some((e) => e.name === 'localtime')) return;
      this.checkTimezone();
    }));
  }

  /** manager_dispatch_timezone_change(): act only when /etc/localtime really changed. */
  checkTimezone(): void {
    const now = this.o.platform.readFile('/etc/localtime');
    if (now === this.tzContent) return;
    this.tzContent = now;
    reloadProcessTime();
    this.o.log('debug', 'Timezone has been changed.');
    for (const { id, machine } of [...this.o.machines()]) {
      if (machine.onTimezoneChange) this.o.guard('timer', id, () => machine.onTimezoneChange?.());
    }
    this.schedule();
  }

  dispose(): void {
    const p = this.o.platform;
    if (this.monoTimer !== null) p.clearTimer(this.monoTimer);
    if (this.rtTimer !== null) p.clearTimer(this.rtTimer);
    if (this.rtPoll >= 0) p.unpollFd(this.rtPoll);
    if (this.rtFd >= 0) p.close(this.rtFd);
    if (this.tzPoll >= 0) p.unpollFd(this.tzPoll);
    if (this.tzFd >= 0) p.close(this.tzFd);
    this.rtFd = this.tzFd = this.rtPoll = this.tzPoll = -1;
  }
}
