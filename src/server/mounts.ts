// File serving mounts: `modules/<module>` (a module's files/), `plugins`
// and `pluginfacts` (every module's lib/ and facts.d/, merged), and custom
// mounts from fileserver.conf. A request path resolves to candidate roots
// plus a relative path; nothing outside a root is ever served.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { KurokoError } from '../util/diagnostic.js';

export interface CustomMount {
  name: string;
  /** May contain %H (certname), %h (host part) and %d (domain). */
  path: string;
}

/** Parses fileserver.conf: `[name]` sections with a `path` line (`allow`/`deny` lines are auth.conf's job now). */
export function parseFileserverConf(text: string, file: string): CustomMount[] {
  const mounts: CustomMount[] = [];
  let cur: CustomMount | undefined;
  text.split('\n').forEach((raw, i) => {
    const line = raw.replace(/#.*$/, '').trim();
    if (!line) return;
    const section = /^\[([^\]]+)\]$/.exec(line);
    if (section) {
      const name = section[1].trim();
      if (!/^[\w.-]+$/.test(name) || ['modules', 'plugins', 'pluginfacts', 'tasks'].includes(name)) {
        throw new KurokoError(`Invalid mount name '${name}'`, { code: 'KUR0670', location: { file, line: i + 1 }, field: 'mount', value: name });
      }
      cur = { name, path: '' };
      mounts.push(cur);
      return;
    }
    const m = /^(\w+)\s+(.+)$/.exec(line);
    if (!m || !cur) throw new KurokoError(`Cannot parse '${line}'`, { code: 'KUR0670', location: { file, line: i + 1 } });
    if (m[1] === 'path') cur.path = m[2].trim();
    else if (m[1] !== 'allow' && m[1] !== 'deny') throw new KurokoError(`Unknown mount setting '${m[1]}'`, { code: 'KUR0670', location: { file, line: i + 1 }, field: m[1] });
  });
  for (const mt of mounts) if (!mt.path) throw new KurokoError(`Mount '${mt.name}' has no path`, { code: 'KUR0670', location: { file }, field: 'path' });
  return mounts;
}

export function loadFileserverConf(path: string | undefined): CustomMount[] {
  if (!path || !existsSync(path)) return [];
  return parseFileserverConf(readFileSync(path, 'utf8'), path);
}

export interface Resolution {
  /** Roots to search in order; the first holding `relative` wins (plugins merge them all). */
  roots: string[];
  relative: string;
  /** True for plugins/pluginfacts: recursive listings merge every root. */
  merged: boolean;
}

function expandMountPath(path: string, certname: string | undefined): string | undefined {
  if (!/%[Hhd]/.test(path)) return path;
  if (!certname) return undefined;
  const [host, ...domain] = certname.split('.');
  return path.replace(/%H/g, certname).replace(/%h/g, host).replace(/%d/g, domain.join('.'));
}

/** Resolves `mount/rest` (already free of `.` and `..` segments) against a modulepath. */
export function resolveMount(requestPath: string, modulepath: string[], custom: CustomMount[], certname?: string): Resolution | undefined {
  const segs = requestPath.split('/').filter((s) => s !== '');
  const mount = segs[0];
  if (!mount) return undefined;
  const modules = (sub: string) => {
    const out: string[] = [];
    const seen = new Set<string>();
    for (const dir of modulepath) {
      let names: string[] = [];
      try { names = readDirNames(dir); } catch { continue; }
      for (const n of names) {
        if (seen.has(n) || !/^[a-z][a-z0-9_]*$/.test(n)) continue;
        seen.add(n);
        const d = join(dir, n, sub);
        if (isDir(d)) out.push(d);
      }
    }
    return out;
  };
  if (mount === 'modules') {
    const mod = segs[1];
    if (!mod || !/^[a-z][a-z0-9_]*$/.test(mod)) return undefined;
    for (const dir of modulepath) {
      const files = join(dir, mod, 'files');
      if (isDir(join(dir, mod))) return { roots: [files], relative: segs.slice(2).join('/'), merged: false };
    }
    return undefined;
  }
  if (mount === 'plugins') return { roots: modules('lib'), relative: segs.slice(1).join('/'), merged: true };
  if (mount === 'pluginfacts') return { roots: modules('facts.d'), relative: segs.slice(1).join('/'), merged: true };
  const c = custom.find((m) => m.name === mount);
  if (c) {
    const root = expandMountPath(c.path, certname);
    if (!root) return undefined;
    return { roots: [root], relative: segs.slice(1).join('/'), merged: false };
  }
  return undefined;
}

function isDir(p: string): boolean {
  try { return statSync(p).isDirectory(); } catch { return false; }
}

function readDirNames(dir: string): string[] {
  return readdirSync(dir).sort();
}
