// The corpus templates (/usr/share/puppet/modules/*/templates/**/*.erb) and
// synthetic bindings for them: every variable a template reads gets a value
// guessed from its name, so that most templates take their main branches.
import { readdirSync, readFileSync, statSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { ErbFloat, type ErbValue } from '../../../src/compiler/erb/index.js';

export const MODULES = '/usr/share/puppet/modules';

export function corpusTemplates(root = MODULES): string[] {
  const out: string[] = [];
  if (!existsSync(root)) return out;
  const walk = (dir: string) => {
    for (const e of readdirSync(dir).sort()) {
      const p = join(dir, e);
      let st;
      try {
        st = statSync(p);
      } catch {
        continue;
      }
      if (st.isDirectory()) walk(p);
      else if (e.endsWith('.erb')) out.push(p);
    }
  };
  for (const m of readdirSync(root).sort()) {
    const t = join(root, m, 'templates');
    if (existsSync(t)) walk(t);
  }
  return out;
}

const FACTS: Record<string, ErbValue> = {
  osfamily: 'Debian', operatingsystem: 'Debian', operatingsystemrelease: '11.5', operatingsystemmajrelease: '11',
  lsbdistcodename: 'bullseye', fqdn: 'node1.test.com', hostname: 'node1', domain: 'test.com', ipaddress: '10.0.0.1',
  architecture: 'amd64', processorcount: 4, memorysize_mb: new ErbFloat(4096.5), kernel: 'Linux', clientcert: 'node1.test.com',
  networking: new Map<ErbValue, ErbValue>([['fqdn', 'node1.test.com'], ['ip', '10.0.0.1'], ['hostname', 'node1']]),
  os: new Map<ErbValue, ErbValue>([['family', 'Debian'], ['name', 'Debian'], ['release', new Map<ErbValue, ErbValue>([['major', '11'], ['full', '11.5']])]]),
};

/** A plausible value for a Puppet variable, from its name. */
export function guessValue(name: string): ErbValue {
  const base = name.replace(/^.*::/, '');
  if (base in FACTS) return FACTS[base];
  if (base === 'ensure') return 'present';
  if (/(^|_)(enable|enabled|manage|use|is|has|allow|disable|disabled|purge|debug|verbose|ssl|tls|ipv6|active|daemonize|compress)(_|$)/.test(base)) return true;
  if (/port$/.test(base)) return 8080;
  if (/(timeout|size|count|number|max|min|limit|workers|threads|processes|level|interval|uid|gid|weight|priority|retries|backlog|mode_num|seconds|minutes|days|ttl)/.test(base)) return 42;
  if (/(options|settings|params|config|hash|vars|env|attrs|parameters|properties|values|extra|custom|defaults|headers|overrides|_opts|entries_hash)$/.test(base)) {
    return new Map<ErbValue, ErbValue>([['key1', 'value1'], ['key2', 'value2']]);
  }
  if (/(s|list|array|_dirs|_paths)$/.test(base)) return [`${base}_a`, `${base}_b`];
  if (/(dir|path|file|root|home)$/.test(base)) return `/var/lib/${base}`;
  if (/(user|owner|group)$/.test(base)) return base;
  if (/(host|server|address|ip|bind|listen)$/.test(base)) return '127.0.0.1';
  if (/(version)$/.test(base)) return '1.2.3';
  return `${base}_value`;
}

/** The variables a template reads: @x, scope['x'], scope.lookupvar('x'), scope['::x']. */
export function templateVariables(source: string): string[] {
  const names = new Set<string>();
  for (const m of source.matchAll(/@([a-z_][A-Za-z0-9_]*)/g)) names.add(m[1]);
  for (const m of source.matchAll(/scope(?:\.lookupvar\(|\[|\.call_function\('lookupvar',\s*\[)\s*['"](?:::)?([A-Za-z_][\w:]*)['"]/g)) names.add(m[1]);
  return Array.from(names).sort();
}

export function plausibleBinding(source: string): Record<string, ErbValue> {
  const vars: Record<string, ErbValue> = {};
  for (const n of templateVariables(source)) vars[n] = guessValue(n);
  return vars;
}

/** Binding variants: names guessed, then the same with every string made an array or a hash, then none. */
export const VARIANTS = ['plausible', 'strings as arrays', 'strings as hashes', 'no variables'] as const;
export type Variant = (typeof VARIANTS)[number];

export function bindingFor(source: string, variant: Variant): Record<string, ErbValue> {
  if (variant === 'no variables') return {};
  const vars = plausibleBinding(source);
  if (variant === 'plausible') return vars;
  for (const [k, v] of Object.entries(vars)) {
    if (typeof v !== 'string') continue;
    vars[k] = variant === 'strings as arrays' ? [v, `${k}_2`] : new Map<ErbValue, ErbValue>([[`${k}_k`, v], ['other', 'x']]);
  }
  return vars;
}

export function readTemplate(path: string): string {
  return readFileSync(path, 'utf8');
}
