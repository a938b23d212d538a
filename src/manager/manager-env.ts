// The manager's base environment (systemd's: a fixed PATH for the system manager; a user manager passes on
// its own environment). Pure.
/** The system manager's clean base environment (systemd: PATH on split-usr Debian, LANG from the locale);
 *  a user manager passes on its own environment. */
export function defaultManagerEnvironment(userMode: boolean, env: Readonly<Record<string, string | undefined>>): string[] {
  if (userMode) {
    return Object.entries(env)
      .filter((e): e is [string, string] => typeof e[1] === 'string' && !e[0].startsWith('npm_') && e[0] !== 'NOTIFY_SOCKET' && !e[0].startsWith('LISTEN_'))
      .map(([k, v]) => `${k}=${v}`).sort();
  }
  return ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'];
}
