// Differential test of Hiera 5 against real Puppet 7: the fixture in
// fixtures/hiera (global, environment and module layers; yaml, json, glob,
// mapped_paths; lookup_options, every merge strategy, interpolation, dotted
// keys, automatic class parameters) is compiled by `puppet catalog compile`
// and by Kuroko; the notify messages (to_json of every lookup) must be equal.
// `puppet lookup --explain` and `kuroko lookup --explain` must print the same text.
// All Puppet commands run in one netns-run call.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { ROOT, tempDir, kuroko } from '../helpers.js';
import { NETNS_RUN, puppetUnavailable } from '../compiler/harness.js';
import { compileSync } from '../../src/compiler/compile.js';
import type { Data } from '../../src/compiler/wire.js';

const FIX = join(ROOT, 'test', 'compat', 'fixtures', 'hiera');
const NODE = 'n1.example.com';
const EXPLAIN_KEYS = [['h_hash'], ['hmod::merged'], ['arr_u', '--merge', 'unique'], ['no_such_key']];

function setup(): { dir: string; env: string; facts: Record<string, Data> } {
  const dir = tempDir('kuroko-hiera-compat-');
  cpSync(join(FIX, 'conf'), join(dir, 'conf'), { recursive: true });
  cpSync(join(FIX, 'code'), join(dir, 'code'), { recursive: true });
  for (const d of ['var/server_data/facts', 'ssl', 'log', 'run', 'pub']) mkdirSync(join(dir, d), { recursive: true });
  const env = join(dir, 'code', 'environments', 'production');
  writeFileSync(join(env, 'environment.conf'), `manifest = ${join(env, 'manifests', 'site.pp')}\nmodulepath = ${join(env, 'modules')}:/usr/share/puppet/modules\nconfig_version = /bin/echo 1\n`);
  const facts = JSON.parse(readFileSync(join(FIX, 'facts.json'), 'utf8')) as Record<string, Data>;
  writeFileSync(join(dir, 'facts.json'), JSON.stringify(facts));
  writeFileSync(join(dir, 'var', 'server_data', 'facts', `${NODE}.json`), JSON.stringify({ name: NODE, values: facts, timestamp: '2026-01-01T00:00:00Z', expiration: '2027-01-01T00:00:00Z' }));
  return { dir, env, facts };
}

function privateDirs(dir: string): string {
  return ['confdir:conf', 'vardir:var', 'codedir:code', 'ssldir:ssl', 'logdir:log', 'rundir:run', 'publicdir:pub']
    .map((p) => { const [k, v] = p.split(':'); return `--${k} ${join(dir, v)}`; }).join(' ');
}

function notifies(resources: { type: string; title: string; parameters?: Record<string, unknown> }[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const r of resources) if (r.type === 'Notify') out[r.title] = JSON.parse(String(r.parameters?.message));
  return out;
}

test('Hiera lookups and automatic parameters match real Puppet 7', async (t) => {
  const why = puppetUnavailable();
  if (why) { t.skip(why); return; }
  const { dir, env, facts } = setup();
  const P = privateDirs(dir);
  const script = [
    'set +e',
    `puppet catalog compile ${NODE} ${P} --facts_terminus json --node_terminus plain --render-as json --color false --environment production > ${dir}/catalog.out 2> ${dir}/catalog.err`,
    ...EXPLAIN_KEYS.map((k, i) => `puppet lookup ${k.join(' ')} --node ${NODE} ${P} --facts ${dir}/facts.json --explain --color false > ${dir}/explain${i}.out 2>&1`),
    'true',
  ].join('\n');
  const r = spawnSync(NETNS_RUN, ['bash', '-c', script], { encoding: 'utf8', timeout: 240_000 });
  assert.equal(r.status, 0, r.stderr);
  const line = readFileSync(join(dir, 'catalog.out'), 'utf8').split('\n').find((l) => l.startsWith('{'));
  assert.ok(line, `Puppet compiled no catalog: ${readFileSync(join(dir, 'catalog.err'), 'utf8')}`);
  const expected = notifies(JSON.parse(line).resources);
  assert.ok(expected.hiera && expected['hmod-params'], 'the fixture notifies are in Puppet\'s catalog');

  const res = compileSync({
    certname: NODE, facts, environment: 'production', environmentpath: join(dir, 'code', 'environments'),
    hieraConfig: join(dir, 'conf', 'hiera.yaml'),
  });
  const actual = notifies(res.catalog.resources as never);
  // Per-key comparison first: the failure names the lookup that differs.
  const e = expected.hiera as Record<string, unknown>, a = actual.hiera as Record<string, unknown>;
  for (const k of Object.keys(e)) assert.deepEqual(a[k], e[k], `lookup result '${k}'`);
  assert.deepEqual(Object.keys(a), Object.keys(e));
  assert.deepEqual(actual['hmod-params'], expected['hmod-params'], 'automatic class parameter lookup');

  EXPLAIN_KEYS.forEach((k, i) => {
    const want = readFileSync(join(dir, `explain${i}.out`), 'utf8').replace(/\x1b\[[0-9;]*m/g, '').trim();
    const got = kuroko(['lookup', ...k, '--node', NODE, '--facts', join(dir, 'facts.json'), '--explain', '--confdir', join(dir, 'conf'), '--codedir', join(dir, 'code'), '--vardir', join(dir, 'var')]);
    assert.equal(got.stdout.trim(), want, `--explain of ${k.join(' ')} (stderr: ${got.stderr})`);
  });
  void env;
});
