// host: entries of /etc/hosts or another hosts file (Puppet's 'parsed'
// provider). Lines it does not manage are kept as they are.
import { isIP } from 'node:net';
import type { Data } from '../compiler/wire.js';
import type { Change, Provider, Resource, ResourceType } from './type.js';
import { ensureChange, ensurePresentAbsent, fmt, invalid, list, nameOf, parsedFileHeader, readIfExists, rewriteFile, str } from './providers/typesupport.js';

export interface HostRecord { ip: string; name: string; aliases: string[]; comment?: string }
type Line = { text: string; rec?: HostRecord };

export function parseHosts(text: string): Line[] {
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  // Puppet's own header is rewritten on every write, never kept.
  return lines.filter((l) => !l.startsWith('# HEADER:')).map((text) => {
    const hash = text.indexOf('#');
    const body = (hash >= 0 ? text.slice(0, hash) : text).trim();
    if (!body) return { text };
    const [ip, name, ...aliases] = body.split(/\s+/);
    if (!name) return { text };
    const comment = hash >= 0 ? text.slice(hash + 1).trim() : undefined;
    return { text, rec: { ip, name, aliases, comment: comment || undefined } };
  });
}

export function formatHost(rec: HostRecord): string {
  let s = [rec.ip, rec.name, ...(rec.aliases.length ? [rec.aliases.join(' ')] : [])].join('\t');
  if (rec.comment) s += `\t# ${rec.comment}`;
  return s;
}

const targetOf = (r: Resource) => str(r, 'target') ?? '/etc/hosts';

function desiredAliases(r: Resource): string[] | undefined {
  const a = list(r, 'host_aliases');
  return a?.flatMap((x) => x.split(/\s+/)).filter((x) => x && x !== 'absent');
}

const joined = (v: string[]) => (v.length ? v.join(' ') : 'absent');

export const parsedHostProvider: Provider = {
  name: 'parsed',
  suitable: () => true,
  isDefault: () => true,
  async check(r) {
    const name = nameOf(r);
    const ensure = ensurePresentAbsent(r);
    const rec = parseHosts(readIfExists(targetOf(r)) ?? '').find((l) => l.rec?.name === name)?.rec;
    if (!rec) {
      if (ensure === 'absent') return [];
      if (!str(r, 'ip')) throw invalid(r, 'ip', undefined, 'ip is required for a host that does not exist');
      return [ensureChange('absent', 'present')];
    }
    if (ensure === 'absent') return [ensureChange('present', 'absent')];
    const changes: Change[] = [];
    const ip = str(r, 'ip');
    if (ip !== undefined && ip !== rec.ip) changes.push({ property: 'ip', previous: rec.ip, desired: ip, message: `ip changed ${fmt(rec.ip)} to ${fmt(ip)}` });
    const aliases = desiredAliases(r);
    if (aliases !== undefined && aliases.join(' ') !== rec.aliases.join(' ')) {
      // host_aliases shows as the space-separated list, unquoted, as Puppet does.
      changes.push({ property: 'host_aliases', previous: joined(rec.aliases), desired: joined(aliases), message: `host_aliases changed ${joined(rec.aliases)} to ${joined(aliases)}` });
    }
    const comment = str(r, 'comment');
    if (comment !== undefined && comment !== (rec.comment ?? '')) {
      changes.push(rec.comment === undefined
        ? { property: 'comment', previous: undefined, desired: comment, message: `defined 'comment' as ${fmt(comment)}` }
        : { property: 'comment', previous: rec.comment, desired: comment, message: `comment changed ${fmt(rec.comment)} to ${fmt(comment)}` });
    }
    return changes;
  },
  async apply(r) {
    const name = nameOf(r);
    const target = targetOf(r);
    const lines = parseHosts(readIfExists(target) ?? '');
    const idx = lines.findIndex((l) => l.rec?.name === name);
    if (ensurePresentAbsent(r) === 'absent') {
      if (idx >= 0) lines.splice(idx, 1);
    } else {
      const old = idx >= 0 ? lines[idx].rec! : { ip: '', name, aliases: [] };
      const comment = str(r, 'comment');
      const rec: HostRecord = { ip: str(r, 'ip') ?? old.ip, name, aliases: desiredAliases(r) ?? old.aliases, comment: comment === undefined ? old.comment : comment || undefined };
      const line = { text: formatHost(rec), rec };
      if (idx >= 0) lines[idx] = line; else lines.push(line);
    }
    rewriteFile(target, parsedFileHeader() + lines.map((l) => l.text).join('\n') + (lines.length ? '\n' : ''));
  },
  async instances() {
    return parseHosts(readIfExists('/etc/hosts') ?? '').filter((l) => l.rec).map((l): Resource => {
      const rec = l.rec!;
      const p: Record<string, Data> = { ensure: 'present', ip: rec.ip, provider: 'parsed', target: '/etc/hosts' };
      if (rec.aliases.length) p.host_aliases = rec.aliases;
      if (rec.comment) p.comment = rec.comment;
      return { type: 'host', title: rec.name, tags: [], parameters: p };
    });
  },
};

export const hostType: ResourceType = {
  name: 'host',
  namevar: 'name',
  properties: ['ensure', 'ip', 'host_aliases', 'comment', 'target'],
  parameters: ['name', 'provider'],
  validate(r) {
    ensurePresentAbsent(r);
    const ip = str(r, 'ip');
    if (ip !== undefined && !isIP(ip)) throw invalid(r, 'ip', ip, `Invalid IP address '${ip}'`);
    const name = nameOf(r);
    if (!/^[A-Za-z0-9]([A-Za-z0-9._-]*[A-Za-z0-9])?$/.test(name)) throw invalid(r, 'name', name, `Invalid host name '${name}'`);
    for (const a of desiredAliases(r) ?? []) {
      if (!/^[A-Za-z0-9]([A-Za-z0-9._-]*[A-Za-z0-9])?$/.test(a)) throw invalid(r, 'host_aliases', a, `Invalid host alias '${a}'`);
    }
    const c = str(r, 'comment');
    if (c?.includes('\n')) throw invalid(r, 'comment', c, 'comment cannot contain a newline');
  },
  providers: [parsedHostProvider],
};
