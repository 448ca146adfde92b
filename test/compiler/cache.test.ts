// environment_timeout semantics of the parsed-code cache, with real files:
// 0 sees every change (changed, new and deleted files) at once, `unlimited`
// sees nothing until the cache is flushed (server reload), a duration sees
// changes once it has run out.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { compile, environmentCache, EnvironmentCache, flushEnvironmentCaches, parseEnvironmentTimeout } from '../../src/compiler/index.js';
import type { CompileRequest } from '../../src/compiler/index.js';
import { KurokoError } from '../../src/util/diagnostic.js';

interface Env { root: string; req: CompileRequest; write(rel: string, text: string): void; remove(rel: string): void; done(): void }

function makeEnv(): Env {
  const root = mkdtempSync(join(tmpdir(), 'kuroko-cache-'));
  const envdir = join(root, 'environments', 'production');
  mkdirSync(join(envdir, 'manifests'), { recursive: true });
  mkdirSync(join(envdir, 'modules'), { recursive: true });
  return {
    root,
    req: { certname: 'node1.test.com', facts: {}, environment: 'production', environmentpath: join(root, 'environments') },
    write(rel, text) { const p = join(envdir, rel); mkdirSync(dirname(p), { recursive: true }); writeFileSync(p, text); },
    remove(rel) { unlinkSync(join(envdir, rel)); },
    done() { rmSync(root, { recursive: true, force: true }); },
  };
}

async function notifies(env: Env, cache: EnvironmentCache): Promise<string[]> {
  const { catalog } = await compile(env.req, cache);
  return catalog.resources.filter((r) => r.type === 'Notify').map((r) => r.title).sort();
}

test('parseEnvironmentTimeout reads 0, unlimited, seconds and durations, and names a bad value', () => {
  assert.equal(parseEnvironmentTimeout('0'), 0);
  assert.equal(parseEnvironmentTimeout(undefined), 0);
  assert.equal(parseEnvironmentTimeout('unlimited'), Infinity);
  assert.equal(parseEnvironmentTimeout('180'), 180_000);
  assert.equal(parseEnvironmentTimeout(5), 5000);
  assert.equal(parseEnvironmentTimeout('2s'), 2000);
  assert.equal(parseEnvironmentTimeout('3m'), 180_000);
  assert.equal(parseEnvironmentTimeout('1h'), 3_600_000);
  assert.equal(parseEnvironmentTimeout('1d'), 86_400_000);
  assert.throws(() => parseEnvironmentTimeout('soon'), (e: unknown) => e instanceof KurokoError && e.field === 'environment_timeout' && /soon/.test(e.message));
  assert.throws(() => parseEnvironmentTimeout(-1), KurokoError);
});

test('environment_timeout 0: changed, new and deleted files are seen on the next compile', async () => {
  const env = makeEnv();
  try {
    const cache = new EnvironmentCache({ timeoutMs: 0 });
    env.write('manifests/a.pp', "notify { 'one': }\nif defined('newmod') { include newmod }\n");
    assert.deepEqual(await notifies(env, cache), ['one']);
    env.write('manifests/a.pp', "notify { 'one changed': }\nif defined('newmod') { include newmod }\n");
    assert.deepEqual(await notifies(env, cache), ['one changed']);
    // A new file in the manifest directory and a whole new module on the modulepath.
    env.write('manifests/b.pp', "notify { 'two': }\n");
    env.write('modules/newmod/manifests/init.pp', "class newmod { notify { 'from newmod': } }\n");
    assert.deepEqual(await notifies(env, cache), ['from newmod', 'one changed', 'two']);
    // A new class file in an existing module.
    env.write('manifests/b.pp', "notify { 'two': }\ninclude newmod::extra\n");
    env.write('modules/newmod/manifests/extra.pp', "class newmod::extra { notify { 'extra': } }\n");
    assert.deepEqual(await notifies(env, cache), ['extra', 'from newmod', 'one changed', 'two']);
    // Deleted files are gone at once.
    env.remove('manifests/b.pp');
    env.remove('modules/newmod/manifests/init.pp');
    assert.deepEqual(await notifies(env, cache), ['one changed']);
  } finally { env.done(); }
});

test('environment_timeout unlimited: nothing on disk is looked at again until the cache is flushed', async () => {
  const env = makeEnv();
  try {
    const cache = new EnvironmentCache({ timeoutMs: parseEnvironmentTimeout('unlimited') });
    env.write('manifests/a.pp', "notify { 'one': }\nif defined('newmod') { include newmod }\n");
    assert.deepEqual(await notifies(env, cache), ['one']);
    const parses = cache.parses;
    env.write('manifests/a.pp', "notify { 'one changed': }\nif defined('newmod') { include newmod }\n");
    env.write('manifests/b.pp', "notify { 'two': }\n");
    env.write('modules/newmod/manifests/init.pp', "class newmod { notify { 'from newmod': } }\n");
    assert.deepEqual(await notifies(env, cache), ['one'], 'changes must not be seen before a reload');
    assert.equal(cache.parses, parses, 'nothing is parsed again');
    cache.invalidate(); // what a reload does (fresh workers) and the admin API's flush
    assert.deepEqual(await notifies(env, cache), ['from newmod', 'one changed', 'two']);
  } finally { env.done(); }
});

test('environment_timeout 2s: a change is seen only once the timeout after first use has passed', async () => {
  const env = makeEnv();
  try {
    const cache = new EnvironmentCache({ timeoutMs: parseEnvironmentTimeout('2s') });
    env.write('manifests/a.pp', "notify { 'before': }\n");
    const started = Date.now();
    assert.deepEqual(await notifies(env, cache), ['before']);
    env.write('manifests/a.pp', "notify { 'after the change': }\n");
    assert.deepEqual(await notifies(env, cache), ['before']);
    assert.ok(Date.now() - started < 2000, 'the second compile ran within the timeout');
    await sleep(2100 - (Date.now() - started));
    assert.deepEqual(await notifies(env, cache), ['after the change']);
    assert.equal(cache.flushes, 1);
  } finally { env.done(); }
});

test('environmentCache(name, timeout) keeps one cache per environment; a new timeout or a flush starts afresh', async () => {
  const env = makeEnv();
  try {
    const name = `cachetest_${process.pid}`;
    const c = environmentCache(name, 'unlimited');
    assert.equal(environmentCache(name, 'unlimited'), c);
    assert.equal(c.timeoutMs, Infinity);
    env.write('manifests/a.pp', "notify { 'one': }\n");
    assert.deepEqual(await notifies(env, c), ['one']);
    env.write('manifests/a.pp', "notify { 'one changed': }\n");
    assert.deepEqual(await notifies(env, c), ['one']);
    flushEnvironmentCaches(name);
    assert.deepEqual(await notifies(env, c), ['one changed']);
    env.write('manifests/a.pp', "notify { 'third': }\n");
    assert.equal(environmentCache(name, '0'), c);
    assert.equal(c.timeoutMs, 0);
    assert.deepEqual(await notifies(env, c), ['third']);
  } finally { env.done(); }
});
