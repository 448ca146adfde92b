// Differential harness: compiles manifests with Kuroko (in process) and with
// real Puppet 7 (one Ruby process for a whole batch, under netns-run), then
// compares after a documented normalisation:
//   - resources as a set keyed by "Type[title]": tags as sets, parameters
//     deep-equal, exported, kind, file and line equal;
//   - containment edges as a set; classes and catalog tags as sets;
//   - catalog_uuid and version ignored;
//   - parameters in rich-data form on both sides (`__ptype` values compared as they are);
//   - resource order compared and reported separately (orderDiff).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Catalog, CatalogResource, Data } from '../../src/compiler/wire.js';
import { compileSync, EnvironmentCache } from '../../src/compiler/index.js';
import { KurokoError, locationSuffix } from '../../src/util/diagnostic.js';

export const ROOT = resolve(new URL('../..', import.meta.url).pathname);
export const NETNS_RUN = resolve(ROOT, '..', 'shared', 'bin', 'netns-run');
export const CERTNAME = 'node1.test.com';

/** Why real Puppet cannot be used here, or undefined when it can. */
export function puppetUnavailable(): string | undefined {
  if (!existsSync('/usr/lib/ruby/vendor_ruby/puppet.rb')) return "Debian's puppet-agent is not installed (no /usr/lib/ruby/vendor_ruby/puppet.rb)";
  if (!existsSync(NETNS_RUN)) return `no ${NETNS_RUN} to run Puppet in a loopback-only namespace`;
  const probe = spawnSync(NETNS_RUN, ['true'], { encoding: 'utf8', timeout: 20_000 });
  if (probe.status !== 0) return `netns-run does not work here: ${(probe.stderr || '').trim().slice(0, 200)}`;
  return undefined;
}

// Compiles each fixture in one Puppet process, as `puppet catalog compile` would (plain node terminus,
// injected facts, virtual and exported resources filtered out of the result).
const BATCH_RB = String.raw`
require 'puppet'
require 'json'
require 'tmpdir'
input = JSON.parse(STDIN.read)
dir = Dir.mktmpdir('kuroko-pc-')
args = %w[confdir vardir codedir ssldir logdir rundir publicdir].flat_map { |k| ["--#{k}", File.join(dir, k)] }
Puppet.initialize_settings(args)
Puppet[:strict_variables] = false
Puppet::Util::Log.newdestination(:console) rescue nil
Puppet::Util::Log.level = :err
out = {}
input['fixtures'].each do |fx|
  begin
    env = Puppet::Node::Environment.create(:production, fx['modulepath'], fx['manifest'])
    Puppet.override(environments: Puppet::Environments::Static.new(env), current_environment: env) do
      node = Puppet::Node.new(input['certname'], environment: env, facts: Puppet::Node::Facts.new(input['certname'], input['facts']))
      node.merge(input['facts'])
      cat = Puppet.override(trusted_information: Puppet::Context::TrustedInformation.local(node)) { Puppet::Parser::Compiler.compile(node) }
      res = cat.to_resource.filter { |r| r.virtual? }
      # As puppetserver answers a Puppet 7 agent (application/vnd.puppet.rich+json): rich data on.
      out[fx['id']] = { 'catalog' => Puppet.override(rich_data: input['rich']) { JSON.parse(res.to_json) } }
    end
  rescue Exception => e
    out[fx['id']] = { 'error' => e.message }
  end
end
STDOUT.write(JSON.generate(out))
FileUtils.rm_rf(dir)
`;

export interface Fixture { id: string; manifest: string; modulepath: string[] }
export type Outcome = { catalog: Catalog } | { error: string };

