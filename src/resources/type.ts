// The contract every resource type fulfils (after mgmt's check/apply and
// Puppet's type/provider split). A type says *what*: its attributes, namevar,
// validation and autorequires. A provider says *how* on a platform: it reads
// the live state, and changes only what differs. Optional capabilities
// (refresh, listing instances) are small traits a provider may add.
import type { Data } from '../compiler/wire.js';

/** A resource as the agent holds it: from the catalog, metaparameters included. */
export interface Resource {
  type: string; // lower case: "file", "package", "concat_fragment"
  title: string;
  parameters: Record<string, Data>;
  tags: string[];
  file?: string;
  line?: number;
  sensitiveParameters?: string[];
}

/** One property out of sync: what it is, what it should be, Puppet's event message. */
export interface Change {
  property: string; // "ensure", "content", "mode", ...
  previous: Data | undefined;
  desired: Data | undefined;
  message: string; // e.g. "created", "defined content as '{sha256}...'", "mode changed '0644' to '0600'"
  /** Puppet's event name ("file_created", "executed_command"); default derived from property and values. */
  name?: string;
  /** A change that makes pending refreshes moot (a service being started): Puppet unschedules them. */
  invalidateRefreshes?: boolean;
  /** Values of a Sensitive property: the report and logs show neither. */
  redacted?: boolean;
  /** Other properties this change sets at once (creating a file sets its content and mode): remembered
   *  as synced, so that a later drift of them counts as a corrective change. */
  implies?: Record<string, Data>;
  /** Out of sync on every run by nature (notify's message): never a corrective change. */
  volatile?: boolean;
}

export interface ApplyContext {
  noop: boolean;
  /** Logs attributed to the resource (they go to the report); with a property, to "PATH/property". */
  log(level: 'debug' | 'info' | 'notice' | 'warning' | 'err', message: string, property?: string): void;
  /** Fetches puppet:/// content and metadata from the server (absent in masterless runs without one). */
  fileSource?: FileSourceClient;
  /** Backs up old contents to the filebucket named by `backup` (default 'puppet', the local clientbucket); resolves to the digest. */
  backup?(path: string, content: Buffer, bucket?: string): Promise<string>;
  /** Settings the providers may need (vardir, digest_algorithm, ...). */
  settings?: { get(name: string): string };
  /** Every resource of the catalog being applied (concat_file gathers its concat_fragments). */
  catalogResources?(): Resource[];
  /** A static catalog's inline file metadata: used instead of asking the server (as Puppet agents do). */
  staticFiles?: StaticFiles;
}

/** What a static catalog carries for file resources with puppet:/// sources. */
export interface StaticFiles {
  /** The catalog's code_id, for static_file_content. */
  codeId: string | null;
  /** metadata[title]: the file_metadata of the resource's source. */
  metadata(title: string): Record<string, Data> | undefined;
  /** recursive_metadata[title][source]: the file_metadatas of a recursive source. */
  recursive(title: string, source: string): Record<string, Data>[] | undefined;
}

export interface FileSourceClient {
  metadata(source: string, opts: { links?: 'manage' | 'follow'; checksumType?: string }): Promise<Record<string, Data> | undefined>;
  metadatas(source: string, opts: { links?: 'manage' | 'follow'; checksumType?: string; recurselimit?: number; ignore?: string[] }): Promise<Record<string, Data>[]>;
  content(source: string): Promise<Buffer>;
  /** A static catalog's file content at its code_id (static_file_content); content_uri is "puppet:///modules/M/files/F". */
  staticContent?(contentUri: string, codeId: string): Promise<Buffer>;
}

export interface Provider {
  name: string;
  /** Whether this provider works on this machine (commands present, ...). */
  suitable(): boolean;
  /** Preferred when several are suitable. */
  isDefault?(): boolean;
  /** Reads the live state and returns what differs from the desired state; [] = in sync. */
  check(r: Resource, ctx: ApplyContext): Promise<Change[]>;
  /** Makes the live state match for the given changes. Throws KurokoError on failure. */
  apply(r: Resource, changes: Change[], ctx: ApplyContext): Promise<void>;
  /** Trait: responds to refresh events (service restart, refreshonly exec). */
  refresh?(r: Resource, ctx: ApplyContext): Promise<void>;
  /** Trait: resources generated from this one after it is applied (a recursive directory's
   *  children), each evaluated and reported as a resource of its own, as Puppet's eval_generate. */
  generate?(r: Resource, ctx: ApplyContext): Promise<Resource[]>;
  /** Trait: lists live instances (for `kuroko resource TYPE`). */
  instances?(): Promise<Resource[]>;
}

export interface ResourceType {
  name: string;
  namevar: string; // "path" for file, "name" for most
  /** Properties in the order Puppet checks them (ensure first). */
  properties: string[];
  /** Non-property parameters. */
  parameters: string[];
  /** Throws KurokoError naming the attribute and value when a value is invalid. */
  validate?(r: Resource): void;
  /** References ("File[/etc]", "User[www]") this resource implicitly requires. */
  autorequire?(r: Resource): string[];
  /** Whether events of this type can refresh others (all can) and whether it can be refreshed. */
  refreshable?: boolean;
  providers: Provider[];
}

/** Metaparameters every resource accepts (they are not properties). */
export const METAPARAMETERS = [
  'alias', 'audit', 'before', 'require', 'notify', 'subscribe', 'loglevel', 'noop', 'schedule', 'stage', 'tag', 'consume', 'export',
] as const;
