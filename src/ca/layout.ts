// Puppet's on-disk layout, exactly: the CA's files under cadir and a node's
// own files under ssldir. Names are validated before they become paths.
import { join } from 'node:path';
import { safeFileName } from './names.js';

export class CaPaths {
  constructor(readonly cadir: string) {}
  get caCert(): string { return join(this.cadir, 'ca_crt.pem'); }
  get caKey(): string { return join(this.cadir, 'ca_key.pem'); }
  get caPub(): string { return join(this.cadir, 'ca_pub.pem'); }
  get caCrl(): string { return join(this.cadir, 'ca_crl.pem'); }
  get signedDir(): string { return join(this.cadir, 'signed'); }
  get requestsDir(): string { return join(this.cadir, 'requests'); }
  get serial(): string { return join(this.cadir, 'serial'); }
  get inventory(): string { return join(this.cadir, 'inventory.txt'); }
  /** Held while the serial, inventory, signed certificates or CRL change. */
  get lock(): string { return join(this.cadir, '.kuroko-ca.lock'); }
  signed(name: string): string { return join(this.signedDir, `${safeFileName(name)}.pem`); }
  request(name: string): string { return join(this.requestsDir, `${safeFileName(name)}.pem`); }
}

export class SslPaths {
  constructor(readonly ssldir: string) {}
  get certsDir(): string { return join(this.ssldir, 'certs'); }
  get privateKeysDir(): string { return join(this.ssldir, 'private_keys'); }
  get publicKeysDir(): string { return join(this.ssldir, 'public_keys'); }
  get requestsDir(): string { return join(this.ssldir, 'certificate_requests'); }
  get caCert(): string { return join(this.certsDir, 'ca.pem'); }
  get crl(): string { return join(this.ssldir, 'crl.pem'); }
  cert(name: string): string { return join(this.certsDir, `${safeFileName(name)}.pem`); }
  privateKey(name: string): string { return join(this.privateKeysDir, `${safeFileName(name)}.pem`); }
  publicKey(name: string): string { return join(this.publicKeysDir, `${safeFileName(name)}.pem`); }
  request(name: string): string { return join(this.requestsDir, `${safeFileName(name)}.pem`); }
}

/** Directory modes Puppet uses: private keys readable by nobody else. */
export const DIR_MODES = { ssldir: 0o771, certs: 0o755, private_keys: 0o750, public_keys: 0o755, certificate_requests: 0o755, cadir: 0o750 } as const;
