// The functions modules implement in Ruby (stdlib, openstacklib, ...), natively:
// every case compiles with Kuroko and, in one batch, with real Puppet 7; values
// (as a notify message) and errors must be the same. A second set compiles
// whole manifests using the catalog functions (ensure_resource, ...) and
// compares the catalogs. A few fixed answers taken from real Puppet run even
// where Puppet is absent.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from '../../helpers.js';
import {
  puppetUnavailable, puppetCompileBatch, kurokoCompile, compareCatalogs, errorCore, type Fixture, type Outcome,
} from '../harness.js';
import type { Data } from '../../../src/compiler/wire.js';
import { EnvironmentCache } from '../../../src/compiler/index.js';
import { EXPRESSION_CASES } from './cases.js';
import { CATALOG_CASES } from './catalog-cases.js';

const MODULES = '/usr/share/puppet/modules';
const FACTS_FILE = join(new URL('../../../..', import.meta.url).pathname, 'shared', 'corpus', 'targets', 'facts-node1.test.com.json');

function loadFacts(): Record<string, Data> {
  const raw = JSON.parse(readFileSync(FACTS_FILE, 'utf8')) as { values?: Record<string, Data> } & Record<string, Data>;
  return (raw.values ?? raw) as Record<string, Data>;
}

function corpusMissing(): string | undefined {
  try { readFileSync(join(MODULES, 'stdlib', 'metadata.json')); } catch { return `the module corpus is not installed (${MODULES}/stdlib)`; }
  try { readFileSync(FACTS_FILE); } catch { return `no corpus facts at ${FACTS_FILE}`; }
  return undefined;
}

function messageOf(o: Outcome): string {
  if ('error' in o) return `ERROR: ${errorCore(o.error)}`;
  const n = o.catalog.resources.find((r) => r.type === 'Notify' && r.title === 'r');
  return JSON.stringify(n?.parameters?.message ?? null);
}

function expressionFixtures(dir: string): Fixture[] {
  return EXPRESSION_CASES.map((expr, i) => {
    const p = join(dir, `case${i}.pp`);
    writeFileSync(p, `$r = ${expr}\nnotify { 'r': message => [$r] }\n`);
    return { id: `e${i}`, manifest: p, modulepath: [MODULES] };
  });
}

function catalogFixtures(dir: string): Fixture[] {
  return CATALOG_CASES.map((c, i) => {
    const base = join(dir, `cat${i}`);
    const mods = join(base, 'modules');
    for (const [path, text] of Object.entries(c.files ?? {})) {
      mkdirSync(join(mods, path, '..'), { recursive: true });
      writeFileSync(join(mods, path), text);
    }
    mkdirSync(base, { recursive: true });
    const p = join(base, 'site.pp');
    writeFileSync(p, c.manifest);
    return { id: `c${i}`, manifest: p, modulepath: [mods, MODULES] };
  });
}

test('module functions give the values and errors real Puppet gives', (t) => {
  const missing = corpusMissing() ?? puppetUnavailable();
  if (missing) { t.skip(missing); return; }
  const facts = loadFacts();
  const dir = tempDir('kuroko-modfn-');
  const fixtures = expressionFixtures(dir);
  const catFixtures = catalogFixtures(dir);
  // Plain JSON: Ruby functions returning binary-encoded strings (base64 decode, pw_hash) would be
  // Binary in rich data; these tests compare the values themselves.
  const puppet = puppetCompileBatch([...fixtures, ...catFixtures], facts, { rich: false });
  const cache = new EnvironmentCache();
  const diffs: string[] = [];
  fixtures.forEach((fx, i) => {
    const want = messageOf(puppet[fx.id]);
    const got = messageOf(kurokoCompile(fx, facts, cache, { rich: false }));
    if (want !== got) diffs.push(`${EXPRESSION_CASES[i]}\n    puppet: ${want}\n    kuroko: ${got}`);
  });
  catFixtures.forEach((fx, i) => {
    const want = puppet[fx.id];
    const got = kurokoCompile(fx, facts, cache, { rich: false });
    const name = CATALOG_CASES[i].name;
    if ('error' in want || 'error' in got) {
      const w = 'error' in want ? `ERROR: ${errorCore(want.error)}` : 'a catalog';
      const g = 'error' in got ? `ERROR: ${errorCore(got.error)}` : 'a catalog';
      if (w !== g) diffs.push(`${name}\n    puppet: ${w}\n    kuroko: ${g}`);
      return;
    }
    const cmp = compareCatalogs(got.catalog, want.catalog);
    if (!cmp.same) diffs.push(`${name}\n    ${cmp.diff.slice(0, 10).join('\n    ')}`);
  });
  assert.deepEqual(diffs, [], `${diffs.length} case(s) differ from real Puppet:\n${diffs.join('\n')}`);
});

