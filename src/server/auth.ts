// puppetserver's authorization rules (trapperkeeper-authorization semantics):
// rules sorted by sort-order then name; the first whose match-request fits
// the request decides; none fits → 403. A rule either admits everyone
// (allow-unauthenticated) or requires a verified client certificate, then
// refuses it when `deny` matches and admits it when `allow` matches.
// `type: regex` rules may use `$1`… in allow/deny (the own-certname rules).
import { readFileSync, existsSync } from 'node:fs';
import { KurokoError } from '../util/diagnostic.js';
import { parseHocon, type HoconValue } from '../util/hocon.js';
import type { ClientIdentity } from './http-types.js';

/** One allow/deny entry: a name pattern, or a certname / extensions map. */
export type AclEntry =
  | { kind: 'name'; pattern: string }
  | { kind: 'extensions'; extensions: Record<string, string[]> };

export interface AuthRule {
  name: string;
  sortOrder: number;
  match: {
    path: string;
    type: 'path' | 'regex';
    /** Lower-case methods; empty means any. */
    methods: string[];
    /** Every named param must be present with one of the listed values. */
    queryParams?: Record<string, string[]>;
  };
  allowUnauthenticated: boolean;
  allow: AclEntry[];
  deny: AclEntry[];
  /** Compiled once. */
  regex?: RegExp;
}

export interface AuthRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  client: ClientIdentity;
  remoteAddress?: string;
}

export interface AuthDecision {
  allowed: boolean;
  rule?: string;
  /** Puppet's wording, for the 403 body and the log. */
  message: string;
}

const METHODS = new Set(['get', 'post', 'put', 'delete', 'head']);

// The rules puppetserver 7 ships (ezbake/config/conf.d/auth.conf), as data.
const DEFAULT_AUTH_CONF = `
authorization: {
  version: 1
  rules: [
    { match-request: { path: "^/puppet/v3/catalog/([^/]+)$", type: regex, method: [get, post] }
      allow: "$1", sort-order: 500, name: "puppetlabs v3 catalog from agents" }
    { match-request: { path: "^/puppet/v4/catalog/?$", type: regex, method: post }
      deny: "*", sort-order: 500, name: "puppetlabs v4 catalog for services" }
    { match-request: { path: "/puppet-ca/v1/certificate/", type: path, method: get }
      allow-unauthenticated: true, sort-order: 500, name: "puppetlabs certificate" }
    { match-request: { path: "/puppet-ca/v1/certificate_revocation_list/ca", type: path, method: get }
      allow-unauthenticated: true, sort-order: 500, name: "puppetlabs crl" }
    { match-request: { path: "/puppet-ca/v1/certificate_request", type: path, method: [get, put] }
      allow-unauthenticated: true, sort-order: 500, name: "puppetlabs csr" }
    { match-request: { path: "/puppet-ca/v1/certificate_renewal", type: path, method: post }
      allow: "*", sort-order: 500, name: "puppetlabs certificate renewal" }
    { match-request: { path: "/puppet-ca/v1/certificate_status", type: path, method: [get, put, delete] }
      allow: { extensions: { pp_cli_auth: "true" } }, sort-order: 500, name: "puppetlabs cert status" }
    { match-request: { path: "^/puppet-ca/v1/certificate_revocation_list$", type: regex, method: put }
      allow: { extensions: { pp_cli_auth: "true" } }, sort-order: 500, name: "puppetlabs CRL update" }
    { match-request: { path: "/puppet-ca/v1/certificate_statuses", type: path, method: get }
      allow: { extensions: { pp_cli_auth: "true" } }, sort-order: 500, name: "puppetlabs cert statuses" }
    { match-request: { path: "/puppet-ca/v1/expirations", type: path, method: get }
      allow: "*", sort-order: 500, name: "puppetlabs CA cert and CRL expirations" }
    { match-request: { path: "/puppet-ca/v1/clean", type: path, method: put }
      allow: { extensions: { pp_cli_auth: "true" } }, sort-order: 500, name: "puppetlabs cert clean" }
    { match-request: { path: "/puppet-ca/v1/sign", type: path, method: post }
      allow: { extensions: { pp_cli_auth: "true" } }, sort-order: 500, name: "puppetlabs cert sign" }
    { match-request: { path: "/puppet-ca/v1/sign/all", type: path, method: post }
      allow: { extensions: { pp_cli_auth: "true" } }, sort-order: 500, name: "puppetlabs cert sign all" }
    { match-request: { path: "/status/v1/services", type: path, method: get }
      allow-unauthenticated: true, sort-order: 500, name: "puppetlabs status service - full" }
    { match-request: { path: "/status/v1/simple", type: path, method: get }
      allow-unauthenticated: true, sort-order: 500, name: "puppetlabs status service - simple" }
    { match-request: { path: "/puppet/v3/environments", type: path, method: get }
      allow: "*", sort-order: 500, name: "puppetlabs environments" }
    { match-request: { path: "/puppet/v3/file_bucket_file", type: path, method: [get, head, post, put] }
      allow: "*", sort-order: 500, name: "puppetlabs file bucket file" }
    { match-request: { path: "/puppet/v3/file_content", type: path, method: [get, post] }
      allow: "*", sort-order: 500, name: "puppetlabs file content" }
    { match-request: { path: "/puppet/v3/file_metadata", type: path, method: [get, post] }
      allow: "*", sort-order: 500, name: "puppetlabs file metadata" }
    { match-request: { path: "^/puppet/v3/node/([^/]+)$", type: regex, method: get }
      allow: "$1", sort-order: 500, name: "puppetlabs node" }
    { match-request: { path: "^/puppet/v3/report/([^/]+)$", type: regex, method: put }
      allow: "$1", sort-order: 500, name: "puppetlabs report" }
    { match-request: { path: "^/puppet/v3/facts/([^/]+)$", type: regex, method: put }
      allow: "$1", sort-order: 500, name: "puppetlabs facts" }
    { match-request: { path: "/puppet/v3/static_file_content", type: path, method: get }
      allow: "*", sort-order: 500, name: "puppetlabs static file content" }
    { match-request: { path: "/puppet/v3/tasks", type: path }
      allow: "*", sort-order: 500, name: "puppetlabs tasks information" }
    { match-request: { path: "/", type: path }
      deny: "*", sort-order: 999, name: "puppetlabs deny all" }
  ]
}
`;

