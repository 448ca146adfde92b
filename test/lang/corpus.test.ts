// The development corpus: every .pp and .epp of the installed Debian Puppet
// modules parses and validates with no error, as it does with real Puppet.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { findManifestFiles, parseFile } from '../../src/lang/files.js';
import { formatDiagnostic } from '../../src/util/diagnostic.js';

const CORPUS = '/usr/share/puppet/modules';
const CORNERS = new URL('./fixtures/corners', import.meta.url).pathname;

test('every .pp and .epp file of the module corpus parses and validates without errors', (t) => {
  if (!existsSync(CORPUS)) {
    t.skip(`${CORPUS} is absent (install the packages of ../shared/corpus/dev-modules.txt)`);
    return;
  }
  const files = findManifestFiles(CORPUS);
  assert.ok(files.length > 1000, `expected the whole corpus, found ${files.length} files`);
  const failures: string[] = [];
  let lines = 0;
  for (const f of files) {
    const r = parseFile(f);
    lines += r.lines;
    for (const d of r.diagnostics) if (d.severity === 'error') failures.push(formatDiagnostic(d));
  }
  t.diagnostic(`${files.length} files, ${lines} lines`);
  assert.deepEqual(failures.slice(0, 20), []);
});

test('the corner fixtures (valid Puppet) parse without errors', () => {
  const files = findManifestFiles(CORNERS);
  assert.ok(files.length >= 20);
  for (const f of files) {
    const r = parseFile(f);
    assert.deepEqual(r.diagnostics.filter((d) => d.severity === 'error').map((d) => formatDiagnostic(d)), [], f);
  }
});
