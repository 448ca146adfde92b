// user: local accounts through useradd/usermod/userdel and chage (Puppet's
// 'useradd' provider), reading /etc/passwd, /etc/shadow and /etc/group.
import type { Data } from '../compiler/wire.js';
import type { Change, Provider, Resource, ResourceType } from './type.js';
import { bool, ensureChange, ensurePresentAbsent, execCommand, fmt, invalid, list, nameOf, oneOf, param, propertyChange, str, which } from './providers/typesupport.js';
import { daysToDate, readGroups, readPasswd, readShadow, resolveGid, type PasswdEntry, type ShadowEntry } from './providers/accounts.js';

interface LiveUser { passwd: PasswdEntry; shadow?: ShadowEntry; groups: string[] }

function live(name: string): LiveUser | undefined {
  const passwd = readPasswd().find((u) => u.name === name);
  if (!passwd) return undefined;
  const shadow = readShadow().find((s) => s.name === name);
  const groups = readGroups().filter((g) => g.members.includes(name)).map((g) => g.name);
  return { passwd, shadow, groups };
}

function intParam(r: Resource, name: string): number | undefined {
  const v = param(r, name);
  if (v === undefined) return undefined;
  if (typeof v === 'number' && Number.isInteger(v)) return v;
  if (typeof v === 'string' && /^-?\d+$/.test(v)) return Number(v);
  throw invalid(r, name, v, `${name} must be an integer, not ${JSON.stringify(v)}`);
}

function desiredGid(r: Resource): number | string | undefined {
  const v = param(r, 'gid');
  if (v === undefined) return undefined;
  if (typeof v === 'number' || (typeof v === 'string' && /^\d+$/.test(v))) return Number(v);
  if (typeof v === 'string') return resolveGid(v) ?? v; // unknown names fail at usermod with its message
  throw invalid(r, 'gid', v, 'gid must be a group name or number');
}

function desiredExpiry(r: Resource): string | undefined {
  const v = str(r, 'expiry');
  if (v !== undefined && v !== 'absent' && !/^\d{4}-\d{2}-\d{2}$/.test(v)) throw invalid(r, 'expiry', v, 'Expiry dates must be YYYY-MM-DD or the string "absent"');
  return v;
}

/** Properties in sync order, each as [desired, current] on the live account. */
function compare(r: Resource, u: LiveUser): Change[] {
  const changes: Change[] = [];
  const uid = intParam(r, 'uid');
  if (uid !== undefined && uid !== u.passwd.uid) changes.push(propertyChange('uid', u.passwd.uid, uid));
  const gid = desiredGid(r);
  if (gid !== undefined && gid !== u.passwd.gid) changes.push(propertyChange('gid', u.passwd.gid, gid));
  for (const [prop, cur] of [['comment', u.passwd.comment], ['home', u.passwd.home], ['shell', u.passwd.shell]] as const) {
    const want = str(r, prop);
    if (want !== undefined && want !== cur) changes.push(propertyChange(prop, cur, want));
  }
  const groups = list(r, 'groups');
  if (groups !== undefined) {
    const inclusive = oneOf(r, 'membership', ['minimum', 'inclusive']) === 'inclusive';
    const want = groups.flatMap((g) => g.split(',')).map((g) => g.trim()).filter(Boolean);
    const missing = want.filter((g) => !u.groups.includes(g));
    const extra = inclusive ? u.groups.filter((g) => !want.includes(g)) : [];
    if (missing.length || extra.length) {
      const target = inclusive ? [...want].sort() : [...new Set([...u.groups, ...want])].sort();
      // Puppet's list property prints the current groups bare and the wanted ones quoted.
      const cur = [...u.groups].sort().join(',');
      const wanted = target.join(',');
      changes.push({ property: 'groups', previous: cur, desired: wanted, message: `groups changed ${cur} to ${fmt(wanted)}` });
    }
  }
  const password = str(r, 'password');
  if (password !== undefined && u.shadow && password !== u.shadow.password) {
    // Puppet never prints password hashes.
    changes.push({ property: 'password', previous: '[redacted]', desired: '[redacted]', message: 'changed password', redacted: true });
  }
  for (const [prop, cur] of [['password_min_age', u.shadow?.min], ['password_max_age', u.shadow?.max], ['password_warn_days', u.shadow?.warn]] as const) {
    const want = intParam(r, prop);
    if (want !== undefined && want !== (cur ?? -1)) changes.push(propertyChange(prop, cur ?? 'absent', want));
  }
  const expiry = desiredExpiry(r);
  if (expiry !== undefined) {
    const cur = u.shadow?.expire === undefined ? 'absent' : daysToDate(u.shadow.expire);
    if (cur !== expiry) changes.push(propertyChange('expiry', cur, expiry));
  }
  return changes;
}

/** useradd/usermod flags for the attributes given (or changed). */
function accountFlags(r: Resource, props: Set<string>, creating: boolean, current?: LiveUser): string[] {
  const a: string[] = [];
  if (props.has('uid')) a.push('-u', String(intParam(r, 'uid')));
  if (props.has('gid')) a.push('-g', String(desiredGid(r)));
  if (props.has('comment')) a.push('-c', str(r, 'comment')!);
  if (props.has('home')) { a.push('-d', str(r, 'home')!); if (!creating && bool(r, 'managehome', false)) a.push('-m'); }
  if (props.has('shell')) a.push('-s', str(r, 'shell')!);
  if (props.has('groups')) {
    const want = (list(r, 'groups') ?? []).flatMap((g) => g.split(',')).map((g) => g.trim()).filter(Boolean);
    const inclusive = str(r, 'membership') === 'inclusive';
    const all = inclusive || !current ? want : [...new Set([...current.groups, ...want])];
    a.push('-G', all.join(','));
  }
  if (props.has('password')) a.push('-p', str(r, 'password')!);
  if (props.has('expiry')) { const e = desiredExpiry(r)!; a.push('-e', e === 'absent' ? (creating ? '' : '-1') : e); }
  if ((props.has('uid') || creating) && bool(r, 'allowdupe', false) && intParam(r, 'uid') !== undefined) a.push('-o');
  return a;
}

