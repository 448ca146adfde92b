// puppetlabs-mysql's Ruby function: MySQL's native password hash.
import { createHash } from 'node:crypto';
import { type Functions, fnError } from './support.js';
import { typeNameOf } from '../../types/types.js';
import { isHash } from '../../types/values.js';

function nativePassword(p: string): string {
  if (p === '') return '';
  if (/\*[A-F0-9]{40}$/m.test(p)) return p;
  const inner = createHash('sha1').update(p, 'utf8').digest();
  return '*' + createHash('sha1').update(inner).digest('hex').toUpperCase();
}

export const MYSQL_FUNCTIONS: Functions = {
  'mysql::password': (c, args) => {
    if (args.length !== 1) throw fnError(c, `'mysql::password' expects 1 argument, got ${args.length}`);
    const p = args[0];
    if (typeof p !== 'string') throw fnError(c, `'mysql::password' parameter 'password' expects a String value, got ${typeNameOf(p)}`);
    return nativePassword(p);
  },
  mysql_password: (c, args) => {
    if (args.length !== 1) throw fnError(c, `mysql_password(): Wrong number of arguments given (${args.length} for 1)`);
    const p = args[0] === undefined ? '' : args[0];
    if (typeof p !== 'string') throw fnError(c, `undefined method \`empty?' for ${String(p)}`);
    return nativePassword(p);
  },
  'mysql::strip_hash': (c, args) => {
    const h = args[0];
    if (args.length !== 1 || !isHash(h)) throw fnError(c, `'mysql::strip_hash' parameter 'hash' expects a Hash value, got ${typeNameOf(h)}`);
    return new Map([...h].filter(([, v]) => v !== '').map(([k, v]) => [k, isHash(v) ? new Map([...v].filter(([, x]) => x !== '')) : v]));
  },
};