/** Answers real Puppet 7.23 gave for these calls with the corpus facts (node1.test.com). */
const FIXED: [string, string][] = [
  ["fqdn_rotate(['a','b','c','d','e','f'])", '[["f","a","b","c","d","e"]]'],
  ["fqdn_rotate('abcdefgh', 'x')", '["defghabc"]'],
  ["fqdn_rand_string(10)", '["HPtMnIlirg"]'],
  ["fqdn_rotate(['ldaps://ldap1.example.test', 'ldaps://ldap2.example.test'])", '[["ldaps://ldap1.example.test","ldaps://ldap2.example.test"]]'],
  ["seeded_rand(100, 'seed')", '[73]'],
  ["pick(undef, '', 'a')", '["a"]'],
  ["concat([1], undef, [2,3])", '[[1,"",2,3]]'],
  ["join_keys_to_values({a => 1, b => undef, c => [1,2]}, '=')", '[["a=1","b=","c=1","c=2"]]'],
  ["os_transport_url({transport => 'rabbit', hosts => ['::1','h2'], port => 5672, username => 'u s', password => 'p@', virtual_host => 'v', ssl => '1'})", '["rabbit://u%20s:p%40@[::1]:5672,u%20s:p%40@h2:5672/v?ssl=1"]'],
  ["pw_hash('password', 'sha-512', 'salt')", '["$6$salt$IxDD3jeSOb5eB1CX5LBsqZFVkJdido3OUILO5Ifz5iwMuTS4XMS130MTSuDDl3aCI6WouIL9AjRbLCelDCy.g."]'],
  ["mysql::password('secret')", '["*14E65567ABDB5135D0CFD9A70B3032C179A49EE7"]'],
  ["to_yaml({a => [1, 'b'], c => {d => true}})", '["---\\na:\\n- 1\\n- b\\nc:\\n  d: true\\n"]'],
  ["pick(undef, '')", 'ERROR: pick(): must receive at least one non empty value'],
  ["validate_legacy(String, 'validate_string', 1)", 'ERROR: validate_legacy(validate_string) expects a String value, got Integer'],
];

test('module functions: fixed answers from real Puppet (no Puppet needed)', (t) => {
  const missing = corpusMissing();
  if (missing) { t.skip(missing); return; }
  const facts = loadFacts();
  const dir = tempDir('kuroko-modfn-fixed-');
  const cache = new EnvironmentCache();
  for (const [expr, want] of FIXED) {
    const p = join(dir, `f${FIXED.findIndex((f) => f[0] === expr)}.pp`);
    writeFileSync(p, `$r = ${expr}\nnotify { 'r': message => [$r] }\n`);
    assert.equal(messageOf(kurokoCompile({ id: 'x', manifest: p, modulepath: [MODULES] }, facts, cache)), want, expr);
  }
});

test('a module function is unknown when its module is not on the modulepath', () => {
  const dir = tempDir('kuroko-modfn-absent-');
  const p = join(dir, 'site.pp');
  writeFileSync(p, "$r = pick(undef, 'a')\n");
  const o = kurokoCompile({ id: 'x', manifest: p, modulepath: [join(dir, 'none')] }, {});
  assert.ok('error' in o, 'the compile should fail');
  assert.match(o.error, /Unknown function: 'pick'/);
  assert.match(o.error, /site\.pp, line: 1/);
});
