// puppetlabs-translate's function: no translations are loaded, so the
// message itself, formatted with Ruby's String#% when values are given.
import { isHash } from '../../types/values.js';
import { type Functions, fnError, rubyToS } from './support.js';
import { typeNameOf } from '../../types/types.js';

export const TRANSLATE_FUNCTIONS: Functions = {
  translate: (c, args) => {
    const [msg, values] = args;
    if (typeof msg !== 'string') throw fnError(c, `'translate' parameter 'message' expects a String value, got ${typeNameOf(msg)}`);
    if (values === undefined) return msg;
    if (!isHash(values)) throw fnError(c, `'translate' parameter 'interpolation_values' expects a Hash value, got ${typeNameOf(values)}`);
    const get = (k: string) => {
      for (const [kk, v] of values) if (rubyToS(kk) === k) return rubyToS(v);
      throw fnError(c, `key<${k}> not found`);
    };
    return msg.replace(/%%|%\{(\w+)\}|%<(\w+)>s/g, (all, a?: string, b?: string) => (all === '%%' ? '%' : get(a ?? b!)));
  },
};
