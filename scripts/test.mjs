#!/usr/bin/env node
// Runs the test suite with node's own test runner (TAP output, ending in
// `# pass N` / `# fail N`). TypeScript is loaded through tsx so tests run the
// sources directly. `--compat` runs the compatibility suite (test/compat/),
// which needs Debian's Puppet and runs under ../shared/bin/netns-run in CI.
// Extra arguments are test files or folders to run instead of the whole suite.
import { readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { spawnSync } from 'node:child_process';

const root = resolve(new URL('..', import.meta.url).pathname);
const args = process.argv.slice(2);
const compat = args.includes('--compat');
const picked = args.filter((a) => !a.startsWith('--'));

function collect(dir, out) {
  let entries;
  try { entries = readdirSync(dir).sort(); } catch { return out; }
  for (const e of entries) {
    const p = join(dir, e);
    if (statSync(p).isDirectory()) {
      if (e === 'fixtures' || e === 'node_modules') continue;
      if (!compat && p === join(root, 'test', 'compat')) continue;
      collect(p, out);
    } else if (e.endsWith('.test.ts')) out.push(p);
  }
  return out;
}

const targets = picked.length ? picked.map((p) => resolve(p)) : [compat ? join(root, 'test', 'compat') : join(root, 'test')];
const files = [];
for (const t of targets) {
  if (statSync(t).isDirectory()) collect(t, files);
  else files.push(t);
}
if (!files.length) { console.error('no test files found'); process.exit(1); }

const concurrency = process.env.KUROKO_TEST_CONCURRENCY ?? '2';
const r = spawnSync(process.execPath, [
  '--import', 'tsx', '--test', '--test-reporter=tap', `--test-concurrency=${concurrency}`, ...files,
], { stdio: 'inherit', cwd: root, env: { ...process.env, KUROKO_ROOT: root } });
process.exit(r.status ?? 1);
