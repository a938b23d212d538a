#!/usr/bin/env node
// Test entry point used by `npm test` and CI: runs every compiled test file under dist/tests with Node's
// built-in runner. Unit tests first (fast), then e2e. Set TSYSD_TEST_FILTER=substr to run a subset.
'use strict';
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
const root = path.join(__dirname, '..', 'dist', 'tests');
function collect(dir) {
  if (!fs.existsSync(dir)) return [];
  const out = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...collect(p));
    else if (e.name.endsWith('.test.js')) out.push(p);
  }
  return out.sort();
}
const filter = process.env.TSYSD_TEST_FILTER || '';
const files = [...collect(path.join(root, 'unit')), ...collect(path.join(root, 'e2e'))].filter((f) => f.includes(filter));
if (files.length === 0) { console.error('no test files found under dist/tests (did the build run?)'); process.exit(1); }
const r = spawnSync(process.execPath, ['--test', '--test-concurrency=2', ...files], { stdio: 'inherit' });
process.exit(r.status === null ? 1 : r.status);
