// puppet-collectd's Ruby function: the old processes array to a hash.
import { isHash, type Value } from '../../types/values.js';
import { type Functions, fnError } from './support.js';

export const COLLECTD_FUNCTIONS: Functions = {
  collectd_convert_processes: (c, raw) => {
    const args = raw.map((a) => (a === undefined ? '' : a));
    if (args.length !== 1) throw fnError(c, 'convert_process_array(): Needs exactly one argument');
    if (isHash(args[0])) return args[0];
    if (!Array.isArray(args[0])) throw fnError(c, 'convert_process_array(): Needs an array as argument');
    const out = new Map<Value, Value>();
    for (const p of args[0]) {
      if (typeof p === 'string') out.set(p, new Map());
      else if (isHash(p)) {
        const h = new Map(p);
        const name = h.get('name');
        h.delete('name');
        out.set(name, h);
      } else throw fnError(c, 'convert_process_array(): array element must be string or hash');
    }
    return out;
  },
};
