// The baseline supervisors of bench/boot, each set up for N benchsvc services on tmpfs:
//   s6-svscan (Debian `s6`): one service dir per service, `run` a symlink to benchsvc; stop = s6-svscanctl -t
//   runsvdir (Debian `runit`): same layout; stop = SIGHUP to runsvdir (TERM to every runsv, which stops its
//                              service and exits)
//   supervisord (Debian `supervisor`): one [program:x] per service, startsecs=0, no log files; stop = SIGTERM
//   spawn-c: the floor, a C posix_spawn loop (spawnloop.c) as PID 1; stop = SIGTERM (kill + reap all)
//   spawn-node: Node's child_process.spawn loop as PID 1; stop = SIGTERM
// Invariant: every definition only creates files under work.dir and signals only the supervisor pid it is
// handed (which the harness found inside the benchmark's own PID namespace).
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { which, type SystemDef, type Work } from './harness';

function serviceDirs(work: Work, sub: string, n: number): string {
  const scan = path.join(work.dir, sub);
  fs.mkdirSync(scan);
  for (let i = 0; i < n; i++) {
    const d = path.join(scan, `svc${i}`);
    fs.mkdirSync(d);
    fs.symlinkSync(work.bins.svc, path.join(d, 'run'));
  }
  // runsvdir ignores a scan dir modified less than a second ago until it is a second old (it cannot trust
  // the mtime yet); backdate it so the benchmark measures runit, not that guard.
  const past = new Date(Date.now() - 10000);
  fs.utimesSync(scan, past, past);
  return scan;
}

export const s6: SystemDef = {
  name: 's6', variant: 's6-svscan',
  unavailable: () => (which('s6-svscan') ? null : 'needs Debian package s6'),
  prepare(work, n) {
    const scan = serviceDirs(work, 's6', n);
    return { argv: ['s6-svscan', '-c', String(n + 64), scan], pid1: false };
  },
  stop(_pid, work) {
    spawnSync('s6-svscanctl', ['-t', path.join(work.dir, 's6')]);
  },
};

export const runit: SystemDef = {
  name: 'runit', variant: 'runsvdir',
  unavailable: () => (which('runsvdir') ? null : 'needs Debian package runit'),
  prepare(work, n) {
    const scan = serviceDirs(work, 'runit', n);
    return { argv: ['runsvdir', scan], pid1: false };
  },
  stop(pid) { process.kill(pid, 'SIGHUP'); },
};

export const supervisord: SystemDef = {
  name: 'supervisord', variant: 'supervisord',
  unavailable: () => (which('supervisord') ? null : 'needs Debian package supervisor'),
  prepare(work, n) {
    const lines = [
      '[supervisord]', 'nodaemon=true', `logfile=${work.dir}/supervisord.log`, `pidfile=${work.dir}/supervisord.pid`,
      `childlogdir=${work.dir}`, `minfds=${4 * n + 256}`, 'minprocs=200', 'loglevel=warn', '',
    ];
    for (let i = 0; i < n; i++) {
      lines.push(`[program:svc${i}]`, `command=${work.bins.svc} svc${i} ${work.fifo}`, 'startsecs=0', 'autorestart=false',
        'stdout_logfile=NONE', 'stderr_logfile=NONE', 'stopsignal=TERM', '');
    }
    const conf = path.join(work.dir, 'supervisord.conf');
    fs.writeFileSync(conf, lines.join('\n'));
    return { argv: ['supervisord', '-n', '-c', conf], pid1: false };
  },
  stop(pid) { process.kill(pid, 'SIGTERM'); },
};

export const spawnC: SystemDef = {
  name: 'spawn-c', variant: 'posix_spawn loop',
  unavailable: () => null,
  prepare(work, n) { return { argv: [work.bins.spawnloop, String(n), work.bins.svc, work.fifo], pid1: true }; },
  stop(pid) { process.kill(pid, 'SIGTERM'); },
};

const NODE_LOOP = `const { spawn } = require('node:child_process');
const [n, svc, fifo] = process.argv.slice(1);
const kids = [];
for (let i = 0; i < Number(n); i++) kids.push(spawn(svc, ['svc' + i, fifo], { stdio: 'ignore' }));
let left = kids.length;
for (const k of kids) k.on('exit', () => { left--; if (stopping && left === 0) process.exit(0); });
let stopping = false;
process.on('SIGTERM', () => { stopping = true; for (const k of kids) k.kill('SIGTERM'); if (left === 0) process.exit(0); });
setInterval(() => {}, 1 << 30);`;

export const spawnNode: SystemDef = {
  name: 'spawn-node', variant: 'child_process loop',
  unavailable: () => null,
  prepare(work, n) { return { argv: [process.execPath, '-e', NODE_LOOP, String(n), work.bins.svc, work.fifo], pid1: true }; },
  stop(pid) { process.kill(pid, 'SIGTERM'); },
};

export const BASELINES: SystemDef[] = [spawnC, spawnNode, s6, runit, supervisord];
