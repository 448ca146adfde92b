// A fast read of the fields `cert list` and the status API show (name,
// serial, validity, SANs, pp_* extensions), straight from the DER: listing
// thousands of certificates must not take a full ASN.1 parse each.
import { decodeDerString, derChildren, readTlv, type Tlv } from './der.js';
import { fingerprints } from './fingerprint.js';
import { OID_SAN, isPuppetExtension, shortName } from './oids.js';
import type { ExtensionValue } from './csr.js';

type Node = Tlv;
const read = readTlv;
const children = derChildren;

function oidString(b: Buffer): string {
  const parts: number[] = [Math.floor(b[0] / 40), b[0] % 40];
  let v = 0;
  for (let i = 1; i < b.length; i++) {
    v = v * 128 + (b[i] & 0x7f);
    if (!(b[i] & 0x80)) { parts.push(v); v = 0; }
  }
  return parts.join('.');
}

function time(n: Node): Date {
  const s = n.content.toString('ascii');
  const full = n.tag === 0x17 ? (Number(s.slice(0, 2)) >= 50 ? '19' : '20') + s : s;
  return new Date(Date.UTC(+full.slice(0, 4), +full.slice(4, 6) - 1, +full.slice(6, 8), +full.slice(8, 10), +full.slice(10, 12), +full.slice(12, 14)));
}

function ipString(b: Buffer): string {
  if (b.length === 4) return [...b].join('.');
  const groups: string[] = [];
  for (let i = 0; i < b.length; i += 2) groups.push(b.readUInt16BE(i).toString(16));
  // The compressed form, as other tools print IPv6 addresses.
  let best = [-1, 0];
  for (let i = 0; i < groups.length;) {
    if (groups[i] !== '0') { i++; continue; }
    let j = i; while (j < groups.length && groups[j] === '0') j++;
    if (j - i > best[1]) best = [i, j - i];
    i = j;
  }
  if (best[1] < 2) return groups.join(':');
  return `${groups.slice(0, best[0]).join(':')}::${groups.slice(best[0] + best[1]).join(':')}`;
}

export interface CertSummary {
  name: string;
  serial: bigint;
  serialHex: string;
  notBefore: Date;
  notAfter: Date;
  subjectAltNames: string[];
  puppetExtensions: ExtensionValue[];
  fingerprint: string;
  fingerprints: ReturnType<typeof fingerprints>;
}

export function scanCertificate(der: Buffer): CertSummary {
  const tbs = children(read(der, 0))[0];
  const f = children(tbs);
  const i = f[0].tag === 0xa0 ? 1 : 0;
  const serialNode = f[i];
  const serial = serialNode.content.length ? BigInt('0x' + serialNode.content.toString('hex')) : 0n;
  const [nb, na] = children(f[i + 3]);
  let name = '';
  for (const rdn of children(f[i + 4])) {
    for (const atv of children(rdn)) {
      const [type, value] = children(atv);
      if (oidString(type.content) === '2.5.4.3' && !name) name = decodeDerString(atv.content.subarray(value.start, value.end));
    }
  }
  const subjectAltNames: string[] = [];
  const puppetExtensions: ExtensionValue[] = [];
  const extWrapper = f.find((n) => n.tag === 0xa3);
  if (extWrapper) {
    for (const ext of children(children(extWrapper)[0])) {
      const parts = children(ext);
      const oid = oidString(parts[0].content);
      const critical = parts.length === 3 && parts[1].tag === 0x01 && parts[1].content[0] !== 0;
      const value = parts[parts.length - 1].content;
      if (oid === OID_SAN) {
        for (const g of children(read(value, 0))) {
          if (g.tag === 0x82) subjectAltNames.push(`DNS:${g.content.toString('ascii')}`);
          else if (g.tag === 0x87) subjectAltNames.push(`IP:${ipString(g.content)}`);
        }
      } else if (isPuppetExtension(oid)) {
        puppetExtensions.push({ oid, name: shortName(oid), critical, value: decodeDerString(value) });
      }
    }
  }
  const fps = fingerprints(der);
  return {
    name, serial, serialHex: serial.toString(16).toUpperCase(), notBefore: time(nb), notAfter: time(na),
    subjectAltNames, puppetExtensions, fingerprint: fps.SHA256, fingerprints: fps,
  };
}
