// The timer state machine (systemd 252's src/core/timer.c): dead → waiting ⇄ running → elapsed / dead /
// failed. Waiting arms at most one monotonic and one realtime wake-up (the earliest of its values, plus
// RandomizedDelaySec=, coalesced within AccuracySec= by the host); elapsing queues a start job for the
// triggered unit with TRIGGER_UNIT / TRIGGER_TIMER_{REALTIME,MONOTONIC}_USEC and stamps Persistent= timers;
// the triggered unit's state changes re-arm it. Clock jumps and time zone changes recompute (or trigger,
// with OnClockChange=/OnTimezoneChange=).
// Invariants: every state change goes through setState(), which drops the wake-ups of every state but
// waiting; times are µs, Infinity = USEC_INFINITY; values keep systemd's list order (last written first).
import type { TimerSection, UnitConfig } from '../../directives/types';
import { calendarSpecToString, parseCalendarSpec, type CalendarSpec } from '../../calendar/spec';
import { calendarNext } from '../../calendar/next';
import { formatTimespanNumber } from '../../calendar/timespan';
import { formatTimestampStyle } from '../../calendar/timestamp';
import { UnitBase } from '../base';
import type { TimerHost } from '../host';
import type { ActiveState, DualTimestamp, PropValue, ReloadOutcome, StartOutcome, StopOutcome, TimerEntry, TriggeredPeer, UnitMachine } from '../types';
import { fixedDelayHash } from './fixed-delay';

export type TimerSubState = 'dead' | 'waiting' | 'running' | 'elapsed' | 'failed';
export type TimerResult = 'success' | 'resources' | 'start-limit-hit';

const ACTIVE: Record<TimerSubState, ActiveState> = { dead: 'inactive', waiting: 'active', running: 'active', elapsed: 'active', failed: 'failed' };

interface Value {
  base: TimerSection['values'][number]['base'];
  valueUs: number;
  spec: CalendarSpec | null;
  calendar: string;
  disabled: boolean;
  nextElapse: number;
}

export const KEY_MONOTONIC = 'timer-monotonic';
export const KEY_REALTIME = 'timer-realtime';

export class TimerMachine implements UnitMachine {
  readonly id: string;
  readonly unitType = 'timer' as const;
  readonly base: UnitBase;
  cfg: UnitConfig;
  state: TimerSubState = 'dead';
  res: TimerResult = 'success';
  values: Value[] = [];
  nextElapseMonotonic = Infinity;
  nextElapseRealtime = Infinity;
  lastTrigger: DualTimestamp = { realtime: 0, monotonic: 0 };

  constructor(cfg: UnitConfig, readonly host: TimerHost) {
    this.cfg = cfg;
    this.id = cfg.id;
    this.base = new UnitBase(cfg, host);
    this.values = this.buildValues(cfg);
  }

  private get t(): TimerSection {
    if (!this.cfg.timer) throw new Error(`${this.id}: no [Timer] section`);
    return this.cfg.timer;
  }

  private buildValues(cfg: UnitConfig): Value[] {
    const out: Value[] = [];
    for (const v of cfg.timer?.values ?? []) {
      let spec: CalendarSpec | null = null;
      if (v.base === 'OnCalendar') {
        const s = parseCalendarSpec(v.calendar, this.host.libc());
        if ('errno' in s) continue;     // validated at load; the zone state may have changed since
        spec = s;
      }
      out.push({ base: v.base, valueUs: v.valueUs, spec, calendar: v.calendar, disabled: false, nextElapse: 0 });
    }
    return out;
  }

  activeState(): ActiveState { return ACTIVE[this.state]; }
  subState(): string { return this.state; }
  result(): string { return this.res; }
  canReload(): boolean { return false; }
  reload(): ReloadOutcome { return 'unsupported'; }
  invocationId(): string { return this.base.invocationId; }
  startLimitHit(): boolean { return this.base.startLimitHit; }
  onChildExit(): void { /* timers have no processes */ }

  reconfigure(cfg: UnitConfig): void {
    this.cfg = cfg;
    this.base.reconfigure(cfg);
    this.values = this.buildValues(cfg);
    if (this.state === 'waiting') this.enterWaiting(false);
  }

  private setState(ns: TimerSubState): void {
    const os = this.state, oa = ACTIVE[os];
    this.state = ns;
    if (ns !== 'waiting') {
      this.host.clearTimer(KEY_MONOTONIC);
      this.host.clearTimer(KEY_REALTIME);
      this.nextElapseMonotonic = Infinity;
      this.nextElapseRealtime = Infinity;
    }
    this.base.notifyStateChange(oa, ACTIVE[ns], os, ns, this.res,
      { reloadFailure: false, willAutoRestart: false, skipCondition: false }, () => null);
  }

