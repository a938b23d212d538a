// `podman --runtime runc ARGS` for the container e2e tests (crun fails on this kind of hybrid-cgroup host):
// collects stdout/stderr, SIGKILLs the client after `timeoutMs`, reports the exit code and the time taken.
import { spawn } from 'node:child_process';

export interface Res { code: number; stdout: string; stderr: string; ms: number }

export function podman(args: string[], timeoutMs = 60000): Promise<Res> {
  return new Promise((resolve) => {
    const t0 = Date.now();
    const p = spawn('podman', ['--runtime', 'runc', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (d: Buffer) => { stdout += d.toString(); });
    p.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
    const timer = setTimeout(() => p.kill('SIGKILL'), timeoutMs);
    p.on('close', (code, sig) => {
      clearTimeout(timer);
      resolve({ code: code ?? (sig ? 128 : 1), stdout, stderr, ms: Date.now() - t0 });
    });
  });
}
