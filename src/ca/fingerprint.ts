// Fingerprints as Puppet prints them: colon-separated upper-case hex of a
// digest over the DER encoding.
import { createHash } from 'node:crypto';

export type DigestName = 'SHA1' | 'SHA256' | 'SHA512';

export function fingerprint(der: Uint8Array, digest: DigestName = 'SHA256'): string {
  const hex = createHash(digest.toLowerCase()).update(der).digest('hex').toUpperCase();
  return hex.match(/../g)!.join(':');
}

export function fingerprints(der: Uint8Array): { default: string; SHA1: string; SHA256: string; SHA512: string } {
  const SHA256 = fingerprint(der, 'SHA256');
  return { default: SHA256, SHA1: fingerprint(der, 'SHA1'), SHA256, SHA512: fingerprint(der, 'SHA512') };
}

/** DER bytes of the first PEM block. */
export function pemToDer(pem: string): Buffer {
  const m = /-----BEGIN [^-]+-----([\s\S]*?)-----END [^-]+-----/.exec(pem);
  if (!m) throw new Error('no PEM block found');
  return Buffer.from(m[1].replace(/\s+/g, ''), 'base64');
}

/** Every PEM block of a bundle, each ending in a newline. */
export function pemBlocks(text: string): string[] {
  return [...text.matchAll(/-----BEGIN ([^-]+)-----[\s\S]*?-----END \1-----/g)].map((m) => m[0] + '\n');
}

/** PEM text with this label, 64 columns, ending in a newline. */
export function derToPem(der: ArrayBuffer | Uint8Array, label: string): string {
  const b64 = Buffer.from(der instanceof Uint8Array ? der : new Uint8Array(der)).toString('base64');
  return `-----BEGIN ${label}-----\n${b64.match(/.{1,64}/g)!.join('\n')}\n-----END ${label}-----\n`;
}
