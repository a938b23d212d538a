#!/usr/bin/env node
// Bundles the two programs into one file each (dist/bundle/tsysd.js, dist/bundle/tsysctl.js) with esbuild,
// straight from the TypeScript sources: the manager's cold start otherwise spends most of its ~0.1 s of
// module loading resolving, reading and compiling ~170 separate files. bin/tsysd, bin/tsysctl, the image
// (dockerfiles/) and the benches run the bundles; the tests keep running dist/ from tsc.
// Lazily loaded modules (`require()` inside a function: install verbs, show, D-Bus, analyze, journal
// reader, web view) stay lazy: esbuild wraps each module in an init function that runs on first require.
// Not minified (stack traces keep names and lines); the native addon (build/Release) is found at run time
// by walking up from the bundle's directory (src/platform/native.ts), and package.json is inlined.
//   node tools/bundle.js            (run by `npm run build`, `npm run bundle` and build_all.sh)
'use strict';
const path = require('node:path');
const esbuild = require('esbuild');

const root = path.resolve(__dirname, '..');
const pkg = path.join(root, 'package.json');

/** `require('../../../package.json')` (relative to dist/src/...) resolves to the project's package.json. */
const packageJson = {
  name: 'package-json',
  setup(build) {
    build.onResolve({ filter: /(^|\/)package\.json$/ }, () => ({ path: pkg }));
  },
};

/** A module's own `if (require.main === module) main()` (verify, plan, listdeps, the journal's main: each also
 *  a program of its own under dist/src) would see the bundle as its module and run when it is merely loaded:
 *  inside a bundle only the entry is the program. */
function notMainExcept(entry) {
  const fs = require('node:fs');
  return {
    name: 'not-main',
    setup(build) {
      build.onLoad({ filter: /\/src\/.*\.ts$/ }, (args) => {
        if (args.path === entry) return undefined;
        const text = fs.readFileSync(args.path, 'utf8');
        if (!text.includes('require.main === module')) return undefined;
        return { contents: text.split('require.main === module').join('false /* bundled: not the entry */'), loader: 'ts' };
      });
    },
  };
}

async function main() {
  const entries = { tsysd: 'src/cli/tsysd.ts', tsysctl: 'src/cli/tsysctl.ts' };
  for (const [name, entry] of Object.entries(entries)) {
    await esbuild.build({
      entryPoints: [path.join(root, entry)],
      outfile: path.join(root, 'dist', 'bundle', `${name}.js`),
      bundle: true,
      platform: 'node',
      target: 'node20',
      format: 'cjs',
      logLevel: 'warning',
      legalComments: 'none',
      plugins: [packageJson, notMainExcept(path.join(root, entry))],
      external: ['x11'],   // dbus-next's optional X11 address lookup (never used: no DISPLAY bus)
      // the bundle stands in for dist/src/cli/<name>.js: `require.main === module` still holds
    });
  }
}

main().catch((e) => {
  process.stderr.write(`bundle: ${e && e.message ? e.message : String(e)}\n`);
  process.exit(1);
});
