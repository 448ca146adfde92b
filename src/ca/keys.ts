// Key pairs: generated natively by node:crypto (fast, off the main thread),
// stored as Puppet writes them (PKCS#1 "RSA PRIVATE KEY", SEC1 "EC PRIVATE
// KEY"), and imported into WebCrypto for @peculiar/x509's signing.
import { createPrivateKey, createPublicKey, generateKeyPair as nodeGenerateKeyPair, generateKeyPairSync, webcrypto, type KeyObject } from 'node:crypto';
import { promisify } from 'node:util';
import { KurokoError } from '../util/diagnostic.js';

const generate = promisify(nodeGenerateKeyPair);

export type KeyType = 'rsa' | 'ec';

export interface KeyOptions { type?: KeyType; bits?: number }

export interface KeyPair { privateKey: KeyObject; publicKey: KeyObject }

export async function generateKeyPair(opts: KeyOptions = {}): Promise<KeyPair> {
  const type = opts.type ?? 'rsa';
  // P-256 takes microseconds: a thread-pool round trip would cost more than the work.
  if (type === 'ec') return generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const bits = opts.bits ?? 4096;
  if (!Number.isInteger(bits) || bits < 1024 || bits > 16384) {
    throw new KurokoError(`Invalid keylength ${bits}: expected between 1024 and 16384 bits`, { code: 'KUR0902', field: 'keylength', value: bits });
  }
  return generate('rsa', { modulusLength: bits });
}

export function privateKeyPem(key: KeyObject): string {
  const type = key.asymmetricKeyType === 'ec' ? 'sec1' : key.asymmetricKeyType === 'rsa' ? 'pkcs1' : 'pkcs8';
  return key.export({ format: 'pem', type }) as string;
}

export function publicKeyPem(key: KeyObject): string {
  return key.export({ format: 'pem', type: 'spki' }) as string;
}

export function loadPrivateKey(pem: string, file?: string): KeyObject {
  try { return createPrivateKey(pem); } catch (e) {
    throw new KurokoError(`Could not read private key${file ? ` ${file}` : ''}: ${(e as Error).message}`, { code: 'KUR0903', field: 'file', value: file });
  }
}

export function publicOf(key: KeyObject): KeyObject { return createPublicKey(key); }

/** The WebCrypto algorithm that signs with this key (SHA-256, as Puppet). */
export function signingAlgorithm(key: KeyObject): webcrypto.RsaHashedImportParams | (webcrypto.EcKeyImportParams & { hash: string }) {
  if (key.asymmetricKeyType === 'ec') return { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' };
  return { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' };
}

/** A WebCrypto key pair for signing (CSR self-signature, certificates, CRLs). */
export async function toCryptoKeys(privateKey: KeyObject): Promise<webcrypto.CryptoKeyPair> {
  const alg = signingAlgorithm(privateKey);
  const pkcs8 = privateKey.export({ format: 'der', type: 'pkcs8' });
  const spki = createPublicKey(privateKey).export({ format: 'der', type: 'spki' });
  const [priv, pub] = await Promise.all([
    webcrypto.subtle.importKey('pkcs8', pkcs8, alg, false, ['sign']),
    webcrypto.subtle.importKey('spki', spki, alg, true, ['verify']),
  ]);
  return { privateKey: priv, publicKey: pub };
}

/** Whether a public key (from a certificate or CSR, as SPKI DER) belongs to this private key. */
export function keyMatches(privateKey: KeyObject, spkiDer: ArrayBuffer | Uint8Array): boolean {
  const mine = createPublicKey(privateKey).export({ format: 'der', type: 'spki' });
  return Buffer.compare(mine, Buffer.from(spkiDer instanceof Uint8Array ? spkiDer : new Uint8Array(spkiDer))) === 0;
}