  private enterDead(f: TimerResult): void {
    if (this.res === 'success') this.res = f;
    if (this.res !== 'success') this.host.log('warning', `${this.id}: Failed with result '${this.res}'.`);
    this.setState(this.res !== 'success' ? 'failed' : 'dead');
  }

  private enterElapsed(leaveAround: boolean): void {
    if (this.t.remainAfterElapse || leaveAround) this.setState('elapsed');
    else this.enterDead('success');
  }

  private addRandom(v: number): number {
    const r = this.t.randomizedDelayUs;
    if (r === 0 || v === Infinity || r === Infinity) return v;
    const h = this.t.fixedRandomDelay ? fixedDelayHash(this.id, this.host.fixedDelayIdentity()) : this.host.randomU64();
    const add = Number(h % BigInt(Math.floor(r)));
    this.host.log('debug', `${this.id}: Adding ${formatTimespanNumber(add)} random time.`);
    return v + add;
  }

  /** timer_enter_waiting(). */
  enterWaiting(timeChange: boolean): void {
    const trigger = this.host.triggerTarget();
    if (!trigger) {
      this.host.log('error', `${this.id}: Unit to trigger vanished.`);
      this.enterDead('resources');
      return;
    }
    const nowRt = this.host.realtime(), nowMono = this.host.now();
    let foundMono = false, foundRt = false, leaveAround = false;
    let nextMono = 0, nextRt = 0;
    const lastSet = this.lastTrigger.realtime > 0 || this.lastTrigger.monotonic > 0;
    for (const v of this.values) {
      if (v.disabled) continue;
      if (v.base === 'OnCalendar' && v.spec) {
        let b: number;
        if (lastSet) b = this.lastTrigger.realtime;
        else if (this.base.inactiveExitTs.realtime > 0 || this.base.inactiveExitTs.monotonic > 0) b = this.base.inactiveExitTs.realtime;
        else b = nowRt;
        const n = calendarNext(this.host.libc(), v.spec, b, (m) => this.host.log('warning', `${this.id}: ${m}`));
        if (n === null) continue;
        // RandomizedDelaySec= must work at boot too: a missed elapse counts from the manager's start
        const rebased = nowRt - (nowMono - this.host.userspaceMonotonic());
        v.nextElapse = n < rebased ? rebased : n;
        nextRt = foundRt ? Math.min(nextRt, v.nextElapse) : v.nextElapse;
        foundRt = true;
        continue;
      }
      let base: number;
      switch (v.base) {
        case 'OnActiveSec':
          base = this.activeState() === 'active' ? this.base.inactiveExitTs.monotonic : nowMono;
          break;
        case 'OnBootSec':
          base = this.host.inContainer() ? this.host.userspaceMonotonic() : 0;
          break;
        case 'OnStartupSec':
          base = this.host.userspaceMonotonic();
          break;
        case 'OnUnitActiveSec':
          leaveAround = true;
          base = Math.max(trigger.inactiveExitMonotonic, this.lastTrigger.monotonic);
          if (base <= 0) continue;
          break;
        case 'OnUnitInactiveSec':
          leaveAround = true;
          base = Math.max(trigger.inactiveEnterMonotonic, this.lastTrigger.monotonic);
          if (base <= 0) continue;
          break;
        default: continue;
      }
      v.nextElapse = base + v.valueUs;
      if (lastSet && !timeChange && v.nextElapse < nowMono && (v.base === 'OnActiveSec' || v.base === 'OnBootSec' || v.base === 'OnStartupSec')) {
        v.disabled = true;       // a one-time trigger that has passed
        continue;
      }
      nextMono = foundMono ? Math.min(nextMono, v.nextElapse) : v.nextElapse;
      foundMono = true;
    }
    if (!foundMono && !foundRt && !this.t.onTimezoneChange && !this.t.onClockChange) {
      this.host.log('debug', `${this.id}: Timer is elapsed.`);
      this.enterElapsed(leaveAround);
      return;
    }
    // while waiting, a clock without values reads 0 (timer_enter_waiting() resets both to 0 first)
    this.nextElapseMonotonic = foundMono ? this.addRandom(nextMono) : 0;
    this.nextElapseRealtime = foundRt ? this.addRandom(nextRt) : 0;
    if (foundMono) {
      this.host.log('debug', `${this.id}: Monotonic timer elapses in ${formatTimespanNumber(Math.max(0, this.nextElapseMonotonic - nowMono))}.`);
      this.host.armClockTimer(KEY_MONOTONIC, 'monotonic', this.nextElapseMonotonic, this.t.accuracyUs);
    } else this.host.clearTimer(KEY_MONOTONIC);
    if (foundRt) {
      this.host.log('debug', `${this.id}: Realtime timer elapses at ${formatTimestampStyle(this.host.libc(), BigInt(Math.floor(this.nextElapseRealtime))) ?? 'n/a'}.`);
      this.host.armClockTimer(KEY_REALTIME, 'realtime', this.nextElapseRealtime, this.t.accuracyUs);
    } else this.host.clearTimer(KEY_REALTIME);
    this.setState('waiting');
  }