async function setAges(r: Resource, name: string, props: Set<string>): Promise<void> {
  const a: string[] = [];
  if (props.has('password_min_age')) a.push('-m', String(intParam(r, 'password_min_age')));
  if (props.has('password_max_age')) a.push('-M', String(intParam(r, 'password_max_age')));
  if (props.has('password_warn_days')) a.push('-W', String(intParam(r, 'password_warn_days')));
  if (a.length) await execCommand('chage', [...a, name]);
}

const SETTABLE = ['uid', 'gid', 'comment', 'home', 'shell', 'groups', 'password', 'expiry'];
const AGES = ['password_min_age', 'password_max_age', 'password_warn_days'];

export const useraddProvider: Provider = {
  name: 'useradd',
  suitable: () => which('useradd') !== undefined && which('usermod') !== undefined && which('userdel') !== undefined,
  isDefault: () => true,
  async check(r) {
    const name = nameOf(r);
    const ensure = ensurePresentAbsent(r);
    const u = live(name);
    if (!u) return ensure === 'present' ? [ensureChange('absent', 'present')] : [];
    if (ensure === 'absent') return [ensureChange('present', 'absent')];
    return compare(r, u);
  },
  async apply(r, changes) {
    const name = nameOf(r);
    if (changes.some((c) => c.property === 'ensure')) {
      if (ensurePresentAbsent(r) === 'absent') {
        await execCommand('userdel', [...(bool(r, 'managehome', false) ? ['-r'] : []), name]);
        return;
      }
      const given = new Set([...SETTABLE, ...AGES].filter((p) => param(r, p) !== undefined));
      const a = accountFlags(r, given, true);
      a.push(bool(r, 'managehome', false) ? '-m' : '-M');
      if (bool(r, 'system', false)) a.push('-r');
      // A group of the user's name already exists: join it rather than fail creating it.
      if (param(r, 'gid') === undefined && readGroups().some((g) => g.name === name)) a.push('-g', name);
      await execCommand('useradd', [...a, name]);
      await setAges(r, name, given);
      return;
    }
    const props = new Set(changes.map((c) => c.property));
    const a = accountFlags(r, new Set([...props].filter((p) => SETTABLE.includes(p))), false, live(name));
    if (a.length) await execCommand('usermod', [...a, name]);
    await setAges(r, name, props);
  },
  async instances() {
    const shadow = new Map(readShadow().map((s) => [s.name, s]));
    const groups = readGroups();
    return readPasswd().map((u): Resource => {
      const s = shadow.get(u.name);
      // As `puppet resource user` shows them: no empty comment, -1 for unset ages, groups when there are some.
      const p: Record<string, Data> = { ensure: 'present', gid: u.gid, home: u.home, shell: u.shell, uid: u.uid, provider: 'useradd' };
      if (u.comment) p.comment = u.comment;
      const member = groups.filter((g) => g.members.includes(u.name)).map((g) => g.name);
      if (member.length) p.groups = member;
      if (s) {
        p.password = s.password;
        p.password_min_age = s.min ?? -1;
        p.password_max_age = s.max ?? -1;
        p.password_warn_days = s.warn ?? -1;
        if (s.expire !== undefined) p.expiry = daysToDate(s.expire);
      }
      return { type: 'user', title: u.name, tags: [], parameters: p, sensitiveParameters: ['password'] };
    });
  },
};

export const userType: ResourceType = {
  name: 'user',
  namevar: 'name',
  properties: ['ensure', 'uid', 'gid', 'comment', 'home', 'shell', 'groups', 'password', 'password_min_age', 'password_max_age', 'password_warn_days', 'expiry'],
  parameters: ['name', 'provider', 'managehome', 'membership', 'system', 'allowdupe', 'purge_ssh_keys', 'forcelocal', 'iterations', 'salt', 'ia_load_module'],
  validate(r) {
    ensurePresentAbsent(r);
    intParam(r, 'uid');
    for (const p of AGES) intParam(r, p);
    desiredExpiry(r);
    oneOf(r, 'membership', ['minimum', 'inclusive']);
    const name = nameOf(r);
    if (!/^[a-zA-Z0-9_.][a-zA-Z0-9_.-]*\$?$/.test(name)) throw invalid(r, 'name', name, `Invalid user name '${name}'`);
    const comment = str(r, 'comment');
    if (comment?.includes(':')) throw invalid(r, 'comment', comment, 'comment cannot contain a colon');
  },
  autorequire(r) {
    const gid = param(r, 'gid');
    const refs = typeof gid === 'string' && !/^\d+$/.test(gid) ? [`Group[${gid}]`] : [];
    for (const g of list(r, 'groups') ?? []) for (const x of g.split(',')) if (x.trim()) refs.push(`Group[${x.trim()}]`);
    return refs;
  },
  providers: [useraddProvider],
};

