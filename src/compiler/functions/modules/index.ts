// The functions that modules of the corpus implement in Ruby, natively, each
// available only when its module is on the environment's modulepath (as
// Puppet's autoloader would find it). Core functions take precedence.
import { type Functions, fromModule } from './support.js';
import { STDLIB_DATA_FUNCTIONS } from './stdlib.js';
import { STDLIB_VALIDATE_FUNCTIONS } from './stdlib-validate.js';
import { STDLIB_CATALOG_FUNCTIONS } from './stdlib-catalog.js';
import { STDLIB_NAMESPACED_FUNCTIONS } from './stdlib-namespaced.js';
import { INIFILE_FUNCTIONS } from './inifile.js';
import { STDLIB_EXTRA_FUNCTIONS } from './stdlib-extra.js';
import { pwHash } from './pw-hash.js';
import { OPENSTACKLIB_FUNCTIONS } from './openstacklib.js';
import { APACHE_FUNCTIONS } from './apache.js';
import { MEMCACHED_FUNCTIONS } from './memcached.js';
import { MYSQL_FUNCTIONS } from './mysql.js';
import { POSTGRESQL_FUNCTIONS } from './postgresql.js';
import { ARCHIVE_FUNCTIONS } from './archive.js';
import { COLLECTD_FUNCTIONS } from './collectd.js';
import { IRONIC_FUNCTIONS } from './ironic.js';
import { MONGODB_FUNCTIONS } from './mongodb.js';
import { VSWITCH_FUNCTIONS } from './vswitch.js';
import { STAGING_FUNCTIONS } from './staging.js';
import { DATACAT_FUNCTIONS } from './datacat.js';
import { NOVA_FUNCTIONS } from './nova.js';
import { TRANSLATE_FUNCTIONS } from './translate.js';
import { MURANO_FUNCTIONS } from './murano.js';

/** Module name → its Ruby functions implemented here. */
export const FUNCTIONS_BY_MODULE: Record<string, Functions> = {
  stdlib: { ...STDLIB_DATA_FUNCTIONS, ...STDLIB_VALIDATE_FUNCTIONS, ...STDLIB_CATALOG_FUNCTIONS, ...STDLIB_NAMESPACED_FUNCTIONS, ...STDLIB_EXTRA_FUNCTIONS, pw_hash: pwHash },
  inifile: INIFILE_FUNCTIONS,
  openstacklib: OPENSTACKLIB_FUNCTIONS,
  apache: APACHE_FUNCTIONS,
  memcached: MEMCACHED_FUNCTIONS,
  mysql: MYSQL_FUNCTIONS,
  postgresql: POSTGRESQL_FUNCTIONS,
  archive: ARCHIVE_FUNCTIONS,
  collectd: COLLECTD_FUNCTIONS,
  ironic: IRONIC_FUNCTIONS,
  mongodb: MONGODB_FUNCTIONS,
  vswitch: VSWITCH_FUNCTIONS,
  staging: STAGING_FUNCTIONS,
  datacat: DATACAT_FUNCTIONS,
  nova: NOVA_FUNCTIONS,
  translate: TRANSLATE_FUNCTIONS,
  murano: MURANO_FUNCTIONS,
};

/** All of them in one table (spread before the core functions, which win on a clash). */
export const MODULE_FUNCTIONS: Functions = Object.assign({}, ...Object.entries(FUNCTIONS_BY_MODULE).map(([m, f]) => fromModule(m, f)));
