// openstack-ironic's Ruby function: IPv6 netmasks as prefix lengths for dnsmasq.
import { isHash, type Value } from '../../types/values.js';
import { type Functions, fnError, parseIp } from './support.js';

export const IRONIC_FUNCTIONS: Functions = {
  ipv6_normalize_dnsmasq_ip_subnets: (c, args) => {
    if (args.length !== 1 || !Array.isArray(args[0])) throw fnError(c, `'ipv6_normalize_dnsmasq_ip_subnets' expects an Array of Hash`);
    return args[0].map((s: Value) => {
      if (!isHash(s)) return s;
      const out = new Map(s);
      const nm = parseIp(s.get('netmask'));
      if (nm?.v6) out.set('netmask', nm.bytes.reduce((n, b) => n + b.toString(2).split('').filter((x) => x === '1').length, 0));
      const gw = parseIp(s.get('gateway'));
      if (gw?.v6) out.delete('gateway');
      return out;
    });
  },
};
