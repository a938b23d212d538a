// bench/load: load every unit of /lib/systemd/system plus 10,000 generated units with tsysd's loader
// (H1's loadUnitSource + compileUnit, the daemon's load path) and with `systemd-analyze verify` on the same
// files, in the same run. Prints wall time and peak RSS of each (measured in a child process through the
// same rusage wrapper) and the ratios. Never asserts speed. Usage: node dist/bench/load.js [N=10000]
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';

const N = Number(process.argv[2] ?? 10000);

function generate(dir: string, n: number): string[] {
  const files: string[] = [];
  for (let i = 0; i < n; i++) {
    const kind = i % 100 === 99 ? 'target' : i % 10 === 9 ? 'socket' : 'service';
    const name = `gen-${i}.${kind}`;
    let body = `[Unit]\nDescription=Generated unit ${i} (%n)\nDocumentation=man:tsysd(1)\n`;
    if (i > 0) body += `After=gen-${i - 1}.service network.target\nWants=gen-${i - 1}.service\n`;
    if (kind === 'service') {
      body += `[Service]\nType=${['simple', 'exec', 'notify', 'oneshot'][i % 4]}\nExecStartPre=-/bin/true pre ${i}\nExecStart=/bin/sh -c "echo ${i}; exec sleep 1"\n`
        + `Environment="A=${i}" B=x\nRestart=on-failure\nRestartSec=1.5s\nTimeoutStopSec=1min 30s\nUser=nobody\n`
        + `ProtectSystem=strict\nLimitNOFILE=1024:4096\n`;
      if (i % 4 === 3) body += 'RemainAfterExit=yes\n';
      body += '[Install]\nWantedBy=multi-user.target\n';
    } else if (kind === 'socket') {
      body += `[Socket]\nListenStream=/run/gen-${i}.sock\nListenDatagram=127.0.0.1:${10000 + i}\nSocketMode=0600\nService=gen-${i - 1}.service\n`;
    }
    const f = path.join(dir, name);
    fs.writeFileSync(f, body);
    files.push(f);
  }
  return files;
}

/** Run a command under a python rusage wrapper: {wallMs, maxRssKb, status}. */
function measured(cmd: string[], env: NodeJS.ProcessEnv = process.env): { wallMs: number; maxRssKb: number; status: number } {
  const py = 'import resource,subprocess,sys,time\nt=time.monotonic()\nr=subprocess.run(sys.argv[1:],stdout=subprocess.DEVNULL,stderr=subprocess.DEVNULL)\n'
    + 'w=(time.monotonic()-t)*1000\nprint("%d %d %d"%(w,resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss,r.returncode))';
  const r = spawnSync('python3', ['-c', py, ...cmd], { encoding: 'utf8', env, maxBuffer: 1 << 20, timeout: 600_000 });
  const [w, m, s] = (r.stdout ?? '').trim().split(' ').map(Number);
  return { wallMs: w ?? NaN, maxRssKb: m ?? NaN, status: s ?? -1 };
}

function main(): void {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tsysd-bench-load-'));
  try {
    const sys = fs.readdirSync('/lib/systemd/system').filter((f) => /\.(service|socket|target)$/.test(f)).map((f) => `/lib/systemd/system/${f}`);
    const gen = generate(dir, N);
    const all = [...sys, ...gen];
    const listFile = path.join(dir, 'files.txt');
    fs.writeFileSync(listFile, all.join('\n'));
    // tsysd: a child process that loads + compiles every unit the way the daemon does.
    const script = `
      const { loadUnitSource } = require(${JSON.stringify(path.join(__dirname, '../src/unit-file/load.js'))});
      const { compileUnit } = require(${JSON.stringify(path.join(__dirname, '../src/directives/compile.js'))});
      const { hostSpecifierContext } = require(${JSON.stringify(path.join(__dirname, '../src/unit-file/specifiers.js'))});
      const files = require('fs').readFileSync(${JSON.stringify(listFile)}, 'utf8').split('\\n');
      const ctx = hostSpecifierContext(false);
      const sp = [${JSON.stringify(dir)}, '/etc/systemd/system', '/lib/systemd/system'];
      let n = 0, diags = 0;
      for (const f of files) { const c = compileUnit(loadUnitSource(require('path').basename(f), sp), ctx); n++; diags += c.diagnostics.length; }
      if (n !== files.length) process.exit(2);
    `;
    const ours = measured([process.execPath, '-e', script]);
    const oursCold = measured([process.execPath, '-e', '0']);
    const theirs = spawnSync('systemd-analyze', ['--version']).status === 0
      ? measured(['systemd-analyze', 'verify', '--man=no', ...all])
      : null;
    console.log(`bench/load: ${sys.length} units of /lib/systemd/system + ${gen.length} generated = ${all.length} units`);
    console.log(`  tsysd load+compile     : ${ours.wallMs} ms, peak RSS ${(ours.maxRssKb / 1024).toFixed(1)} MiB (node startup alone: ${oursCold.wallMs} ms, ${(oursCold.maxRssKb / 1024).toFixed(1)} MiB), exit ${ours.status}`);
    if (theirs) {
      console.log(`  systemd-analyze verify : ${theirs.wallMs} ms, peak RSS ${(theirs.maxRssKb / 1024).toFixed(1)} MiB, exit ${theirs.status}`);
      console.log(`  ratio time tsysd/systemd-analyze = ${(ours.wallMs / theirs.wallMs).toFixed(2)}, memory = ${(ours.maxRssKb / theirs.maxRssKb).toFixed(2)}`);
      console.log('  (systemd-analyze verify also builds a start transaction per unit; tsysd here parses, compiles and checks only)');
    } else {
      console.log('  systemd-analyze not installed: no baseline');
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main();
