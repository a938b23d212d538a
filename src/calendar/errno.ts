// The few errno values the time parsers return, with glibc's strerror() texts (what systemd prints for %m).
// Pure.

export type Errno = 'EINVAL' | 'ERANGE' | 'ENOBUFS' | 'ENOENT' | 'EDEADLK' | 'EOVERFLOW' | 'ENOMEM';

const TEXT: Record<Errno, string> = {
  EINVAL: 'Invalid argument',
  ERANGE: 'Numerical result out of range',
  ENOBUFS: 'No buffer space available',
  ENOENT: 'No such file or directory',
  EDEADLK: 'Resource deadlock avoided',
  EOVERFLOW: 'Value too large for defined data type',
  ENOMEM: 'Cannot allocate memory',
};

export function strerror(e: Errno): string { return TEXT[e]; }

/** A failed parse: the errno systemd's function returns. */
export interface Failure { errno: Errno }
export function fail(errno: Errno): Failure { return { errno }; }
export function isFailure(x: unknown): x is Failure {
  return typeof x === 'object' && x !== null && 'errno' in x && typeof (x as Failure).errno === 'string';
}
