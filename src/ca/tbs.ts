// The CA's hot path: an issued certificate encoded directly in DER and
// signed by node:crypto on the thread pool. A generic ASN.1 library costs
// ~20 ms of main-thread time per certificate; this costs well under 1 ms,
// which is what makes concurrent submissions fast. Names and public keys
// are copied byte for byte from the CSR (or old certificate) and the CA.
import { createHash, sign as cryptoSign, type KeyObject } from 'node:crypto';
import { isIP } from 'node:net';
import { derChildren, derInteger, ia5String, readTlv, tlv, utf8String, type Tlv } from './der.js';
import { NETSCAPE_COMMENT } from './issue.js';
import { OID_AKI, OID_BASIC_CONSTRAINTS, OID_EXT_KEY_USAGE, OID_KEY_USAGE, OID_NETSCAPE_COMMENT, OID_SAN, OID_SKI, PP_CLI_AUTH } from './oids.js';

type Node = Tlv;
const read = readTlv;
const children = derChildren;

/** A child's whole TLV (header included), as bytes of its parent. */
const bytes = (parent: Node, child: Node) => Buffer.from(parent.content.subarray(child.start, child.end));

/** Subject Name and SubjectPublicKeyInfo (whole TLVs) of a PKCS#10 request. */
export function csrParts(der: Buffer): { subject: Buffer; spki: Buffer } {
  const cri = children(read(der, 0))[0];
  const [, subject, spki] = children(cri);
  return { subject: bytes(cri, subject), spki: bytes(cri, spki) };
}

/** Subject and SubjectPublicKeyInfo (whole TLVs) of a certificate. */
export function certParts(der: Buffer): { subject: Buffer; spki: Buffer } {
  const tbs = children(read(der, 0))[0];
  const f = children(tbs);
  const i = f[0].tag === 0xa0 ? 1 : 0; // optional [0] version
  return { subject: bytes(tbs, f[i + 4]), spki: bytes(tbs, f[i + 5]) };
}

/** The serial number of a certificate, read without a full parse (for scans of many certificates). */
export function certSerial(der: Buffer): bigint {
  const f = children(children(read(der, 0))[0]);
  const serial = f[0].tag === 0xa0 ? f[1] : f[0];
  return serial.content.length ? BigInt('0x' + serial.content.toString('hex')) : 0n;
}

function oid(dotted: string): Buffer {
  const parts = dotted.split('.').map((p) => BigInt(p));
  const bytes: number[] = [Number(parts[0] * 40n + parts[1])];
  for (const p of parts.slice(2)) {
    const chunk: number[] = [];
    let v = p;
    do { chunk.unshift(Number(v & 0x7fn)); v >>= 7n; } while (v > 0n);
    for (let i = 0; i < chunk.length - 1; i++) chunk[i] |= 0x80;
    bytes.push(...chunk);
  }
  return tlv(0x06, Buffer.from(bytes));
}

const seq = (...items: Buffer[]) => tlv(0x30, Buffer.concat(items));
const octets = (b: Buffer) => tlv(0x04, b);

function time(d: Date): Buffer {
  const iso = d.toISOString(); // YYYY-MM-DDTHH:MM:SS.sssZ
  const digits = iso.slice(0, 19).replace(/[-:T]/g, '');
  const y = d.getUTCFullYear();
  return y >= 1950 && y < 2050 ? tlv(0x17, Buffer.from(digits.slice(2) + 'Z')) : tlv(0x18, Buffer.from(digits + 'Z'));
}

function extension(id: string, critical: boolean, value: Buffer): Buffer {
  return seq(oid(id), ...(critical ? [Buffer.from([0x01, 0x01, 0xff])] : []), octets(value));
}

function generalName(s: string): Buffer {
  const i = s.indexOf(':');
  const type = s.slice(0, i);
  const value = s.slice(i + 1);
  if (type === 'IP') {
    const v = isIP(value);
    if (v === 4) return tlv(0x87, Buffer.from(value.split('.').map(Number)));
    if (v === 6) return tlv(0x87, ipv6Bytes(value));
    throw new Error(`invalid IP address in subject alternative name: ${value}`);
  }
  return tlv(0x82, Buffer.from(value, 'ascii'));
}

