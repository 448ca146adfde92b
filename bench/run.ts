// `npm run bench -- NAME [NAME...]`: runs bench/NAME.ts, each of which prints
// Kuroko's figures beside real Puppet's measured in the same run, as ratios.
// With no name, lists what exists.
import { readdirSync } from 'node:fs';

const names = process.argv.slice(2).filter((a) => !a.startsWith('-'));
const here = new URL('.', import.meta.url);
const available = readdirSync(here).filter((f) => f.endsWith('.ts') && f !== 'run.ts' && !f.startsWith('_')).map((f) => f.slice(0, -3)).sort();
if (!names.length) {
  console.log(`Benchmarks: ${available.join(', ')}\nUsage: npm run bench -- NAME [NAME...]  (or: npm run bench -- all)`);
  process.exit(0);
}
const list = names.includes('all') ? available : names;
for (const name of list) {
  if (!available.includes(name)) { console.error(`Error: no benchmark '${name}' (have: ${available.join(', ')})`); process.exit(2); }
  console.log(`\n=== bench ${name}`);
  const mod = (await import(new URL(`./${name}.ts`, here).href)) as { run(): Promise<void> };
  await mod.run();
}
