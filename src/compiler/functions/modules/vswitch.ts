// openstack-vswitch's Ruby function: a CPU range list ("1-3,8") as a hex mask.
import { type Functions, fnError } from './support.js';
import { typeNameOf } from '../../types/types.js';
import { rubyToI } from './support.js';

export const VSWITCH_FUNCTIONS: Functions = {
  range_to_mask: (c, args) => {
    const r = args[0];
    if (args.length !== 1) throw fnError(c, `'range_to_mask' expects 1 argument, got ${args.length}`);
    if (r === undefined || r === '') return undefined;
    if (typeof r !== 'string' || !/^[0-9\-,]/m.test(r)) throw fnError(c, `'range_to_mask' parameter 'range' expects a value of type Undef or Pattern, got ${typeNameOf(r)}`);
    const cpus = r.split(',').filter((x) => x !== '').flatMap((part) => {
      if (!part.includes('-')) return [part];
      const [a, b] = part.split('-').map(rubyToI);
      const out: string[] = [];
      for (let i = a; i <= b; i++) out.push(String(i));
      return out;
    }).join(',').split(',').filter((x) => x !== '');
    let mask = 0n;
    for (const cpu of cpus) mask |= 1n << BigInt(rubyToI(cpu));
    return mask.toString(16);
  },
};
