// concat_file / concat_fragment: a real file assembled from catalog fragments.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from '../helpers.js';
import { concatFileType, concatFragmentType, rubyPrettyJson } from '../../src/resources/concat.js';
import { context, converge, messages, resource } from './typehelpers.js';
import type { Resource } from '../../src/resources/type.js';

const dir = tempDir('kuroko-concat-');

function catalog(path: string, extra: Record<string, string | boolean> = {}): { file: Resource; all: Resource[] } {
  const file = resource('concat_file', 'motd', { path, mode: '0640', ...extra });
  const src = join(dir, 'from-source');
  writeFileSync(src, 'sourced\n');
  const all = [
    file,
    resource('concat_fragment', 'b', { target: 'motd', content: 'second', order: '10' }),
    resource('concat_fragment', 'a', { target: 'motd', content: 'first\n', order: '10' }),
    resource('concat_fragment', 'header', { target: path, content: '# managed\n', order: '01' }),
    resource('concat_fragment', 'src', { target: 'motd', source: [join(dir, 'nope'), src], order: '2' }),
    resource('concat_fragment', 'other', { target: 'elsewhere', content: 'NOT HERE\n' }),
  ];
  return { file, all };
}

test('builds the file from its fragments in alpha order, then is in sync', async () => {
  const path = join(dir, 'motd');
  const { file, all } = catalog(path, { ensure_newline: true, order: 'alpha' });
  const ctx = context({ catalog: all });
  const { changes, after } = await converge(concatFileType, file, ctx);
  assert.equal(changes.length, 1);
  assert.match(changes[0].message, /^defined content as '\{sha256\}[0-9a-f]{64}'$/);
  assert.deepEqual(after, []);
  // "01___header" < "10___a" < "10___b" < "2___src" as strings.
  assert.equal(readFileSync(path, 'utf8'), '# managed\nfirst\nsecond\nsourced\n');
  assert.equal(statSync(path).mode & 0o777, 0o640);
});

test('numeric order, content and mode drift are corrected with Puppet messages', async () => {
  const path = join(dir, 'motd2');
  const { file, all } = catalog(path, {}); // numeric is the default order
  await converge(concatFileType, file, context({ catalog: all }));
  assert.equal(readFileSync(path, 'utf8'), '# managed\nsourced\nfirst\nsecond');
  writeFileSync(path, 'edited by hand\n');
  chmodSync(path, 0o644);
  const { changes, after } = await converge(concatFileType, file, context({ catalog: all }));
  assert.deepEqual(changes.map((c) => c.property), ['content', 'mode']);
  assert.match(changes[0].message, /^content changed '\{sha256\}[0-9a-f]+' to '\{sha256\}[0-9a-f]+'$/);
  assert.equal(changes[1].message, "mode changed '0644' to '0640'");
  assert.deepEqual(after, []);
});

test('validate_cmd refuses bad content and leaves the file alone', async () => {
  const path = join(dir, 'validated');
  writeFileSync(path, 'good\n');
  const { file, all } = catalog(path, { validate_cmd: 'grep -q NEVER %' });
  await assert.rejects(converge(concatFileType, file, context({ catalog: all })), /validate_cmd/);
  assert.equal(readFileSync(path, 'utf8'), 'good\n');
});

test('a fragment whose concat_file is missing warns; fragments are validated', async () => {
  const frag = resource('concat_fragment', 'lost', { target: 'nothing', content: 'x' });
  const logs: string[] = [];
  assert.deepEqual(await concatFragmentType.providers[0].check(frag, context({ catalog: [frag], logs })), []);
  assert.deepEqual(logs, ["warning: Target Concat_file with path or title 'nothing' not found in the catalog"]);
  assert.throws(() => concatFragmentType.validate!(resource('concat_fragment', 'x', { target: 't' })), /either 'source' or 'content'/);
  assert.throws(() => concatFragmentType.validate!(resource('concat_fragment', 'x', { target: 't', content: 'a', source: '/a' })), /at the same time/);
});

test('ensure absent removes the file', async () => {
  const path = join(dir, 'gone');
  writeFileSync(path, 'x');
  const { changes, after } = await converge(concatFileType, resource('concat_file', path, { ensure: 'absent' }), context());
  assert.deepEqual(messages(changes), ['ensure: removed']);
  assert.deepEqual(after, []);
});

test('json and yaml formats merge the fragments; clashing keys need force', async () => {
  const path = join(dir, 'conf.json');
  const file = resource('concat_file', path, { format: 'json-pretty' });
  const frags = [
    file,
    resource('concat_fragment', 'one', { target: path, content: '{"a": {"x": 1}, "list": [1, 2]}', order: '1' }),
    resource('concat_fragment', 'two', { target: path, content: '{"a": {"y": 2}, "list": [2, 3], "b": true}', order: '2' }),
  ];
  await converge(concatFileType, file, context({ catalog: frags }));
  assert.deepEqual(JSON.parse(readFileSync(path, 'utf8')), { a: { x: 1, y: 2 }, list: [1, 2, 3], b: true });
  assert.equal(readFileSync(path, 'utf8'), JSON.stringify({ a: { x: 1, y: 2 }, list: [1, 2, 3], b: true }, null, 2));
  assert.equal(rubyPrettyJson({ e: {}, a: [], n: [1, {}] }), '{\n  "e": {\n  },\n  "a": [\n\n  ],\n  "n": [\n    1,\n    {\n    }\n  ]\n}');

  const ypath = join(dir, 'conf.yaml');
  const yfile = resource('concat_file', ypath, { format: 'yaml' });
  await converge(concatFileType, yfile, context({ catalog: [yfile,
    resource('concat_fragment', 'y1', { target: ypath, content: 'a: 1\n' }), resource('concat_fragment', 'y2', { target: ypath, content: 'b: [x]\n' })] }));
  assert.equal(readFileSync(ypath, 'utf8'), '---\na: 1\nb:\n- x\n');

  const clash = [file, resource('concat_fragment', 'c1', { target: path, content: '{"k": 1}' }), resource('concat_fragment', 'c2', { target: path, content: '{"k": 2}' })];
  await assert.rejects(converge(concatFileType, file, context({ catalog: clash })), /Duplicate key 'k'/);
  const forced = resource('concat_file', path, { format: 'json', force: true });
  await converge(concatFileType, forced, context({ catalog: [forced, ...clash.slice(1)] }));
  assert.equal(readFileSync(path, 'utf8'), '{"k":1}');
});
