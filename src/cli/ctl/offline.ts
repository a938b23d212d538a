// tsysctl --root=DIR: offline unit-file verbs (enable, disable, reenable, is-enabled, list-unit-files,
// mask, unmask, preset, preset-all, get-default, set-default, link, revert, add-wants, add-requires) against a directory tree, no daemon,
// through H1's src/unit-file/install.ts, which returns systemctl's exact stdout/stderr lines and exit code.
//
import * as path from 'node:path';
import type { CtlOptions } from './args';
import { EXIT, mangle, mangleTarget, type Out } from './common';
import { renderUnitFiles } from './list';

type Install = typeof import('../../unit-file/install');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const extra = (): typeof import('../../unit-file/install-extra') => require('../../unit-file/install-extra') as typeof import('../../unit-file/install-extra');

type Result = ReturnType<Install['enableUnits']>;

export async function runOffline(o: CtlOptions, out: Out): Promise<number> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const inst = require('../../unit-file/install') as Install;
  const presetMode = o.presetMode ? o.presetMode as 'full' | 'enable-only' | 'disable-only' : undefined;
  if (o.presetMode && !['full', 'enable-only', 'disable-only'].includes(o.presetMode)) {
    out.error(`Failed to parse preset mode: ${o.presetMode}.`); return EXIT.FAILURE;
  }
  const opts = {
    root: o.root, userMode: o.user, ...(o.global ? { global: true } : {}), ...(o.runtime ? { runtime: true } : {}), ...(o.force ? { force: true } : {}),
    ...(presetMode ? { presetMode } : {}), ...(o.quiet ? { quiet: true } : {}),
  };
  const units = o.args.map((a) => mangle(a));
  const needUnits = ['enable', 'disable', 'reenable', 'is-enabled', 'mask', 'unmask', 'preset', 'link', 'revert'];
  if (needUnits.includes(o.verb) && units.length === 0) { out.error('Too few arguments.'); return EXIT.FAILURE; }
  let r: Result;
  switch (o.verb) {
    case 'enable': r = inst.enableUnits(units, opts); break;
    case 'disable': r = inst.disableUnits(units, opts); break;
    case 'reenable': r = inst.reenableUnits(units, opts); break;
    case 'mask': r = inst.maskUnits(units, opts); break;
    case 'unmask': r = inst.unmaskUnits(units, opts); break;
    case 'preset': r = inst.presetUnits(units, opts); break;
    case 'link': r = inst.linkUnits(o.args.map((a) => path.resolve(a)), opts); break;
    case 'revert': r = extra().revertUnits(units, opts); break;
    case 'add-wants': case 'add-requires': {
      if (o.args.length < 2) { out.error('Too few arguments.'); return EXIT.FAILURE; }
      const [target, ...rest] = o.args as [string, ...string[]];
      r = extra().addDependency(mangleTarget(target), rest.map((a) => mangle(a)), o.verb === 'add-wants' ? 'wants' : 'requires', opts);
      break;
    }
    case 'preset-all': r = inst.presetAllUnits(opts); break;
    case 'is-enabled': r = inst.isEnabled(units, opts); break;
    case 'get-default': r = inst.getDefault(opts); break;
    case 'set-default': {
      if (o.args.length !== 1) { out.error(o.args.length ? 'Too many arguments.' : 'Too few arguments.'); return EXIT.FAILURE; }
      const a = o.args[0] as string;
      r = inst.setDefault(/\.[a-z]+$/.test(a) ? a : `${a}.target`, opts);
      break;
    }
    case 'list-unit-files': {
      const pats = o.args.map((a) => mangle(a, true));
      const list = inst.listUnitFiles({ ...opts, ...(pats.length ? { patterns: pats } : {}), ...(o.states.length ? { states: o.states } : {}) });
      const rows = list.map((e) => ({ unit: e.name, state: e.state, preset: e.preset ?? '' }));
      for (const l of renderUnitFiles(rows, o)) out.line(l);
      return EXIT.OK;
    }
    default: out.error(`${o.prog}: --root= is not supported for ${o.verb}.`); return EXIT.FAILURE;
  }
  for (const l of r.stdout) out.line(l);
  for (const l of r.stderr) out.error(l);
  return r.exitCode;
}
