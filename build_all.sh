#!/usr/bin/env bash
# Build everything from a clean clone: the native addon and the exec helper (node-gyp, C), the TypeScript
# (tsc into dist/, then the esbuild bundles bin/ runs in dist/bundle/), and the C test fixtures. `npm install`
# does the first two on its own; this script is for rebuilding by hand after changing C or TS sources.
set -euo pipefail
cd "$(dirname "$0")"
[ -d node_modules ] || npm ci
npx node-gyp rebuild
npx tsc -p .
node tools/bundle.js
node -e "const {fixture, FIXTURES} = require('./dist/tests/fixtures/build.js'); for (const f of FIXTURES) fixture(f);"
echo "built: build/Release/tsysd_native.node build/Release/tsysctl_native.node build/Release/tsysd-exec dist/ dist/bundle/ dist/fixtures/"
