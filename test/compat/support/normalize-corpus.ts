// The corpus compile targets (../shared/corpus/targets): listing, Kuroko's and
// real Puppet's side, and the normalised comparison of issue 4 item 7 with
// `file` ignored (the stored catalogs had their paths rewritten).
import { spawnSync } from 'node:child_process';
import { existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Catalog, Data } from '../../../src/compiler/wire.js';
import { compareCatalogs, kurokoCompile, NETNS_RUN, ROOT, CERTNAME, type Comparison, type Outcome } from '../../compiler/harness.js';
import type { EnvironmentCache } from '../../../src/compiler/index.js';

export const TARGETS = resolve(ROOT, '..', 'shared', 'corpus', 'targets');
export const DEFAULT_MODULEPATH = ['/usr/share/puppet/modules'];
/** Our own targets for important classes the shared ones miss (same facts file, same layout). */
export const EXTRA_TARGETS = resolve(ROOT, 'test', 'compat', 'fixtures', 'corpus-extra');

export interface Target { id: string; manifest: string; modulepath: string[]; stored: string }

const materialized = new Map<string, string>();

/**
 * A module folder as Puppet saw it. The targets' extra-modules/ holds symlinks
 * stored as small text files (the link's target path, as git writes them when
 * it cannot make links); they are made real links again in a temp folder.
 */
function materialize(dir: string): string {
  const hit = materialized.get(dir);
  if (hit) return hit;
  let entries: string[] = [];
  try { entries = readdirSync(dir); } catch { return dir; }
  const stub = (e: string): string | undefined => {
    const p = join(dir, e);
    const st = lstatSync(p);
    if (!st.isFile() || st.size > 4096) return undefined;
    const target = readFileSync(p, 'utf8').trim();
    return target.startsWith('/') && !target.includes('\n') && existsSync(target) && statSync(target).isDirectory() ? target : undefined;
  };
  if (!entries.some((e) => stub(e))) { materialized.set(dir, dir); return dir; }
  const out = mkdtempSync(join(tmpdir(), 'kuroko-corpus-modules-'));
  for (const e of entries) symlinkSync(stub(e) ?? join(dir, e), join(out, e));
  process.once('exit', () => rmSync(out, { recursive: true, force: true }));
  materialized.set(dir, out);
  return out;
}

/** Every target, sorted; a `# modulepath: a:b` first line overrides the default (relative to the targets folder). */
export function listTargets(dir = TARGETS): Target[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).filter((f) => f.endsWith('.pp')).sort().map((f) => {
    const manifest = join(dir, f);
    const first = readFileSync(manifest, 'utf8').split('\n', 1)[0];
    const m = /^#\s*modulepath:\s*(\S+)/.exec(first);
    const modulepath = m ? m[1].split(':').map((p) => materialize(resolve(dir, p))) : DEFAULT_MODULEPATH;
    const id = f.replace(/\.pp$/, '');
    return { id, manifest, modulepath, stored: join(dir, `${id}.catalog.json`) };
  });
}

/** The facts document's values (a flat hash), from facts-node1.test.com.json. */
export function targetFacts(dir = TARGETS): Record<string, Data> {
  const doc = JSON.parse(readFileSync(join(dir, `facts-${CERTNAME}.json`), 'utf8')) as { values?: Record<string, Data> } & Record<string, Data>;
  return (doc.values ?? doc) as Record<string, Data>;
}

export function storedCatalog(t: Target): Catalog | undefined {
  if (!existsSync(t.stored)) return undefined;
  return JSON.parse(readFileSync(t.stored, 'utf8')) as Catalog;
}

export function kurokoTarget(t: Target, facts: Record<string, Data>, cache?: EnvironmentCache): Outcome {
  return kurokoCompile({ id: t.id, manifest: t.manifest, modulepath: t.modulepath }, facts, cache);
}

function withoutFile(c: Catalog): Catalog {
  return { ...c, resources: c.resources.map((r) => ({ ...r, file: undefined })) };
}

/** compareCatalogs with `file` ignored on both sides. */
export function compareTarget(kuroko: Catalog, puppet: Catalog): Comparison {
  return compareCatalogs(withoutFile(kuroko), withoutFile(puppet));
}