  /** timer_enter_running(). */
  private enterRunning(): void {
    if (this.host.hasStopJob()) return;
    if (!this.host.triggerTarget()) {
      this.host.log('error', `${this.id}: Unit to trigger vanished.`);
      this.enterDead('resources');
      return;
    }
    const last = { realtime: this.host.realtime(), monotonic: this.host.now() };
    const r = this.host.startTriggered({
      TRIGGER_UNIT: this.id,
      TRIGGER_TIMER_REALTIME_USEC: String(Math.floor(last.realtime)),
      TRIGGER_TIMER_MONOTONIC_USEC: String(Math.floor(last.monotonic)),
    });
    if (!r.ok) {
      this.host.log('warning', `${this.id}: Failed to queue unit startup job: ${r.error}`);
      this.enterDead('resources');
      return;
    }
    this.lastTrigger = last;
    const stamp = this.t.persistent ? this.host.stampPath() : null;
    if (stamp) this.host.touchFile(stamp, last.realtime);
    this.setState('running');
  }

  start(): StartOutcome {
    if (this.state === 'waiting' || this.state === 'running' || this.state === 'elapsed') return 'noop';
    if (!this.base.testStartLimit()) { this.enterDead('start-limit-hit'); return 'start-limit-hit'; }
    if (!this.base.testConditions()) return 'condition-failed';
    if (!this.base.testAsserts()) return 'assert-failed';
    const trigger = this.host.triggerTarget();
    if (!trigger) { this.host.log('error', `${this.id}: Refusing to start, no unit to trigger.`); return 'refused'; }
    if (!trigger.loaded) { this.host.log('error', `${this.id}: Refusing to start, unit ${trigger.id} to trigger not loaded.`); return 'refused'; }
    this.base.invocationId = this.host.newInvocationId();
    this.lastTrigger = { realtime: 0, monotonic: 0 };
    for (const v of this.values) if (v.base === 'OnActiveSec') v.disabled = false;
    const stamp = this.t.persistent ? this.host.stampPath() : null;
    if (stamp) {
      const ft = this.host.fileMtime(stamp);
      if (ft !== null) {
        if (ft < this.host.realtime()) this.lastTrigger = { realtime: ft, monotonic: 0 };
        else this.host.log('warning', `${this.id}: Not using persistent file timestamp ${formatTimestampStyle(this.host.libc(), BigInt(Math.floor(ft))) ?? 'n/a'} as it is in the future.`);
      } else this.host.touchFile(stamp, null);     // never run before: make sure a stamp exists
    }
    if (this.t.wakeSystem) this.host.log('notice', `${this.id}: WakeSystem= is not applicable in a container, ignoring.`);
    this.res = 'success';
    this.enterWaiting(false);
    return 'started';
  }

  stop(): StopOutcome {
    if (this.state === 'dead' || this.state === 'failed') return 'noop';
    this.enterDead('success');
    return 'stopping';
  }

  resetFailed(): void {
    if (this.state === 'failed') this.setState('dead');
    this.res = 'success';
    this.base.resetStartLimit();
  }

  fail(result: 'resources'): void {
    if (this.state === 'failed') return;
    this.enterDead(result);
  }

  /** timer_dispatch(): a wake-up of either clock. */
  onTimer(key: string): void {
    if (key !== KEY_MONOTONIC && key !== KEY_REALTIME) return;
    if (this.state !== 'waiting') return;
    this.host.log('debug', `${this.id}: Timer elapsed.`);
    this.enterRunning();
  }

