// Test support (not a test file): a fake PathHost over an in-memory file tree with a fake inotify that
// reports creations, writes and removals to the watches whose masks ask for them (directory watches see
// their children's events with a name, as inotify(7) does), a fake triggered service, and [Path] configs
// compiled by the real directive tables.
import { compileUnit } from '../../src/directives/compile';
import type { UnitConfig } from '../../src/directives/types';
import type { ConditionEval, InotifyEvent, PathHost, StartTriggeredResult, TriggerTarget } from '../../src/units/host';
import type { ActiveState, StateChange, TriggeredPeer } from '../../src/units/types';
import { IN, PathMachine } from '../../src/units/path/machine';
import type { SpecifierContext, UnitSource } from '../../src/unit-file/types';

const SPEC_CTX: SpecifierContext = {
  userMode: false, hostname: 'host.example', machineId: 'm'.repeat(32), bootId: 'b'.repeat(32), kernelRelease: '6.1.0',
  architecture: 'x86-64', userName: 'root', uid: 0, groupName: 'root', gid: 0, home: '/root', shell: '/bin/sh',
  runtimeDir: '/run', stateDir: '/var/lib', cacheDir: '/var/cache', logsDir: '/var/log', configDir: '/etc', tmpDir: '/tmp', varTmpDir: '/var/tmp', osRelease: {}, realpath: (p: string) => p,
};

export function pathConfig(lines: string[], id = 'test.path'): UnitConfig {
  const assignments = lines.map((l, i) => {
    const eq = l.indexOf('=');
    return { section: 'Path', key: l.slice(0, eq), value: l.slice(eq + 1), file: `/test/${id}`, line: i + 2 };
  });
  const src: UnitSource = {
    requested: id, id, names: [id], type: 'path', loadState: 'loaded', fragmentPath: `/test/${id}`, dropInPaths: [],
    prefix: id.split('.')[0]!, instance: '', assignments, diagnostics: [], wantsFromDirs: [], requiresFromDirs: [],
  };
  return compileUnit(src, SPEC_CTX);
}

const dirname = (p: string): string => { const i = p.lastIndexOf('/'); return i <= 0 ? '/' : p.slice(0, i); };
const basename = (p: string): string => p.slice(p.lastIndexOf('/') + 1);

interface Instance { watches: Map<string, { wd: number; mask: number }>; nextWd: number }

export class FakePathHost implements PathHost {
  mono = 1000 * 1_000_000;
  readonly fs = new Map<string, { kind: 'file' | 'dir'; mode: number }>([['/', { kind: 'dir', mode: 0o755 }]]);
  readonly inotify = new Map<number, Instance>();
  readonly jobs: Record<string, string>[] = [];
  readonly logs: string[] = [];
  readonly changes: StateChange[] = [];
  readonly deferred: (() => void)[] = [];
  readonly denied = new Set<string>();       // paths whose watch fails with EACCES
  machine: PathMachine | null = null;
  stopJob = false;
  trigger: TriggerTarget | null = { id: 'test.service', loaded: true, activeState: 'inactive', inactiveExitMonotonic: 0, inactiveEnterMonotonic: 0, hasJob: false, startLimitHit: false };

  // ---- UnitHost ----
  now(): number { return this.mono; }
  realtime(): number { return 1_700_000_000_000_000 + this.mono; }
  armTimer(): void { /* no timers */ }
  clearTimer(): void { /* no timers */ }
  log(level: string, text: string): void { this.logs.push(`${level}: ${text}`); }
  stateChanged(c: StateChange): void { this.changes.push(c); }
  evaluateConditions(): ConditionEval { return { ok: true, failed: null }; }
  emergencyAction(): void { /* none */ }
  newInvocationId(): string { return 'fedcba9876543210fedcba9876543210'; }

  // ---- TriggerHost ----
  triggerTarget(): TriggerTarget | null { return this.trigger; }
  startTriggered(env: Record<string, string>): StartTriggeredResult { this.jobs.push(env); return { ok: true }; }
  hasStopJob(): boolean { return this.stopJob; }

