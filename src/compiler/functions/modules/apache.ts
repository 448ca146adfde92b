// puppetlabs-apache's Ruby function.
import { createHash } from 'node:crypto';
import { PRegexp, type Value } from '../../types/values.js';
import { typeNameOf } from '../../types/types.js';
import type { BuiltinFunction } from '../../evaluator/context.js';
import { type Functions, fnError, rubyToS, deprecation, callFunction } from './support.js';

const deprecated = (name: string, target: string, what = 'function'): BuiltinFunction => (c, args) => {
  deprecation(c, name, `This ${what} is deprecated, please use ${target} instead.`);
  return callFunction(c, target, args);
};

const matches = (v: Value, re: RegExp) => typeof v === 'string' && re.test(v);

export const APACHE_FUNCTIONS: Functions = {
  'apache::bool2httpd': (c, args) => {
    if (args.length !== 1) throw fnError(c, `'apache::bool2httpd' expects 1 argument, got ${args.length}`);
    const a = args[0];
    if (a === undefined || a === false || matches(a, /false/i)) return 'Off';
    if (a === true || matches(a, /true/i)) return 'On';
    return a instanceof PRegexp ? `(?-mix:${a.source})` : rubyToS(a);
  },
  'apache::pw_hash': (c, args) => {
    const p = args[0];
    if (args.length !== 1 || typeof p !== 'string' || p === '') throw fnError(c, `'apache::pw_hash' parameter 'password' expects a String[1] value, got ${typeNameOf(p)}`);
    return '{SHA}' + createHash('sha1').update(p, 'utf8').digest('base64');
  },
  'apache::apache_pw_hash': deprecated('apache::apache_pw_hash', 'apache::pw_hash'),
  apache_pw_hash: deprecated('apache_pw_hash', 'apache::pw_hash'),
  bool2httpd: deprecated('bool2httpd', 'apache::bool2httpd'),
};
export { deprecated };
