// EnvironmentFile= parsing as systemd's env-file parser does it: KEY=VALUE lines, '#'/';' comment lines,
// leading whitespace ignored, whitespace around the key and after '=' dropped, unquoted values with
// backslash escapes and trailing whitespace removed, '...' literal, "..." with \" \\ \` \$ escapes,
// backslash-newline continuation (in unquoted and double-quoted values), quotes glued to text, no $VAR
// expansion, no `export`. Invalid keys are skipped with a warning.
// Invariant: pure function of the text; later assignments win (applied by the caller in order).

export interface EnvFileResult { assignments: [string, string][]; warnings: string[] }

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

export function isValidEnvName(k: string): boolean {
  return NAME.test(k);
}

export function parseEnvironmentFile(text: string, file = ''): EnvFileResult {
  const out: [string, string][] = [];
  const warnings: string[] = [];
  let i = 0;
  let line = 1;
  const n = text.length;
  while (i < n) {
    // PRE_KEY: skip whitespace (including newlines)
    const c = text[i];
    if (c === '\n') { line++; i++; continue; }
    if (c === ' ' || c === '\t' || c === '\r') { i++; continue; }
    if (c === '#' || c === ';') {
      while (i < n && text[i] !== '\n') i++;
      continue;
    }
    // KEY
    const startLine = line;
    let key = '';
    while (i < n && text[i] !== '=' && text[i] !== '\n') { key += text[i]; i++; }
    if (i >= n || text[i] === '\n') {
      if (key.trim()) warnings.push(`${file}:${startLine}: ignoring line without '=': ${key.trim()}`);
      continue;
    }
    i++; // '='
    key = key.replace(/[ \t\r]+$/, '');
    // PRE_VALUE: skip blanks
    while (i < n && (text[i] === ' ' || text[i] === '\t' || text[i] === '\r')) i++;
    let value = '';
    let trailingWs = 0;   // count of unquoted trailing whitespace chars in value
    let done = false;
    while (i < n && !done) {
      const ch = text[i] as string;
      if (ch === '\n') { done = true; break; }
      if (ch === '\'') {
        i++;
        while (i < n && text[i] !== '\'') { if (text[i] === '\n') line++; value += text[i]; i++; }
        i++; trailingWs = 0;
        continue;
      }
      if (ch === '"') {
        i++;
        while (i < n && text[i] !== '"') {
          const d = text[i] as string;
          if (d === '\\' && i + 1 < n) {
            const e = text[i + 1] as string;
            if (e === '\n') { line++; i += 2; continue; }
            if (e === '"' || e === '\\' || e === '`' || e === '$') { value += e; i += 2; continue; }
            value += d; i++; continue;
          }
          if (d === '\n') line++;
          value += d; i++;
        }
        i++; trailingWs = 0;
        continue;
      }
      if (ch === '\\' && i + 1 < n) {
        const e = text[i + 1] as string;
        i += 2;
        if (e === '\n') { line++; continue; }       // continuation
        value += e; trailingWs = 0;
        continue;
      }
      if (ch === '\\') { i++; continue; }
      if (ch === ' ' || ch === '\t' || ch === '\r') trailingWs++; else trailingWs = 0;
      value += ch; i++;
    }
    if (trailingWs > 0) value = value.slice(0, value.length - trailingWs);
    if (!isValidEnvName(key)) {
      warnings.push(`${file}:${startLine}: invalid environment variable name '${key}', ignoring`);
      continue;
    }
    out.push([key, value]);
  }
  return { assignments: out, warnings };
}
