// sysusers.d applied by tsysd itself when the image has no systemd-sysusers (systemd 252's
// src/sysusers/sysusers.c): u (user, with its group), g (group), m (membership), r (ID range) lines;
// existing users/groups are kept; IDs: the one asked for if free, else the group's/user's matching one,
// else the highest free ID in the range (default 1–999, SYS_UID_MAX of Debian) counting down; new
// entries are appended to passwd/group/shadow/gshadow in configuration order ('!*' locked password,
// home '/', shell /usr/sbin/nologin, root gets /bin/sh... as systemd does). Not done: u lines naming a
// file path as ID, credentials (passwords), /etc/login.defs ranges.
// Invariant: pure; planSysusers maps the config and the current files to the new file texts.
export interface SysusersItem { type: 'u' | 'g' | 'm' | 'r'; name: string; id: string; gecos: string; home: string; shell: string; file: string; line: number }
export interface SysusersFiles { passwd: string; group: string; shadow: string | null; gshadow: string | null }
export interface SysusersPlan { files: SysusersFiles; created: string[]; errors: string[] }

function words(l: string): string[] {
  const out: string[] = [];
  const re = /"([^"]*)"|'([^']*)'|(\S+)/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(l)) !== null) out.push(m[1] ?? m[2] ?? m[3] ?? '');
  return out;
}
const dash = (s: string | undefined): string => (s === undefined || s === '-' ? '' : s);

export function parseSysusers(text: string, file: string, errors: string[]): SysusersItem[] {
  const out: SysusersItem[] = [];
  text.split('\n').forEach((raw, i) => {
    const l = raw.trim();
    if (!l || l.startsWith('#')) return;
    const w = words(l);
    const t = w[0] ?? '';
    if (!['u', 'g', 'm', 'r'].includes(t)) { errors.push(`${file}:${i + 1}: Unknown command type '${t}'.`); return; }
    out.push({ type: t as SysusersItem['type'], name: dash(w[1]), id: dash(w[2]), gecos: dash(w[3]), home: dash(w[4]), shell: dash(w[5]), file, line: i + 1 });
  });
  return out;
}

interface Db { byName: Map<string, number>; byId: Map<number, string> }
function db(text: string): Db {
  const d: Db = { byName: new Map(), byId: new Map() };
  for (const l of text.split('\n')) {
    const f = l.split(':');
    if (f.length < 3 || !f[0] || f[0].startsWith('+') || f[0].startsWith('-') || !/^[0-9]+$/.test(f[2] ?? '')) continue;
    d.byName.set(f[0], Number(f[2]));
    if (!d.byId.has(Number(f[2]))) d.byId.set(Number(f[2]), f[0]);
  }
  return d;
}

interface Todo { name: string; uid: number; gid: number; gecos: string; home: string; shell: string }

/** Insert new lines before the first NIS (+/-) line, as systemd does. */
function append(text: string, lines: string[]): string {
  if (!lines.length) return text;
  const ls = text === '' ? [] : text.replace(/\n$/, '').split('\n');
  const nis = ls.findIndex((l) => l.startsWith('+') || l.startsWith('-'));
  if (nis < 0) ls.push(...lines); else ls.splice(nis, 0, ...lines);
  return ls.join('\n') + '\n';
}

