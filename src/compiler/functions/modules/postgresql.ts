// puppetlabs-postgresql's Ruby functions: password hashes, dollar quoting,
// and pg_hba rules from ACL lines.
import { createHash } from 'node:crypto';
import type { BuiltinFunction } from '../../evaluator/context.js';
import type { Value } from '../../types/values.js';
import { typeNameOf } from '../../types/types.js';
import { type Functions, fnError, rubyToS, deprecation, callFunction } from './support.js';

const md5 = (s: string) => createHash('md5').update(s, 'utf8').digest('hex');

const password: BuiltinFunction = (c, args) => {
  if (args.length !== 2) throw fnError(c, `'postgresql::postgresql_password' expects 2 arguments, got ${args.length}`);
  const ok = (v: Value) => (typeof v === 'string' && v.length > 0) || typeof v === 'number';
  if (!ok(args[0])) throw fnError(c, `'postgresql::postgresql_password' parameter 'username' expects a value of type String[1] or Integer, got ${typeNameOf(args[0])}`);
  if (!ok(args[1])) throw fnError(c, `'postgresql::postgresql_password' parameter 'password' expects a value of type String[1] or Integer, got ${typeNameOf(args[1])}`);
  return 'md5' + md5(rubyToS(args[1]) + rubyToS(args[0]));
};

export const POSTGRESQL_FUNCTIONS: Functions = {
  'postgresql::postgresql_password': password,
  postgresql_password: (c, args) => {
    deprecation(c, 'postgresql_password', 'This method is deprecated, please use postgresql::postgresql_password instead.');
    return password({ ...c, name: 'postgresql::postgresql_password' }, args);
  },
  postgresql_escape: (c, args) => {
    deprecation(c, 'postgresql_escape', 'This method is deprecated, please use postgresql::postgresql_escape instead.');
    return callFunction(c, 'postgresql::postgresql_escape', args);
  },
  'postgresql::postgresql_escape': (c, args) => {
    const s = args[0];
    if (args.length !== 1 || typeof s !== 'string' || s === '') throw fnError(c, `'postgresql::postgresql_escape' parameter 'input_string' expects a String[1] value, got ${typeNameOf(s)}`);
    if (!(/\$\$/.test(s) || s.endsWith('$'))) return `$$${s}$$`;
    let tag = md5(s).slice(0, 6).replace(/\d/g, '');
    while (new RegExp(tag, 'm').test(s)) tag = md5(tag).slice(0, 6).replace(/\d/g, '');
    return `$${tag}$${s}$${tag}$`;
  },
  'postgresql::postgresql_acls_to_resources_hash': (c, args) => {
    const [acls, id, offset] = args;
    if (!Array.isArray(acls) || !acls.every((a) => typeof a === 'string')) throw fnError(c, `'postgresql::postgresql_acls_to_resources_hash' parameter 'acls' expects an Array[String] value, got ${typeNameOf(acls)}`);
    if (typeof id !== 'string' || id === '') throw fnError(c, `'postgresql::postgresql_acls_to_resources_hash' parameter 'id' expects a String[1] value, got ${typeNameOf(id)}`);
    if (typeof offset !== 'number' || offset < 0) throw fnError(c, `'postgresql::postgresql_acls_to_resources_hash' parameter 'offset' expects an Integer[0] value, got ${typeNameOf(offset)}`);
    const out = new Map<Value, Value>();
    for (const acl of acls as string[]) {
      const index = (acls as string[]).indexOf(acl);
      const parts = acl.trim().split(/\s+/).filter((x) => x !== '');
      if (parts.length < 4) throw fnError(c, `postgresql::postgresql_acls_to_resources_hash(): acl line ${index} does not have enough parts`);
      const r = new Map<Value, Value>([['type', parts[0]], ['database', parts[1]], ['user', parts[2]], ['order', String(offset + index).padStart(3, '0')]]);
      if (parts[0] === 'local') {
        r.set('auth_method', parts[3]);
        if (parts.length > 4) r.set('auth_option', parts.slice(4).join(' '));
      } else if (/^\d/m.test(parts[4] ?? '')) {
        r.set('address', `${parts[3]} ${parts[4]}`);
        r.set('auth_method', parts[5]);
        if (parts.length > 6) r.set('auth_option', parts.slice(6).join(' '));
      } else {
        r.set('address', parts[3]);
        r.set('auth_method', parts[4]);
        if (parts.length > 5) r.set('auth_option', parts.slice(5).join(' '));
      }
      out.set(`postgresql class generated rule ${id} ${index}`, r);
    }
    return out;
  },
};
