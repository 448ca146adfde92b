// Binary values (P: lib/puppet/pops/types/p_binary_type.rb): creation from
// Base64 (strict, lenient, URL-safe), text or bytes; the String formats a
// Binary accepts; binary_file() reading a module's file as bytes.
import { readFileSync } from 'node:fs';
import type { BuiltinFunction, CallInfo } from '../evaluator/context.js';
import { PBinary, hashGet, isHash, type Value } from '../types/values.js';
import { typeNameOf } from '../types/types.js';
import { toPString } from '../evaluator/convert.js';
import { findModuleFile } from './module-files.js';

function err(c: CallInfo, message: string) {
  return c.ctx.error(`Evaluation Error: Error while evaluating a Function Call, ${message}`, c.loc);
}

const STRICT_B64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** Ruby's Base64 decoders: strict_decode64 refuses anything but canonical Base64. */
function decode(c: CallInfo, s: string, format: string): Buffer {
  switch (format) {
    case '%B':
      if (!STRICT_B64.test(s)) throw err(c, 'invalid base64');
      return Buffer.from(s, 'base64');
    case '%b':
      // decode64 skips what is not in the alphabet.
      return Buffer.from(s.replace(/[^A-Za-z0-9+/]/g, ''), 'base64');
    case '%u': {
      let t = s;
      if (!t.endsWith('=') && t.length % 4 !== 0) t = t.padEnd(t.length + (4 - (t.length % 4)), '=');
      const std = t.replace(/-/g, '+').replace(/_/g, '/');
      if (!STRICT_B64.test(std)) throw err(c, 'invalid base64');
      return Buffer.from(std, 'base64');
    }
    case '%s':
      return Buffer.from(s, 'utf8');
    case '%r':
      // Puppet strings are UTF-8: the raw bytes are the same as %s here.
      return Buffer.from(s, 'utf8');
    default:
      throw err(c, `Binary.new(): unsupported format '${format}', expected one of '%b', '%u', '%B', '%s', '%r'`);
  }
}

/** `Binary.new(...)` / `Binary(...)`: from a String (with a format), an Array of bytes, a hash or a Binary. */
export function newBinary(c: CallInfo, args: Value[]): PBinary {
  const [v, f] = args;
  if (v instanceof PBinary) return v;
  if (typeof v === 'string') return new PBinary(decode(c, v, f === undefined ? '%B' : toPString(f)));
  if (Array.isArray(v)) {
    if (!v.every((x) => typeof x === 'number' && x >= 0 && x <= 255)) {
      throw err(c, `Binary.new(): expects an Array[Integer[0, 255]] when given bytes, got ${typeNameOf(v)}`);
    }
    return new PBinary(Buffer.from(v as number[]));
  }
  if (isHash(v)) {
    const value = hashGet(v, 'value');
    const format = hashGet(v, 'format');
    if (typeof value !== 'string') throw err(c, `Binary.new(): the 'value' entry must be a String, got ${typeNameOf(value)}`);
    return new PBinary(decode(c, value, format === undefined ? '%B' : toPString(format)));
  }
  throw err(c, `Binary.new(): expects a String, an Array of bytes, a Hash or a Binary, got ${typeNameOf(v)}`);
}

/** Ruby's Base64.encode64: lines of 60 characters, each ending in a newline. */
function encode64(b: Buffer): string {
  const s = b.toString('base64');
  if (!s) return '';
  return s.replace(/.{1,60}/g, (m) => m + '\n');
}

/** A Binary under a String format letter (P: StringConverter#string_PBinaryType). */
export function formatBinary(b: PBinary, letter: string): string | undefined {
  switch (letter) {
    case 's': return b.bytes.toString('utf8');
    case 'p': return `Binary("${b.toBase64()}")`;
    case 'b': return encode64(b.bytes);
    case 'B': return b.toBase64();
    case 'u': return b.bytes.toString('base64').replace(/\+/g, '-').replace(/\//g, '_');
    case 't': return 'Binary';
    case 'T': return 'BINARY';
    default: return undefined;
  }
}

export const BINARY_FUNCTIONS: Record<string, BuiltinFunction> = {
  Binary: (c, args) => newBinary(c, args),
  binary_file: (c, [name]) => {
    if (typeof name !== 'string') throw err(c, `'binary_file' parameter 'path' expects a String value, got ${typeNameOf(name)}`);
    const p = findModuleFile(c, 'files', name);
    if (!p) throw err(c, `binary_file(): The given file '${name}' does not exist`);
    return new PBinary(readFileSync(p));
  },
};
