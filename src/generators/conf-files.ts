// systemd's directory-listing rules shared by the generator runner and the built-in generators:
// hidden_or_backup_file() (what FOREACH_DIRENT skips) and conf_files_list_strv() with
// CONF_FILES_EXECUTABLE|CONF_FILES_REGULAR|CONF_FILES_FILTER_MASKED (the executables of several directories,
// one per file name, the first directory winning, a mask — empty file or link to /dev/null — hiding the name).
// Invariant: pure; the file system comes through GenFs.
export interface GenStat { type: 'file' | 'dir' | 'other'; mode: number; size: number; devNull: boolean }

/** The few file operations generators need (real: src/platform/generators.ts; tests: an in-memory fake). */
export interface GenFs {
  /** Entry names, or null when the directory cannot be opened. */
  listDir(dir: string): string[] | null;
  /** stat() following symlinks; devNull: the character device /dev/null. */
  stat(p: string): GenStat | null;
  isSymlink(p: string): boolean;
  readFile(p: string): string | null;
  /** Create a new file (fails with -EEXIST if it exists); parents are created 0755. 0 or -errno. */
  writeNew(p: string, text: string): number;
  /** symlink(target, p); parents created 0755. 0 or -errno (-17 = EEXIST). */
  symlink(target: string, p: string): number;
  unlink(p: string): number;
  mkdirp(p: string): number;
  /** rmdir: only removes an empty directory. */
  rmdir(p: string): number;
  removeTree(p: string): number;
}

const BACKUP_SUFFIXES = new Set(['rpmnew', 'rpmsave', 'rpmorig', 'dpkg-old', 'dpkg-new', 'dpkg-tmp', 'dpkg-dist', 'dpkg-bak',
  'dpkg-backup', 'dpkg-remove', 'ucf-new', 'ucf-old', 'ucf-dist', 'swp', 'bak', 'old', 'new']);

export function hiddenOrBackupFile(name: string): boolean {
  if (name.startsWith('.') || name === 'lost+found' || name === 'aquota.user' || name === 'aquota.group' || name.endsWith('~')) return true;
  const dot = name.lastIndexOf('.');
  return dot >= 0 && BACKUP_SUFFIXES.has(name.slice(dot + 1));
}

export interface ConfFile { name: string; path: string }

/** Executable regular files of `dirs` by name (first directory wins), sorted by name; `masked` gets the
 *  names hidden by a mask. */
export function listExecutables(fs: GenFs, dirs: string[], masked?: Set<string>): ConfFile[] {
  const found = new Map<string, string>();
  const mask = masked ?? new Set<string>();
  for (const dir of dirs) {
    const names = fs.listDir(dir);
    if (!names) continue;
    for (const n of names) {
      if (hiddenOrBackupFile(n) || found.has(n) || mask.has(n)) continue;
      const p = `${dir}/${n}`;
      const st = fs.stat(p);
      if (!st) continue;
      if (st.devNull || (st.type === 'file' && st.size === 0)) { mask.add(n); continue; }
      if (st.type !== 'file' || (st.mode & 0o111) === 0) continue;
      found.set(n, p);
    }
  }
  return [...found].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([name, path]) => ({ name, path }));
}
