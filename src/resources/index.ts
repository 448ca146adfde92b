// The registry of resource types: lookup by name. A type module exports its
// ResourceType (as `resourceType`, or any export whose `name` is the type's)
// and is loaded only when a catalog uses it, so an agent run pays only for
// the types it applies. Add a type with one line: `name: () => import('./name.js'),`.
import type { ResourceType } from './type.js';

type Loader = () => Promise<Record<string, unknown>>;

export const TYPE_LOADERS: Record<string, Loader> = {
  file: () => import('./file.js'),
  exec: () => import('./exec.js'),
  notify: () => import('./notify.js'),
  package: () => import('./package.js'),
  service: () => import('./service.js'),
  user: () => import('./user.js'),
  group: () => import('./group.js'),
  cron: () => import('./cron.js'),
  host: () => import('./host.js'),
  ssh_authorized_key: () => import('./ssh_authorized_key.js'),
  file_line: () => import('./file_line.js'),
  ini_setting: () => import('./ini_setting.js'),
  concat_file: () => import('./concat.js'),
  concat_fragment: () => import('./concat.js'),
};

const loaded = new Map<string, ResourceType>();

/** The names of every type Kuroko knows (lower case). */
export function knownTypes(): string[] {
  return Object.keys(TYPE_LOADERS);
}

/** The type of that name (lower case, e.g. "file", "concat_fragment"), or undefined when Kuroko has none. */
export async function loadType(name: string): Promise<ResourceType | undefined> {
  const key = name.toLowerCase();
  const hit = loaded.get(key);
  if (hit) return hit;
  const loader = Object.prototype.hasOwnProperty.call(TYPE_LOADERS, key) ? TYPE_LOADERS[key] : undefined;
  if (!loader) return undefined;
  const mod = await loader();
  const isType = (x: unknown): x is ResourceType =>
    typeof x === 'object' && x !== null && (x as ResourceType).name === key && Array.isArray((x as ResourceType).providers);
  const t = isType(mod.resourceType) ? mod.resourceType : Object.values(mod).find(isType);
  if (!t) return undefined;
  loaded.set(key, t);
  return t;
}

/** An already loaded type (after loadType), synchronously. */
export function typeIfLoaded(name: string): ResourceType | undefined {
  return loaded.get(name.toLowerCase());
}
