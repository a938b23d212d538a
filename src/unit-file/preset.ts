// Preset files (systemd.preset(5), systemd 252 read_presets/query_presets semantics): `*.preset` files from
// the preset dirs, same file name → the higher-priority dir wins, files applied in file-name order, rules
// in file order, first matching rule wins (fnmatch globs; `enable tpl@.service a b` names instances);
// no match → enable. Never throws.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseUnitName, instantiate } from './names';
import { fnmatch } from '../rpc/fnmatch';

export interface PresetRule { pattern: string; action: 'enable' | 'disable'; instances?: string[]; file: string; line: number }

export function readPresets(dirs: string[]): { rules: PresetRule[]; warnings: string[] } {
  const byName = new Map<string, string>();
  for (const d of dirs) {
    let ents: string[];
    try { ents = fs.readdirSync(d); } catch { continue; }
    for (const e of ents) if (e.endsWith('.preset') && !e.startsWith('.') && !byName.has(e)) byName.set(e, path.join(d, e));
  }
  const rules: PresetRule[] = [];
  const warnings: string[] = [];
  for (const name of [...byName.keys()].sort()) {
    const file = byName.get(name)!;
    let text: string;
    try { text = fs.readFileSync(file, 'utf8'); } catch { continue; }
    const lines = text.split('\n');
    for (let n = 0; n < lines.length; n++) {
      const line = lines[n]!.trim();
      if (!line || line.startsWith('#') || line.startsWith(';')) continue;
      const m = /^(enable|disable)\s+(.*)$/.exec(line); // `ignore` is v253+
      if (!m) { warnings.push(`${file}:${n + 1}: Couldn't parse line '${line}'. Ignoring.`); continue; }
      const action = m[1] as PresetRule['action'];
      const rest = m[2]!.trim();
      if (action === 'enable') {
        const w = rest.split(/\s+/);
        const pattern = w[0]!;
        if (w.length > 1) {
          if (!parseUnitName(pattern)?.isTemplate) { warnings.push(`${file}:${n + 1}: Couldn't parse line '${line}'. Ignoring.`); continue; }
          rules.push({ pattern, action, instances: w.slice(1), file, line: n + 1 });
        } else rules.push({ pattern, action, file, line: n + 1 });
      } else rules.push({ pattern: rest, action, file, line: n + 1 });
    }
  }
  return { rules, warnings };
}

/** query_presets(): action for a unit name; for template rules with instances, the instance names to enable. */
export function queryPreset(name: string, rules: PresetRule[], withInstances = true): { action: 'enable' | 'disable'; instances?: string[] } {
  const np = parseUnitName(name);
  for (const r of rules) {
    if (withInstances && r.instances && np && (np.isTemplate || np.isInstance) && `${np.prefix}@.${np.type}` === r.pattern) {
      if (np.isTemplate) return { action: r.action, instances: r.instances.map((i) => instantiate(name, i)).filter((x): x is string => !!x) };
      if (r.instances.includes(np.instance)) return { action: r.action };
    }
    if (globMatch(r.pattern, name)) return { action: r.action };
  }
  return { action: 'enable' };
}

/** fnmatch(pattern, name, 0) (systemd's preset rules use fnmatch): linear time, never throws. */
export function globMatch(pattern: string, s: string): boolean { return fnmatch(pattern, s); }
