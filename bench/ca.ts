// `npm run bench -- ca`: key generation times and CSRs signed per second
// under concurrent submission, Kuroko beside real Puppet measured in the
// same run. Puppet 7's agent has no CA (puppetserver's is Clojure and needs
// ~90 s and 1 GB to start), so its figure is Puppet's own Ruby signing path:
// Puppet::SSL::CertificateSigner over OpenSSL, with the same extensions and
// a 4096-bit CA key, writing each certificate, which is a lower bound of
// what puppetserver does per CSR. Real Puppet runs under netns-run.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CertificateAuthority } from '../src/ca/index.js';
import { generateKeyPair, type KeyType } from '../src/ca/keys.js';
import { createCsr } from '../src/ca/csr.js';
import { log } from '../src/log/index.js';

const N = Number(process.env.KUROKO_BENCH_CSRS ?? 200);
const KEYS = Number(process.env.KUROKO_BENCH_KEYS ?? 6);
const CONCURRENCY = 16;
const NETNS = new URL('../../shared/bin/netns-run', import.meta.url).pathname;

const RUBY = `require 'puppet'
require 'puppet/ssl'
require 'json'
dir = ARGV[0]; n = ARGV[1].to_i; k = ARGV[2].to_i
Puppet.initialize_settings(['--confdir', dir, '--vardir', dir, '--codedir', dir, '--ssldir', "#{dir}/ssl", '--logdir', dir, '--rundir', dir, '--publicdir', dir])
def t; s = Process.clock_gettime(Process::CLOCK_MONOTONIC); yield; Process.clock_gettime(Process::CLOCK_MONOTONIC) - s; end
res = {}
res['rsa2048_ms'] = (1..k).map { t { OpenSSL::PKey::RSA.new(2048) } }.sum / k * 1000
res['rsa4096_ms'] = (1..[k / 2, 1].max).map { t { OpenSSL::PKey::RSA.new(4096) } }.sum / [k / 2, 1].max * 1000
res['ec_ms'] = (1..k).map { t { OpenSSL::PKey::EC.generate('prime256v1') } }.sum / k * 1000
ca_key = OpenSSL::PKey::RSA.new(4096)
ca = OpenSSL::X509::Certificate.new
ca.version = 2; ca.serial = 1; ca.subject = ca.issuer = OpenSSL::X509::Name.new([['CN', 'Puppet CA: bench']])
ca.public_key = ca_key.public_key; ca.not_before = Time.now; ca.not_after = Time.now + 5 * 365 * 86400
ef = OpenSSL::X509::ExtensionFactory.new(ca, ca)
ca.add_extension(ef.create_extension('basicConstraints', 'CA:TRUE', true))
ca.add_extension(ef.create_extension('subjectKeyIdentifier', 'hash', false))
signer = Puppet::SSL::CertificateSigner.new
signer.sign(ca, ca_key)
agent_key = OpenSSL::PKey::RSA.new(2048)
csrs = (1..n).map { |i| r = Puppet::SSL::CertificateRequest.new("node#{i}.bench"); r.generate(agent_key); r.content.to_pem }
Dir.mkdir("#{dir}/signed") rescue nil
res['sign_s'] = t {
  csrs.each_with_index do |pem, i|
    csr = OpenSSL::X509::Request.new(pem)
    raise 'bad csr' unless csr.verify(csr.public_key)
    c = OpenSSL::X509::Certificate.new
    c.version = 2; c.serial = i + 2; c.subject = csr.subject; c.issuer = ca.subject; c.public_key = csr.public_key
    c.not_before = Time.now - 86400; c.not_after = Time.now + 5 * 365 * 86400
    e = OpenSSL::X509::ExtensionFactory.new(ca, c)
    c.add_extension(e.create_extension('nsComment', 'Puppet Server Internal Certificate', false))
    c.add_extension(e.create_extension('authorityKeyIdentifier', 'keyid:always', false))
    c.add_extension(e.create_extension('basicConstraints', 'CA:FALSE', true))
    c.add_extension(e.create_extension('extendedKeyUsage', 'serverAuth,clientAuth', true))
    c.add_extension(e.create_extension('keyUsage', 'keyEncipherment,digitalSignature', true))
    c.add_extension(e.create_extension('subjectKeyIdentifier', 'hash', false))
    c.add_extension(e.create_extension('subjectAltName', "DNS:node#{i + 1}.bench", false))
    signer.sign(c, ca_key)
    File.write("#{dir}/signed/node#{i + 1}.bench.pem", c.to_pem)
  end
}
res['n'] = n
res['rss_kb'] = File.read('/proc/self/status')[/VmHWM:\\s+(\\d+)/, 1].to_i
puts JSON.generate(res)
`;

