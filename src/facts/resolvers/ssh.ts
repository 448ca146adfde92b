// ssh: the host's public keys and their SSHFP fingerprints (the legacy
// sshrsakey and sshfp_rsa facts come from these), read from the usual places.
import { createHash } from 'node:crypto';
import type { Data } from '../../compiler/wire.js';
import { readText } from '../read.js';

const NAMES: Record<string, string> = { 'ssh-dss': 'dsa', 'ecdsa-sha2-nistp256': 'ecdsa', 'ssh-ed25519': 'ed25519', 'ssh-rsa': 'rsa' };
const SSHFP: Record<string, number> = { rsa: 1, dsa: 2, ecdsa: 3, ed25519: 4 };
const DIRS = ['/etc/ssh', '/usr/local/etc/ssh', '/etc', '/usr/local/etc', '/etc/opt/ssh'];
const FILES = ['ssh_host_rsa_key.pub', 'ssh_host_dsa_key.pub', 'ssh_host_ecdsa_key.pub', 'ssh_host_ed25519_key.pub'];

/** One public key line ("ssh-rsa AAAA... comment") as Facter's ssh.<name> entry. */
export function sshEntry(line: string): [string, Record<string, Data>] | undefined {
  const [type, key] = line.trim().split(/\s+/);
  const name = type ? NAMES[type] : undefined;
  if (!name || !key) return undefined;
  const blob = Buffer.from(key, 'base64');
  const fp = SSHFP[name];
  return [name, {
    fingerprints: {
      sha1: `SSHFP ${fp} 1 ${createHash('sha1').update(blob).digest('hex')}`,
      sha256: `SSHFP ${fp} 2 ${createHash('sha256').update(blob).digest('hex')}`,
    },
    key, type,
  }];
}

export function resolveSsh(dirs = DIRS): Record<string, Data> {
  const ssh: Record<string, Data> = {};
  for (const dir of dirs) {
    for (const file of FILES) {
      const text = readText(`${dir}/${file}`);
      const e = text ? sshEntry(text) : undefined;
      if (e) ssh[e[0]] = e[1];
    }
  }
  return Object.keys(ssh).length ? { ssh } : {};
}
