// A small real PKI for server tests, made with the openssl CLI: a CA, the
// server's certificate (localhost, 127.0.0.1), agent certificates, an admin
// certificate with pp_cli_auth, revocation and CRLs.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface Cert { name: string; key: string; cert: string; keyPath: string; certPath: string }

export class TestPki {
  readonly dir: string;
  readonly cnf: string;
  constructor(dir: string) {
    this.dir = dir;
    mkdirSync(join(dir, 'newcerts'), { recursive: true });
    writeFileSync(join(dir, 'index.txt'), '');
    writeFileSync(join(dir, 'serial'), '1000\n');
    writeFileSync(join(dir, 'crlnumber'), '1000\n');
    this.cnf = join(dir, 'ca.cnf');
    writeFileSync(this.cnf, `[ ca ]
default_ca = CA_default
[ CA_default ]
dir = ${dir}
database = ${dir}/index.txt
new_certs_dir = ${dir}/newcerts
certificate = ${dir}/ca.pem
private_key = ${dir}/ca.key
serial = ${dir}/serial
crlnumber = ${dir}/crlnumber
default_md = sha256
default_days = 30
default_crl_days = 30
policy = policy_any
unique_subject = no
[ policy_any ]
commonName = supplied
[ req ]
distinguished_name = dn
[ dn ]
[ v3_ca ]
basicConstraints = critical, CA:TRUE
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
[ agent_ext ]
basicConstraints = CA:FALSE
extendedKeyUsage = serverAuth, clientAuth
keyUsage = digitalSignature, keyEncipherment
[ admin_ext ]
basicConstraints = CA:FALSE
extendedKeyUsage = serverAuth, clientAuth
keyUsage = digitalSignature, keyEncipherment
1.3.6.1.4.1.34380.1.3.39 = ASN1:UTF8String:true
[ server_ext ]
basicConstraints = CA:FALSE
extendedKeyUsage = serverAuth, clientAuth
keyUsage = digitalSignature, keyEncipherment
subjectAltName = DNS:localhost, IP:127.0.0.1
1.3.6.1.4.1.34380.1.3.39 = ASN1:UTF8String:true
`);
    this.ssl(['ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', join(dir, 'ca.key')]);
    this.ssl(['req', '-x509', '-new', '-key', join(dir, 'ca.key'), '-subj', '/CN=Puppet CA: test', '-days', '30', '-config', this.cnf, '-extensions', 'v3_ca', '-out', join(dir, 'ca.pem')]);
    this.gencrl();
  }

  private ssl(args: string[]): void {
    execFileSync('openssl', args, { stdio: ['ignore', 'ignore', 'pipe'] });
  }

  get caPem(): string { return readFileSync(join(this.dir, 'ca.pem'), 'utf8'); }
  get crlPem(): string { return readFileSync(join(this.dir, 'crl.pem'), 'utf8'); }

  issue(name: string, ext: 'agent_ext' | 'admin_ext' | 'server_ext' = 'agent_ext'): Cert {
    const keyPath = join(this.dir, `${name}.key`);
    const csr = join(this.dir, `${name}.csr`);
    const certPath = join(this.dir, `${name}.pem`);
    this.ssl(['ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', keyPath]);
    this.ssl(['req', '-new', '-key', keyPath, '-subj', `/CN=${name}`, '-config', this.cnf, '-out', csr]);
    this.ssl(['ca', '-batch', '-config', this.cnf, '-extensions', ext, '-in', csr, '-out', certPath, '-notext']);
    return { name, keyPath, certPath, key: readFileSync(keyPath, 'utf8'), cert: readFileSync(certPath, 'utf8') };
  }

  revoke(c: Cert): void {
    this.ssl(['ca', '-config', this.cnf, '-revoke', c.certPath]);
    this.gencrl();
  }

  gencrl(): void {
    this.ssl(['ca', '-gencrl', '-config', this.cnf, '-out', join(this.dir, 'crl.pem')]);
  }
}