interface Figures { rsa2048_ms: number; rsa4096_ms: number; ec_ms: number; signPerSec: number; rssMb: number }

async function keyTime(type: KeyType, bits: number, count: number): Promise<number> {
  const t = performance.now();
  for (let i = 0; i < count; i++) await generateKeyPair({ type, bits });
  return (performance.now() - t) / count;
}

async function kuroko(dir: string): Promise<Figures> {
  log.setLevel('warning');
  const rsa2048_ms = await keyTime('rsa', 2048, KEYS);
  const rsa4096_ms = await keyTime('rsa', 4096, Math.max(1, KEYS / 2));
  const ec_ms = await keyTime('ec', 0, KEYS);
  const ca = await CertificateAuthority.setup({
    cadir: join(dir, 'ssl/ca'), ssldir: join(dir, 'ssl'), certname: 'puppet.bench', caName: 'Puppet CA: bench', keyType: 'rsa', keyLength: 4096,
    caTtlSeconds: 5 * 365 * 86400, autosign: 'true', allowDuplicateCerts: false, allowSubjectAltNames: false, allowAuthorizationExtensions: false, dnsAltNames: [],
  });
  const { privateKey } = await generateKeyPair({ type: 'rsa', bits: 2048 });
  const csrs = await Promise.all(Array.from({ length: N }, (_, i) => createCsr({ certname: `node${i + 1}.bench`, privateKey })));
  const t = performance.now();
  let next = 0;
  await Promise.all(Array.from({ length: CONCURRENCY }, async () => {
    while (next < N) { const i = next++; await ca.submitRequest(`node${i + 1}.bench`, csrs[i]); }
  }));
  const secs = (performance.now() - t) / 1000;
  const signed = ca.list('signed').length - 1;
  if (signed !== N) throw new Error(`expected ${N} signed certificates, found ${signed}`);
  return { rsa2048_ms, rsa4096_ms, ec_ms, signPerSec: N / secs, rssMb: process.resourceUsage().maxRSS / 1024 };
}

function puppet(dir: string): Figures | string {
  if (spawnSync('sh', ['-c', 'command -v ruby && command -v puppet']).status !== 0) return 'Debian\'s puppet is not installed';
  if (!existsSync(NETNS)) return `no ${NETNS}`;
  const script = join(dir, 'bench.rb');
  writeFileSync(script, RUBY);
  const r = spawnSync(NETNS, ['ruby', script, dir, String(N), String(KEYS)], { encoding: 'utf8', timeout: 900_000 });
  if (r.status !== 0) return `ruby failed: ${r.stderr.slice(0, 500)}`;
  const o = JSON.parse(r.stdout.trim().split('\n').pop()!) as { rsa2048_ms: number; rsa4096_ms: number; ec_ms: number; sign_s: number; n: number; rss_kb: number };
  return { rsa2048_ms: o.rsa2048_ms, rsa4096_ms: o.rsa4096_ms, ec_ms: o.ec_ms, signPerSec: o.n / o.sign_s, rssMb: o.rss_kb / 1024 };
}

export async function run(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'kuroko-bench-ca-'));
  try {
    const k = await kuroko(join(dir, 'kuroko'));
    const p = puppet(dir);
    const row = (what: string, ours: number, theirs: number | undefined, unit: string, higherIsBetter: boolean) => {
      const ratio = theirs === undefined ? '' : `${(higherIsBetter ? ours / theirs : theirs / ours).toFixed(2)}x`;
      console.log(`${what.padEnd(44)} kuroko ${ours.toFixed(2).padStart(9)} ${unit.padEnd(6)} puppet ${theirs === undefined ? '      n/a' : theirs.toFixed(2).padStart(9)} ${unit.padEnd(6)} ${ratio}`);
    };
    if (typeof p === 'string') console.log(`(real Puppet not measured: ${p})`);
    const q = typeof p === 'string' ? undefined : p;
    console.log(`${N} CSRs, ${CONCURRENCY} concurrent submissions, 4096-bit RSA CA; ${KEYS} keys per type; ratio > 1: Kuroko better`);
    row('key generation RSA 2048 (per key)', k.rsa2048_ms, q?.rsa2048_ms, 'ms', false);
    row('key generation RSA 4096 (per key)', k.rsa4096_ms, q?.rsa4096_ms, 'ms', false);
    row('key generation EC P-256 (per key)', k.ec_ms, q?.ec_ms, 'ms', false);
    row('CSRs signed per second (autosign, concurrent)', k.signPerSec, q?.signPerSec, '/s', true);
    row('peak RSS', k.rssMb, q?.rssMb, 'MB', false);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
