// Standard input/output/error of a spawned unit command (systemd.exec(5) "Logging and Standard Input/Output"):
// decides which manager fd becomes fd 0/1/2 of the child, creates the capture pipe whose lines go to the
// unit's log, and closes every manager-side copy once the child has its own.
// Invariants: every fd opened here is closed exactly once (closeChildEnds after spawn, or on failure);
// a capture pipe's read end (non-blocking) lives until EOF (all writers gone), then is closed by readCapture.
import * as fs from 'node:fs';
import { StringDecoder } from 'node:string_decoder';
import type { ExecContext, StdOutput, UnitConfig } from '../directives/types';
import { POLL_READABLE, type Platform } from '../platform/types';
import { LineSplitter } from '../logs/store';

export interface StdioPlan {
  stdin: number;
  stdout: number;
  stderr: number;
  /** fds the manager opened only for the child: close them after spawn. */
  childEnds: number[];
  /** Read end of the capture pipe (-1 when output is not captured). */
  captureRead: number;
}

export interface StdioInputs {
  /** The accepted connection of an Accept=yes instance (-1 when none). */
  connectionFd: number;
  /** The manager's own stdout (for tty/console fallbacks). */
  consoleFd: number;
}

const JOURNALISH = new Set(['journal', 'journal+console', 'kmsg', 'kmsg+console', 'syslog', 'syslog+console']);

function openPath(spec: string, flags: string): number {
  try { return fs.openSync(spec, flags, 0o644); } catch { return -1; }
}

/** Effective StandardOutput=: an unset value defaults to inherit when stdin is a socket/tty, else journal. */
export function effectiveStdout(cfg: UnitConfig): StdOutput {
  const ex = cfg.exec;
  const explicit = (cfg.raw?.['Service.StandardOutput']?.length ?? 0) > 0 || (cfg.raw?.['Socket.StandardOutput']?.length ?? 0) > 0;
  if (explicit) return ex.standardOutput;
  const inTtyOrSocket = ex.standardInput === 'socket' || ex.standardInput.startsWith('tty');
  return inTtyOrSocket ? 'inherit' : 'journal';
}

export function planStdio(p: Platform, cfg: UnitConfig, inp: StdioInputs): StdioPlan | { error: string; errno: number } {
  const ex: ExecContext = cfg.exec;
  const plan: StdioPlan = { stdin: -1, stdout: -1, stderr: -1, childEnds: [], captureRead: -1 };
  const fail = (what: string, errno: number): { error: string; errno: number } => {
    for (const fd of plan.childEnds) p.close(fd);
    if (plan.captureRead >= 0) p.close(plan.captureRead);
    return { error: what, errno };
  };

  // stdin
  const si = ex.standardInput;
  if (si === 'socket') plan.stdin = inp.connectionFd;
  else if (si === 'data') {
    const pp = p.pipe(false, false);
    if (!Array.isArray(pp)) return fail(`Failed to set up standard input: ${pp.message}`, pp.errno);
    try { fs.writeSync(pp[1], ex.standardInputData); } catch { /* larger than a pipe buffer: truncated */ }
    p.close(pp[1]);
    plan.stdin = pp[0];
    plan.childEnds.push(pp[0]);
  } else if (si.startsWith('file:')) {
    const fd = openPath(si.slice(5), 'r');
    if (fd < 0) return fail(`Failed to open ${si.slice(5)} for standard input`, 2);
    plan.stdin = fd;
    plan.childEnds.push(fd);
  } else if (si.startsWith('tty')) {
    const fd = openPath(ex.ttyPath || '/dev/console', 'r+');
    plan.stdin = fd;
    if (fd >= 0) plan.childEnds.push(fd);
  }

  // stdout / stderr
  let capture = -1;
  const captureFd = (): number => {
    if (capture >= 0) return capture;
    const pp = p.pipe(true, false);
    if (!Array.isArray(pp)) return -1;
    plan.captureRead = pp[0];
    capture = pp[1];
    plan.childEnds.push(pp[1]);
    return capture;
  };
  const resolve = (o: StdOutput, inheritFrom: number): number => {
    if (o === 'inherit') return inheritFrom;
    if (o === 'null') return -1;
    if (JOURNALISH.has(o)) return captureFd();
    if (o === 'socket') return inp.connectionFd;
    if (o === 'tty') return plan.stdin >= 0 && si.startsWith('tty') ? plan.stdin : inp.consoleFd;
    if (o.startsWith('file:') || o.startsWith('append:') || o.startsWith('truncate:')) {
      const i = o.indexOf(':');
      const path = o.slice(i + 1);
      const flags = o.startsWith('append:') ? 'a' : o.startsWith('truncate:') ? 'w' : 'r+';
      let fd = openPath(path, flags);
      if (fd < 0 && flags === 'r+') fd = openPath(path, 'w');
      if (fd >= 0) plan.childEnds.push(fd);
      return fd;
    }
    return captureFd();   // fd:NAME and anything else: the journal
  };
  const so = effectiveStdout(cfg);
  plan.stdout = so === 'inherit' ? (si === 'socket' || si.startsWith('tty') ? plan.stdin : captureFd()) : resolve(so, plan.stdin);
  const se = ex.standardError;
  plan.stderr = se === 'inherit' ? plan.stdout : resolve(se, plan.stdout);
  return plan;
}

