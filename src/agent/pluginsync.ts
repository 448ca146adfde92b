// Pluginsync of external facts: the server's `pluginfacts` mount (every
// module's facts.d) mirrored into pluginfactdest before facts are collected,
// the way Puppet does it: a recursive, purging file resource applied on its
// own. (Ruby plugins under `plugins` mean nothing to Kuroko and are not fetched.)
import type { Catalog } from '../compiler/wire.js';
import type { FileSourceClient } from '../resources/type.js';
import { log } from '../log/index.js';
import { mkdirp } from '../util/fsutil.js';
import { AgentCatalog } from './catalog.js';
import { Transaction } from './transaction.js';

/** Mirrors puppet:///pluginfacts into `dest`; resolves to whether anything failed. */
export async function syncPluginFacts(dest: string, fileSource: FileSourceClient): Promise<boolean> {
  log.info('Retrieving pluginfacts');
  mkdirp(dest);
  const wire: Catalog = {
    tags: [], name: 'pluginfacts', version: 0, code_id: null, catalog_uuid: '', catalog_format: 1, environment: '', classes: [], edges: [],
    resources: [{
      type: 'File', title: dest, tags: ['file'], exported: false, parameters: {
        ensure: 'directory', source: 'puppet:///pluginfacts', recurse: true, purge: true, force: true, links: 'follow',
        source_permissions: 'use', backup: false, ignore: ['.svn', 'CVS', '.git', '.hg'],
      },
    }],
  };
  const tx = await Transaction.prepare(new AgentCatalog(wire), { fileSource });
  await tx.evaluate();
  return [...tx.statuses.values()].some((s) => s.failed);
}
