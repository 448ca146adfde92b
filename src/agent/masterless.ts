// Masterless compiles for `kuroko apply FILE.pp` / `-e CODE`: local facts
// (or injected ones), the local compiler, no server. Loaded only for
// manifests, so that `apply --catalog` never pays for the compiler.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { now } from './lazy.js';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Catalog, Data } from '../compiler/wire.js';
import type { Settings } from '../settings/index.js';
import { log } from '../log/index.js';
import type { DeferredOptions } from './rich-data.js';

export interface MasterlessOptions {
  /** A manifest file (or directory) to compile. */
  file?: string;
  /** Code given with -e (compiled from a temp file). */
  code?: string;
  certname: string;
  /** Facts to use instead of collecting them. */
  facts?: Record<string, Data>;
  timings: Record<string, number>;
}

export async function compileLocally(settings: Settings, opts: MasterlessOptions): Promise<{ catalog: Catalog; modulepath: string[]; facts: Record<string, Data> }> {
  const { compile, resolveEnvironment } = await import('../compiler/index.js');
  const t0 = now();
  let facts = opts.facts;
  if (!facts) {
    const { collectFacts } = await import('../facts/index.js');
    facts = await collectFacts({ certname: opts.certname, noop: settings.bool('noop') });
  }
  opts.timings.fact_generation = (now() - t0) / 1000;
  let tmp: string | undefined;
  let manifest = opts.file;
  if (manifest === undefined) {
    tmp = mkdtempSync(join(tmpdir(), 'kuroko-apply-'));
    manifest = join(tmp, 'execute.pp');
    writeFileSync(manifest, opts.code ?? '');
  }
  try {
    const t1 = now();
    const list = (v: string) => v.split(':').filter(Boolean);
    const environment = settings.get('environment');
    const req = {
      certname: opts.certname, facts, environment, environmentpath: settings.get('environmentpath'), codedir: settings.get('codedir'),
      manifest, modulepath: settings.get('modulepath') ? list(settings.get('modulepath')) : undefined,
      basemodulepath: list(settings.get('basemodulepath')), hieraConfig: settings.get('hiera_config'),
      strict: settings.get('strict') as 'off' | 'warning' | 'error', strictVariables: settings.bool('strict_variables'),
      trusted: { authenticated: 'local' as const, certname: opts.certname, extensions: {}, hostname: opts.certname.split('.')[0], domain: opts.certname.split('.').slice(1).join('.') },
    };
    const res = await compile(req);
    for (const l of res.logs) {
      const level = l.level === 'err' ? 'err' : (l.level as 'debug' | 'info' | 'notice' | 'warning');
      log.log(level, l.message, { file: l.file, line: l.line });
    }
    log.notice(`Compiled catalog for ${opts.certname} in environment ${environment} in ${((now() - t1) / 1000).toFixed(2)} seconds`);
    return { catalog: res.catalog, modulepath: resolveEnvironment(req).modulepath, facts };
  } finally {
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  }
}

/**
 * What `kuroko apply` resolves Deferred values with: the facts the compile
 * used, else (--catalog) the injected or collected ones, fetched only when
 * the catalog holds a Deferred value; the local modulepath, as `puppet apply`.
 */
export function masterlessDeferred(settings: Settings, modulepath: string[], facts?: Record<string, Data>): DeferredOptions {
  return {
    facts: facts ?? (async () => {
      const { collectFacts } = await import('../facts/index.js');
      return collectFacts({ certname: settings.get('certname'), noop: settings.bool('noop') });
    }),
    modulepath, hieraConfig: settings.get('hiera_config'), environment: settings.get('environment'), certname: settings.get('certname'),
  };
}

/** The modulepath a catalog applied with --catalog serves puppet:///modules from. */
export function settingsModulepath(settings: Settings): string[] {
  const list = (v: string) => v.split(':').filter(Boolean);
  if (settings.get('modulepath')) return list(settings.get('modulepath'));
  const env = settings.get('environment');
  return [...list(settings.get('environmentpath')).map((p) => join(p, env, 'modules')), ...list(settings.get('basemodulepath'))];
}
