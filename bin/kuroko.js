#!/usr/bin/env node
// The `kuroko` executable: runs the compiled CLI from dist/ (built by `npm ci`
// through the prepare script, or `npm run build`).
import { existsSync } from 'node:fs';
const entry = new URL('../dist/src/cli/main.js', import.meta.url);
if (!existsSync(entry)) {
  process.stderr.write('Error: Kuroko is not built yet: run `npm run build` (npm ci does it for you).\n');
  process.exit(1);
}
const { main } = await import(entry.href);
const code = await main(process.argv.slice(2));
process.exitCode = code;
