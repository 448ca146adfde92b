// puppet-archive's Ruby functions that need no network. The artifactory and
// go_md5 functions fetch URLs while compiling; Kuroko refuses them clearly.
import type { BuiltinFunction } from '../../evaluator/context.js';
import { isHash, type Value } from '../../types/values.js';
import { typeNameOf } from '../../types/types.js';
import { type Functions, fnError, rubyToS } from './support.js';

const ARTIFACTORY = new RegExp([
  '(?<base_url>.*/artifactory)/(?<repository>[^/]+)/(?<org_path>.+?)/(?<module>[^/]+)/(?<base_rev>[^/]+?)(?:-(?<folder_iteg_rev>SNAPSHOT))?/',
  '\\k<module>-\\k<base_rev>(?:-(?<file_iteg_rev>SNAPSHOT|(?:(?:[0-9]{8}.[0-9]{6})-(?:[0-9]+))))?(?:-(?<classifier>[^/]+?))?\\.(?<ext>(?:(?!\\d))[^\\-/]+|7z)',
].join(''));
const NAMES = ['base_url', 'repository', 'org_path', 'module', 'base_rev', 'folder_iteg_rev', 'file_iteg_rev', 'classifier', 'ext'];
const HTTP_URL = /^https?:\/\/.*$/is;

/** CGI.escape: space as +, unreserved kept, the rest %XX. */
function cgiEscape(s: string): string {
  return [...Buffer.from(s, 'utf8')].map((b) => {
    const ch = String.fromCharCode(b);
    if (ch === ' ') return '+';
    return /[A-Za-z0-9_.~-]/.test(ch) ? ch : `%${b.toString(16).toUpperCase().padStart(2, '0')}`;
  }).join('');
}

const network = (name: string): BuiltinFunction => (c) => {
  throw fnError(c, `${name}(): fetching URLs while compiling is not supported by Kuroko; give the checksum or URL explicitly`);
};

export const ARCHIVE_FUNCTIONS: Functions = {
  'archive::parse_artifactory_url': (c, args) => {
    const url = args[0];
    if (args.length !== 1 || typeof url !== 'string' || !HTTP_URL.test(url)) throw fnError(c, `'archive::parse_artifactory_url' parameter 'url' expects a match for Variant[Stdlib::HTTPUrl, Stdlib::HTTPSUrl], got ${typeof url === 'string' ? `'${url}'` : typeNameOf(url)}`);
    const m = ARTIFACTORY.exec(url.split('\n')[0]);
    if (!m) return undefined;
    return new Map<Value, Value>(NAMES.map((n) => [n, m.groups?.[n]]));
  },
  assemble_nexus_url: (c, args) => {
    const [base, params] = args.map((a) => (a === undefined ? '' : a));
    const q = isHash(params) ? [...params].map(([k, v]) => `${rubyToS(k)}=${cgiEscape(rubyToS(v))}`).join('&') : '';
    return `${rubyToS(base)}/service/local/artifact/maven/content?${q}`;
  },
  'archive::artifactory_checksum': network('archive::artifactory_checksum'),
  'archive::artifactory_latest_url': network('archive::artifactory_latest_url'),
  go_md5: network('go_md5'),
};
