// openstack-nova's Ruby function: an array of hashes (or its JSON) as JSON strings.
import { isHash, type Value } from '../../types/values.js';
import { type Functions, fnError, rubyToS } from './support.js';
import { fromJson, toRubyJson } from './stdlib.js';

export const NOVA_FUNCTIONS: Functions = {
  to_array_of_json_strings: (c, args) => {
    if (args.length !== 1) throw fnError(c, 'to_array_of_json_strings(): Wrong number of arguments');
    let list: Value = args[0];
    if (typeof list === 'string') {
      const text = list;
      try {
        list = fromJson(JSON.parse(text));
      } catch {
        try {
          list = fromJson(JSON.parse(text.replace(/'/g, '"')));
        } catch {
          throw fnError(c, `Syntax error: ${text} is not valid`);
        }
        c.ctx.log('warning', `${text} is not valid JSON. Support for this format is deprecated and may be removed in future.`, c.loc);
      }
      if (!Array.isArray(list)) list = [list];
    }
    if (!Array.isArray(list) || !list.every(isHash)) throw fnError(c, `Syntax error: ${rubyToS(args[0])} is not an Array or JSON encoded String`);
    return list.map((e) => toRubyJson(e));
  },
};
