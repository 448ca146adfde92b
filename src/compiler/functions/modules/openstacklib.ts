// openstacklib's Ruby functions (lib/puppet/functions/*.rb): service-default
// checks and the URL builders the OpenStack modules use for every service.
import type { BuiltinFunction, CallInfo } from '../../evaluator/context.js';
import { isHash, type PHash, type Value } from '../../types/values.js';
import { type Functions, fnError, rubyClass, rubyToS, parseIp, callFunction } from './support.js';

/** ERB::Util.url_encode: everything but [A-Za-z0-9_.~-] as %XX. */
export function urlEncode(s: string): string {
  return [...Buffer.from(s, 'utf8')].map((b) => {
    const ch = String.fromCharCode(b);
    return /[A-Za-z0-9_.~-]/.test(ch) ? ch : `%${b.toString(16).toUpperCase().padStart(2, '0')}`;
  }).join('');
}

function normalizeOne(ip: Value): Value {
  if (typeof ip !== 'string') return ip;
  const a = parseIp(ip);
  if (a?.v6 && !/\[.+\]/.test(ip)) return `[${ip}]`;
  return ip;
}

const normalizeIpForUri: BuiltinFunction = (_c, args) => {
  const list = Array.isArray(args[0]) ? args[0] : args;
  const out = list.map(normalizeOne);
  return list.length === 1 ? out[0] : out;
};

const inet6Prefix: BuiltinFunction = (_c, args) => {
  const list = Array.isArray(args[0]) ? args[0] : args;
  const out = list.map((ip) => {
    if (typeof ip !== 'string' || /^inet6:.+/m.test(ip)) return ip;
    const parts = ip.split(/\s|\[|\]/).filter((x) => x !== '');
    const a = parts.length ? parseIp(parts[0]) : undefined;
    if (a?.v6) return `inet6:[${parts.shift()}]${parts.join('')}`;
    return ip;
  });
  return list.length === 1 ? out[0] : out;
};

function userinfo(v: PHash): string | undefined {
  const u = v.get('username');
  if (!v.has('username') || rubyToS(u) === '') return undefined;
  let info = urlEncode(rubyToS(u));
  const p = v.get('password');
  if (v.has('password') && rubyToS(p) !== '') info += `:${urlEncode(rubyToS(p))}`;
  return info;
}

function str2bool(c: CallInfo, v: Value): boolean {
  if (typeof v === 'boolean') return v;
  if (typeof v !== 'string') throw fnError(c, 'str2bool(): Requires string to work with');
  if (v === '') return false;
  if (/^(1|t|y|true|yes)$/im.test(v)) return true;
  if (/^(0|f|n|false|no)$/im.test(v)) return false;
  if (/^(undef|undefined)$/m.test(v)) return false;
  throw fnError(c, 'os_transport_url _str2bool(): Unknown type of boolean given');
}

const osTransportUrl: BuiltinFunction = (c, args) => {
  if (args.length !== 1) throw fnError(c, 'os_transport_url(): Wrong number of arguments');
  const raw = args[0];
  if (!isHash(raw)) throw fnError(c, `os_transport_url(): Requires an hash, got ${rubyClass(raw)}`);
  const v: PHash = new Map();
  for (const [key, val] of raw) {
    const x = key === 'port' ? rubyToS(val) : val;
    v.set(key, x);
    const klass = key === 'hosts' ? 'Array' : key === 'query' ? 'Hash' : 'String';
    if (rubyClass(x) !== klass) throw fnError(c, `os_transport_url(): ${rubyToS(key)} should be a ${klass}`);
  }
  if (!v.has('transport')) throw fnError(c, 'os_transport_url(): transport is required');
  if (!v.has('host') && !v.has('hosts')) throw fnError(c, 'os_transport_url(): host or hosts is required');
  if (v.has('host') && v.has('hosts')) throw fnError(c, 'os_transport_url(): cannot use both host and hosts.');
  const info = userinfo(v);
  let hostinfo = 'localhost';
  if (v.has('host')) {
    let host = rubyToS(callFunction(c, 'normalize_ip_for_uri', [v.get('host')]));
    if (v.has('port')) host += `:${rubyToS(v.get('port'))}`;
    hostinfo = info !== undefined ? `${info}@${host}` : host;
  }
  if (v.has('hosts')) {
    const n = callFunction(c, 'normalize_ip_for_uri', [v.get('hosts')]);
    let hosts = (typeof n === 'string' ? [n] : (n as Value[])).map(rubyToS);
    if (v.has('port')) hosts = hosts.map((h) => `${h}:${rubyToS(v.get('port'))}`);
    hostinfo = hosts.map((h) => (info !== undefined ? `${info}@${h}` : h)).join(',');
  }
  const path = v.has('virtual_host') ? `/${rubyToS(v.get('virtual_host'))}` : '/';
  const query: PHash = new Map();
  const q = v.get('query');
  if (isHash(q)) for (const [k, x] of q) query.set(k, x);
  if (v.has('ssl')) { str2bool(c, v.get('ssl')); query.set('ssl', str2bool(c, v.get('ssl')) ? 1 : 0); }
  let url = `${rubyToS(v.get('transport'))}://${hostinfo}${path}`;
  if (query.size) url += '?' + [...query].map(([k, x]) => `${rubyToS(k)}=${rubyToS(x)}`).join('&');
  return url;
};

const osDatabaseConnection: BuiltinFunction = (c, args) => {
  if (args.length !== 1) throw fnError(c, `os_database_connection(): Wrong number of arguments given (${args.length} for 1)`);
  const v = args[0];
  if (!isHash(v)) throw fnError(c, `os_database_connection(): Requires an hash, got ${rubyClass(v)}`);
  for (const [key, val] of v) {
    const klass = key === 'extra' ? 'Hash' : 'String';
    if (rubyClass(val) !== klass) throw fnError(c, `os_database_connection(): ${rubyToS(key)} should be a ${klass}`);
  }
  if (!v.has('dialect')) throw fnError(c, 'os_database_connection(): dialect is required');
  if (!v.has('database')) throw fnError(c, 'os_database_connection(): database is required');
  if (v.has('port') && !v.has('host')) throw fnError(c, 'os_database_connection(): host is required with port');
  const extra: PHash = new Map();
  const e = v.get('extra');
  if (isHash(e)) for (const [k, x] of e) extra.set(k, x);
  if (v.has('charset')) extra.set('charset', v.get('charset'));
  const info = userinfo(v);
  let url = `${rubyToS(v.get('dialect'))}:`;
  if (v.has('host')) {
    let host = rubyToS(v.get('host'));
    if (parseIp(host)?.v6 && !host.startsWith('[')) host = `[${host}]`;
    url += `//${info !== undefined ? info + '@' : ''}${host}`;
    if (v.has('port')) url += `:${parseInt(rubyToS(v.get('port')), 10) || 0}`;
    url += `/${rubyToS(v.get('database'))}`;
  } else url += `///${rubyToS(v.get('database'))}`;
  if (extra.size) url += '?' + [...extra].map(([k, x]) => `${rubyToS(k)}=${rubyToS(x)}`).join('&');
  return url;
};

export const OPENSTACKLIB_FUNCTIONS: Functions = {
  is_service_default: (c, args) => {
    if (args.length !== 1) throw fnError(c, `is_service_default(): Wrong number of argumentsgiven (${args.length} for 1)`);
    return args[0] === '<SERVICE DEFAULT>';
  },
  normalize_ip_for_uri: normalizeIpForUri,
  inet6_prefix: inet6Prefix,
  os_transport_url: osTransportUrl,
  os_database_connection: osDatabaseConnection,
};
