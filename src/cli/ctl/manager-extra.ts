// tsysctl's less common manager verbs, with systemctl 252's messages: import-environment [VAR|GLOB...],
// log-level / log-target [VALUE] (the manager's own; rpc `log-setting`), service-log-level /
// service-log-target (needs the service's BusName= and its LogControl1 D-Bus interface: refused),
// help UNIT... (man pages from Documentation=), default / rescue / emergency (isolate the target),
// kexec (a reboot: tsysd has no kernel to load, as systemd-shutdown in a container falls back to reboot),
// set-property UNIT KEY=VALUE... (rpc `set-property`, src/manager/set-property.ts), clean UNIT... (rpc `clean`),
// freeze/thaw (refused: no freezer support, CanFreeze=no).
import { spawnSync } from 'node:child_process';
import type { RpcClient } from '../../rpc/client';
import type { CtlOptions } from './args';
import { EXIT, globMatch, isRpcError, mangle, type Out } from './common';

const VALID_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const MGR = 'org.freedesktop.systemd1';

export async function runImportEnvironment(c: RpcClient, o: CtlOptions, out: Out): Promise<number> {
  const env = Object.entries(process.env).filter((e): e is [string, string] => e[1] !== undefined && VALID_NAME.test(e[0]));
  const assignments: string[] = [];
  if (!o.args.length) {
    out.error('Calling import-environment without a list of variable names is deprecated.');
    for (const [k, v] of env) assignments.push(`${k}=${v}`);
  } else {
    for (const a of o.args) {
      if (/[*?[]/.test(a)) { for (const [k, v] of env) if (globMatch(a, k)) assignments.push(`${k}=${v}`); continue; }
      const v = process.env[a];
      if (v === undefined) { out.error(`Environment variable $${a} is not set, ignoring.`); continue; }
      if (!VALID_NAME.test(a)) { out.error(`Environment variable $${a} assignment is not valid, refusing.`); return EXIT.FAILURE; }
      assignments.push(`${a}=${v}`);
    }
  }
  try { await c.call('set-environment', { assignments }); return EXIT.OK; } catch (e) {
    if (!isRpcError(e)) throw e;
    out.error(`Failed to import environment: ${e.message}`);
    return EXIT.FAILURE;
  }
}

export async function runLogSetting(c: RpcClient, o: CtlOptions, out: Out): Promise<number> {
  const name = o.verb === 'log-level' ? 'level' : 'target';
  if (o.args.length > 1) { out.error('Too many arguments.'); return EXIT.FAILURE; }
  const value = o.args[0];
  try {
    const r = await c.call('log-setting', { name, ...(value !== undefined ? { value } : {}) });
    if (value === undefined) out.line(r.value);
    return EXIT.OK;
  } catch (e) {
    if (!isRpcError(e)) throw e;
    out.error(value === undefined ? `Failed to get log ${name} of ${MGR}: ${e.message}` : `Failed to set log ${name} of ${MGR} to ${value}: ${e.message}`);
    return EXIT.FAILURE;
  }
}

export async function runServiceLogSetting(c: RpcClient, o: CtlOptions, out: Out): Promise<number> {
  if (!o.args.length) { out.error('Too few arguments.'); return EXIT.FAILURE; }
  if (o.args.length > 2) { out.error('Too many arguments.'); return EXIT.FAILURE; }
  const unit = mangle(o.args[0] as string);
  const { properties } = await c.call('show', { unit, properties: ['BusName'] });
  const bus = properties.find(([k]) => k === 'BusName')?.[1] ?? '';
  if (!bus) { out.error(`Unit ${unit} doesn't declare BusName=.`); return EXIT.FAILURE; }
  out.error(`Failed to ${o.args.length === 2 ? 'set' : 'get'} log ${o.verb === 'service-log-level' ? 'level' : 'target'} of ${bus}: `
    + 'the org.freedesktop.LogControl1 interface of services is not reachable through tsysd.');
  return EXIT.FAILURE;
}

/** show_man_page(): `man:page(section)` → `man section page`, on our terminal; a missing man is reported. */
function showManPage(desc: string, out: Out): void {
  const m = /^(.*)\((.*)\)$/.exec(desc);
  const args = m ? [m[2] as string, m[1] as string] : [desc];
  out.flush();
  const r = spawnSync('man', args, { stdio: 'inherit' });
  if (r.error) out.error(`Failed to execute man: ${(r.error as NodeJS.ErrnoException).code === 'ENOENT' ? 'No such file or directory' : r.error.message}`);
}

export async function runHelp(c: RpcClient, o: CtlOptions, out: Out): Promise<number> {
  if (!o.args.length) { out.error('Too few arguments.'); return EXIT.FAILURE; }
  for (const a of o.args) {
    const unit = mangle(a);
    const { properties } = await c.call('show', { unit, properties: ['Id', 'Documentation'] });
    const get = (k: string): string => properties.find(([n]) => n === k)?.[1] ?? '';
    const docs = get('Documentation').split(/\s+/).filter(Boolean).map((d) => d.replace(/^"(.*)"$/, '$1'));
    if (!docs.length) { out.error(`Documentation for ${get('Id') || unit} not known.`); continue; }
    for (const d of docs) {
      if (d.startsWith('man:')) showManPage(d.slice(4), out);
      else out.error(`Can't show: ${d}`);
    }
  }
  return EXIT.OK;
}

const SPECIAL: Record<string, string> = { default: 'default.target', rescue: 'rescue.target', emergency: 'emergency.target' };

export async function runSpecialTarget(c: RpcClient, o: CtlOptions, out: Out): Promise<number> {
  if (o.args.length) { out.error('Too many arguments.'); return EXIT.FAILURE; }
  if (o.verb === 'kexec') {
    try { await c.call('reboot', {}); return EXIT.OK; } catch (e) {
      if (!isRpcError(e)) throw e;
      out.error(`Failed to start kexec.target: ${e.message}`);
      return EXIT.FAILURE;
    }
  }
  const { runJobVerb } = require('./jobs') as typeof import('./jobs');
  return runJobVerb(c, { ...o, verb: 'isolate', args: [SPECIAL[o.verb] as string] }, out);
}

/** set-property UNIT KEY=VALUE... [--runtime]: control drop-ins written by the manager, applied live. */
export async function runSetProperty(c: RpcClient, o: CtlOptions, out: Out): Promise<number> {
  if (o.args.length < 2) { out.error('Too few arguments.'); return EXIT.FAILURE; }
  const [first, ...assignments] = o.args as [string, ...string[]];
  const unit = mangle(first);
  const bad = assignments.find((a) => !a.includes('='));
  if (bad !== undefined) { out.error(`Not an assignment: ${bad}`); return EXIT.FAILURE; }
  try { await c.call('set-property', { unit, assignments, ...(o.runtime ? { runtime: true } : {}) }); return EXIT.OK; } catch (e) {
    if (!isRpcError(e)) throw e;
    out.error(`Failed to set unit properties on ${unit}: ${e.message}`);
    return EXIT.FAILURE;
  }
}

/** clean UNIT... [--what=runtime,state,cache,logs,configuration,all]: one request per unit; the first error
 *  is the exit status, the other units are still tried (verb_clean_or_freeze). */
export async function runClean(c: RpcClient, o: CtlOptions, out: Out): Promise<number> {
  if (!o.args.length) { out.error('Too few arguments.'); return EXIT.FAILURE; }
  if (o.what.includes('help')) { out.line('runtime\nstate\ncache\nlogs\nconfiguration'); return EXIT.OK; }
  let rc: number = EXIT.OK;
  for (const a of o.args) {
    const unit = mangle(a);
    try { await c.call('clean', { unit, ...(o.what.length ? { what: o.what } : {}) }); } catch (e) {
      if (!isRpcError(e)) throw e;
      out.error(`Failed to clean unit ${unit}: ${e.message}`);
      rc = EXIT.FAILURE;
    }
  }
  return rc;
}

/** freeze / thaw UNIT...: tsysd reports CanFreeze=no for every unit (it has no freezer support), so the
 *  answer is the one systemd gives for such a unit (its -EOPNOTSUPP bus error), after the unit is checked. */
export async function runFreezer(c: RpcClient, o: CtlOptions, out: Out): Promise<number> {
  if (!o.args.length) { out.error('Too few arguments.'); return EXIT.FAILURE; }
  let rc: number = EXIT.OK;
  for (const a of o.args) {
    const unit = mangle(a);
    const { properties } = await c.call('show', { unit, properties: ['Id', 'LoadState', 'CanFreeze'] });
    const get = (k: string): string => properties.find(([n]) => n === k)?.[1] ?? '';
    if (get('LoadState') === 'not-found') out.error(`Failed to ${o.verb} unit ${unit}: Unit ${unit} not loaded.`);
    else if (get('CanFreeze') !== 'yes') out.error(`Failed to ${o.verb} unit ${unit}: Unit '${get('Id') || unit}' does not support freezing.`);
    else continue;
    rc = EXIT.FAILURE;
  }
  return rc;
}
