// compileUnit: located assignments (UnitSource from src/unit-file) → typed UnitConfig, through the directive
// tables, with systemd 252's diagnostics (wording, line, fatality). synthesizeUnit: configs for units that
// did not load. Invariants: never throws on any input; the first fatal error stops parsing (as systemd stops
// loading the unit) and yields loadState 'bad-setting'; X- sections/keys are kept silently in cfg.raw.
import createDebug from 'debug';
import type { Diagnostic } from '../diag';
import type { SpecifierContext, UnitSource } from '../unit-file/types';
import type { LoadState, UnitConfig } from './types';
import { defaultConfig } from './defaults';
import { findRow, knownSections, typeSection } from './tables';
import { specError, type ApplyCtx, type SectionName } from './row';
import { expandSpecifiers } from '../unit-file/specifiers';
import type { Expand } from './values-exec';
import { depOrder } from './dep-order';
import { parseTimespan } from './values';
import { unitNameFromPath } from '../unit-file/names';
import { patchContexts } from './patch-contexts';

const FATAL_SUMMARY = 'Unit configuration has fatal error, unit will not be started.';
const debug = createDebug('tsysd:directives');

export function compileUnit(src: UnitSource, ctx: SpecifierContext): UnitConfig {
  const cfg = defaultConfig(src.id);
  cfg.names = src.names.length ? [...src.names] : [src.id];
  cfg.fragmentPath = src.fragmentPath;
  cfg.dropInPaths = [...src.dropInPaths];
  cfg.wantsFromDirs = [...src.wantsFromDirs];
  cfg.requiresFromDirs = [...src.requiresFromDirs];
  if (src.prefix) cfg.prefix = src.prefix;
  cfg.instance = src.instance;
  cfg.diagnostics = [...src.diagnostics];
  if (src.loadState !== 'loaded') {
    const err = src.diagnostics.find((d) => d.fatal || d.level === 'error')?.message ?? '';
    const s = synthesizeUnit(src.id, src.loadState, err);
    s.names = cfg.names; s.fragmentPath = cfg.fragmentPath; s.dropInPaths = cfg.dropInPaths; s.diagnostics = cfg.diagnostics;
    return s;
  }
  const id = src.id;
  const diag = (file: string, line: number, level: Diagnostic['level'], fatal: boolean, message: string): void => {
    cfg.diagnostics.push({ file, line, unit: id, level, fatal, message });
  };
  const specUnit = { id, prefix: cfg.prefix, instance: cfg.instance, type: src.type || cfg.type, fragmentPath: src.fragmentPath };
  const expand: Expand = (s) => (s.includes('%') ? expandSpecifiers(s, specUnit, ctx) : { ok: true, value: s });
  const known = knownSections(cfg.type);
  const tableSection = typeSection(cfg.type);
  const raw: Record<string, string[]> = {};
  cfg.raw = raw;
  cfg.notEnforced = [];

  // Unknown sections: reported once per header, at the header's line.
  const reported = new Set<string>();
  if (src.sections) {
    for (const s of src.sections) {
      if (!known.includes(s.name) && !s.name.startsWith('X-')) diag(s.file, s.line, 'warning', false, `Unknown section '${s.name}'. Ignoring.`);
    }
  } else {
    for (const a of src.assignments) {
      const k = `${a.file}\0${a.section}`;
      if (known.includes(a.section) || a.section.startsWith('X-') || reported.has(k)) continue;
      reported.add(k);
      diag(a.file, Math.max(1, a.line - 1), 'warning', false, `Unknown section '${a.section}'. Ignoring.`);
    }
  }

  // A fatal error in the fragment stops loading (bad-setting). In a drop-in it only stops parsing that file:
  // systemd logs it and goes on with the next drop-in [obs].
  let fatal = false;
  const abortedDropIns = new Set<string>();
  for (const a of src.assignments) {
    if (fatal) break;
    if (abortedDropIns.has(a.file)) continue;
    const rawKey = `${a.section}.${a.key}`;
    if (a.section.startsWith('X-') || a.key.startsWith('X-')) { (raw[rawKey] ??= []).push(a.value); continue; }
    if (!known.includes(a.section)) continue;
    const isTable = a.section === 'Unit' || a.section === 'Install' || a.section === tableSection;
    if (!isTable) { (raw[rawKey] ??= []).push(a.value); continue; }   // type sections tsysd has no table for
    const row = findRow(a.section, a.key);
    if (!row) { diag(a.file, a.line, 'warning', false, `Unknown key '${a.key}' in section [${a.section}], ignoring.`); continue; }
    const actx: ApplyCtx = {
      cfg, file: a.file, line: a.line, key: a.key, section: a.section as SectionName, expand, issues: [],
      warn: (m) => diag(a.file, a.line, 'warning', false, m),
      fatal: (m) => {
        if (a.file !== src.fragmentPath && src.dropInPaths.includes(a.file)) { diag(a.file, a.line, 'error', false, m); abortedDropIns.add(a.file); return; }
        diag(a.file, a.line, 'error', true, m); fatal = true;
      },
    };
    let value = a.value;
    if (value === '' && row.empty !== 'parse') {
      if (row.empty === 'reset') { row.reset(cfg); raw[rawKey] = []; }
      continue;
    }
    if (row.specifiers) {
      const e = expand(value);
      if (!e.ok) {
        const se = specError(row.spec, value, e.error);
        if (se.fatal) actx.fatal(se.message); else actx.warn(se.message);
        continue;
      }
      value = e.value;
    }
    const before = cfg.diagnostics.length;
    try {
      row.apply(value, actx);
    } catch (e) {
      diag(a.file, a.line, 'warning', false, `Failed to parse ${a.key}=, ignoring: ${String(e instanceof Error ? e.message : e)}`);
    }
    if (cfg.diagnostics.length === before || row.list) {
      if (row.list) (raw[rawKey] ??= []).push(value); else raw[rawKey] = [value];
    }
    if (!row.enforced) cfg.notEnforced.push({ key: rawKey, file: a.file, line: a.line });
  }

  sortDiagnostics(cfg);
  if (fatal) {
    diag('', 0, 'error', true, FATAL_SUMMARY);
    cfg.loadState = 'bad-setting';
    cfg.loadError = FATAL_SUMMARY;
    return cfg;
  }
  // StandardOutput=inherit (explicit or default) means the manager's default (journal) unless stdin is a
  // tty or a socket, as systemd resolves it at load time.
  if (cfg.service || cfg.socket) {
    const ex = cfg.exec;
    if (ex.standardOutput === 'inherit' && !(ex.standardInput === 'socket' || ex.standardInput.startsWith('tty'))) ex.standardOutput = 'journal';
  }
  // RestartKillSignal= defaults to KillSignal= (any unit with a kill context).
  if (!['Service', 'Socket', 'Mount', 'Swap'].some((s) => raw[`${s}.RestartKillSignal`]?.length)) cfg.kill.restartKillSignal = cfg.kill.killSignal;
  finishService(cfg, raw, diag);
  finishSocket(cfg, raw, diag);
  finishTimerPath(cfg, diag);
  finishMountLike(cfg, diag);
  patchContexts(cfg);
  if (cfg.diagnostics.some((d) => d.fatal)) {
    cfg.loadState = 'bad-setting';
    cfg.loadError = cfg.diagnostics.find((d) => d.fatal)?.message ?? FATAL_SUMMARY;
  }
  if (cfg.loadState === 'loaded') cfg.depOrder = depOrder(src, cfg, ctx);
  debug('%s: %d assignments, %d diagnostics, load state %s', id, src.assignments.length, cfg.diagnostics.length, cfg.loadState);
  return cfg;
}