/**
 * Real Puppet's catalog for a target: `puppet catalog compile` with a private
 * codedir (environment.conf pointing at the target and its modulepath),
 * injected facts and the plain node terminus, under netns-run.
 */
export function puppetCatalogCompile(t: Target, facts: Record<string, Data>): { catalog?: Catalog; error?: string; seconds: number; rssMb?: number } {
  const dir = mkdtempSync(join(tmpdir(), 'kuroko-corpus-'));
  try {
    const envDir = join(dir, 'code', 'environments', 'production');
    mkdirSync(envDir, { recursive: true });
    writeFileSync(join(envDir, 'environment.conf'), `manifest = ${t.manifest}\nmodulepath = ${t.modulepath.join(':')}\nconfig_version = /bin/echo 1\n`);
    const factsDir = join(dir, 'var', 'server_data', 'facts');
    mkdirSync(factsDir, { recursive: true });
    writeFileSync(join(factsDir, `${CERTNAME}.json`), JSON.stringify({ name: CERTNAME, values: facts, timestamp: '2026-01-01T00:00:00.000000000+00:00', expiration: '2026-01-01T00:30:00.000000000+00:00' }));
    const dirs = ['confdir', 'vardir', 'codedir', 'ssldir', 'logdir', 'rundir', 'publicdir'].flatMap((k) => [`--${k}`, join(dir, k === 'vardir' ? 'var' : k === 'codedir' ? 'code' : k)]);
    const began = process.hrtime.bigint();
    // GNU time reports the Ruby process's peak RSS (maxrss, KB) on stderr's last line.
    const timeBin = existsSync('/usr/bin/time') ? ['/usr/bin/time', '-f', 'KUROKO_MAXRSS=%M'] : [];
    const r = spawnSync(NETNS_RUN, [...timeBin, 'puppet', 'catalog', 'compile', CERTNAME, ...dirs, '--facts_terminus', 'json', '--node_terminus', 'plain',
      '--render-as', 'json', '--color', 'false', '--logdest', join(dir, 'puppet.log'), '--environment', 'production'],
    { encoding: 'utf8', timeout: 300_000, maxBuffer: 256 * 1024 * 1024, env: { ...process.env, HOME: dir } });
    const seconds = Number(process.hrtime.bigint() - began) / 1e9;
    const rss = /KUROKO_MAXRSS=(\d+)/.exec(r.stderr ?? '');
    const rssMb = rss ? Number(rss[1]) / 1024 : undefined;
    const out = r.stdout ?? '';
    const line = out.split('\n').find((l) => l.startsWith('{'));
    if (r.status !== 0 || !line) {
      let log = '';
      try { log = readFileSync(join(dir, 'puppet.log'), 'utf8'); } catch { /* none */ }
      return { error: (log || r.stderr || out || String(r.error)).trim().slice(-2000), seconds, rssMb };
    }
    return { catalog: JSON.parse(out.slice(out.indexOf(line))) as Catalog, seconds, rssMb };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A short label for one diff line, to count the causes of mismatch across targets. */
export function diffCause(line: string): string {
  let m = /^(missing in Kuroko|extra in Kuroko): (\w[\w:]*)\[/.exec(line);
  if (m) return `${m[1]}: ${m[2]}`;
  m = /^(\w[\w:]*)\[.*\] parameter (\w+): kuroko (\S+)/.exec(line);
  if (m) return `parameter ${m[2]} on ${m[1]}${m[3] === 'undefined' ? ' (absent in Kuroko)' : ''}`;
  m = /^(\w[\w:]*)\[.*\] (tags|exported|kind|location|sensitive_parameters)/.exec(line);
  if (m) return `${m[2]} of ${m[1]}`;
  m = /^(edge missing in Kuroko|extra edge in Kuroko|classes|catalog tags|name|environment|catalog_format)/.exec(line);
  return m ? m[1] : line.slice(0, 60);
}

/** A compile error without its location, to count the causes of failure across targets. */
export function errorCause(msg: string): string {
  return msg.replace(/^INTERNAL: /, 'INTERNAL ').split('\n')[0]
    .replace(/\s*\((file|line):[^)]*\)/g, '').replace(/ on node \S+/, '')
    .replace(/^Evaluation Error: (Error while evaluating a [\w ]+?, )?/, '').slice(0, 160);
}
