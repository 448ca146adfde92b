// saz-memcached's Ruby function: the cache size from the memorysize fact.
import { isHash, type Value } from '../../types/values.js';
import { type Functions, fnError, rubyToS, rubyToI, rubyToF } from './support.js';

const UNITS: Record<string, number> = { '': 1, k: 2 ** 10, M: 2 ** 20, G: 2 ** 30, T: 2 ** 40, E: 2 ** 50 };

export const MEMCACHED_FUNCTIONS: Functions = {
  'memcached::max_memory': (c, args) => {
    if (args.length !== 1) throw fnError(c, `'memcached::max_memory' expects 1 argument, got ${args.length}`);
    const arg: Value = args[0];
    if (arg !== undefined && arg !== false && !rubyToS(arg).endsWith('%')) return rubyToI(arg);
    const pct = arg !== undefined && arg !== false ? arg : '95%';
    const facts = c.ctx.topScope.lookup('facts').value;
    const memsize = rubyToS(isHash(facts) ? facts.get('memorysize') : undefined);
    const m = /([0-9.e+-]*)\s*([^bB]?)/.exec(memsize)!;
    const unit = UNITS[m[2]];
    if (unit === undefined) throw fnError(c, `memcached_max_memory(): Unknown prefix ${m[2]}`);
    const bytes = Math.trunc(rubyToF(m[1]) * unit);
    return Math.floor(Math.trunc(bytes / 2 ** 20) * (rubyToF(pct) / 100.0));
  },
};