  // ---- PathHost ----
  inotifyOpen(index: number): { ok: true } { this.inotify.set(index, { watches: new Map(), nextWd: 1 }); return { ok: true }; }
  inotifyAddWatch(index: number, path: string, mask: number): { wd: number } | { errno: number; error: string } {
    const ins = this.inotify.get(index);
    if (!ins) return { errno: 9, error: 'Bad file descriptor' };
    if (this.denied.has(path)) return { errno: 13, error: 'Permission denied' };
    if (!this.fs.has(path)) return { errno: 2, error: 'No such file or directory' };
    const w = ins.watches.get(path);
    if (w) { w.mask = mask & ~IN.DONT_FOLLOW; return { wd: w.wd }; }
    const wd = ins.nextWd++;
    ins.watches.set(path, { wd, mask: mask & ~IN.DONT_FOLLOW });
    return { wd };
  }
  inotifyClose(index: number): void { this.inotify.delete(index); }
  pathExists(path: string): boolean { return this.fs.has(path); }
  globFirst(pattern: string): string | null {
    const re = new RegExp('^' + pattern.replace(/[.+^${}()|\\]/g, '\\$&').replace(/\*/g, '[^/]*').replace(/\?/g, '[^/]') + '$');
    return [...this.fs.keys()].sort().find((p) => re.test(p)) ?? null;
  }
  dirIsEmpty(path: string): number {
    const e = this.fs.get(path);
    if (!e) return -2;
    if (e.kind !== 'dir') return -20;
    const hidden = (n: string): boolean => n.startsWith('.') || n.endsWith('~');
    return [...this.fs.keys()].some((p) => p !== path && dirname(p) === path && !hidden(basename(p))) ? 0 : 1;
  }
  mkdirP(path: string, mode: number): string | null {
    let cur = '';
    for (const part of path.split('/').filter((x) => x)) {
      cur += '/' + part;
      if (!this.fs.has(cur)) this.create(cur, 'dir', mode);
    }
    return null;
  }
  defer(fn: () => void): void { this.deferred.push(fn); }

  // ---- test drivers ----
  /** Run deferred callbacks (the next event-loop turns). */
  flush(): void { while (this.deferred.length) this.deferred.shift()!(); }

  private emit(events: { path: string; mask: number; name?: string }[]): void {
    for (const [index, ins] of [...this.inotify]) {
      const out: InotifyEvent[] = [];
      for (const e of events) {
        const w = ins.watches.get(e.path);
        if (w && (w.mask & e.mask)) out.push({ wd: w.wd, mask: e.mask, name: e.name ?? '' });
      }
      if (out.length && this.inotify.get(index) === ins) this.machine?.onInotify(index, out);
    }
  }

  create(path: string, kind: 'file' | 'dir' = 'file', mode = 0o644): void {
    this.fs.set(path, { kind, mode });
    const ev = [{ path: dirname(path), mask: 0x100 /* IN_CREATE */, name: basename(path) }];
    if (kind === 'file') ev.push({ path: dirname(path), mask: 0x8 /* IN_CLOSE_WRITE */, name: basename(path) });
    this.emit(ev);
  }
  write(path: string): void {
    this.emit([{ path, mask: 0x2 }, { path: dirname(path), mask: 0x2, name: basename(path) }]);        // IN_MODIFY
    this.emit([{ path, mask: 0x8 }, { path: dirname(path), mask: 0x8, name: basename(path) }]);        // IN_CLOSE_WRITE
  }
  remove(path: string): void {
    this.fs.delete(path);
    this.emit([{ path, mask: 0x4 }, { path, mask: 0x400 }, { path: dirname(path), mask: 0x200, name: basename(path) }]);
  }

  setTrigger(state: ActiveState, hasJob = false, startLimitHit = false): void {
    const t = this.trigger!;
    t.activeState = state; t.hasJob = hasJob; t.startLimitHit = startLimitHit;
    const peer: TriggeredPeer = { id: t.id, activeState: state, phase: 'idle', result: 'success', startLimitHit, hasJob };
    this.machine?.onTriggeredUnitChange(peer);
  }

  /** The queued job runs the service; it finishes; the path re-arms on a later turn. */
  serviceRuns(): void {
    this.setTrigger('inactive', true);
    this.setTrigger('active');
    this.flush();
    this.setTrigger('inactive');
    this.flush();
  }

  watchedPaths(index = 0): string[] { return [...(this.inotify.get(index)?.watches.keys() ?? [])]; }
}

export function pathRig(lines: string[], host = new FakePathHost()): { m: PathMachine; h: FakePathHost } {
  const cfg = pathConfig(lines);
  if (cfg.loadState !== 'loaded') throw new Error(`path did not load: ${cfg.diagnostics.map((d) => d.message).join('; ')}`);
  const m = new PathMachine(cfg, host);
  host.machine = m;
  return { m, h: host };
}