function ipv6Bytes(addr: string): Buffer {
  const [head, tail] = addr.includes('::') ? addr.split('::') : [addr, undefined];
  const h = head ? head.split(':') : [];
  const t = tail ? tail.split(':') : [];
  const groups = tail === undefined ? h : [...h, ...Array(8 - h.length - t.length).fill('0'), ...t];
  const out = Buffer.alloc(16);
  groups.forEach((g, i) => out.writeUInt16BE(parseInt(g || '0', 16), i * 2));
  return out;
}

/** SHA-1 of the subjectPublicKey bits: the usual key identifier (RFC 5280 method 1). */
export function keyIdentifier(spki: Buffer): Buffer {
  const [, bits] = children(read(spki, 0));
  return createHash('sha1').update(bits.content.subarray(1)).digest();
}

export interface EncodeOptions {
  serial: bigint;
  issuer: Buffer;
  subject: Buffer;
  spki: Buffer;
  notBefore: Date;
  notAfter: Date;
  certname: string;
  /** "DNS:x" / "IP:y"; DNS:<certname> is added when missing. */
  subjectAltNames: string[];
  puppetExtensions: { oid: string; value: string }[];
  cliAuth?: boolean;
  /** The CA's subject key identifier, hex. */
  caKeyId: string;
  caKey: KeyObject;
}

/** A signed agent certificate (DER) with Puppet's extensions. */
export function encodeCertificate(o: EncodeOptions): Promise<Buffer> {
  const ec = o.caKey.asymmetricKeyType === 'ec';
  const sigAlg = ec ? seq(oid('1.2.840.10045.4.3.2')) : seq(oid('1.2.840.113549.1.1.11'), Buffer.from([0x05, 0x00]));
  const subjectIsEc = children(children(read(o.spki, 0))[0])[0].content.equals(oid('1.2.840.10045.2.1').subarray(2));
  const sans = [...o.subjectAltNames];
  if (!sans.includes(`DNS:${o.certname}`)) sans.unshift(`DNS:${o.certname}`);
  const exts: Buffer[] = [
    extension(OID_NETSCAPE_COMMENT, false, ia5String(NETSCAPE_COMMENT)),
    extension(OID_AKI, false, seq(tlv(0x80, Buffer.from(o.caKeyId, 'hex')))),
    extension(OID_BASIC_CONSTRAINTS, true, seq()),
    extension(OID_EXT_KEY_USAGE, true, seq(oid('1.3.6.1.5.5.7.3.1'), oid('1.3.6.1.5.5.7.3.2'))),
    // keyUsage bits: digitalSignature (+ keyEncipherment for RSA keys).
    extension(OID_KEY_USAGE, true, subjectIsEc ? Buffer.from([0x03, 0x02, 0x07, 0x80]) : Buffer.from([0x03, 0x02, 0x05, 0xa0])),
    extension(OID_SKI, false, octets(keyIdentifier(o.spki))),
    extension(OID_SAN, false, seq(...sans.map(generalName))),
  ];
  for (const e of o.puppetExtensions) if (e.oid !== PP_CLI_AUTH) exts.push(extension(e.oid, false, utf8String(e.value)));
  if (o.cliAuth) exts.push(extension(PP_CLI_AUTH, false, utf8String('true')));
  const tbs = seq(
    tlv(0xa0, derInteger(2n)), derInteger(o.serial), sigAlg, o.issuer,
    seq(time(o.notBefore), time(o.notAfter)), o.subject, o.spki, tlv(0xa3, seq(...exts)),
  );
  return new Promise((resolve, reject) => {
    cryptoSign('sha256', tbs, o.caKey, (err, sig) => {
      if (err) reject(err);
      else resolve(seq(tbs, sigAlg, tlv(0x03, Buffer.concat([Buffer.from([0]), sig]))));
    });
  });
}