/** Located diagnostics in parse order (fragment, then drop-ins; by line), unit-level ones after, stable. */
function sortDiagnostics(cfg: UnitConfig): void {
  const files = [cfg.fragmentPath, ...cfg.dropInPaths];
  const rank = (f: string): number => { const i = files.indexOf(f); return i < 0 ? files.length : i; };
  const located = cfg.diagnostics.filter((d) => d.file && d.line > 0);
  const rest = cfg.diagnostics.filter((d) => !(d.file && d.line > 0));
  located.sort((a, b) => rank(a.file) - rank(b.file) || a.line - b.line);
  cfg.diagnostics = [...located, ...rest];
}

type Diag = (file: string, line: number, level: Diagnostic['level'], fatal: boolean, message: string) => void;

/** Type defaults and service_verify() of systemd 252. */
function finishService(cfg: UnitConfig, raw: Record<string, string[]>, diag: Diag): void {
  const s = cfg.service;
  if (!s) return;
  const set = (k: string): boolean => (raw[`Service.${k}`]?.length ?? 0) > 0;
  if (!set('Type')) s.type = s.busName ? 'dbus' : s.execStart.length ? 'simple' : 'oneshot';
  if (s.type === 'oneshot' && !set('TimeoutSec') && !set('TimeoutStartSec')) s.timeoutStartUs = Infinity;
  if (!set('TimeoutAbortSec')) s.timeoutAbortUs = s.timeoutStopUs;
  const wd = raw['Service.WatchdogSec']?.at(-1);
  const watchdogSet = s.watchdogUs > 0 || (wd !== undefined && (parseTimespan(wd) ?? 0) > 0);   // infinity: no pings needed, still main
  // service_add_extras(): NotifyAccess=none (default or explicit) becomes main for notify types or a watchdog.
  if (s.notifyAccess === 'none' && (s.type === 'notify' || s.type === 'notify-reload' || watchdogSet)) s.notifyAccess = 'main';
  const err = (m: string): void => diag('', 0, 'error', true, m);
  const noAction = cfg.unit.successAction === 'none';
  if (!s.execStart.length && !s.execStop.length && noAction) return err('Service has no ExecStart=, ExecStop=, or SuccessAction=. Refusing.');
  if (s.type !== 'oneshot' && !s.execStart.length) return err('Service has no ExecStart= setting, which is only allowed for Type=oneshot services. Refusing.');
  if (!s.remainAfterExit && !s.execStart.length && noAction) return err('Service has no ExecStart= and no SuccessAction= settings and does not have RemainAfterExit=yes set. Refusing.');
  if (s.type !== 'oneshot' && s.execStart.length > 1) return err('Service has more than one ExecStart= setting, which is only allowed for Type=oneshot services. Refusing.');
  if (s.type === 'oneshot' && (s.restart === 'always' || s.restart === 'on-success')) return err("Service has Restart= set to either always or on-success, which isn't allowed for Type=oneshot services. Refusing.");
  if (s.type === 'oneshot' && s.exitType === 'cgroup') return err("Service has ExitType=cgroup set, which isn't allowed for Type=oneshot services. Refusing.");
  if (s.type === 'dbus' && !s.busName) return err('Service is of type D-Bus but no D-Bus service name has been specified. Refusing.');
  if (cfg.exec.pamName && cfg.kill.killMode !== 'control-group' && cfg.kill.killMode !== 'mixed') return err("Service has PAM enabled. Kill mode must be set to 'control-group' or 'mixed'. Refusing.");
  const usbD = set('USBFunctionDescriptors'); const usbS = set('USBFunctionStrings');
  if (usbD && !usbS) diag('', 0, 'warning', false, 'Service has USBFunctionDescriptors= setting, but no USBFunctionStrings=. Ignoring.');
  if (!usbD && usbS) diag('', 0, 'warning', false, 'Service has USBFunctionStrings= setting, but no USBFunctionDescriptors=. Ignoring.');
  if (s.runtimeMaxUs !== Infinity && s.type === 'oneshot') diag('', 0, 'warning', false, 'RuntimeMaxSec= has no effect in combination with Type=oneshot. Ignoring.');
  const extra = raw['Service.RuntimeRandomizedExtraSec']?.at(-1);
  if (s.runtimeMaxUs === Infinity && extra !== undefined && (parseTimespan(extra) ?? 0) > 0) diag('', 0, 'warning', false, 'Service has RuntimeRandomizedExtraSec= setting, but no RuntimeMaxSec=. Ignoring.');
}

