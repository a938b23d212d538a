// tsysctl show (-p repeated/comma lists, --value/-P, --all; manager's order; blank line between units)
// and cat (fragment and drop-ins read locally, like systemctl).
import * as fs from 'node:fs';
import type { RpcClient } from '../../rpc/client';
import type { ShowReply } from '../../rpc/protocol';
import type { CtlOptions } from './args';
import { EXIT, isRpcError, mangle, type Out } from './common';
import { shellMaybeQuote } from '../../directives/values';

export async function runShow(c: RpcClient, o: CtlOptions, out: Out): Promise<number> {
  const targets: Array<string | undefined> = o.args.length ? o.args.map((a) => mangle(a)) : [undefined];
  const replies = await Promise.all(targets.map((unit) => c.call('show', {
    ...(unit !== undefined ? { unit } : {}),
    ...(o.properties.length ? { properties: o.properties } : {}),
    ...(o.all ? { all: true } : {}),
  }).catch((e: unknown) => e)));
  let rc: number = EXIT.OK;
  let first = true;
  replies.forEach((r) => {
    if (r instanceof Error) {
      if (!isRpcError(r)) throw r;
      out.error(`Failed to get properties: ${r.message}`);
      rc = EXIT.FAILURE;
      return;
    }
    const rep = r as ShowReply;
    if (!first) out.line();
    first = false;
    // list properties print as systemctl does: each string shell-quoted when it needs it
    const lists = new Set(rep.lists ?? []);
    for (const [k, raw] of rep.properties) {
      const v = lists.has(k) && raw ? raw.split(' ').map(shellMaybeQuote).join(' ') : raw;
      out.line(o.value ? v : `${k}=${v}`);
    }
  });
  return rc;
}

export async function runCat(c: RpcClient, o: CtlOptions, out: Out): Promise<number> {
  if (o.args.length === 0) { out.error('Too few arguments.'); return EXIT.FAILURE; }
  let rc: number = EXIT.OK;
  let firstUnit = true;
  for (const a of o.args) {
    const unit = mangle(a);
    const { properties } = await c.call('show', { unit, properties: ['Id', 'LoadState', 'FragmentPath', 'DropInPaths'] });
    const get = (k: string): string => properties.find(([n]) => n === k)?.[1] ?? '';
    const load = get('LoadState');
    const frag = get('FragmentPath');
    const dropins = get('DropInPaths').split(' ').filter(Boolean);
    if (load === 'masked') { out.error(`Unit ${unit} is masked.`); rc = EXIT.FAILURE; continue; }
    if (!frag && dropins.length === 0) { out.error(`No files found for ${unit}.`); rc = EXIT.FAILURE; continue; }
    if (!firstUnit) out.line();
    firstUnit = false;
    let first = true;
    for (const p of [frag, ...dropins].filter(Boolean)) {
      let text: string;
      try { text = fs.readFileSync(p, 'utf8'); } catch (e) {
        out.error(`Failed to read "${p}": ${(e as Error).message}`); rc = EXIT.FAILURE; continue;
      }
      out.raw(`${first ? '' : '\n'}# ${p}\n${text}${text.endsWith('\n') || text === '' ? '' : '\n'}`);
      first = false;
    }
  }
  return rc;
}