/** After spawn (or a failed spawn): drop the manager's copies of the child's fds. */
export function closeChildEnds(p: Platform, plan: StdioPlan): void {
  for (const fd of plan.childEnds) p.close(fd);
  plan.childEnds = [];
}

const READ_BUF = Buffer.allocUnsafe(64 * 1024);

/** Read the (non-blocking) capture pipe line by line until every writer has exited, then close it. A poll
 *  watch and one shared read buffer per manager, not a net.Socket per service: a boot of 1,000 services
 *  otherwise builds 1,000 stream objects. UTF-8 sequences split between reads are kept whole. */
/** The capture pipes still open: the daemon reads what is left in them just before it exits (a service's
 *  last lines, written as it stopped, would otherwise still sit in the pipe when the process ends). */
const openCaptures = new Set<() => void>();

/** Read every open capture pipe until it is empty (EAGAIN) or at EOF; called once, at exit. */
export function drainCaptures(): void {
  for (const drain of [...openCaptures]) drain();
}

export function readCapture(p: Platform, fd: number, maxLine: number, onLine: (text: string) => void): void {
  const sp = new LineSplitter(maxLine, onLine);
  const dec = new StringDecoder('utf8');
  let watch: number | null = null;
  const finish = (): void => {
    if (watch === null) return;
    openCaptures.delete(drain);
    p.unpollFd(watch);
    watch = null;
    const rest = dec.end();
    if (rest) sp.push(rest);
    sp.end();
    p.close(fd);
  };
  const readSome = (rounds: number): void => {
    for (let i = 0; i < rounds && watch !== null; i++) {
      let n: number;
      try { n = fs.readSync(fd, READ_BUF, 0, READ_BUF.length, null); } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        if (code === 'EAGAIN' || code === 'EINTR') return;
        finish();
        return;
      }
      if (n === 0) { finish(); return; }
      const text = dec.write(READ_BUF.subarray(0, n));
      if (text) sp.push(text);
    }
  };
  // At exit: everything that is there (bounded, in case a writer is still going), then flush the last line.
  const drain = (): void => { readSome(4096); if (watch !== null) { const rest = dec.end(); if (rest) sp.push(rest); sp.end(); } };
  const w = p.pollFd(fd, POLL_READABLE, (status) => {
    if (status < 0) { finish(); return; }
    // Bounded per wake-up so one chatty service cannot hold the event loop; the watch is level-triggered.
    readSome(16);
  });
  // Out of watches (-EMFILE): the pipe is closed, the service's writes fail with EPIPE rather than block.
  if (w < 0) { p.close(fd); return; }
  watch = w;
  openCaptures.add(drain);
}
