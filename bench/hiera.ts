// Hiera lookups: `kuroko lookup` against `puppet lookup` (one process each,
// same hiera.yaml/data/facts: test/compat/fixtures/hiera), and Kuroko's
// in-process cost per lookup with a fresh Hiera per 40 keys (one compile's worth).
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Hiera } from '../src/compiler/hiera/lookup.js';
import { PFloat, type Value } from '../src/compiler/types/values.js';

const ROOT = resolve(new URL('..', import.meta.url).pathname);
const FIX = join(ROOT, 'test', 'compat', 'fixtures', 'hiera');
const NETNS = resolve(ROOT, '..', 'shared', 'bin', 'netns-run');
const KEYS = ['g_only', 'shared', 'arr_u', 'h_hash', 'h_deep', 'ko_deep', 'regex_list', 'os_key', 'legacy_key', 'role_key', 'extra_key', 'json_key', 'dotted.top.list.1.inner', 'interp', 'hmod::merged', 'hmod::p1'];

function toValue(v: unknown): Value {
  if (v === null || v === undefined) return undefined;
  if (Array.isArray(v)) return v.map(toValue);
  if (typeof v === 'object') return new Map(Object.entries(v as Record<string, unknown>).map(([k, x]) => [k, toValue(x)]));
  if (typeof v === 'number' && !Number.isInteger(v)) return new PFloat(v);
  return v as Value;
}

function timed(cmd: string, args: string[]): { ms: number; ok: boolean; out: string } {
  const t = process.hrtime.bigint();
  const r = spawnSync(cmd, args, { encoding: 'utf8', timeout: 120_000 });
  return { ms: Number(process.hrtime.bigint() - t) / 1e6, ok: r.status === 0, out: (r.stdout || '') + (r.stderr || '') };
}

export async function run(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'kuroko-bench-hiera-'));
  try {
    cpSync(join(FIX, 'conf'), join(dir, 'conf'), { recursive: true });
    cpSync(join(FIX, 'code'), join(dir, 'code'), { recursive: true });
    for (const d of ['var', 'ssl', 'log', 'run', 'pub']) mkdirSync(join(dir, d), { recursive: true });
    const env = join(dir, 'code', 'environments', 'production');
    writeFileSync(join(env, 'environment.conf'), `modulepath = ${join(env, 'modules')}\n`);
    const factsFile = join(FIX, 'facts.json');
    const facts = JSON.parse(readFileSync(factsFile, 'utf8')) as Record<string, unknown>;

    // In-process: a fresh Hiera (cold caches) per 40 lookups.
    const top = new Map<string, Value>(Object.entries(facts).map(([k, v]) => [k, toValue(v)]));
    top.set('facts', toValue(facts));
    top.set('site_var', 'sv');
    const scope = { variable: (n: string) => { const k = n.replace(/^::/, ''); return top.has(k) ? { found: true, value: top.get(k) } : { found: false, value: undefined }; } };
    const make = () => new Hiera({ globalConfig: join(dir, 'conf', 'hiera.yaml'), environmentDir: env, moduleDir: (n) => join(env, 'modules', n) });
    const N = 4000;
    let h = make();
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < N; i++) {
      if (i % 40 === 0) h = make();
      h.lookup(KEYS[i % KEYS.length], scope);
    }
    const perLookupUs = Number(process.hrtime.bigint() - t0) / 1e3 / N;
    console.log(`Kuroko in-process: ${perLookupUs.toFixed(1)} µs per lookup (${N} lookups, a fresh Hiera per 40)`);

    const kArgs = ['--import', 'tsx', join(ROOT, 'src', 'cli', 'run.ts'), 'lookup', 'h_hash', '--node', 'n1.example.com', '--facts', factsFile,
      '--confdir', join(dir, 'conf'), '--codedir', join(dir, 'code'), '--vardir', join(dir, 'var')];
    const k = timed(process.execPath, kArgs);
    console.log(`kuroko lookup h_hash: ${k.ms.toFixed(0)} ms${k.ok ? '' : ' (FAILED: ' + k.out.slice(0, 200) + ')'}`);

    if (!existsSync('/usr/lib/ruby/vendor_ruby/puppet.rb') || !existsSync(NETNS)) {
      console.log('puppet lookup: skipped (Debian puppet-agent or netns-run not available)');
      return;
    }
    const P = ['confdir:conf', 'vardir:var', 'codedir:code', 'ssldir:ssl', 'logdir:log', 'rundir:run', 'publicdir:pub'].flatMap((p) => { const [a, b] = p.split(':'); return [`--${a}`, join(dir, b)]; });
    const base = timed(NETNS, ['true']);
    const p = timed(NETNS, ['puppet', 'lookup', 'h_hash', '--node', 'n1.example.com', '--facts', factsFile, ...P]);
    const pm = p.ms - base.ms;
    console.log(`puppet lookup h_hash: ${pm.toFixed(0)} ms (netns-run's own ${base.ms.toFixed(0)} ms subtracted)${p.ok ? '' : ' (FAILED: ' + p.out.slice(0, 200) + ')'}`);
    console.log(`ratio (puppet / kuroko, CLI process): ${(pm / k.ms).toFixed(1)}x`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