/** socket_verify() of systemd 252. */
function finishSocket(cfg: UnitConfig, raw: Record<string, string[]>, diag: Diag): void {
  const k = cfg.socket;
  if (!k) return;
  if (k.accept && !(raw['Socket.TriggerLimitBurst']?.length)) k.triggerLimitBurst = 200;
  const err = (m: string): void => diag('', 0, 'error', true, m);
  if (!k.listen.length) return err('Unit has no Listen setting (ListenStream=, ListenDatagram=, ListenFIFO=, ...). Refusing.');
  const accepting = (kind: string): boolean => kind === 'stream' || kind === 'seqpacket';
  if (k.accept && k.listen.some((l) => !accepting(l.kind))) return err('Unit configured for accepting sockets, but sockets are non-accepting. Refusing.');
  if (k.accept && k.maxConnections <= 0) return err('MaxConnection= setting too small. Refusing.');
  if (k.accept && k.service) return err('Explicit service configuration for accepting socket units not supported. Refusing.');
  if (cfg.exec.pamName && cfg.kill.killMode !== 'control-group' && cfg.kill.killMode !== 'mixed') return err("Unit has PAM enabled. Kill mode must be set to 'control-group' or 'mixed'. Refusing.");
  if (k.symlinks.length && k.listen.filter((l) => l.address.startsWith('/')).length !== 1) err('Unit has symlinks set but none or more than one node in the file system. Refusing.');
}

