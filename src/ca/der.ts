// The few DER encodings Puppet's extensions need (UTF8String values of pp_*
// extensions, the CRL number INTEGER, an IA5String comment), and a reader
// for the string types found in real CSRs. Bounded: lengths are checked
// against the buffer, never trusted.

function encodeLength(n: number): Buffer {
  if (n < 0x80) return Buffer.from([n]);
  const bytes: number[] = [];
  for (let v = n; v > 0; v = Math.floor(v / 256)) bytes.unshift(v & 0xff);
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}

export function tlv(tag: number, content: Uint8Array): Buffer {
  return Buffer.concat([Buffer.from([tag]), encodeLength(content.length), content]);
}

export const utf8String = (s: string): Buffer => tlv(0x0c, Buffer.from(s, 'utf8'));
export const ia5String = (s: string): Buffer => tlv(0x16, Buffer.from(s, 'ascii'));

/** A non-negative INTEGER from a hex string or bigint. */
export function derInteger(value: bigint): Buffer {
  let hex = value.toString(16);
  if (hex.length % 2) hex = '0' + hex;
  let bytes = Buffer.from(hex, 'hex');
  if (bytes[0] & 0x80) bytes = Buffer.concat([Buffer.from([0]), bytes]);
  return tlv(0x02, bytes);
}

/** One DER element: its tag, where it starts and ends in its buffer, and its content. */
export interface Tlv { tag: number; start: number; content: Buffer; end: number }

export function readTlv(buf: Buffer, at = 0): Tlv {
  if (at + 2 > buf.length) throw new Error('truncated DER');
  const tag = buf[at];
  let len = buf[at + 1];
  let off = at + 2;
  if (len & 0x80) {
    const n = len & 0x7f;
    if (n === 0 || n > 4 || off + n > buf.length) throw new Error('bad DER length');
    len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + buf[off + i];
    off += n;
  }
  if (off + len > buf.length) throw new Error('truncated DER');
  return { tag, start: at, content: buf.subarray(off, off + len), end: off + len };
}

/** The elements inside a constructed element (SEQUENCE, SET, ...). */
export function derChildren(n: Tlv): Tlv[] {
  const out: Tlv[] = [];
  for (let at = 0; at < n.content.length;) { const c = readTlv(n.content, at); out.push(c); at = c.end; }
  return out;
}

const STRING_TAGS = new Set([0x0c, 0x13, 0x16, 0x14, 0x1a, 0x1e, 0x04]);

/** The text of a DER string value (UTF8, Printable, IA5, T61, Visible, BMP, OCTET STRING); hex when it is none of them. */
export function decodeDerString(der: ArrayBuffer | Uint8Array): string {
  const buf = Buffer.from(der instanceof Uint8Array ? der : new Uint8Array(der));
  try {
    const t = readTlv(buf);
    if (t.end === buf.length && STRING_TAGS.has(t.tag)) {
      if (t.tag === 0x1e) return t.content.swap16().toString('utf16le');
      if (t.tag === 0x04) {
        // Some tools wrap the string once more inside an OCTET STRING.
        try { const inner = readTlv(t.content); if (inner.end === t.content.length && STRING_TAGS.has(inner.tag) && inner.tag !== 0x04) return inner.content.toString('utf8'); } catch { /* raw bytes */ }
      }
      return t.content.toString('utf8');
    }
    if (t.tag === 0x01 && t.content.length === 1) return t.content[0] ? 'true' : 'false';
  } catch { /* not DER: show hex */ }
  return buf.toString('hex');
}

/** Reads a DER INTEGER as a bigint. */
export function decodeDerInteger(der: ArrayBuffer | Uint8Array): bigint {
  const t = readTlv(Buffer.from(der instanceof Uint8Array ? der : new Uint8Array(der)));
  if (t.tag !== 0x02) throw new Error('not an INTEGER');
  return t.content.length ? BigInt('0x' + t.content.toString('hex')) : 0n;
}
