// stdlib's pw_hash: glibc crypt(3) for MD5 ($1$), SHA-256 ($5$) and SHA-512
// ($6$) salts, computed natively (the algorithms of Drepper and Kamp).
import { createHash } from 'node:crypto';
import type { BuiltinFunction } from '../../evaluator/context.js';
import { PSensitive, type Value } from '../../types/values.js';
import { fnError } from './support.js';

const ITOA64 = './0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

function b64(b2: number, b1: number, b0: number, n: number): string {
  let w = (b2 << 16) | (b1 << 8) | b0;
  let out = '';
  for (let i = 0; i < n; i++) { out += ITOA64[w & 0x3f]; w >>>= 6; }
  return out;
}

/** Repeats `src` to exactly `len` bytes. */
function repeatTo(src: Buffer, len: number): Buffer {
  const out = Buffer.alloc(len);
  for (let i = 0; i < len; i++) out[i] = src[i % src.length];
  return out;
}

function shaCrypt(algo: 'sha256' | 'sha512', pw: Buffer, saltText: string): string {
  const salt = Buffer.from(saltText.slice(0, 16), 'utf8');
  const H = (...parts: Buffer[]) => { const h = createHash(algo); for (const p of parts) h.update(p); return h.digest(); };
  const hl = algo === 'sha256' ? 32 : 64;
  const B = H(pw, salt, pw);
  const a = createHash(algo).update(pw).update(salt);
  a.update(repeatTo(B, pw.length));
  for (let n = pw.length; n > 0; n >>= 1) a.update(n & 1 ? B : pw);
  const A = a.digest();
  const dp = createHash(algo);
  for (let i = 0; i < pw.length; i++) dp.update(pw);
  const P = repeatTo(dp.digest(), pw.length);
  const ds = createHash(algo);
  for (let i = 0; i < 16 + A[0]; i++) ds.update(salt);
  const S = repeatTo(ds.digest(), salt.length);
  let C = A;
  for (let i = 0; i < 5000; i++) {
    const h = createHash(algo);
    h.update(i & 1 ? P : C);
    if (i % 3) h.update(S);
    if (i % 7) h.update(P);
    h.update(i & 1 ? C : P);
    C = h.digest();
  }
  let enc = '';
  if (hl === 32) {
    const order = [[0, 10, 20], [21, 1, 11], [12, 22, 2], [3, 13, 23], [24, 4, 14], [15, 25, 5], [6, 16, 26], [27, 7, 17], [18, 28, 8], [9, 19, 29]];
    for (const [x, y, z] of order) enc += b64(C[x], C[y], C[z], 4);
    enc += b64(0, C[31], C[30], 3);
    return `$5$${salt.toString('utf8')}$${enc}`;
  }
  const o512 = [[0, 21, 42], [22, 43, 1], [44, 2, 23], [3, 24, 45], [25, 46, 4], [47, 5, 26], [6, 27, 48], [28, 49, 7], [50, 8, 29], [9, 30, 51], [31, 52, 10],
    [53, 11, 32], [12, 33, 54], [34, 55, 13], [56, 14, 35], [15, 36, 57], [37, 58, 16], [59, 17, 38], [18, 39, 60], [40, 61, 19], [62, 20, 41]];
  for (const [x, y, z] of o512) enc += b64(C[x], C[y], C[z], 4);
  enc += b64(0, 0, C[63], 2);
  return `$6$${salt.toString('utf8')}$${enc}`;
}

function md5Crypt(pw: Buffer, saltText: string): string {
  const salt = Buffer.from(saltText.slice(0, 8), 'utf8');
  const md5 = (...parts: Buffer[]) => { const h = createHash('md5'); for (const p of parts) h.update(p); return h.digest(); };
  let fin = md5(pw, salt, pw);
  const ctx = createHash('md5').update(pw).update('$1$').update(salt);
  for (let pl = pw.length; pl > 0; pl -= 16) ctx.update(fin.subarray(0, Math.min(pl, 16)));
  for (let i = pw.length; i; i >>= 1) ctx.update(i & 1 ? Buffer.from([0]) : pw.subarray(0, 1));
  fin = ctx.digest();
  for (let i = 0; i < 1000; i++) {
    const h = createHash('md5');
    h.update(i & 1 ? pw : fin);
    if (i % 3) h.update(salt);
    if (i % 7) h.update(pw);
    h.update(i & 1 ? fin : pw);
    fin = h.digest();
  }
  const f = fin;
  const enc = b64(f[0], f[6], f[12], 4) + b64(f[1], f[7], f[13], 4) + b64(f[2], f[8], f[14], 4) + b64(f[3], f[9], f[15], 4) + b64(f[4], f[10], f[5], 4) + b64(0, 0, f[11], 2);
  return `$1$${salt.toString('utf8')}$${enc}`;
}

const TYPES: Record<string, string> = { md5: '1', 'sha-256': '5', 'sha-512': '6', bcrypt: '2b', 'bcrypt-a': '2a', 'bcrypt-x': '2x', 'bcrypt-y': '2y' };

export const pwHash: BuiltinFunction = (c, raw) => {
  if (raw.length !== 3) throw fnError(c, `pw_hash(): wrong number of arguments (${raw.length} for 3)`);
  const args: Value[] = raw.map((a) => (a instanceof PSensitive ? a.value : a === undefined ? '' : a));
  const [pw, type, salt] = args;
  if (typeof pw !== 'string') throw fnError(c, 'pw_hash(): first argument must be a string');
  if (typeof type !== 'string') throw fnError(c, 'pw_hash(): second argument must be a string');
  const prefix = TYPES[type.toLowerCase()];
  if (!prefix) throw fnError(c, `pw_hash(): ${type} is not a valid hash type`);
  if (typeof salt !== 'string') throw fnError(c, 'pw_hash(): third argument must be a string');
  if (salt === '') throw fnError(c, 'pw_hash(): third argument must not be empty');
  if (prefix.startsWith('2')) {
    if (!/^[0-9]{2}\$[./A-Za-z0-9]{22}/m.test(salt)) throw fnError(c, 'pw_hash(): characters in salt must match (?-mix:^[0-9]{2}\\$[.\\/A-Za-z0-9]{22})');
    throw fnError(c, 'pw_hash(): bcrypt hashes are not supported by Kuroko');
  }
  if (!/^[a-zA-Z0-9./]+$/.test(salt)) throw fnError(c, 'pw_hash(): characters in salt must be in the set [a-zA-Z0-9./]');
  if (pw === '') return undefined;
  const p = Buffer.from(pw, 'utf8');
  if (prefix === '1') return md5Crypt(p, salt);
  return shaCrypt(prefix === '5' ? 'sha256' : 'sha512', p, salt);
};
