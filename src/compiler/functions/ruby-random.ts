// Ruby's Random (MT19937 seeded by init_by_array) and Random#rand(n), so that
// fqdn_rand gives the numbers Puppet gives (Puppet::Util.deterministic_rand_int).
import { createHash } from 'node:crypto';

class MT19937 {
  private mt = new Uint32Array(624);
  private mti = 625;

  initGenrand(s: number): void {
    this.mt[0] = s >>> 0;
    for (let i = 1; i < 624; i++) {
      const prev = this.mt[i - 1] ^ (this.mt[i - 1] >>> 30);
      this.mt[i] = (Math.imul(1812433253, prev) + i) >>> 0;
    }
    this.mti = 624;
  }

  initByArray(key: number[]): void {
    this.initGenrand(19650218);
    let i = 1, j = 0;
    for (let k = Math.max(624, key.length); k; k--) {
      const prev = this.mt[i - 1] ^ (this.mt[i - 1] >>> 30);
      this.mt[i] = ((this.mt[i] ^ Math.imul(prev, 1664525)) + key[j] + j) >>> 0;
      i++; j++;
      if (i >= 624) { this.mt[0] = this.mt[623]; i = 1; }
      if (j >= key.length) j = 0;
    }
    for (let k = 623; k; k--) {
      const prev = this.mt[i - 1] ^ (this.mt[i - 1] >>> 30);
      this.mt[i] = ((this.mt[i] ^ Math.imul(prev, 1566083941)) - i) >>> 0;
      i++;
      if (i >= 624) { this.mt[0] = this.mt[623]; i = 1; }
    }
    this.mt[0] = 0x80000000;
  }

  int32(): number {
    if (this.mti >= 624) {
      for (let k = 0; k < 624; k++) {
        const y = (this.mt[k] & 0x80000000) | (this.mt[(k + 1) % 624] & 0x7fffffff);
        this.mt[k] = this.mt[(k + 397) % 624] ^ (y >>> 1) ^ (y & 1 ? 0x9908b0df : 0);
      }
      this.mti = 0;
    }
    let y = this.mt[this.mti++];
    y ^= y >>> 11;
    y ^= (y << 7) & 0x9d2c5680;
    y ^= (y << 15) & 0xefc60000;
    y ^= y >>> 18;
    return y >>> 0;
  }
}

/** Random.new(seed).rand(max) for a non-negative bignum seed and 0 < max < 2^32. */
export function rubyRandInt(seed: bigint, max: number): number {
  const words: number[] = [];
  let s = seed;
  do { words.push(Number(s & 0xffffffffn)); s >>= 32n; } while (s > 0n);
  const mt = new MT19937();
  if (words.length <= 1) mt.initGenrand(words[0]);
  else mt.initByArray(words);
  const limit = max - 1;
  if (limit <= 0) return 0;
  let mask = limit;
  for (let sh = 1; sh <= 16; sh <<= 1) mask |= mask >>> sh;
  mask >>>= 0;
  for (;;) {
    const v = (mt.int32() & mask) >>> 0;
    if (v <= limit) return v;
  }
}

/** Puppet's fqdn_rand: MD5 of "fqdn:max:seed" as the seed of Ruby's Random. */
export function fqdnRand(fqdn: string, max: number, seed: string): number {
  const hex = createHash('md5').update([fqdn, String(max), seed].join(':')).digest('hex');
  return rubyRandInt(BigInt('0x' + hex), max);
}
