// tsysctl unit-file verbs through the manager: enable/disable/reenable (--now), mask/unmask (--runtime),
// preset/preset-all (--preset-mode=), get-default/set-default, link, revert, add-wants/add-requires.
// Change lines go to stderr like systemctl's log_info: `Created symlink A → B.` / `Removed "A".`; -q silences them.
import type { RpcClient } from '../../rpc/client';
import type { PresetMode, UnitFileChange, UnitFileChangesReply } from '../../rpc/protocol';
import * as path from 'node:path';
import type { CtlOptions } from './args';
import { EXIT, isRpcError, mangle, mangleTarget, type Out } from './common';
import { NO_INSTALL_INFO } from '../../unit-file/install-text';

export { NO_INSTALL_INFO } from '../../unit-file/install-text';

/** Exact lines from the manager when it sent them, else systemctl's rendering of the change list. */
function printReply(r: UnitFileChangesReply, o: CtlOptions, out: Out): void {
  if (r.lines) { if (!o.quiet) for (const l of r.lines) out.error(l); return; }
  printChanges(r.changes, o, out);
}

export function printChanges(changes: UnitFileChange[], o: CtlOptions, out: Out): void {
  if (o.quiet) return;
  for (const ch of changes) {
    if (ch.type === 'symlink') out.error(`Created symlink ${ch.path} → ${ch.source}.`);
    else out.error(`Removed "${ch.path}".`);
  }
}

const PRESET_MODES = ['full', 'enable-only', 'disable-only'];

export async function runUnitFileVerb(c: RpcClient, o: CtlOptions, out: Out): Promise<number> {
  const verb = o.verb;
  if (verb === 'get-default') {
    try { out.line((await c.call('get-default', {})).unit); return EXIT.OK; } catch (e) {
      if (!isRpcError(e)) throw e;
      out.error(`Failed to get default target: ${e.message}`); return EXIT.FAILURE;
    }
  }
  if (verb === 'set-default') {
    if (o.args.length !== 1) { out.error(o.args.length ? 'Too many arguments.' : 'Too few arguments.'); return EXIT.FAILURE; }
    const a = o.args[0] as string;
    const unit = /\.[a-z]+$/.test(a) ? a : `${a}.target`;
    try { printReply(await c.call('set-default', { unit, ...(o.force ? { force: true } : {}) }), o, out); return EXIT.OK; } catch (e) {
      if (!isRpcError(e)) throw e;
      if (e.data.lines?.length) for (const l of e.data.lines) out.error(l);
      else out.error(e.message.startsWith('Failed to ') ? e.message : `Failed to set default target: ${e.message}`);
      return EXIT.FAILURE;
    }
  }
  if ((verb === 'preset' || verb === 'preset-all') && o.presetMode && !PRESET_MODES.includes(o.presetMode)) {
    out.error(`Failed to parse preset mode: ${o.presetMode}.`); return EXIT.FAILURE;
  }
  const mode = o.presetMode ? { mode: o.presetMode as PresetMode } : {};
  const flags = { ...(o.runtime ? { runtime: true } : {}), ...(o.force ? { force: true } : {}) };
  if (verb === 'preset-all') {
    try { printReply(await c.call('preset-all', { ...flags, ...mode }), o, out); return EXIT.OK; } catch (e) {
      if (!isRpcError(e)) throw e;
      out.error(`Failed to preset all units: ${e.message}`); return EXIT.FAILURE;
    }
  }
  if (verb === 'add-wants' || verb === 'add-requires' || verb === 'link' || verb === 'revert') return runOtherFileVerb(c, o, out);
  if (o.args.length === 0) { out.error('Too few arguments.'); return EXIT.FAILURE; }
  const units = o.args.map((a) => mangle(a));
  const method = verb as 'enable' | 'disable' | 'reenable' | 'mask' | 'unmask' | 'preset';
  try {
    const r = verb === 'preset' ? await c.call('preset', { units, ...flags, ...mode }) : await c.call(method as 'enable', { units, ...flags });
    if (r.lines) { if (!o.quiet) for (const l of r.lines) out.error(l); } else {
      printChanges(r.changes, o, out);
      if ((verb === 'enable' || verb === 'reenable') && r.carriesInstallInfo === false && !o.quiet) out.error(NO_INSTALL_INFO);
    }
  } catch (e) {
    if (!isRpcError(e)) throw e;
    if (e.data.lines?.length) for (const l of e.data.lines) out.error(l);
    else if (e.message.startsWith('Failed to ')) out.error(e.message);
    else out.error(`Failed to ${verb} unit: ${e.message}`);
    return EXIT.FAILURE;
  }
  if (o.now && (verb === 'enable' || verb === 'disable' || verb === 'reenable' || verb === 'mask')) {
    const { runJobVerb } = require('./jobs') as typeof import('./jobs');
    const jobVerb = verb === 'enable' ? 'start' : verb === 'reenable' ? 'restart' : 'stop';
    return runJobVerb(c, { ...o, verb: jobVerb, args: units }, out);
  }
  return EXIT.OK;
}

/** link PATH..., revert UNIT..., add-wants/add-requires TARGET UNIT...: through the manager (install-extra.ts). */
async function runOtherFileVerb(c: RpcClient, o: CtlOptions, out: Out): Promise<number> {
  const verb = o.verb;
  const need = verb === 'add-wants' || verb === 'add-requires' ? 2 : 1;
  if (o.args.length < need) { out.error('Too few arguments.'); return EXIT.FAILURE; }
  const flags = { ...(o.runtime ? { runtime: true } : {}), ...(o.force ? { force: true } : {}) };
  try {
    let r: UnitFileChangesReply;
    if (verb === 'link') r = await c.call('link', { units: o.args.map((a) => path.resolve(a)), ...flags });
    else if (verb === 'revert') r = await c.call('revert', { units: o.args.map((a) => mangle(a)) });
    else {
      const [target, ...rest] = o.args as [string, ...string[]];
      r = await c.call('add-dependency', { target: mangleTarget(target), units: rest.map((a) => mangle(a)), dep: verb === 'add-wants' ? 'wants' : 'requires', ...flags });
    }
    printReply(r, o, out);
    return EXIT.OK;
  } catch (e) {
    if (!isRpcError(e)) throw e;
    if (e.data.lines?.length) for (const l of e.data.lines) out.error(l);
    else out.error(e.message.startsWith('Failed to ') ? e.message : `Failed to ${verb === 'link' || verb === 'revert' ? verb : 'add dependency on'} unit: ${e.message}`);
    return EXIT.FAILURE;
  }
}
