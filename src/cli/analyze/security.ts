// `tsysd analyze security --offline=yes [--threshold=N] [--unit-path=DIR] [--user] [--enforced] UNIT|FILE...`:
// systemd-analyze security's assessment of unit files, loaded with the daemon's loader and directive
// tables (as systemd-analyze --offline=yes loads them in a test-run manager): a FILE's directory goes first
// in the search path, a template is assessed as instance "i", each unit prints its table and summary
// (src/analyze/security-render.ts), one after the other. Exit status as systemd-analyze's: 1 when a unit
// cannot be loaded or its exposure is above --threshold (0..100, tenths; default 100), else 0.
// tsysd additions: --enforced rates only what tsysd enforces (directives it parses but does not apply count
// as unset); without it, a note on stderr names the assessed directives tsysd does not enforce.
// Without --offline it asks the running manager (as systemd-analyze asks systemd over D-Bus) which units
// exist and are loaded, and where it loads unit files from (manager-info's unit path), and rates those
// files: UNIT... must be services (a template as instance "test-instance"); no UNIT rates every loaded
// long-running service in a short overview (UNIT EXPOSURE PREDICATE HAPPY), as does more than one UNIT
// after their tables. Edits not yet daemon-reloaded are rated as they are on disk.
// Not implemented (clear error, exit 1): --root/--image, --security-policy, --json.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { compileUnit } from '../../directives/compile';
import { assessSecurity } from '../../directives/security-assessors';
import { securityInfoOf } from '../../directives/security-info';
import { renderSecurity, renderSecurityOverview, type OverviewRow } from '../../analyze/security-render';
import { loadUnitSource } from '../../unit-file/load';
import { unitSearchPath } from '../../unit-file/paths';
import { hostSpecifierContext } from '../../unit-file/specifiers-host';
import { renderMessage } from '../verify';
import { AnalyzeExit, parseAnalyzeArgs, runWithManager, type AnalyzeOptions } from './common';
import { mangle } from '../ctl/common';
import type { UnitConfig } from '../../directives/types';

/** Directives of the assessment whose effect tsysd does not enforce, as 'Section.Key' suffixes. */
const ASSESSED_UNENFORCED = ['IPAddressDeny', 'IPAddressAllow', 'IPIngressFilterPath', 'IPEgressFilterPath', 'DevicePolicy', 'DeviceAllow', 'Delegate'];

interface SecurityArgs { threshold: number; enforced: boolean; rest: string[] }

function splitSecurityArgs(argv: string[]): SecurityArgs {
  const out: SecurityArgs = { threshold: 100, enforced: false, rest: [] };
  for (let k = 0; k < argv.length; k++) {
    const a = argv[k] as string;
    const eq = a.indexOf('=');
    const name = a.startsWith('--') && eq > 0 ? a.slice(0, eq) : a;
    const inline = a.startsWith('--') && eq > 0 ? a.slice(eq + 1) : undefined;
    const value = (): string => {
      const val = inline ?? argv[++k];
      if (val === undefined) throw usage(`option '${name}' requires an argument`);
      return val;
    };
    switch (name) {
      case '--threshold': {
        const t = value();
        if (!/^[0-9]+$/.test(t) || Number(t) > 100) throw usage(`Failed to parse threshold: ${t}`);
        out.threshold = Number(t);
        break;
      }
      case '--enforced': out.enforced = true; break;
      case '--root': case '--image': case '--security-policy': case '--json': case '--profile':
        value();
        throw usage(`${name}= is not supported by tsysd analyze security.`);
      default: out.rest.push(a);
    }
  }
  return out;
}

function usage(msg: string): AnalyzeExit {
  process.stderr.write(`${msg}\n`);
  return new AnalyzeExit(1);
}

/** Template names are assessed as instance "i", as systemd-analyze --offline does. */
function instanceName(name: string): string {
  const m = /^([^@]+)@(\.[a-z]+)$/.exec(name);
  return m ? `${m[1]}@i${m[2]}` : name;
}

