#!/usr/bin/env node
// Bundles the two programs into one file each (dist/bundle/tsysd-code.js, tsysctl-code.js) with esbuild,
// straight from the TypeScript sources, plus V8's code cache of each (-code.cache) and a small loader
// (dist/bundle/tsysd.js, tsysctl.js) that runs the bundle with that cache: the manager's cold start
// otherwise spends ~0.1 s resolving, reading and compiling ~170 modules and then the functions its boot
// calls (cold start, CPU per run: dist/src 175-185 ms, bundle 155-175 ms, bundle + cache 120-130 ms). bin/tsysd, bin/tsysctl, the image
// (dockerfiles/) and the benches run the bundles; the tests keep running dist/ from tsc.
// tsysctl's loader first offers argv to the fast path (src/cli/ctl/fast.ts, bundled into the loader itself,
// no require() in it): is-active/is-failed/is-enabled/is-system-running against a running manager over a
// blocking socket (build/Release/tsysctl_native.node) without reading the bundle or its cache (CPU per
// `is-active`, medians of 300 interleaved, NODE_EXTRA_CA_CERTS unset: fast path 18.1 ms, full CLI 27.6 ms,
// node -e 0 17.9 ms); everything else runs the bundle as below.
// Lazily loaded modules (`require()` inside a function: install verbs, show, D-Bus, analyze, journal
// reader, web view) stay lazy: esbuild wraps each module in an init function that runs on first require.
// Not minified (stack traces keep names and lines); the native addon (build/Release) is found at run time
// by walking up from the bundle's directory (src/platform/native.ts), and package.json is inlined.
//   node tools/bundle.js            (run by `npm run build`, `npm run bundle` and build_all.sh)
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const { spawnSync } = require('node:child_process');
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

/** `debug` in the bundle: with $DEBUG unset or empty no namespace can ever be enabled (tsysd never calls
 *  debug.enable()), so every logger is a no-op and the real module is not loaded at all (it loads node:tty,
 *  util and supports-color: ~10 ms of the manager's ~100 ms cold start); with $DEBUG set, the real one. */
const DEBUG_SHIM = `const real = process.env.DEBUG ? require('debug/src/index.js') : null;
function createDebug(namespace) {
  if (real) return real(namespace);
  const d = function () {};
  d.enabled = false;
  d.namespace = namespace;
  d.extend = (sub, delimiter) => createDebug(namespace + (delimiter === undefined ? ':' : delimiter) + sub);
  return d;
}
module.exports = real || Object.assign(createDebug, { enable() {}, disable() { return ''; }, enabled: () => false });
`;
const debugShim = {
  name: 'debug-shim',
  setup(build) {
    build.onResolve({ filter: /^debug$/ }, () => ({ path: 'debug', namespace: 'debug-shim' }));
    build.onLoad({ filter: /.*/, namespace: 'debug-shim' }, () => ({ contents: DEBUG_SHIM, loader: 'js', resolveDir: root }));
  },
};

/** A module's own `if (require.main === module) main()` (verify, plan, listdeps, the journal's main: each also
 *  a program of its own under dist/src) would see the bundle as its module and run when it is merely loaded:
 *  inside a bundle only the entry is the program. */
