// What the compiler knows of resource types implemented in Ruby: Puppet 7's
// core types and their namevars, plus types modules ship in
// lib/puppet/type/*.rb (found by name; their attributes are learnt in issue 5).

export interface BuiltinTypeInfo {
  name: string;
  namevar: string;
  /** Parameters a title stands for (Ruby types' title_patterns), e.g. 'nova@services' → {user, project}. */
  titleParams?(title: string): Record<string, string> | undefined;
  /** When known, the type's attributes (others are refused as Puppet refuses them). */
  attributes?: ReadonlySet<string>;
}

/** What parts that read Ruby types (issue 5) teach the compiler, by type name. */
export interface ResourceTypeInfo {
  namevar?: string;
  titleParams?(title: string): Record<string, string> | undefined;
  attributes?: ReadonlySet<string>;
}

const REGISTERED = new Map<string, ResourceTypeInfo>();

/** Declares (or refines) a resource type implemented in Ruby: namevar, title patterns, attributes. */
export function registerResourceType(name: string, info: ResourceTypeInfo): void {
  REGISTERED.set(name, info);
}

const CORE: Record<string, string> = {
  exec: 'command', file: 'path', filebucket: 'name', group: 'name', notify: 'name', package: 'name',
  resources: 'name', schedule: 'name', service: 'name', stage: 'name', tidy: 'path', user: 'name',
  whit: 'name', component: 'name',
};

// Attributes of the core types (from Puppet 7's lib/puppet/type), besides metaparameters and `name`.
const CORE_ATTRIBUTES: Record<string, string> = {
  exec: 'command creates cwd environment group logoutput onlyif path refresh refreshonly returns timeout tries try_sleep umask unless user provider',
  file: 'ensure backup checksum checksum_value content ctime force group ignore links max_files mode mtime owner path purge recurse recurselimit replace selinux_ignore_defaults selrange selrole seltype seluser show_diff source source_permissions sourceselect staging_location target type validate_cmd validate_replacement provider',
  filebucket: 'path port server',
  group: 'ensure allowdupe attribute_membership attributes auth_membership forcelocal gid ia_load_module members system provider',
  notify: 'message withpath',
  package: 'ensure adminfile allow_virtual allowcdrom category command configfiles description enable_only flavor install_only install_options instance mark package_settings platform reinstall_on_refresh responsefile root source status uninstall_options vendor provider',
  resources: 'purge unless_system_user unless_uid',
  schedule: 'period periodmatch range repeat weekday',
  service: 'ensure binary control enable flags hasrestart hasstatus logonaccount logonpassword manifest path pattern restart start status stop timeout provider',
  stage: '',
  tidy: 'age backup matches max_files path recurse rmdirs size type',
  user: 'ensure allowdupe attribute_membership attributes auth_membership auths comment expiry forcelocal gid groups home ia_load_module iterations key_membership keys loginclass managehome membership password password_max_age password_min_age password_warn_days profile_membership profiles project purge_ssh_keys role_membership roles salt shell system uid provider',
  whit: '',
  component: '',
};
const ATTRIBUTE_SETS = new Map(Object.entries(CORE_ATTRIBUTES).map(([k, v]) => [k, new Set(v.split(' ').filter(Boolean))]));

/** Whether a core type has this attribute (module types are not checked here). */
export function coreTypeHasAttribute(type: string, attr: string): boolean {
  const set = REGISTERED.get(type)?.attributes ?? ATTRIBUTE_SETS.get(type);
  return !set || set.has(attr) || attr === 'name' || METAPARAMS.has(attr);
}

export const METAPARAMS = new Set(['alias', 'audit', 'before', 'loglevel', 'noop', 'notify', 'require', 'schedule', 'stage', 'subscribe', 'tag']);
export const RELATION_PARAMS = ['before', 'require', 'notify', 'subscribe'];

export interface ModuleTypeSource {
  /** Whether some module ships lib/puppet/type/NAME.rb. */
  hasRubyType(name: string): boolean;
  rubyTypeNamevar?(name: string): string;
}

export function builtinType(name: string, src?: ModuleTypeSource): BuiltinTypeInfo | undefined {
  const reg = REGISTERED.get(name);
  const nv = CORE[name];
  if (reg && (nv || src?.hasRubyType(name))) {
    return { name, namevar: reg.namevar ?? nv ?? src?.rubyTypeNamevar?.(name) ?? 'name', titleParams: reg.titleParams, attributes: reg.attributes };
  }
  if (nv) return { name, namevar: nv };
  if (src?.hasRubyType(name)) return { name, namevar: src.rubyTypeNamevar?.(name) ?? 'name' };
  return undefined;
}