export function run(argv: string[]): number | Promise<number> {
  let sa: SecurityArgs;
  try {
    sa = splitSecurityArgs(argv);
  } catch (e) {
    if (e instanceof AnalyzeExit) return e.code;
    throw e;
  }
  let o;
  try { o = parseAnalyzeArgs(sa.rest); } catch (e) {
    if (e instanceof AnalyzeExit) return e.code;
    throw e;
  }
  if (!o.offline) return runOnline(o, sa);
  const userMode = o.user === true;
  const baseSp = unitSearchPath({ userMode, unitPaths: o.unitPaths.length ? o.unitPaths.map((p) => path.resolve(p)) : undefined });
  const extraDirs: string[] = [];
  for (const t of o.args) {
    if (t.includes('/') || (fs.existsSync(t) && fs.statSync(t).isFile())) {
      const d = path.dirname(path.resolve(t));
      if (!extraDirs.includes(d)) extraDirs.push(d);
    }
  }
  const sp = [...extraDirs, ...baseSp.filter((d) => !extraDirs.includes(d))];
  const ctx = hostSpecifierContext(userMode);
  let rc = 0;
  const notEnforced = new Set<string>();
  for (const t of o.args) {
    const name = instanceName(t.includes('/') || fs.existsSync(t) ? path.basename(t) : t);
    let cfg;
    try {
      cfg = compileUnit(loadUnitSource(name, sp), ctx);
    } catch (e) {
      process.stderr.write(`Failed to load ${name}: ${e instanceof Error ? e.message : String(e)}\n`);
      rc = 1;
      continue;
    }
    for (const d of cfg.diagnostics) if (!d.fatal || d.file) process.stderr.write(`${renderMessage(d)}\n`);
    if (cfg.loadState !== 'loaded') {
      const why = cfg.loadState === 'not-found' ? `Unit ${name} not found.` : cfg.loadState === 'masked' ? `Unit ${name} is masked.`
        : cfg.loadState === 'bad-setting' ? `Unit ${name} has a bad unit file setting.` : `Unit ${name} failed to load properly.`;
      process.stderr.write(`${why}\n`);
      rc = 1;
      continue;
    }
    const a = assessSecurity(securityInfoOf(cfg, { userMode, enforcedOnly: sa.enforced }));
    process.stdout.write(renderSecurity(a, process.env));
    if (a.exposure > sa.threshold) rc = 1;
    if (!sa.enforced) noteUnenforced(cfg, notEnforced);
  }
  reportUnenforced(notEnforced);
  return rc;
}

function noteUnenforced(cfg: UnitConfig, into: Set<string>): void {
  for (const n of cfg.notEnforced ?? []) if (ASSESSED_UNENFORCED.some((k) => n.key.endsWith(`.${k}`))) into.add(n.key.replace(/^[A-Za-z]+\./, ''));
}

function reportUnenforced(names: Set<string>): void {
  if (names.size) process.stderr.write(`tsysd: ${[...names].sort().map((k) => `${k}=`).join(', ')} counted as systemd would, but not enforced by tsysd (--enforced rates without them).\n`);
}

async function runOnline(o: AnalyzeOptions, sa: SecurityArgs): Promise<number> {
  return runWithManager(o, async (c) => {
    const info = await c.call('manager-info', {});
    const ctx = hostSpecifierContext(info.userMode);
    const short = o.args.length === 0;
    let names: string[];
    if (short) {
      names = (await c.call('list-units', { all: true })).filter((u) => u.unit.endsWith('.service')).map((u) => u.unit).sort();
    } else {
      names = [];
      for (const a of o.args) {
        const m = mangle(a);
        if (!m.endsWith('.service')) { process.stderr.write(`Unit ${a} is not a service unit, refusing.\n`); return 1; }
        names.push(/^[^@]+@\.service$/.test(m) ? m.replace('@.service', '@test-instance.service') : m);
      }
    }
    const overview: OverviewRow[] = [];
    const notEnforced = new Set<string>();
    let rc = 0;
    for (const [k, name] of names.entries()) {
      if (!short && k > 0) process.stdout.write('\n');
      let load = '';
      try { load = new Map((await c.call('show', { unit: name, properties: ['LoadState'] })).properties).get('LoadState') ?? ''; } catch { load = 'not-found'; }
      const cfg = load === 'loaded' ? compileUnit(loadUnitSource(name, info.unitPath), ctx) : null;
      if (!cfg || cfg.loadState !== 'loaded') {
        if (short) continue;
        process.stderr.write(load === 'not-found' || load === '' ? `Unit ${name} not found, cannot analyze.\n` : load === 'masked'
          ? `Unit ${name} is masked, cannot analyze.\n` : `Unit ${name} not loaded properly, cannot analyze.\n`);
        rc = 1;
        continue;
      }
      if (short && cfg.service?.type === 'oneshot') continue;
      const a = assessSecurity(securityInfoOf(cfg, { userMode: info.userMode, enforcedOnly: sa.enforced }));
      if (!short) process.stdout.write(renderSecurity(a, process.env));
      if (names.length !== 1) overview.push({ unit: a.id, exposure: a.exposure, level: a.level });
      if (a.exposure > sa.threshold) rc = 1;
      if (!sa.enforced) noteUnenforced(cfg, notEnforced);
    }
    if (names.length !== 1) {
      if (!short) process.stdout.write('\n');
      process.stdout.write(renderSecurityOverview(overview, process.env));
    }
    reportUnenforced(notEnforced);
    return rc;
  });
}
