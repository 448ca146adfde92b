// Every setting Kuroko knows, with Puppet's names, types and defaults.
// Defaults may refer to other settings ($confdir, ${vardir}); they are
// interpolated when read, like values from puppet.conf.

export type SettingType = 'string' | 'path' | 'boolean' | 'integer' | 'duration' | 'enum' | 'list';

export interface SettingDefinition {
  name: string;
  type: SettingType;
  /** A default for root and one for other users where they differ (functions see the host). */
  default: string | ((ctx: DefaultContext) => string);
  desc: string;
  values?: string[]; // for enum
  aliases?: string[];
  /** Settings that CLI flags can negate (--no-x) are the booleans. */
}

export interface DefaultContext {
  root: boolean;
  home: string;
  fqdn: string;
}

const d = (name: string, type: SettingType, def: SettingDefinition['default'], desc: string, extra: Partial<SettingDefinition> = {}): SettingDefinition =>
  ({ name, type, default: def, desc, ...extra });

export const SETTINGS: SettingDefinition[] = [
  // Directories.
  d('confdir', 'path', (c) => (c.root ? '/etc/kuroko' : `${c.home}/.kuroko/etc`), 'The main configuration directory.'),
  d('codedir', 'path', '$confdir/code', 'Where environments, modules and manifests live.'),
  d('vardir', 'path', (c) => (c.root ? '/var/lib/kuroko' : `${c.home}/.kuroko/var`), 'Where Kuroko keeps dynamic and growing data.'),
  d('rundir', 'path', (c) => (c.root ? '/run/kuroko' : `${c.home}/.kuroko/run`), 'Where pid files are kept.'),
  d('logdir', 'path', (c) => (c.root ? '/var/log/kuroko' : `${c.home}/.kuroko/log`), 'The directory for log files.'),
  d('ssldir', 'path', '$confdir/ssl', 'Where SSL certificates and keys are kept.'),
  d('cadir', 'path', '$ssldir/ca', "The CA's directory: its key, certificate, CRL, signed certificates and requests."),
  d('statedir', 'path', '$vardir/state', 'Where the agent keeps state: last run summary, catalog cache, locks.'),
  d('clientbucketdir', 'path', '$vardir/clientbucket', 'Where the agent backs up files it replaces.'),
  d('bucketdir', 'path', '$vardir/bucket', "The server's filebucket."),
  d('reportdir', 'path', '$vardir/reports', 'Where reports are kept (in the store by default).'),
  d('client_datadir', 'path', '$vardir/client_data', 'Where the agent caches catalogs and facts.'),
  d('server_datadir', 'path', '$vardir/server_data', 'Server-side data.'),
  d('pluginfactdest', 'path', '$vardir/facts.d', 'Where pluginsync puts external facts.'),
  d('plugindest', 'path', '$vardir/lib', 'Where pluginsync puts plugins.'),
  d('factpath', 'path', '$vardir/lib/facter:$vardir/facts', 'Where custom facts live.'),
  d('storedb', 'path', '$vardir/kuroko.sqlite', "The server's store of reports, facts and catalogs."),

  // Identity.
  d('certname', 'string', (c) => c.fqdn, "This node's name: the CN of its certificate. Defaults to the host's FQDN."),
  d('dns_alt_names', 'list', '', 'Extra DNS names (and IP:addresses) for the server certificate, comma-separated.'),
  d('keylength', 'integer', '4096', 'RSA key size in bits.'),
  d('key_type', 'enum', 'rsa', 'Key algorithm: rsa or ec.', { values: ['rsa', 'ec'] }),
  d('ca_ttl', 'duration', '5y', 'How long certificates signed by the CA are valid.'),
  d('ca_name', 'string', 'Puppet CA: $certname', "The CA certificate's CN."),
  d('autosign', 'string', '$confdir/autosign.conf', 'true, false, or the path of an autosign allow-list or policy executable.'),
  d('allow_duplicate_certs', 'boolean', 'false', 'Whether a new CSR may replace an existing certificate of the same name.'),
  d('allow_subject_alt_names', 'boolean', 'false', 'Whether the CA signs CSRs carrying DNS alt names.'),
  d('allow_authorization_extensions', 'boolean', 'false', 'Whether the CA signs CSRs carrying pp_auth extensions.'),
  d('certificate_revocation', 'enum', 'chain', 'Whether to check the CRL: chain, leaf or false.', { values: ['chain', 'leaf', 'false', 'true'] }),
  d('csr_attributes', 'path', '$confdir/csr_attributes.yaml', 'Attributes and extension requests for the CSR.'),
  d('waitforcert', 'duration', '2m', 'How often to ask for the certificate while it is not signed (0: exit).'),
  d('hostcert_renewal_interval', 'duration', '30d', 'Renew the certificate when it expires within this time.'),
  d('ca_refresh_interval', 'duration', '1d', 'How often the agent refreshes the CA certificate.'),
  d('crl_refresh_interval', 'duration', '1d', 'How often the agent refreshes the CRL.'),

  // Network.
  d('server', 'string', 'puppet', 'The server agents contact.'),
  d('serverport', 'integer', '8140', 'The port of the server.', { aliases: ['masterport'] }),
  d('ca_server', 'string', '$server', 'The CA server.'),
  d('ca_port', 'integer', '$serverport', "The CA server's port."),
  d('bindaddress', 'string', '*', 'The address the server listens on (* = all).'),
  d('http_connect_timeout', 'duration', '2m', 'Connection timeout for agent requests.'),
  d('http_read_timeout', 'duration', '10m', 'Read timeout for agent requests.'),

  // Code.
  d('environment', 'string', 'production', 'The environment to request or compile.'),
  d('environmentpath', 'path', '$codedir/environments', 'Where environments are found.'),
  d('manifest', 'path', '', "The main manifest (file or directory). Empty: the environment's manifests/."),
  d('modulepath', 'path', '', "The module path. Empty: the environment's modules/ plus basemodulepath."),
  d('basemodulepath', 'path', '$codedir/modules:/usr/share/puppet/modules', 'Modules available to every environment.'),
  d('hiera_config', 'path', '$confdir/hiera.yaml', 'The global hiera.yaml.'),
  d('environment_timeout', 'duration', '0', "How long the server caches an environment's parsed code (0, unlimited or a duration)."),
  d('fileserverconfig', 'path', '$confdir/fileserver.conf', 'Custom file serving mounts.'),
  d('rest_authconfig', 'path', '$confdir/auth.conf', 'The site authorization rules.'),
  d('strict', 'enum', 'warning', 'How strictly to treat dubious code: off, warning or error.', { values: ['off', 'warning', 'error'] }),
  d('strict_variables', 'boolean', 'false', 'Whether an unknown variable is an error (Puppet 7: false, a warning as strict says; Puppet 8: true).'),
  d('code_id', 'string', '', 'An identifier of the code version.'),
  d('code_content_command', 'string', '', "The server's command printing a file's content for /static_file_content, given ENVIRONMENT CODE_ID PATH (puppetserver's versioned-code.code-content-command)."),
  d('code_id_command', 'string', '', "The server's command printing the current code id of an environment, given ENVIRONMENT; each catalog carries it as code_id (puppetserver's versioned-code.code-id-command)."),
  d('static_catalogs', 'boolean', 'true', 'Whether the server may compile static catalogs (inline file metadata) when agents ask; environment.conf can override it.'),
  d('config_version', 'string', '', 'A command whose output is the catalog version.'),

  // Agent run.
  d('runinterval', 'duration', '30m', 'How often the agent runs.'),
  d('runtimeout', 'duration', '1h', 'The longest a run may take.'),
  d('splay', 'boolean', 'false', 'Whether to wait a random time before each run.'),
  d('splaylimit', 'duration', '$runinterval', 'The longest splay.'),
  d('noop', 'boolean', 'false', 'Report what would change without changing it.'),
  d('tags', 'list', '', 'Apply only resources with these tags.'),
  d('skip_tags', 'list', '', 'Skip resources with these tags.'),
  d('usecacheonfailure', 'boolean', 'true', 'Apply the cached catalog when a new one cannot be had.'),
  d('use_cached_catalog', 'boolean', 'false', 'Apply the cached catalog without asking the server.'),
  d('report', 'boolean', 'true', 'Whether to send a report after each run.'),
  d('reports', 'string', 'store', 'Report processors on the server.'),
  d('reportttl', 'duration', '14d', 'How long the server keeps reports.'),
  d('detailed_exitcodes', 'boolean', 'false', 'Exit 2 for changes, 4 for failures, 6 for both.'),
  d('agent_disabled_lockfile', 'path', '$statedir/agent_disabled.lock', 'Present while the agent is disabled.'),
  d('agent_catalog_run_lockfile', 'path', '$statedir/agent_catalog_run.lock', 'Present while a run is in progress.'),
  d('lastrunfile', 'path', '$statedir/last_run_summary.yaml', 'The last run summary.'),
  d('lastrunreport', 'path', '$statedir/last_run_report.json', 'The last run report.'),
  d('show_diff', 'boolean', 'false', 'Log the diff of file content changes.'),
  d('digest_algorithm', 'enum', 'sha256', 'The checksum for files.', { values: ['sha256', 'md5', 'sha384', 'sha512', 'sha224'] }),
  d('pluginsync', 'boolean', 'true', 'Whether to download plugins before a run.'),

  // Processes and logging.
  d('pidfile', 'path', '$rundir/${run_mode}.pid', 'The pid file of a daemon.'),
  d('daemonize', 'boolean', 'true', 'Whether to run in the background.'),
  d('log_level', 'enum', 'notice', 'The lowest log level shown.', { values: ['debug', 'info', 'notice', 'warning', 'err', 'alert', 'emerg', 'crit'] }),
  d('logdest', 'string', 'console', 'Where logs go: console, syslog, json, or a file path (JSON lines when it ends in .json or .jsonl).'),
  d('color', 'enum', 'ansi', 'Whether console logs are coloured (only ever on a terminal, and never when NO_COLOR is set).', { values: ['ansi', 'true', 'false'] }),
  d('syslogfacility', 'string', 'daemon', 'The syslog facility for --logdest syslog.'),
  d('max_workers', 'integer', '0', 'Compile worker threads on the server (0: cores minus one, at least 1).'),
  d('max_queued_requests', 'integer', '100', 'Catalog requests queued before the server answers 503.'),
  d('max_request_size', 'integer', '33554432', 'The largest request body the server accepts, in bytes.'),
];

export const SETTINGS_BY_NAME: Map<string, SettingDefinition> = new Map();
for (const s of SETTINGS) {
  SETTINGS_BY_NAME.set(s.name, s);
  for (const a of s.aliases ?? []) SETTINGS_BY_NAME.set(a, s);
}

/** Section names in puppet.conf. `master` is read as `server`. */
export const SECTIONS = ['main', 'server', 'agent', 'user'] as const;
export type Section = (typeof SECTIONS)[number];
export type RunMode = 'server' | 'agent' | 'user';