function asList(v: HoconValue | undefined): HoconValue[] {
  if (v === undefined || v === null) return [];
  return Array.isArray(v) ? v : [v];
}

function parseAcl(v: HoconValue | undefined, field: string, file: string, ruleName: string): AclEntry[] {
  const out: AclEntry[] = [];
  for (const e of asList(v)) {
    if (typeof e === 'string') out.push({ kind: 'name', pattern: e });
    else if (e && typeof e === 'object' && !Array.isArray(e)) {
      if (typeof e.certname === 'string') out.push({ kind: 'name', pattern: e.certname });
      else if (e.extensions && typeof e.extensions === 'object' && !Array.isArray(e.extensions)) {
        const ext: Record<string, string[]> = {};
        for (const [k, val] of Object.entries(e.extensions)) ext[k] = asList(val).map(String);
        out.push({ kind: 'extensions', extensions: ext });
      } else throw new KurokoError(`Rule '${ruleName}': ${field} entries must be a name, {certname: ...} or {extensions: {...}}`, { code: 'KUR0621', field, value: JSON.stringify(e), location: { file } });
    } else throw new KurokoError(`Rule '${ruleName}': invalid ${field} entry`, { code: 'KUR0621', field, value: JSON.stringify(e), location: { file } });
  }
  return out;
}