/** `rich` (default true) renders as puppetserver answers Puppet 7 agents; false as plain JSON. */
export function puppetCompileBatch(fixtures: Fixture[], facts: Record<string, Data>, opts: { rich?: boolean } = {}): Record<string, Outcome> {
  const dir = mkdtempSync(join(tmpdir(), 'kuroko-harness-'));
  try {
    const script = join(dir, 'batch.rb');
    writeFileSync(script, BATCH_RB);
    const input = JSON.stringify({ certname: CERTNAME, facts, fixtures, rich: opts.rich ?? true });
    const r = spawnSync(NETNS_RUN, ['ruby', script], { input, encoding: 'utf8', timeout: 600_000, maxBuffer: 256 * 1024 * 1024 });
    if (r.status !== 0) throw new Error(`real Puppet batch failed (${r.status}): ${r.stderr.slice(0, 2000)}`);
    const start = r.stdout.indexOf('{');
    return JSON.parse(r.stdout.slice(start)) as Record<string, Outcome>;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export function kurokoCompile(fx: Fixture, facts: Record<string, Data>, cache?: EnvironmentCache, opts: { rich?: boolean } = {}): Outcome {
  try {
    const r = compileSync({ certname: CERTNAME, facts, environment: 'production', manifest: fx.manifest, modulepath: fx.modulepath, strictVariables: false, strict: 'warning', richData: opts.rich ?? true }, cache);
    return { catalog: r.catalog };
  } catch (e) {
    if (e instanceof KurokoError) return { error: e.message + locationSuffix(e.location, e.node) };
    return { error: `INTERNAL: ${(e as Error).stack}` };
  }
}

/** The message without Puppet's "Evaluation Error: Error while evaluating a X, " prefix and trailing location. */
export function errorCore(msg: string): string {
  let m = msg.trim();
  m = m.replace(/^(Could not parse for environment \w+: )?(Evaluation Error: )?(Error while evaluating a .+?, )?/, '');
  m = m.replace(/ on node \S+$/, '');
  m = m.replace(/ \((file: [^()]*|line: \d+[^()]*)\)$/, '');
  return m.trim();
}

function normTags(t: string[]): string { return [...new Set(t)].sort().join(','); }

function canon(v: Data | undefined): string {
  if (v === undefined) return 'undefined';
  if (v === null || typeof v !== 'object') return JSON.stringify(v);
  if (Array.isArray(v)) return `[${v.map(canon).join(',')}]`;
  return `{${Object.keys(v).sort().map((k) => `${JSON.stringify(k)}:${canon(v[k])}`).join(',')}}`;
}

export interface Comparison { same: boolean; diff: string[]; orderDiff?: string }

/** Compares two catalogs after normalisation; `diff` lists readable differences. */
export function compareCatalogs(kuroko: Catalog, puppet: Catalog): Comparison {
  const diff: string[] = [];
  const key = (r: CatalogResource) => `${r.type}[${r.title}]`;
  const km = new Map(kuroko.resources.map((r) => [key(r), r]));
  const pm = new Map(puppet.resources.map((r) => [key(r), r]));
  for (const [k, p] of pm) {
    const r = km.get(k);
    if (!r) { diff.push(`missing in Kuroko: ${k} ${canon(p.parameters as Data)}`); continue; }
    if (normTags(r.tags) !== normTags(p.tags)) diff.push(`${k} tags: kuroko ${normTags(r.tags)} | puppet ${normTags(p.tags)}`);
    if (r.exported !== p.exported) diff.push(`${k} exported: kuroko ${r.exported} | puppet ${p.exported}`);
    if (r.kind !== p.kind) diff.push(`${k} kind: kuroko ${r.kind} | puppet ${p.kind}`);
    if ((r.file ?? null) !== (p.file ?? null) || (r.line ?? null) !== (p.line ?? null)) diff.push(`${k} location: kuroko ${r.file}:${r.line} | puppet ${p.file}:${p.line}`);
    const rp = r.parameters ?? {}, pp = p.parameters ?? {};
    for (const name of new Set([...Object.keys(rp), ...Object.keys(pp)])) {
      if (canon(rp[name]) !== canon(pp[name])) diff.push(`${k} parameter ${name}: kuroko ${canon(rp[name])} | puppet ${canon(pp[name])}`);
    }
    if (canon((r.sensitive_parameters ?? []) as Data) !== canon((p.sensitive_parameters ?? []) as Data)) diff.push(`${k} sensitive_parameters differ`);
  }
  for (const k of km.keys()) if (!pm.has(k)) diff.push(`extra in Kuroko: ${k} ${canon(km.get(k)!.parameters as Data)}`);
  const edge = (e: { source: string; target: string }) => `${e.source} -> ${e.target}`;
  const ke = new Set(kuroko.edges.map(edge)), pe = new Set(puppet.edges.map(edge));
  for (const e of pe) if (!ke.has(e)) diff.push(`edge missing in Kuroko: ${e}`);
  for (const e of ke) if (!pe.has(e)) diff.push(`extra edge in Kuroko: ${e}`);
  const kc = [...new Set(kuroko.classes)].sort().join(','), pc = [...new Set(puppet.classes)].sort().join(',');
  if (kc !== pc) diff.push(`classes: kuroko ${kc} | puppet ${pc}`);
  if (normTags(kuroko.tags) !== normTags(puppet.tags)) diff.push(`catalog tags: kuroko ${normTags(kuroko.tags)} | puppet ${normTags(puppet.tags)}`);
  for (const f of ['name', 'environment', 'catalog_format'] as const) if (kuroko[f] !== puppet[f]) diff.push(`${f}: kuroko ${kuroko[f]} | puppet ${puppet[f]}`);
  const ko = kuroko.resources.map(key).filter((k) => pm.has(k)), po = puppet.resources.map(key).filter((k) => km.has(k));
  let orderDiff: string | undefined;
  const i = ko.findIndex((k, n) => po[n] !== k);
  if (i >= 0) orderDiff = `resource order differs at #${i}: kuroko ${ko[i]} | puppet ${po[i]}`;
  return { same: diff.length === 0, diff, orderDiff };
}
