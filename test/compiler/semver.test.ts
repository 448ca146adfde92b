// SemVer and SemVerRange values. Expected results were recorded from Puppet
// 7.23 (semantic_puppet 1.0.4) on the same expressions; the differential
// fixtures semver_*.pp and err_exact_semver_*.pp compare against live Puppet too.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from '../helpers.js';
import { compileSync } from '../../src/compiler/index.js';
import { PSemVer, PSemVerRange } from '../../src/compiler/types/semver.js';
import { KurokoError } from '../../src/util/diagnostic.js';

const VERSIONS = ['0.9.0', '1.0.0', '1.2.0', '1.2.5', '1.3.0', '2.0.0', '2.0.0-rc1', '1.2.3-alpha', '3.1.0', '1.0.0-rc.1'];
// range → the versions above it includes, as Puppet answered `SemVer($v) =~ SemVerRange($r)`.
const MATCHES: Record<string, string[]> = {
  '>=1.0.0 <2.0.0': ['1.0.0', '1.2.0', '1.2.5', '1.3.0'],
  '~1.2': ['1.2.0', '1.2.5'],
  '~1.2.3': ['1.2.5'],
  '^1.2.3': ['1.2.5', '1.3.0'],
  '^0.9': ['0.9.0'],
  '1.x': ['1.0.0', '1.2.0', '1.2.5', '1.3.0'],
  '1.2.*': ['1.2.0', '1.2.5'],
  '*': VERSIONS,
  '1.0.0 - 1.2.0': ['1.0.0', '1.2.0'],
  '>1.0.0': ['1.2.0', '1.2.5', '1.3.0', '2.0.0', '3.1.0'],
  '<=1.2.0': ['0.9.0', '1.0.0', '1.2.0'],
  '=1.2.5': ['1.2.5'],
  '1.2.5': ['1.2.5'],
  '1.2': ['1.2.0', '1.2.5'],
  '1': ['1.0.0', '1.2.0', '1.2.5', '1.3.0'],
  '>=1.2.3-alpha <1.2.4': ['1.2.3-alpha'],
  '1.x || >=3.0.0': ['1.0.0', '1.2.0', '1.2.5', '1.3.0', '3.1.0'],
  '>=2.0.0-rc0': ['2.0.0', '2.0.0-rc1', '3.1.0'],
  '~> 1.2': ['1.2.0', '1.2.5'],
  '1.2.3 - 1.3': ['1.2.5', '1.3.0'],
};

test('ranges include versions as SemanticPuppet does, pre-releases only when the range names one', () => {
  for (const [r, want] of Object.entries(MATCHES)) {
    const range = PSemVerRange.parse(r);
    assert.equal(range.toString(), r);
    assert.deepEqual(VERSIONS.filter((v) => range.includes(PSemVer.parse(v)!)), want, r);
  }
  assert.throws(() => PSemVerRange.parse('bogus'), /^Error: Unparsable version range: "bogus"$/);
  assert.throws(() => PSemVerRange.parse('  >= 1.0.0   < 2.0.0 '), /Unparsable version range/);
});

test('precedence: pre-releases, numeric identifiers, build metadata', () => {
  const v = (s: string) => PSemVer.parse(s)!;
  assert.ok(v('1.0.0-rc.1').compare(v('1.0.0-rc.2')) < 0);
  assert.ok(v('1.0.0-alpha').compare(v('1.0.0-alpha.1')) < 0);
  assert.ok(v('1.0.0-2').compare(v('1.0.0-10')) < 0);
  assert.ok(v('1.0.0-a').compare(v('1.0.0-1')) > 0);
  assert.equal(v('1.0.0+b1').compare(v('1.0.0+b2')), 0);
  assert.equal(v('1.0.0+b1').equals(v('1.0.0+b2')), false);
  assert.equal(PSemVer.parse('01.2.3'), undefined);
  assert.equal(PSemVer.parse('1.2'), undefined);
  assert.equal(PSemVer.of(1, 2, 3, 'rc.01').toString(), '1.2.3-rc.01');
});

