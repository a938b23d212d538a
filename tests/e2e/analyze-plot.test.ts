// E2E: `tsysd analyze plot` on a booted tsysd and `tsysd plan --svg` produce well-formed SVG (parsed by
// Python's expat-based XML parser) that renders in real headless Chromium; the screenshot is decoded
// and every chart row is checked for its bar: the number of rows with bar pixels equals the number of
// units (jobs for the plan) whose bars are at least a pixel wide, and that is every unit that started.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { RpcClient } from '../../src/rpc/client';
import { startDaemon, writeUnits } from '../helpers/daemon';
import { Browser, CHROMIUM } from '../helpers/chromium';
import { decodePng, pixel, type Image } from '../helpers/png';
import { runTsysd } from '../helpers/tsysd-cli';

const HAVE_PY = spawnSync('python3', ['--version']).status === 0;

/** Well-formedness check with a real XML parser; returns the root element's name. */
function xmlRoot(svg: string): string {
  const r = spawnSync('python3', ['-c', 'import sys, xml.dom.minidom as m; d = m.parseString(sys.stdin.buffer.read()); print(d.documentElement.tagName)'], { input: svg, encoding: 'utf8' });
  assert.equal(r.status, 0, `XML parse failed: ${r.stderr}`);
  return r.stdout.trim();
}

interface Row { index: number; label: string; barWidth: number }

/** The chart rows of a plot: label and total bar width (px) per row of the chart group. */
function chartRows(svg: string): Row[] {
  const g = svg.slice(svg.indexOf('<g transform="translate('), svg.indexOf('</g>'));
  const rows = new Map<number, Row>();
  for (const m of g.matchAll(/<rect class="(activating|active|deactivating)" x="[-\d.]+" y="([-\d.]+)" width="([-\d.]+)"/g)) {
    const index = Math.round(Number(m[2]) / 20);
    const r = rows.get(index) ?? { index, label: '', barWidth: 0 };
    r.barWidth += Math.max(0, Number(m[3]));
    rows.set(index, r);
  }
  for (const m of g.matchAll(/<text class="(?:left|right)" x="[-\d.]+" y="([-\d.]+)">([^<]*)<\/text>/g)) {
    const index = Math.round((Number(m[1]) - 14) / 20);
    const r = rows.get(index) ?? { index, label: '', barWidth: 0 };
    r.label = m[2] ?? '';
    rows.set(index, r);
  }
  return [...rows.values()].sort((a, b) => a.index - b.index);
}

/** Rows (by index) of the rendered chart that contain bar-coloured pixels (red-dominant: activating,
 *  active and deactivating are all shades of red over the grey box). */
function rowsWithBars(img: Image, rows: number, x0: number, x1: number): Set<number> {
  const out = new Set<number>();
  for (let r = 0; r < rows; r++) {
    const y = 100 + r * 20 + 9;
    for (let x = x0; x < Math.min(x1, img.width); x++) {
      const [R, G, B] = pixel(img, x, y);
      if (R - G > 25 && R - B > 25) { out.add(r); break; }
    }
  }
  return out;
}

async function screenshotSvg(b: Browser, file: string, svg: string): Promise<Image> {
  const w = Number(/<svg width="(\d+)px"/.exec(svg)?.[1]);
  const h = Number(/height="(\d+)px"/.exec(svg)?.[1]);
  const page = await b.newPage(w, h);
  try {
    await page.goto(`file://${file}`);
    assert.equal(await page.evaluate<string>('document.documentElement.tagName'), 'svg');
    const png = await page.screenshot();
    fs.writeFileSync(file.replace(/\.svg$/, '.png'), png);
    return decodePng(png);
  } finally { await page.close(); }
}

const SERVICES = 10;

