// `tsysd analyze security --offline=yes [--threshold=N] [--unit-path=DIR] [--user] [--enforced] UNIT|FILE...`:
// systemd-analyze security's assessment of unit files, loaded with the daemon's loader and directive
// tables (as systemd-analyze --offline=yes loads them in a test-run manager): a FILE's directory goes first
// in the search path, a template is assessed as instance "i", each unit prints its table and summary
// (src/analyze/security-render.ts), one after the other. Exit status as systemd-analyze's: 1 when a unit
// cannot be loaded or its exposure is above --threshold (0..100, tenths; default 100), else 0.
// tsysd additions: --enforced rates only what tsysd enforces (directives it parses but does not apply count
// as unset); without it, a note on stderr names the assessed directives tsysd does not enforce.
// Not implemented (clear error, exit 1): assessing a running manager (no --offline), --root/--image,
// --security-policy, --json.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { compileUnit } from '../../directives/compile';
import { assessSecurity } from '../../directives/security-assessors';
import { securityInfoOf } from '../../directives/security-info';
import { renderSecurity } from '../../analyze/security-render';
import { loadUnitSource } from '../../unit-file/load';
import { unitSearchPath } from '../../unit-file/paths';
import { hostSpecifierContext } from '../../unit-file/specifiers-host';
import { renderMessage } from '../verify';
import { AnalyzeExit, parseAnalyzeArgs } from './common';

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

export function run(argv: string[]): number {
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
  if (!o.offline) {
    process.stderr.write('tsysd analyze security: only --offline=yes is implemented (it assesses unit files); pass --offline=yes.\n');
    return 1;
  }
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
    if (!sa.enforced) for (const n of cfg.notEnforced ?? []) if (ASSESSED_UNENFORCED.some((k) => n.key.endsWith(`.${k}`))) notEnforced.add(n.key.replace(/^[A-Za-z]+\./, ''));
  }
  if (notEnforced.size) {
    process.stderr.write(`tsysd: ${[...notEnforced].sort().map((k) => `${k}=`).join(', ')} counted as systemd would, but not enforced by tsysd (--enforced rates without them).\n`);
  }
  return rc;
}
