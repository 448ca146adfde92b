// Pluginsync, the way Puppet does it: the server's `pluginfacts` mount (every
// module's facts.d) mirrored into pluginfactdest, and its `plugins` mount
// (every module's lib/) into plugindest ($vardir/lib), each as a recursive,
// purging file resource applied on its own before facts are collected.
// Kuroko never runs the Ruby it syncs (custom facts, types, functions): it
// keeps plugindest in step because operators and tools expect it there.
import type { Catalog } from '../compiler/wire.js';
import type { FileSourceClient } from '../resources/type.js';
import { log } from '../log/index.js';
import { mkdirp } from '../util/fsutil.js';
import { AgentCatalog } from './catalog.js';
import { Transaction } from './transaction.js';

/** Puppet's pluginsignore default. */
const IGNORE = ['.svn', 'CVS', '.git', '.hg'];

/** Mirrors puppet:///MOUNT into dest (purging what the server no longer has); resolves to whether anything failed. */
export async function syncMount(mount: 'pluginfacts' | 'plugins', dest: string, fileSource: FileSourceClient): Promise<boolean> {
  mkdirp(dest);
  const wire: Catalog = {
    tags: [], name: mount, version: 0, code_id: null, catalog_uuid: '', catalog_format: 1, environment: '', classes: [], edges: [],
    resources: [{
      type: 'File', title: dest, tags: ['file'], exported: false, parameters: {
        ensure: 'directory', source: `puppet:///${mount}`, recurse: true, purge: true, force: true, links: 'follow',
        source_permissions: 'use', backup: false, ignore: IGNORE,
      },
    }],
  };
  const tx = await Transaction.prepare(new AgentCatalog(wire), { fileSource });
  await tx.evaluate();
  let failed = false;
  for (const s of tx.statuses.values()) if (s.failed) failed = true;
  return failed;
}

/** Mirrors puppet:///pluginfacts into `dest`; resolves to whether anything failed. */
export async function syncPluginFacts(dest: string, fileSource: FileSourceClient): Promise<boolean> {
  log.info('Retrieving pluginfacts');
  return syncMount('pluginfacts', dest, fileSource);
}

/** Mirrors puppet:///plugins (modules' lib/) into `dest` (plugindest); resolves to whether anything failed. */
export async function syncPlugins(dest: string, fileSource: FileSourceClient): Promise<boolean> {
  log.info('Retrieving plugin');
  const failed = await syncMount('plugins', dest, fileSource);
  log.debug(`Plugins are kept in ${dest} as the server has them; Kuroko does not execute Ruby (custom facts, types, providers, functions)`);
  return failed;
}
