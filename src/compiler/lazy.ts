// Libraries loaded on first use rather than at start-up: most compiles read
// no YAML, and a cold `kuroko catalog compile` pays for every module it loads.
// require() of a package works the same in the built CLI, in bundles (packages
// stay external) and under tsx.
import { createRequire } from 'node:module';

const load = createRequire(import.meta.url);
let yaml: typeof import('yaml') | undefined;

/** The `yaml` package. */
export function yamlLib(): typeof import('yaml') {
  return (yaml ??= load('yaml') as typeof import('yaml'));
}