function compile(code: string): { catalog: ReturnType<typeof compileSync>['catalog']; site: string } {
  const site = join(tempDir(), 'site.pp');
  writeFileSync(site, code);
  return { site, catalog: compileSync({ certname: 'n1', facts: {}, environment: 'production', manifest: site, modulepath: [] }).catalog };
}

function message(code: string): unknown {
  return compile(`notify { 'x': message => ${code} }`).catalog.resources.find((r) => r.title === 'x')?.parameters?.message;
}

test('SemVer values in the language and in catalogs (rich data)', () => {
  assert.deepEqual(message("SemVer('1.2.3')"), { __ptype: 'SemVer', __pvalue: '1.2.3' });
  assert.deepEqual(message("SemVer.new(1, 2, 3, 'rc1')"), { __ptype: 'SemVer', __pvalue: '1.2.3-rc1' });
  assert.deepEqual(message("SemVer({major => 1, minor => 0, patch => 0, prerelease => 'x', build => 'y'})"), { __ptype: 'SemVer', __pvalue: '1.0.0-x+y' });
  assert.deepEqual(message("SemVerRange('>=1.0.0 <2.0.0')"), { __ptype: 'SemVerRange', __pvalue: '>=1.0.0 <2.0.0' });
  // Puppet's VersionRange.new(min, max) writes the max first.
  assert.deepEqual(message("[SemVerRange.new(SemVer('1.0.0'), SemVer('2.0.0')), SemVerRange.new(SemVer('1.0.0'), SemVer('2.0.0'), true)]"),
    [{ __ptype: 'SemVerRange', __pvalue: '2.0.0 - 1.0.0' }, { __ptype: 'SemVerRange', __pvalue: '>=2.0.0 <1.0.0' }]);
  assert.deepEqual(message([
    "[SemVer('1.2.3-rc1') < SemVer('1.2.3'), SemVer('1.2.3') == SemVer('1.2.3'), SemVer('1.2.3') == '1.2.3',",
    "SemVer('1.2.3') =~ SemVerRange('1.x'), SemVer('2.0.0') =~ SemVerRange('1.x'), SemVer('1.2.3') =~ SemVer, '1.2.3' =~ SemVer,",
    "SemVer('1.2.3') =~ SemVer['>=1.0.0'], SemVer('1.2.3') =~ SemVer['>=2.0.0'], '1.2.3' =~ SemVerRange('1.x'), 'abc' =~ SemVerRange('1.x'),",
    "SemVer('1.2.3') in [SemVer('1.2.3')], String(SemVer('1.2.3')), \"v${SemVer(1,2,3,'rc1','b7')}\", String(SemVer['1.x', '>=3']),",
    "versioncmp('1.2.3', '1.10.0')]",
  ].join(' ')), [true, true, false, true, false, true, false, true, false, true, false, true, '1.2.3', 'v1.2.3-rc1+b7', "SemVer['1.x', '>=3']", -1]);
  assert.deepEqual(message("type(SemVer('1.2.3'))"), { __ptype: 'Pcore::SemVerType', ranges: [{ __ptype: 'SemVerRange', __pvalue: '1.2.3 - 1.2.3' }] });
});

test("SemVer errors in Puppet's words", () => {
  const fails = (code: string, want: string) => {
    assert.throws(() => compile(code), (e: unknown) => {
      assert.ok(e instanceof KurokoError);
      assert.equal(e.message, want);
      return true;
    });
  };
  fails("$v = SemVer('1.2')", "Evaluation Error: Error while evaluating a Function Call, 'new_Version' The string '1.2' cannot be converted to a SemVer");
  fails("$v = SemVer(1, 2)", "Evaluation Error: Error while evaluating a Function Call, 'new_Version' expects between 1 and 5 arguments, got 2");
  fails("$r = SemVerRange('bogus')", 'Evaluation Error: Error while evaluating a Function Call, Unparsable version range: "bogus"');
  fails("$x = SemVer('1.2.3') < 1", "Evaluation Error: Comparison of: Semver < Integer, is not possible. Caused by 'Versions not comparable to non Versions'.");
});
