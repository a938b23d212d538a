// Loader and typed view of tsysctl's own small addon (src/native/ctl-client.c, build/Release/
// tsysctl_native.node): the blocking unix-socket client of the fast path (src/cli/ctl/fast.ts).
// Invariants: no node:* module is loaded here (process.dlopen only); a missing or unloadable addon is
// null, never an exception (the caller then runs the full CLI). TSYSD_NATIVE_DIR overrides the directory,
// as for tsysd_native (./native.ts).

export interface CtlNative {
  /** A blocking AF_UNIX stream socket connected to path: fd | -errno. */
  connect(path: string): number;
  /** Writes line, reads until what was read ends with '\n' (or EOF): the reply text | -errno. */
  request(fd: number, line: string): string | number;
  /** Writes all of text to fd: 0 | -errno. */
  write(fd: number, text: string): number;
  close(fd: number): number;
  /** _exit(code): for after every output was written with write() (node's teardown is skipped). */
  exit(code: number): never;
}

/** tsysctl_native.node from dir (TSYSD_NATIVE_DIR when set), or null. */
export function loadCtlNative(dir: string): CtlNative | null {
  const m: { exports: unknown } = { exports: {} };
  try {
    process.dlopen(m, `${process.env['TSYSD_NATIVE_DIR'] || dir}/tsysctl_native.node`);
  } catch {
    return null;
  }
  return m.exports as CtlNative;
}