function notMainExcept(entry) {
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

/** The node options each program's launcher uses (bin/tsysd, dockerfiles/tsysd.sh; bin/tsysctl: none):
 *  V8 accepts a code cache only from a process with the same flags. */
const NODE_FLAGS = { tsysd: ['--max-semi-space-size=2', '--v8-pool-size=1'], tsysctl: [] };
/** Whether the cache holds every function (tsysd: its boot calls ~1,000 of them) or only the top level
 *  (tsysctl runs one verb: deserializing all of it cost more than it saved; CPU per `is-active`, eager
 *  29-31 ms, top level 22-24 ms, no cache 30-34 ms, dist/src 22-27 ms, node -e 0 16-18 ms). */
const EAGER = { tsysd: true, tsysctl: false };

/** dist/bundle/<name>.js: compiles <name>-code.js with V8's code cache <name>-code.cache when V8 accepts it
 *  (same node binary, flags and source; otherwise it compiles as usual), and runs it as this module.
 *  With `fast` (tsysctl: the esbuild bundle of src/cli/ctl/fast.ts, no require() in it), the loader first
 *  offers argv to that fast path, which answers the read-only probes itself or calls full(). */
function loaderText(name, fast) {
  const full = `function full() {
  const fs = require('node:fs');
  const path = require('node:path');
  const vm = require('node:vm');
  const file = path.join(__dirname, '${name}-code.js');
  let cachedData;
  try { cachedData = fs.readFileSync(path.join(__dirname, '${name}-code.cache')); } catch { cachedData = undefined; }
  const script = new vm.Script(fs.readFileSync(file, 'utf8'), { filename: file, cachedData });
  if (process.env.TSYSD_CODE_CACHE_DEBUG === '1') process.stderr.write('${name}: code cache ' + (cachedData === undefined ? 'missing' : script.cachedDataRejected ? 'rejected' : 'used') + '\\n');
  script.runInThisContext().call(module.exports, module.exports, require, module, file, __dirname);
}
`;
  const head = `// Generated by tools/bundle.js: runs ./${name}-code.js (the esbuild bundle) with V8's code cache
// ./${name}-code.cache when V8 accepts it (same node, V8 flags and source), else compiled from source.
'use strict';
`;
  if (!fast) return `${head}${full}full();\n`;
  return `${head}// First the fast path (src/cli/ctl/fast.ts, bundled below): the read-only probes against a running manager
// without reading the bundle; it calls full() for everything else. TSYSD_CTL_FAST=0 turns it off.
${full}if (process.env.TSYSD_CTL_FAST === '0') full();
else ${fast}`;
}

/** The fast path (src/cli/ctl/fast.ts) as one statement for tsysctl's loader: an IIFE calling runFast with
 *  the loader's full() and the addon's directory (the image and the tree alike: dist/bundle/../../build/
 *  Release). No module system (no exports to copy) and no require() at all (checked), or it would cost what
 *  it exists to save; src/rpc/client (node:net, required only inside common.ts's connect(), which the fast
 *  path does not use) is kept out of the bundle. */
async function fastText() {
  const keepOut = {
    name: 'no-rpc-client',
    setup(build) { build.onResolve({ filter: /\/rpc\/client$/ }, (args) => ({ path: args.path, external: true })); },
  };
  const built = await esbuild.build({
    write: false,
    stdin: {
      contents: `import { runFast } from './src/cli/ctl/fast';
runFast(process.argv.slice(2), process.argv[1], __dirname + '/../../build/Release', full);`,
      resolveDir: root,
      sourcefile: 'tsysctl-fast-entry.ts',
      loader: 'ts',
    },
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'iife',
    logLevel: 'warning',
    legalComments: 'none',
    plugins: [keepOut],
  });
  const text = built.outputFiles[0].text;
  if (/\brequire\(/.test(text)) throw new Error('src/cli/ctl/fast.ts: its bundle calls require() (a module import that is not type-only?)');
  return text;
}

/** The code cache of <name>-code.js (EAGER: every function compiled; V8 otherwise compiles a function on
 *  its first call, and the manager's boot calls ~1,000). Made in a child process with the launcher's node
 *  flags, --no-lazy only while compiling (V8 checks the flags when the cache is used). */
function writeCodeCache(name) {
  const code = path.join(root, 'dist', 'bundle', `${name}-code.js`);
  const out = path.join(root, 'dist', 'bundle', `${name}-code.cache`);
  const produce = `const fs = require('node:fs'), vm = require('node:vm'), v8 = require('node:v8');
const file = ${JSON.stringify(code)};
const text = fs.readFileSync(file, 'utf8');
if (${EAGER[name]}) v8.setFlagsFromString('--no-lazy');
const script = new vm.Script(text, { filename: file });
if (${EAGER[name]}) v8.setFlagsFromString('--lazy');
const tmp = ${JSON.stringify(out)} + '.tmp-' + process.pid;
fs.writeFileSync(tmp, script.createCachedData());
fs.renameSync(tmp, ${JSON.stringify(out)});`;
  const r = spawnSync(process.execPath, [...NODE_FLAGS[name], '-e', produce], { stdio: 'inherit' });
  if (r.status !== 0) throw new Error(`code cache of ${name} failed (${r.status ?? r.signal})`);
}

/** Every file is replaced by a rename: a program starting during a rebuild reads the old or the new file. */
function writeAtomic(file, contents) {
  const tmp = `${file}.tmp-${process.pid}`;
  fs.writeFileSync(tmp, contents);
  fs.renameSync(tmp, file);
}

async function main() {
  const entries = { tsysd: 'src/cli/tsysd.ts', tsysctl: 'src/cli/tsysctl.ts' };
  fs.mkdirSync(path.join(root, 'dist', 'bundle'), { recursive: true });
  for (const [name, entry] of Object.entries(entries)) {
    const built = await esbuild.build({
      write: false,
      entryPoints: [path.join(root, entry)],
      outfile: path.join(root, 'dist', 'bundle', `${name}-code.js`),
      bundle: true,
      platform: 'node',
      target: 'node20',
      format: 'cjs',
      logLevel: 'warning',
      legalComments: 'none',
      // the file is one function expression the loader compiles as is (no 2 MB concatenation to keep)
      banner: { js: '(function (exports, require, module, __filename, __dirname) {' },
      footer: { js: '})' },
      plugins: [packageJson, debugShim, notMainExcept(path.join(root, entry))],
      external: ['x11'],   // dbus-next's optional X11 address lookup (never used: no DISPLAY bus)
    });
    for (const f of built.outputFiles) writeAtomic(f.path, f.contents);
    writeCodeCache(name);
    // the loader is written last: a failed build leaves no loader pointing at a stale cache and bundle
    writeAtomic(path.join(root, 'dist', 'bundle', `${name}.js`), loaderText(name, name === 'tsysctl' ? await fastText() : null));
  }
}

main().catch((e) => {
  process.stderr.write(`bundle: ${e && e.message ? e.message : String(e)}\n`);
  process.exit(1);
});
