// tsysctl --root=DIR: offline unit-file verbs (enable, disable, reenable, is-enabled, list-unit-files,
// mask, unmask, preset, get-default, set-default) against a directory tree, no daemon, through H1's
// src/unit-file/install.ts. Owner: H6. Until install.ts lands this adapter reports the verb as unsupported.
import type { CtlOptions } from './args';
import { EXIT, type Out } from './common';

export async function runOffline(o: CtlOptions, out: Out): Promise<number> {
  let mod: Record<string, unknown>;
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    mod = require('../../unit-file/install') as Record<string, unknown>;
  } catch {
    out.error(`${o.prog}: --root= needs src/unit-file/install.ts, which is not available in this build.`);
    return EXIT.FAILURE;
  }
  void mod;
  out.error(`${o.prog}: --root= ${o.verb} is not supported yet.`);
  return EXIT.FAILURE;
}
