// Diagnostics: the one shape every loader/verify/plan message takes.
// A diagnostic is data (file, line, unit, level, fatal, message); rendering is `file:line: message`.
export type DiagLevel = 'error' | 'warning' | 'info';

export interface Diagnostic {
  file: string;        // path of the file the message is about ('' when none)
  line: number;        // 1-based line, 0 when the message is about the whole file/unit
  unit: string;        // unit name the message concerns ('' when none)
  level: DiagLevel;
  fatal: boolean;      // true: the unit fails to load (bad-setting / error)
  message: string;
}

export function formatDiagnostic(d: Diagnostic): string {
  if (d.file && d.line > 0) return `${d.file}:${d.line}: ${d.message}`;
  if (d.file) return `${d.file}: ${d.message}`;
  if (d.unit) return `${d.unit}: ${d.message}`;
  return d.message;
}