export function planSysusers(items: SysusersItem[], cur: SysusersFiles, opts: { nowDays: number; nologin: string; rootShell: string }): SysusersPlan {
  const errors: string[] = [];
  const created: string[] = [];
  const pw = db(cur.passwd), gr = db(cur.group);
  let lo = 1, hi = 999;
  const ranges = items.filter((i) => i.type === 'r' && i.id);
  if (ranges.length) { const m = /^([0-9]+)-([0-9]+)$/.exec(ranges[0]!.id); if (m) { lo = Number(m[1]); hi = Number(m[2]); } }
  let search = hi + 1;
  const users = new Map<string, SysusersItem>(), groups = new Map<string, SysusersItem>();
  const members = new Map<string, string[]>();
  for (const i of items) {
    if (i.type === 'u' && !users.has(i.name)) users.set(i.name, i);
    else if (i.type === 'g' && !groups.has(i.name)) groups.set(i.name, i);
    else if (i.type === 'm') { const l = members.get(i.id) ?? []; if (!l.includes(i.name)) l.push(i.name); members.set(i.id, l); }
  }
  for (const [g, l] of members) {
    for (const u of l) if (!users.has(u)) users.set(u, { type: 'u', name: u, id: '', gecos: '', home: '', shell: '', file: '', line: 0 });
    if (!users.has(g) && !groups.has(g)) groups.set(g, { type: 'g', name: g, id: '', gecos: '', home: '', shell: '', file: '', line: 0 });
  }
  const todoU = new Map<number, Todo>(), todoG = new Map<number, string>();
  const groupOf = new Map<string, number>();
  const uidOk = (uid: number, name: string, withGid: boolean): boolean => {
    if (todoU.has(uid)) return false;
    if (withGid) { const g = todoG.get(uid); if (g !== undefined && g !== name) return false; }
    if (pw.byId.has(uid)) return false;
    if (withGid) { const n = gr.byId.get(uid); if (n !== undefined && n !== name) return false; }
    return true;
  };
  const gidOk = (gid: number, withUid: boolean): boolean =>
    !todoG.has(gid) && !(withUid && todoU.has(gid)) && !gr.byId.has(gid) && !(withUid && pw.byId.has(gid));
  const next = (ok: (id: number) => boolean): number | null => {
    for (;;) { search--; if (search < lo) return null; if (ok(search)) return search; }
  };
  const addGroup = (name: string, want: number | null, fromUid: number | null): number | null => {
    const have = gr.byName.get(name) ?? groupOf.get(name);
    if (have !== undefined) return have;
    let gid: number | null = null;
    if (want !== null && gidOk(want, false)) gid = want;
    if (gid === null && fromUid !== null && gidOk(fromUid, true)) gid = fromUid;
    if (gid === null) gid = next((id) => gidOk(id, true));
    if (gid === null) { errors.push(`No free group ID available for ${name}.`); return null; }
    todoG.set(gid, name); groupOf.set(name, gid);
    created.push(`group ${name} ${gid}`);
    return gid;
  };
  for (const g of groups.values()) addGroup(g.name, /^[0-9]+$/.test(g.id) ? Number(g.id) : null, null);
  for (const u of users.values()) {
    if (pw.byName.has(u.name)) continue;
    const m = /^(?:([0-9]+)|-)?(?::(.+))?$/.exec(u.id);
    const wantUid = m?.[1] !== undefined ? Number(m[1]) : null;
    const gspec = m?.[2];
    let gid: number | null;
    if (gspec !== undefined) gid = /^[0-9]+$/.test(gspec) ? Number(gspec) : (gr.byName.get(gspec) ?? groupOf.get(gspec) ?? null);
    else gid = groupOf.get(u.name) ?? gr.byName.get(u.name) ?? null;
    if (gid === null && gspec !== undefined) { errors.push(`Group ${gspec} not found.`); continue; }
    if (gid === null) gid = addGroup(u.name, wantUid, wantUid);
    if (gid === null) continue;
    let uid: number | null = null;
    if (wantUid !== null && uidOk(wantUid, u.name, gspec === undefined)) uid = wantUid;
    if (uid === null && uidOk(gid, u.name, true)) uid = gid;
    if (uid === null) uid = next((id) => uidOk(id, u.name, true));
    if (uid === null) { errors.push(`No free user ID available for ${u.name}.`); continue; }
    todoU.set(uid, { name: u.name, uid, gid, gecos: u.gecos, home: u.home || '/', shell: u.shell || (uid === 0 ? opts.rootShell : opts.nologin) });
    created.push(`user ${u.name} ${uid} ${gid}`);
  }
  const pwLines = [...todoU.values()].map((t) => `${t.name}:x:${t.uid}:${t.gid}:${t.gecos}:${t.home}:${t.shell}`);
  const spLines = [...todoU.values()].map((t) => `${t.name}:!*:${opts.nowDays}::::::`);
  const memberText = (name: string, existing: string[]): string => {
    const add = members.get(name) ?? [];
    const all = [...existing];
    let added = false;
    for (const a of add) if (!all.includes(a)) { all.push(a); added = true; }
    return (added ? [...new Set(all)].sort() : all).join(',');
  };
  const grLines = [...todoG].map(([gid, name]) => `${name}:x:${gid}:${memberText(name, [])}`);
  const gsLines = [...todoG.values()].map((name) => `${name}:!*::${memberText(name, [])}`);
  const withMembers = (text: string, memberField: number): string => text.split('\n').map((l) => {
    const f = l.split(':');
    if (f.length <= memberField || !members.has(f[0] ?? '')) return l;
    f[memberField] = memberText(f[0]!, (f[memberField] ?? '').split(',').filter(Boolean));
    return f.join(':');
  }).join('\n');
  return {
    files: {
      passwd: append(cur.passwd, pwLines),
      group: append(withMembers(cur.group, 3), grLines),
      shadow: cur.shadow === null && !spLines.length ? null : append(cur.shadow ?? '', spLines),
      gshadow: cur.gshadow === null && !gsLines.length ? null : append(withMembers(cur.gshadow ?? '', 3), gsLines),
    },
    created, errors,
  };
}
