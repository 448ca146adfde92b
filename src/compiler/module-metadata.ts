// Modules' metadata.json as Puppet reads it when it lists an environment's
// modules (P: Puppet::Module#read_metadata): an unparsable file is reported
// at each compile -- a warning, an error-level log with strict=error, nothing
// with strict=off -- and the compile goes on.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

const MODULE_NAME = /^[a-z][a-z0-9_]*$/;
/** Parse results by file, kept while the file's mtime and size stay the same. */
const seen = new Map<string, { stamp: string; error?: string }>();

/** Messages for the modules of `modulepath` whose metadata.json does not parse. */
export function faultyMetadata(modulepath: string[]): string[] {
  const out: string[] = [];
  const names = new Set<string>();
  for (const dir of modulepath) {
    let entries: string[];
    try { entries = readdirSync(dir); } catch { continue; }
    for (const name of entries.sort()) {
      // The first module of a name on the modulepath is the one Puppet uses.
      if (!MODULE_NAME.test(name) || names.has(name)) continue;
      const file = join(dir, name, 'metadata.json');
      let stamp: string;
      try {
        const st = statSync(file);
        stamp = `${st.mtimeMs}:${st.size}`;
      } catch {
        try { if (statSync(join(dir, name)).isDirectory()) names.add(name); } catch { /* not a module */ }
        continue;
      }
      names.add(name);
      let r = seen.get(file);
      if (!r || r.stamp !== stamp) {
        r = { stamp };
        try { JSON.parse(readFileSync(file, 'utf8')); } catch (e) { r.error = (e as Error).message; }
        seen.set(file, r);
      }
      if (r.error !== undefined) out.push(`${name} has an invalid and unparsable metadata.json file. The parse error: ${r.error}`);
    }
  }
  return out;
}
