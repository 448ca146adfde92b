// Certname rules as puppetserver applies them to CSR subjects
// (validate-subject!): lowercase, no wildcards, DNS-like labels.
import { KurokoError } from '../util/diagnostic.js';

const LABEL = /^[\p{L}\p{N}\-_]*[\p{L}\p{N}_]$/u;

/** Why a certname is not acceptable, or undefined when it is. */
export function certnameProblem(name: string): string | undefined {
  if (name.length === 0) return 'it is empty';
  if (name.length > 255) return 'it is longer than 255 characters';
  if (name !== name.toLowerCase()) return 'Certificate names must be lower case';
  if (name.includes('*')) return 'Certificate names must not contain wildcards';
  if (name.endsWith('-')) return 'Certificate names must not end with a dash';
  if (!/^[\p{L}\p{N}_]/u.test(name)) return 'Certificate names must start with a letter, digit or underscore';
  for (const label of name.split('.')) if (!LABEL.test(label)) return `label '${label}' is not valid`;
  return undefined;
}

export function validateCertname(name: string): void {
  const why = certnameProblem(name);
  if (why) throw new KurokoError(`Invalid certname '${name}': ${why}`, { code: 'KUR0901', node: name, field: 'certname', value: name });
}

/** Same rules, for file names under ssldir/cadir: refuses path tricks before any file is touched. */
export function safeFileName(name: string): string {
  validateCertname(name);
  if (name.includes('/') || name.includes('\0') || name === '.' || name === '..') {
    throw new KurokoError(`Invalid certname '${name}'`, { code: 'KUR0901', node: name });
  }
  return name;
}