/** timer_verify() and path_verify() of systemd 252. */
function finishTimerPath(cfg: UnitConfig, diag: Diag): void {
  const t = cfg.timer;
  if (t && !t.values.length && !t.onClockChange && !t.onTimezoneChange) diag('', 0, 'error', true, 'Timer unit lacks value setting. Refusing.');
  if (cfg.path && !cfg.path.specs.length) diag('', 0, 'error', true, 'Path unit lacks path setting. Refusing.');
}

/** mount_verify(), automount_verify() and swap_verify() of systemd 252: a set Where= (What= for swaps) must
 *  name the unit (an unset one is derived from the name later). Found by systemd's fuzz corpus (issue 12). */
function finishMountLike(cfg: UnitConfig, diag: Diag): void {
  const err = (m: string): void => diag('', 0, 'error', true, m);
  const check = (p: string, suffix: string, mismatch: string): void => {
    if (!p) return;
    const e = unitNameFromPath(p, suffix);
    if (e === null) return err('Failed to generate unit name from path: Invalid argument');
    if (e !== cfg.id && !cfg.names.includes(e)) err(mismatch);
  };
  if (cfg.mount) check(cfg.mount.where, '.mount', "Where= setting doesn't match unit name. Refusing.");
  // a mount from a unit file needs What= (-.mount is perpetual: the root file system is always there)
  if (cfg.mount && cfg.fragmentPath && cfg.fragmentPath !== '/dev/null' && !cfg.mount.what && cfg.id !== '-.mount') err('What= setting is missing. Refusing.');
  if (cfg.automount) check(cfg.automount.where, '.automount', "Where= setting doesn't match unit name. Refusing.");
  if (cfg.swap) check(cfg.swap.what, '.swap', 'Value of What= and unit name do not match, not loading.');
}

/** A UnitConfig for a unit that did not load (not-found, masked, error, bad-setting): defaults + state. */
export function synthesizeUnit(name: string, loadState: LoadState, error: string): UnitConfig {
  const cfg = defaultConfig(name);
  cfg.loadState = loadState;
  cfg.loadError = error || (loadState === 'not-found' ? `Unit ${name} not found.` : loadState === 'masked' ? `Unit ${name} is masked.` : '');
  if (cfg.service) { cfg.service.execStart = []; }
  return cfg;
}
