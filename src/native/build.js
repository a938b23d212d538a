#!/usr/bin/env node
// Builds binding.gyp (the tsysd_native addon and the tsysd-exec helper) with node-gyp against the headers
// of the node binary that runs this script (<prefix>/include/node, e.g. /usr for Debian's node), so a
// clean `npm install`/`npm ci` never downloads headers. An explicit npm_config_nodedir wins. Used as the
// package's "install" script; also runnable by hand: `node src/native/build.js`.
'use strict';
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..', '..');
const prefix = path.resolve(process.execPath, '..', '..');
const args = ['rebuild'];
if (!process.env.npm_config_nodedir && fs.existsSync(path.join(prefix, 'include', 'node', 'node_api.h'))) {
  args.push(`--nodedir=${prefix}`);
}
let gyp;
try {
  gyp = require.resolve('node-gyp/bin/node-gyp.js', { paths: [root] });
} catch {
  console.error('tsysd: node-gyp is not installed (npm install node-gyp), cannot build the native addon');
  process.exit(1);
}
const r = spawnSync(process.execPath, [gyp, ...args], { cwd: root, stdio: 'inherit' });
process.exit(r.status === null ? 1 : r.status);