test('analyze plot of a booted tsysd and plan --svg: valid SVG, rendered by Chromium with one bar per unit', {
  skip: !CHROMIUM ? 'chromium missing' : !HAVE_PY ? 'python3 missing' : false, timeout: 240_000,
}, async () => {
  const units: Record<string, string> = { 'app.target': `[Unit]\nDescription=App\nWants=${Array.from({ length: SERVICES }, (_, i) => `s${i}.service`).join(' ')}\n` };
  for (let i = 0; i < SERVICES; i++) {
    units[`s${i}.service`] = i % 2
      ? `[Unit]\nDescription=Service ${i}\n${i > 2 ? `After=s${i - 2}.service\n` : ''}[Service]\nType=oneshot\nRemainAfterExit=yes\nExecStart=/bin/sleep 0.${i}\n`
      : `[Unit]\nDescription=Service ${i}\n[Service]\nExecStart=/bin/sleep 600\n`;
  }
  const d = await startDaemon({ units, args: ['--target', 'app.target', '--no-forward-output'] });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tsysd-plot-'));
  const b = await Browser.launch();
  try {
    const r = await runTsysd(['analyze', 'plot'], { TSYSD_SOCKET: d.sock });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(xmlRoot(r.stdout), 'svg');
    // The units that started (InactiveExitTimestamp set), as tsysd reports them.
    const c = await RpcClient.connect(d.sock);
    const started: string[] = [];
    for (const u of await c.call('list-units', { all: true })) {
      const p = new Map((await c.call('show', { unit: u.unit, properties: ['InactiveExitTimestampMonotonic'] })).properties);
      if (Number(p.get('InactiveExitTimestampMonotonic') ?? 0) > 0) started.push(u.unit);
    }
    c.close();
    const rows = chartRows(r.stdout);
    const unitRows = rows.filter((x) => x.label !== 'tsysd');
    assert.deepEqual(unitRows.map((x) => x.label.replace(/ \(.*\)$/, '')).sort(), [...started].sort(), 'one chart row per started unit');
    for (let i = 0; i < SERVICES; i++) assert.ok(started.includes(`s${i}.service`));
    const file = path.join(dir, 'boot.svg');
    fs.writeFileSync(file, r.stdout);
    const img = await screenshotSvg(b, file, r.stdout);
    const width = Number(/<svg width="(\d+)px"/.exec(r.stdout)?.[1]);
    const seen = rowsWithBars(img, rows.length, 20, width - 60);
    const expected = new Set(rows.filter((x) => x.barWidth >= 1).map((x) => x.index));
    assert.deepEqual([...seen].sort((x, y) => x - y), [...expected].sort((x, y) => x - y), 'rows with visible bars in the screenshot');
    // Every service ran long before the boot finished: all of their bars are visible.
    for (const row of rows.filter((x) => /^s\d+\.service/.test(x.label))) assert.ok(seen.has(row.index), `bar of ${row.label}`);
    process.stdout.write(`# plot: ${unitRows.length} unit rows, ${seen.size} rows with bars in the screenshot (${rows.length} rows)\n`);

    // plan --svg: each planned job one bar in its wave.
    const unitDir = path.join(dir, 'units');
    fs.mkdirSync(unitDir);
    writeUnits(unitDir, units);
    const p = await runTsysd(['plan', '--svg', '--unit-path', unitDir, 'app.target']);
    assert.equal(p.code, 0, p.stderr);
    assert.equal(xmlRoot(p.stdout), 'svg');
    const jp = await runTsysd(['plan', '--json', '--unit-path', unitDir, 'app.target']);
    const plan = JSON.parse(jp.stdout) as { jobs: Record<string, string>; waves: string[][] };
    const prow = chartRows(p.stdout).filter((x) => x.label !== 'transaction');
    assert.equal(prow.length, Object.keys(plan.jobs).length);
    assert.match(p.stdout, new RegExp(`>${Object.keys(plan.jobs).length} jobs in ${plan.waves.length} waves<|: ${Object.keys(plan.jobs).length} jobs in ${plan.waves.length} waves<`));
    const pfile = path.join(dir, 'plan.svg');
    fs.writeFileSync(pfile, p.stdout);
    const pimg = await screenshotSvg(b, pfile, p.stdout);
    const prows = chartRows(p.stdout);
    const pseen = rowsWithBars(pimg, prows.length, 20, Number(/<svg width="(\d+)px"/.exec(p.stdout)?.[1]) - 60);
    for (const row of prow) assert.ok(pseen.has(row.index), `plan bar of ${row.label}`);
  } finally {
    await b.close();
    fs.rmSync(dir, { recursive: true, force: true });
    assert.equal(await d.stop(), 0);
  }
});
