// group: local groups through groupadd/groupmod/groupdel (Puppet's
// 'groupadd' provider), members through gpasswd, reading /etc/group.
import type { Change, Provider, Resource, ResourceType } from './type.js';
import { bool, ensureChange, ensurePresentAbsent, execCommand, invalid, list, nameOf, param, propertyChange, which } from './providers/typesupport.js';
import { readGroups } from './providers/accounts.js';

function desiredGid(r: Resource): number | undefined {
  const v = param(r, 'gid');
  if (v === undefined) return undefined;
  if (typeof v === 'number' && Number.isInteger(v)) return v;
  if (typeof v === 'string' && /^\d+$/.test(v)) return Number(v);
  throw invalid(r, 'gid', v, `gid must be an integer, not ${JSON.stringify(v)}`);
}

function desiredMembers(r: Resource): string[] | undefined {
  const m = list(r, 'members');
  return m?.flatMap((x) => x.split(',')).map((x) => x.trim()).filter(Boolean);
}

export const groupaddProvider: Provider = {
  name: 'groupadd',
  suitable: () => which('groupadd') !== undefined && which('groupmod') !== undefined && which('groupdel') !== undefined,
  isDefault: () => true,
  async check(r) {
    const name = nameOf(r);
    const ensure = ensurePresentAbsent(r);
    const g = readGroups().find((x) => x.name === name);
    if (!g) return ensure === 'present' ? [ensureChange('absent', 'present')] : [];
    if (ensure === 'absent') return [ensureChange('present', 'absent')];
    const changes: Change[] = [];
    const gid = desiredGid(r);
    if (gid !== undefined && gid !== g.gid) changes.push(propertyChange('gid', g.gid, gid));
    const members = desiredMembers(r);
    if (members !== undefined) {
      // auth_membership (default true): the list is exact; false: these at least.
      const inclusive = bool(r, 'auth_membership', true);
      const missing = members.filter((m) => !g.members.includes(m));
      const extra = inclusive ? g.members.filter((m) => !members.includes(m)) : [];
      if (missing.length || extra.length) {
        const target = inclusive ? members : [...new Set([...g.members, ...members])];
        changes.push(propertyChange('members', g.members.join(','), target.join(',')));
      }
    }
    return changes;
  },
  async apply(r, changes) {
    const name = nameOf(r);
    const props = new Set(changes.map((c) => c.property));
    if (props.has('ensure')) {
      if (ensurePresentAbsent(r) === 'absent') { await execCommand('groupdel', [name]); return; }
      const a: string[] = [];
      const gid = desiredGid(r);
      if (gid !== undefined) { a.push('-g', String(gid)); if (bool(r, 'allowdupe', false)) a.push('-o'); }
      if (bool(r, 'system', false)) a.push('-r');
      await execCommand('groupadd', [...a, name]);
      if (desiredMembers(r)?.length) props.add('members');
    }
    if (props.has('gid') && !props.has('ensure')) {
      await execCommand('groupmod', ['-g', String(desiredGid(r)), ...(bool(r, 'allowdupe', false) ? ['-o'] : []), name]);
    }
    if (props.has('members')) {
      const members = desiredMembers(r) ?? [];
      const current = readGroups().find((x) => x.name === name)?.members ?? [];
      const target = bool(r, 'auth_membership', true) ? members : [...new Set([...current, ...members])];
      await execCommand('gpasswd', ['-M', target.join(','), name]);
    }
  },
  async instances() {
    return readGroups().map((g): Resource => ({ type: 'group', title: g.name, tags: [], parameters: { ensure: 'present', gid: g.gid, provider: 'groupadd' } }));
  },
};

export const groupType: ResourceType = {
  name: 'group',
  namevar: 'name',
  properties: ['ensure', 'gid', 'members'],
  parameters: ['name', 'provider', 'allowdupe', 'auth_membership', 'system', 'forcelocal', 'attributes', 'ia_load_module', 'attribute_membership'],
  validate(r) {
    ensurePresentAbsent(r);
    desiredGid(r);
    const name = nameOf(r);
    if (!/^[a-zA-Z0-9_.][a-zA-Z0-9_.-]*$/.test(name)) throw invalid(r, 'name', name, `Invalid group name '${name}'`);
  },
  autorequire(r) { return (desiredMembers(r) ?? []).map((m) => `User[${m}]`); },
  providers: [groupaddProvider],
};