/** Turns a parsed auth.conf into rules, checking every field. */
export function rulesFromConfig(doc: { [k: string]: HoconValue }, file: string): AuthRule[] {
  const auth = doc.authorization;
  if (!auth || typeof auth !== 'object' || Array.isArray(auth)) throw new KurokoError(`${file}: expected a top-level 'authorization' object`, { code: 'KUR0621', field: 'authorization', location: { file } });
  if (auth.version !== undefined && auth.version !== 1) throw new KurokoError(`${file}: unsupported authorization version`, { code: 'KUR0621', field: 'authorization.version', value: auth.version, location: { file } });
  if (!Array.isArray(auth.rules)) throw new KurokoError(`${file}: 'authorization.rules' must be an array`, { code: 'KUR0621', field: 'authorization.rules', location: { file } });
  const rules: AuthRule[] = [];
  const names = new Set<string>();
  auth.rules.forEach((raw, i) => {
    const where = `authorization.rules[${i}]`;
    if (!raw || typeof raw !== 'object' || Array.isArray(raw)) throw new KurokoError(`${file}: ${where} must be an object`, { code: 'KUR0621', field: where, location: { file } });
    const name = raw.name;
    if (typeof name !== 'string' || !name) throw new KurokoError(`${file}: ${where} needs a name`, { code: 'KUR0621', field: `${where}.name`, location: { file } });
    if (names.has(name)) throw new KurokoError(`${file}: duplicate rule name '${name}'`, { code: 'KUR0621', field: `${where}.name`, value: name, location: { file } });
    names.add(name);
    const mr = raw['match-request'];
    if (!mr || typeof mr !== 'object' || Array.isArray(mr) || typeof mr.path !== 'string') throw new KurokoError(`${file}: rule '${name}' needs match-request.path`, { code: 'KUR0621', field: `${where}.match-request.path`, location: { file } });
    const type = mr.type ?? 'path';
    if (type !== 'path' && type !== 'regex') throw new KurokoError(`${file}: rule '${name}': match-request.type must be path or regex`, { code: 'KUR0621', field: `${where}.match-request.type`, value: type, location: { file } });
    const methods = asList(mr.method).map((m) => String(m).toLowerCase());
    for (const m of methods) if (!METHODS.has(m)) throw new KurokoError(`${file}: rule '${name}': unknown method '${m}'`, { code: 'KUR0621', field: `${where}.match-request.method`, value: m, location: { file } });
    let queryParams: Record<string, string[]> | undefined;
    if (mr['query-params'] !== undefined) {
      const qp = mr['query-params'];
      if (!qp || typeof qp !== 'object' || Array.isArray(qp)) throw new KurokoError(`${file}: rule '${name}': query-params must be an object`, { code: 'KUR0621', field: `${where}.match-request.query-params`, location: { file } });
      queryParams = {};
      for (const [k, v] of Object.entries(qp)) queryParams[k] = asList(v).map(String);
    }
    const allowUnauthenticated = raw['allow-unauthenticated'] === true;
    const allow = parseAcl(raw.allow, 'allow', file, name);
    const deny = parseAcl(raw.deny, 'deny', file, name);
    if (allowUnauthenticated && (allow.length || deny.length)) throw new KurokoError(`${file}: rule '${name}': allow-unauthenticated cannot be combined with allow or deny`, { code: 'KUR0621', field: where, location: { file } });
    if (!allowUnauthenticated && !allow.length && !deny.length) throw new KurokoError(`${file}: rule '${name}' needs allow, deny or allow-unauthenticated`, { code: 'KUR0621', field: where, location: { file } });
    const sortOrder = raw['sort-order'] ?? 500;
    if (typeof sortOrder !== 'number' || !Number.isInteger(sortOrder) || sortOrder < 1 || sortOrder > 999) throw new KurokoError(`${file}: rule '${name}': sort-order must be an integer from 1 to 999`, { code: 'KUR0621', field: `${where}.sort-order`, value: sortOrder, location: { file } });
    let regex: RegExp | undefined;
    if (type === 'regex') {
      try { regex = new RegExp(mr.path); } catch (e) {
        throw new KurokoError(`${file}: rule '${name}': invalid regex: ${(e as Error).message}`, { code: 'KUR0621', field: `${where}.match-request.path`, value: mr.path, location: { file } });
      }
    }
    rules.push({ name, sortOrder, match: { path: mr.path, type, methods, queryParams }, allowUnauthenticated, allow, deny, regex });
  });
  return sortRules(rules);
}

