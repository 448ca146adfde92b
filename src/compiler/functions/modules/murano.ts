// openstack-murano's Ruby function: the name of the external network.
import { isHash } from '../../types/values.js';
import { type Functions, fnError } from './support.js';

export const MURANO_FUNCTIONS: Functions = {
  get_ext_net_name: (c, args) => {
    const nets = args[0];
    if (!isHash(nets)) throw fnError(c, 'get_ext_net_name(): No network data provided!');
    for (const [name, v] of nets) {
      const l2 = isHash(v) ? (v.has('L2') ? v.get('L2') : new Map()) : undefined;
      if (!isHash(v)) throw fnError(c, `undefined method \`fetch' for ${String(v)}`);
      const ext = isHash(l2) ? l2.get('router_ext') : undefined;
      if (ext !== undefined && ext !== false) return name;
    }
    return undefined;
  },
};
