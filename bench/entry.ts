// Which file the benches run for the two programs: the esbuild bundles (dist/bundle/, `npm run build`), as
// bin/tsysd, bin/tsysctl and the image do. TSYSD_BENCH_UNBUNDLED=1 runs tsc's dist/src/cli/ files instead
// (to measure what the bundle changes); a missing bundle is an error that says how to build it.
import * as fs from 'node:fs';
import * as path from 'node:path';

export function programEntry(root: string, name: 'tsysd' | 'tsysctl'): string {
  if (process.env.TSYSD_BENCH_UNBUNDLED === '1') return path.join(root, 'dist', 'src', 'cli', `${name}.js`);
  const p = path.join(root, 'dist', 'bundle', `${name}.js`);
  if (!fs.existsSync(p)) throw new Error(`${p} missing: run \`npm run build\` (or node tools/bundle.js)`);
  return p;
}