  /** timer_trigger_notify(). */
  onTriggeredUnitChange(peer: TriggeredPeer): void {
    for (const v of this.values) if (v.base === 'OnUnitActiveSec' || v.base === 'OnUnitInactiveSec') v.disabled = false;
    switch (this.state) {
      case 'waiting':
      case 'elapsed':
        this.enterWaiting(false);
        break;
      case 'running':
        if (peer.activeState === 'inactive' || peer.activeState === 'failed') {
          this.host.log('debug', `${this.id}: Got notified about unit deactivation.`);
          this.enterWaiting(false);
        }
        break;
      default: break;
    }
  }

  /** timer_time_change(): CLOCK_REALTIME jumped. */
  onClockChange(): void {
    if (this.state !== 'waiting') return;
    const ts = this.host.realtime();
    if (this.lastTrigger.realtime > ts) this.lastTrigger = { ...this.lastTrigger, realtime: ts };
    if (this.t.onClockChange) {
      this.host.log('debug', `${this.id}: Time change, triggering activation.`);
      this.enterRunning();
    } else {
      this.host.log('debug', `${this.id}: Time change, recalculating next elapse.`);
      this.enterWaiting(true);
    }
  }

  /** timer_timezone_change(): /etc/localtime changed (the host has re-read it). */
  onTimezoneChange(): void {
    if (this.state !== 'waiting') return;
    if (this.t.onTimezoneChange) {
      this.host.log('debug', `${this.id}: Timezone change, triggering activation.`);
      this.enterRunning();
    } else {
      this.host.log('debug', `${this.id}: Timezone change, recalculating next elapse.`);
      this.enterWaiting(false);
    }
  }

  properties(): Record<string, PropValue> {
    return timerProperties(this);
  }

  timerSchedule(): { nextRealtime: number; nextMonotonic: number; lastTrigger: number; lastTriggerMonotonic: number; entries: TimerEntry[] } {
    return {
      nextRealtime: this.nextElapseRealtime, nextMonotonic: this.nextElapseMonotonic,
      lastTrigger: this.lastTrigger.realtime, lastTriggerMonotonic: this.lastTrigger.monotonic,
      entries: this.values.map((v) => ({ base: v.base, valueUs: v.valueUs, calendar: v.spec ? specString(this, v.spec) : v.calendar, nextElapse: v.nextElapse })),
    };
  }
}

/** The Timer D-Bus properties as `systemctl show` prints them. */
export function timerProperties(m: TimerMachine): Record<string, PropValue> {
  const libc = m.host.libc();
  const stamp = (us: number): string => (us === Infinity || us <= 0 ? '' : formatTimestampStyle(libc, BigInt(Math.floor(us))) ?? '');
  const span = (us: number): string => formatTimespanNumber(us);
  const t = m.cfg.timer;
  const mono = m.values.filter((v) => v.base !== 'OnCalendar')
    .map((v) => `{ ${v.base.replace(/Sec$/, 'USec')}=${span(v.valueUs)} ; next_elapse=${span(v.nextElapse)} }`);
  const cal = m.values.filter((v) => v.base === 'OnCalendar')
    .map((v) => `{ OnCalendar=${v.spec ? specString(m, v.spec) : v.calendar} ; next_elapse=${stamp(v.nextElapse) || '(null)'} }`);
  return {
    ...m.base.baseProperties(),
    ActiveState: m.activeState(), SubState: m.state, Result: m.res,
    Unit: m.host.triggerTarget()?.id ?? '',
    // one `Key=value` line per entry in show (directives/show.ts splits at newlines)
    TimersMonotonic: mono.join('\n'),
    TimersCalendar: cal.join('\n'),
    OnClockChange: t?.onClockChange ?? false,
    OnTimezoneChange: t?.onTimezoneChange ?? false,
    NextElapseUSecRealtime: stamp(m.nextElapseRealtime),
    NextElapseUSecMonotonic: m.nextElapseMonotonic === Infinity ? 'infinity' : span(m.nextElapseMonotonic),
    LastTriggerUSec: stamp(m.lastTrigger.realtime),
    LastTriggerUSecMonotonic: span(m.lastTrigger.monotonic),
    AccuracyUSec: span(t?.accuracyUs ?? 60_000_000),
    RandomizedDelayUSec: span(t?.randomizedDelayUs ?? 0),
    FixedRandomDelay: t?.fixedRandomDelay ?? false,
    Persistent: t?.persistent ?? false,
    WakeSystem: t?.wakeSystem ?? false,
    RemainAfterElapse: t?.remainAfterElapse ?? true,
  };
}

function specString(m: TimerMachine, s: CalendarSpec): string { return calendarSpecToString(s, m.host.libc()); }
