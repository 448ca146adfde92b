// nanliu-staging's Ruby functions: parts of a source URL's path, and whether
// a resource default is set in scope.
import { posix } from 'node:path';
import { type Functions, fnError, rubyInspect, rubyToS } from './support.js';
import { rubyBasename } from './stdlib.js';

/** File.extname. */
export function rubyExtname(p: string): string {
  const base = rubyBasename(p);
  const stripped = base.replace(/^\.+/, '');
  const i = stripped.lastIndexOf('.');
  return i <= 0 ? '' : stripped.slice(i);
}

/** URI.parse(s).path, undefined for opaque URIs. */
function uriPath(s: string): string | undefined {
  const m = /^([a-zA-Z][a-zA-Z0-9+.-]*):(.*)$/s.exec(s);
  let rest = s;
  if (m) {
    rest = m[2];
    if (rest.startsWith('//')) {
      const slash = rest.indexOf('/', 2);
      rest = slash < 0 ? '' : rest.slice(slash);
    } else if (!rest.startsWith('/')) return undefined;
  }
  return rest.replace(/[?#].*$/s, '');
}

export const STAGING_FUNCTIONS: Functions = {
  staging_parse: (c, raw) => {
    const args = raw.map((a) => (a === undefined ? '' : a));
    if (args.length < 1 || args.length > 3) throw fnError(c, `staging_parse(): Wrong number of arguments given (${args.length} for 1, 2, 3)`);
    const source = rubyToS(args[0]);
    const path = uriPath(source.replace(/\\/g, '/'));
    if (path === undefined) throw fnError(c, `staging_parse(): ${rubyInspect(source)} has no URI 'path' component`);
    const info = args[1] !== undefined && args[1] !== '' && args[1] !== false ? rubyToS(args[1]) : 'filename';
    const ext = args[2] !== undefined && args[2] !== '' && args[2] !== false ? rubyToS(args[2]) : rubyExtname(path);
    switch (info) {
      case 'filename': return rubyBasename(path);
      case 'basename': return rubyBasename(path, ext);
      case 'extname': return rubyExtname(path);
      case 'parent': return posix.resolve('/', posix.join(path, '..'));
      default: throw fnError(c, `staging_parse(), unknown parse info ${info}.`);
    }
  },
  scope_defaults: (c, args) => {
    if (args.length !== 2) throw fnError(c, `scope_defaults(): Wrong number of arguments given (${args.length} for 2)`);
    const type = rubyToS(args[0]).toLowerCase().replace(/^::/, '');
    return c.scope.collectDefaults(type).has(rubyToS(args[1]));
  },
};
