// stdlib's namespaced Ruby functions (lib/puppet/functions/stdlib/*.rb).
import type { BuiltinFunction } from '../../evaluator/context.js';
import type { Value } from '../../types/values.js';
import { ResourceType, typeNameOf } from '../../types/types.js';
import { type Functions, fnError, parseIp, ipIncludes } from './support.js';
import { rubyExtname } from './staging.js';

function affixTest(name: string, test: (s: string, x: string) => boolean): BuiltinFunction {
  return (c, args) => {
    const [s, list] = args;
    if (typeof s !== 'string') throw fnError(c, `'${name}' parameter 'test_string' expects a String value, got ${typeNameOf(s)}`);
    const items: Value[] = Array.isArray(list) ? list : [list];
    if (!items.length || !items.every((x) => typeof x === 'string' && x.length > 0)) throw fnError(c, `'${name}' expects a String[1] or a non-empty Array[String[1]] as second argument, got ${typeNameOf(list)}`);
    return (items as string[]).some((x) => test(s, x));
  };
}

export const STDLIB_NAMESPACED_FUNCTIONS: Functions = {
  'stdlib::ip_in_range': (c, args) => {
    const [ip, range] = args;
    if (typeof ip !== 'string') throw fnError(c, `'stdlib::ip_in_range' parameter 'ipaddress' expects a String value, got ${typeNameOf(ip)}`);
    if (typeof range !== 'string' && !Array.isArray(range)) throw fnError(c, `'stdlib::ip_in_range' parameter 'range' expects a value of type String or Array, got ${typeNameOf(range)}`);
    const addr = parseIp(ip);
    if (!addr) throw fnError(c, `invalid address: ${ip}`);
    const nets = (Array.isArray(range) ? range : [range]).map((r) => {
      const n = parseIp(r);
      if (!n) throw fnError(c, `invalid address: ${String(r)}`);
      return n;
    });
    return nets.some((n) => ipIncludes(n, addr));
  },
  'stdlib::start_with': affixTest('stdlib::start_with', (s, x) => s.startsWith(x)),
  'stdlib::end_with': affixTest('stdlib::end_with', (s, x) => s.endsWith(x)),
  'stdlib::extname': (c, args) => {
    if (typeof args[0] !== 'string') throw fnError(c, `'stdlib::extname' parameter 'filename' expects a String value, got ${typeNameOf(args[0])}`);
    return rubyExtname(args[0]);
  },
  'stdlib::xml_encode': (c, args) => {
    const [s, type = 'text'] = args;
    if (typeof s !== 'string') throw fnError(c, `'stdlib::xml_encode' parameter 'str' expects a String value, got ${typeNameOf(s)}`);
    if (type !== 'text' && type !== 'attr') throw fnError(c, `'stdlib::xml_encode' parameter 'type' expects a match for Enum['attr', 'text'], got ${typeNameOf(type)}`);
    const text = s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
    return type === 'attr' ? `"${text.replace(/"/g, '&quot;')}"` : text;
  },
  'stdlib::str2resource': (c, args) => {
    const s = args[0];
    if (typeof s !== 'string') throw fnError(c, `'stdlib::str2resource' parameter 'res_string' expects a String value, got ${typeNameOf(s)}`);
    const m = /^([^[\]]+)\[([\s\S]+)\]$/.exec(s);
    const r = m ? c.ctx.catalog.find(m[1].toLowerCase(), m[2]) : undefined;
    if (!m || !r) throw fnError(c, `stdlib::str2resource(): could not find ${m ? `${m[1]}[${m[2]}]` : s}, this is parse order dependent and values should not be quoted`);
    return new ResourceType(r.type.toLowerCase(), r.title);
  },
};