export function sortRules(rules: AuthRule[]): AuthRule[] {
  return [...rules].sort((a, b) => a.sortOrder - b.sortOrder || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

let defaults: AuthRule[] | undefined;
/** puppetserver's default rule set. */
export function defaultRules(): AuthRule[] {
  return (defaults ??= rulesFromConfig(parseHocon(DEFAULT_AUTH_CONF, '<default auth.conf>'), '<default auth.conf>'));
}

/**
 * The rules in force: the site auth.conf when it exists (as in puppetserver,
 * the file is the whole rule set), else the defaults.
 */
export function loadRules(path: string | undefined): { rules: AuthRule[]; source: string } {
  if (path && existsSync(path)) {
    let text: string;
    try { text = readFileSync(path, 'utf8'); } catch (e) {
      throw new KurokoError(`Cannot read ${path}: ${(e as Error).message}`, { code: 'KUR0621', field: 'rest_authconfig', value: path });
    }
    return { rules: rulesFromConfig(parseHocon(text, path), path), source: path };
  }
  return { rules: defaultRules(), source: 'built-in defaults' };
}

/** Matches a name pattern: exact, `*`, `*.domain` globs, `/regex/`. Back-references already substituted. */
function nameMatches(pattern: string, certname: string): boolean {
  const p = pattern.toLowerCase();
  const n = certname.toLowerCase();
  if (p === '*') return true;
  if (p.length > 2 && p.startsWith('/') && p.endsWith('/')) {
    try { return new RegExp(pattern.slice(1, -1)).test(certname); } catch { return false; }
  }
  if (p.startsWith('*.')) {
    const suffix = p.slice(1); // ".example.com"
    return n.endsWith(suffix) && n.length > suffix.length;
  }
  return p === n;
}

function entryMatches(e: AclEntry, client: ClientIdentity, captures: string[]): boolean {
  if (!client.certname) return false;
  if (e.kind === 'name') {
    const pattern = e.pattern.replace(/\$(\d+)/g, (_, d: string) => captures[Number(d)] ?? '\u0000');
    return nameMatches(pattern, client.certname);
  }
  for (const [k, values] of Object.entries(e.extensions)) {
    const have = client.extensions[k];
    if (have === undefined || !values.includes(have)) return false;
  }
  return true;
}

function describe(req: AuthRequest): string {
  const who = req.client.certname ?? '';
  return `${who}(${req.remoteAddress ?? 'unknown'}) access to ${req.path} (method :${req.method.toLowerCase()}) (authenticated: ${req.client.authenticated})`;
}

/** Decides one request. */
export function authorize(rules: AuthRule[], req: AuthRequest): AuthDecision {
  const method = req.method.toLowerCase();
  for (const rule of rules) {
    if (rule.match.methods.length && !rule.match.methods.includes(method)) continue;
    let captures: string[] = [];
    if (rule.match.type === 'path') {
      if (!req.path.startsWith(rule.match.path)) continue;
    } else {
      const m = rule.regex!.exec(req.path);
      if (!m) continue;
      captures = m.map((s) => s ?? '');
    }
    if (rule.match.queryParams) {
      const ok = Object.entries(rule.match.queryParams).every(([k, vals]) => req.query.getAll(k).some((v) => vals.includes(v)));
      if (!ok) continue;
    }
    if (rule.allowUnauthenticated) return { allowed: true, rule: rule.name, message: `allowed by rule '${rule.name}'` };
    const denied = `Forbidden request: ${describe(req)} denied by rule '${rule.name}'.`;
    if (!req.client.authenticated || !req.client.certname) return { allowed: false, rule: rule.name, message: denied };
    if (rule.deny.some((e) => entryMatches(e, req.client, captures))) return { allowed: false, rule: rule.name, message: denied };
    if (rule.allow.some((e) => entryMatches(e, req.client, captures))) return { allowed: true, rule: rule.name, message: `allowed by rule '${rule.name}'` };
    return { allowed: false, rule: rule.name, message: denied };
  }
  return { allowed: false, message: `Forbidden request: ${describe(req)} denied by rule 'no matching rule'.` };
}
