// Entry point used by tests and `node --import tsx src/cli/run.ts`: the same
// as bin/kuroko.js without the build.
import { main } from './main.js';
process.exitCode = await main(process.argv.slice(2));
