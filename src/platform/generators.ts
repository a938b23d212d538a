// OS side of the generator runner (src/generators/): GenFs over node:fs, and two ProcessRunners — one over
// Platform.spawn for the daemon (every child of the manager must come from the native reaper's spawn), one
// over child_process for offline tools (`tsysd plan|verify --generators`, tests), plus the facts systemd
// puts into the generators' environment.
// Invariants: never throws for OS errors (they come back as -errno / outcomes); generators get stdin
// /dev/null and the caller's stdout/stderr (systemd: the console/journal), umask 022, their own session.
import type * as Cp from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { GenFs, GenStat } from '../generators/conf-files';
import type { GeneratorFacts, ProcessJob, ProcessResult, ProcessRunner } from '../generators/runner';
import { makeSpawnRequest } from './helper-args';
import type { Platform } from './types';

const errno = (e: unknown): number => {
  const c = (e as NodeJS.ErrnoException).errno;
  return typeof c === 'number' ? c : -5;
};

export function realGenFs(): GenFs {
  return {
    listDir(dir) { try { return fs.readdirSync(dir); } catch { return null; } },
    stat(p): GenStat | null {
      try {
        const st = fs.statSync(p);
        const devNull = st.isCharacterDevice() && st.rdev === fs.statSync('/dev/null').rdev;
        return { type: st.isFile() ? 'file' : st.isDirectory() ? 'dir' : 'other', mode: st.mode & 0o7777, size: st.size, devNull };
      } catch { return null; }
    },
    isSymlink(p) { try { return fs.lstatSync(p).isSymbolicLink(); } catch { return false; } },
    readFile(p) { try { return fs.readFileSync(p, 'utf8'); } catch { return null; } },
    writeNew(p, text) {
      try { fs.mkdirSync(path.dirname(p), { recursive: true, mode: 0o755 }); fs.writeFileSync(p, text, { flag: 'wx', mode: 0o644 }); return 0; } catch (e) { return errno(e); }
    },
    symlink(target, p) {
      try { fs.mkdirSync(path.dirname(p), { recursive: true, mode: 0o755 }); fs.symlinkSync(target, p); return 0; } catch (e) { return errno(e); }
    },
    unlink(p) { try { fs.unlinkSync(p); return 0; } catch (e) { return errno(e); } },
    mkdirp(p) { try { fs.mkdirSync(p, { recursive: true, mode: 0o755 }); fs.chmodSync(p, 0o755); return 0; } catch (e) { return errno(e); } },
    rmdir(p) { try { fs.rmdirSync(p); return 0; } catch (e) { return errno(e); } },
    removeTree(p) { try { fs.rmSync(p, { recursive: true, force: true }); return 0; } catch (e) { return errno(e); } },
  };
}

/** Generators as children of the manager: spawned through the platform (reaped by its reaper). */
export function platformRunner(platform: Platform, stdout = 1, stderr = 2): ProcessRunner {
  return {
    runAll(jobs: ProcessJob[], env: string[], timeoutUs: number): Promise<ProcessResult[]> {
      return new Promise((resolve) => {
        const results: ProcessResult[] = [];
        const live = new Map<number, string>();
        let timer = -1;
        let done = false;
        const finish = (): void => {
          if (done) return;
          done = true;
          unsubscribe();
          if (timer >= 0) platform.clearTimer(timer);
          resolve(results);
        };
        const unsubscribe = platform.onChildExit((e) => {
          const p = live.get(e.pid);
          if (p === undefined) return;
          live.delete(e.pid);
          results.push({ path: p, outcome: e.code === 'exited' ? 'exited' : 'killed', status: e.status });
          if (live.size === 0) finish();
        });
        for (const j of jobs) {
          const r = platform.spawn(makeSpawnRequest(j.path, j.argv, { env, stdout, stderr, umask: 0o022, setExecPid: true }));
          if ('pid' in r) live.set(r.pid, j.path);
          else results.push({ path: j.path, outcome: 'spawn-failed', status: 0, message: r.message });
        }
        if (live.size === 0) { finish(); return; }
        timer = platform.setTimer(timeoutUs, () => {
          for (const [pid, p] of live) { platform.kill(pid, 15); results.push({ path: p, outcome: 'timeout', status: 0 }); }
          live.clear();
          finish();
        });
      });
    },
  };
}

/** Generators of an offline tool: plain child processes (SYSTEMD_EXEC_PID is not set on this path). */
export function childProcessRunner(stdio: 'inherit' | 'ignore' = 'ignore'): ProcessRunner {
  return {
    runAll(jobs: ProcessJob[], env: string[], timeoutUs: number): Promise<ProcessResult[]> {
      const envObj: Record<string, string> = {};
      for (const a of env) { const i = a.indexOf('='); if (i > 0) envObj[a.slice(0, i)] = a.slice(i + 1); }
      const old = process.umask(0o022);
      const runs = jobs.map((j) => new Promise<ProcessResult>((resolve) => {
        let child: Cp.ChildProcess;
        try {
          // offline tools only: node:child_process is not loaded at the manager's start
          child = (require('node:child_process') as typeof Cp).spawn(j.path, j.argv.slice(1), { argv0: j.argv[0], env: envObj, stdio: ['ignore', stdio, stdio], detached: true });
        } catch (e) { resolve({ path: j.path, outcome: 'spawn-failed', status: 0, message: (e as Error).message }); return; }
        const t = setTimeout(() => { try { child.kill('SIGTERM'); } catch { /* gone */ } resolve({ path: j.path, outcome: 'timeout', status: 0 }); }, Math.ceil(timeoutUs / 1000));
        child.on('error', (e) => { clearTimeout(t); resolve({ path: j.path, outcome: 'spawn-failed', status: 0, message: e.message }); });
        child.on('exit', (code, sig) => {
          clearTimeout(t);
          resolve(sig ? { path: j.path, outcome: 'killed', status: signalNumber(sig) } : { path: j.path, outcome: 'exited', status: code ?? 0 });
        });
      }));
      process.umask(old);
      return Promise.all(runs);
    },
  };
}

function signalNumber(sig: NodeJS.Signals): number {
  const n = (require('node:os') as typeof import('node:os')).constants.signals[sig];
  return typeof n === 'number' ? n : 0;
}

const ARCH: Record<string, string> = { x64: 'x86-64', ia32: 'x86', arm64: 'arm64', arm: 'arm', ppc64: 'ppc64', s390x: 's390x', riscv64: 'riscv64', mips: 'mips', loong64: 'loongarch64' };

/** systemd's architecture name for this process (uname_architecture()). */
export function systemdArchitecture(): string { return ARCH[process.arch] ?? process.arch; }

/** The facts build_generator_environment() passes down. `container` is the manager's detected container id
 *  ('' = none); `vm` comes from the condition environment's detection. */
export function generatorFacts(userMode: boolean, container: string, vm: string | null, pid1System: boolean): GeneratorFacts {
  let firstBoot: boolean | null = null;
  if (pid1System) {
    let id = '';
    try { id = fs.readFileSync('/etc/machine-id', 'utf8').trim(); } catch { /* missing */ }
    firstBoot = id === '' || id === 'uninitialized';
  }
  return {
    userMode,
    virtualization: container ? { kind: 'container', id: container } : vm ? { kind: 'vm', id: vm } : null,
    architecture: systemdArchitecture(),
    firstBoot,
  };
}
