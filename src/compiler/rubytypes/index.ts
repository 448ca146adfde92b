// Custom resource types written in Ruby (modules' lib/puppet/type/*.rb),
// known to the compiler without a Ruby runtime.
//
// API
//   readRubyType(source, file, { resolver? }): RubyTypeInfo
//     Reads one type file statically: name, parameters, properties, key
//     attributes (namevars) and the namevar Puppet's Resource#namevar uses,
//     title patterns, features, ensurable. Throws KurokoError (KUR5401 with
//     file:line:column for Ruby it cannot tokenize or balance, KUR5402 when the
//     file declares no type). Title patterns it cannot evaluate leave
//     `titlePatterns` undefined and say why in `titlePatternsProblem`.
//   rubyTypesFor(modulepath): Map<name, RubyTypeInfo>  (cached per file)
//   rubyType(modulepath, name): RubyTypeInfo | undefined
//   rubyTypeAccepts(modulepath, type, attribute): boolean
//     false only for a readable module type that has no such parameter,
//     property or metaparameter (then Puppet fails with "no parameter named").
//   applyTitlePatterns(modulepath, resource)
//     What Puppet's Resource#to_data_hash does when a catalog is serialised:
//     the attributes the title patterns capture from the title come first, the
//     resource's own values win, and a namevar equal to the title is left out.
//     Throws KurokoError KUR5403 when no pattern matches the title (as Puppet).
import { KurokoError } from '../../util/diagnostic.js';
import { METAPARAMS } from '../builtin-types.js';
import { rubyType } from './loader.js';

export { readRubyType, type RubyTypeInfo, type TitlePattern, type ReadOptions } from './reader.js';
export { rubyTypesFor, rubyType, hasRubyTypeFile, rubyTypeProblem } from './loader.js';
export type { HelperResolver, HelperMethod } from './evaluate.js';

export function rubyTypeAccepts(modulepath: string[], type: string, attribute: string): boolean {
  const info = rubyType(modulepath, type);
  if (!info) return true;
  return attribute === 'name' || METAPARAMS.has(attribute) || info.parameters.includes(attribute) || info.properties.includes(attribute);
}

/** The attributes a title sets through the type's title patterns (undefined: Puppet's default, the namevar). */
export function parseTitle(modulepath: string[], type: string, title: string, at?: { file?: string; line?: number; column?: number }): Map<string, string | null> | undefined {
  const info = rubyType(modulepath, type);
  if (!info?.titlePatterns) return undefined;
  for (const p of info.titlePatterns) {
    const m = p.regexp.exec(title);
    if (!m) continue;
    const out = new Map<string, string | null>();
    p.attributes.forEach((a, i) => out.set(a, m[i + 1] ?? null));
    return out;
  }
  // Puppet fails while it evaluates the declaration.
  throw new KurokoError(`Evaluation Error: Error while evaluating a Resource Statement, No set of title patterns matched the title "${title}".`, {
    code: 'KUR5403', field: 'title', value: title, location: at?.file ? { file: at.file, line: at.line, column: at.column } : undefined,
  });
}

/** Anything with a type, a title and ordered parameters (the compiler's Resource). */
export interface TitledResource { type: string; title: string; params: Map<string, unknown>; file?: string; line?: number; loc?: { file: string; line: number; column: number } }

export function applyTitlePatterns(modulepath: string[], r: TitledResource): void {
  const type = r.type.toLowerCase();
  const info = rubyType(modulepath, type);
  if (!info) return;
  if (r.params.get(info.namevar) === r.title) r.params.delete(info.namevar);
  const fromTitle = parseTitle(modulepath, type, r.title, r.loc ?? r);
  if (!fromTitle) return;
  const own = [...r.params];
  const mine = new Map(own);
  r.params.clear();
  // Ruby's parse_title.merge(parameters): title attributes first, the resource's own values win.
  for (const [k, v] of fromTitle) {
    if (mine.has(k)) r.params.set(k, mine.get(k));
    else if (!(k === info.namevar && v === r.title)) r.params.set(k, v === null ? undefined : v);
  }
  for (const [k, v] of own) if (!r.params.has(k)) r.params.set(k, v);
}
