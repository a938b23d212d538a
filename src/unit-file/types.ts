// Contract between src/unit-file/ (syntax, names, paths, drop-ins) and src/directives/ (meaning).
// unit-file/ knows nothing of what keys mean; it yields located assignments in application order.
import type { Diagnostic } from '../diag';

/** One `Key=Value` line after continuation joining and trimming. Specifiers are NOT expanded here. */
export interface Assignment {
  section: string;     // e.g. 'Unit', 'Service', 'X-Foo'
  key: string;
  value: string;       // raw value (quotes/escapes untouched; directive parsers handle them)
  file: string;        // file it came from (fragment or drop-in)
  line: number;        // 1-based line systemd reports for it: the LAST physical line of a continuation
  firstLine?: number;  // set only for continued lines: the line where the key is written
}

export type SourceLoadState = 'loaded' | 'not-found' | 'masked' | 'error';

/** Everything the file system says about one unit name, before interpretation. */
export interface UnitSource {
  requested: string;        // name asked for (may be an alias)
  id: string;               // canonical name (symlink target name, or instance name for templates)
  names: string[];          // id first, then aliases found (symlinks pointing at the same fragment)
  loadState: SourceLoadState;
  fragmentPath: string;     // '' when not-found; when masked, the masking link/empty file (as systemd 252 shows it)
  dropInPaths: string[];    // *.conf files applied after the fragment, in application order
  assignments: Assignment[];// fragment lines, then drop-ins, in order
  /** Units named by `<dir>/<id>.wants/` and `.requires/` entries (all search dirs, and template dirs for instances). */
  wantsFromDirs: string[];
  requiresFromDirs: string[];
  upholdsFromDirs?: string[];  // `.upholds/` entries (same rules)
  /** Template instance info (for specifiers): prefix, instance ('' when none), type suffix. */
  prefix: string;
  instance: string;
  type: string;             // 'service' | 'socket' | 'target' | ... (the suffix without '.')
  diagnostics: Diagnostic[];
  /** Optional (added by H2): every section header seen, in order, so compileUnit can report
   *  `Unknown section 'X'. Ignoring.` at the header's line. Absent: reported at the first key's line minus one. */
  sections?: { name: string; file: string; line: number }[];
}

/** Manager-level context for specifier expansion (%h %u %H %m ...) — filled by the caller. */
export interface SpecifierContext {
  userMode: boolean;
  hostname: string;
  machineId: string;
  bootId: string;
  kernelRelease: string;
  architecture: string;
  userName: string;
  uid: number;
  groupName: string;
  gid: number;
  home: string;
  shell: string;
  runtimeDir: string;   // %t
  stateDir: string;     // %S
  cacheDir: string;     // %C
  logsDir: string;      // %L
  configDir: string;    // %E
  tmpDir: string;       // %T
  varTmpDir: string;    // %V
  /** /etc/os-release fields (%o %w %W %B %M %A); {} when unknown. */
  osRelease: Readonly<Record<string, string>>;
  /** realpath(3) of a unit's fragment (%y %Y): the path itself when it cannot be resolved. */
  realpath(p: string): string;
}
