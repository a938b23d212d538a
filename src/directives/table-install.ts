// [Install] directive table (systemd.unit(5) "[Install] Section Options"). systemd does not interpret these
// at load time (install.c does, on enable), so they are stored without load-time warnings.
// Invariant: values are split into words; an empty value resets the list.
import { custom, scalar, showRows, type Row, type SectionName } from './row';
import type { InstallSection } from './types';

const I: SectionName[] = ['Install'];

function listRow(key: string, field: 'wantedBy' | 'requiredBy' | 'alias' | 'also'): Row {
  return custom(key, I, true, (v, ctx) => {
    const inst: InstallSection = ctx.cfg.install;
    for (const w of v.split(/[ \t\n\r]+/).filter((x) => x !== '')) {
      const e = ctx.expand(w);
      const name = e.ok ? e.value : w;
      if (!inst[field].includes(name)) inst[field].push(name);
    }
  }, (c) => { c.install[field] = []; });
}

export const INSTALL_ROWS: Row[] = [
  listRow('Alias', 'alias'),
  listRow('WantedBy', 'wantedBy'),
  listRow('RequiredBy', 'requiredBy'),
  listRow('Also', 'also'),
  scalar('DefaultInstance', I, (v) => ({ ok: true, value: v }), (c, v) => { c.install.defaultInstance = v; }, { specifiers: true }),
];

// Not shown: [Install] is read by enable/disable, not a unit property (WantedBy= the property is the
// reverse dependency, the manager's).
showRows(INSTALL_ROWS, {}, [
  'Alias', 'WantedBy', 'RequiredBy', 'Also', 'DefaultInstance',
]);
