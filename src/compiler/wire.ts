// Puppet's catalog and facts wire formats (catalog_format 1 as Puppet 7
// sends it; facts as the agent sends them). Shared by the compiler that
// produces catalogs, the server that serves them and the agent that applies
// them. See api/schemas/catalog.json in Puppet.

export type Data = null | boolean | number | string | Data[] | { [k: string]: Data };

export interface CatalogResource {
  type: string; // capitalised per segment: "File", "Class", "Nginx::Vhost"
  title: string;
  tags: string[];
  file?: string;
  line?: number;
  exported: boolean;
  kind?: 'compilable_type' | 'defined_type' | 'class' | 'unknown' | string;
  parameters?: Record<string, Data>;
  sensitive_parameters?: string[];
}

export interface CatalogEdge {
  source: string; // "Class[Foo]"
  target: string;
}

export interface Catalog {
  tags: string[];
  name: string;
  version: string | number;
  code_id: string | null;
  catalog_uuid: string;
  catalog_format: number;
  environment: string;
  resources: CatalogResource[];
  edges: CatalogEdge[];
  classes: string[];
  metadata?: Record<string, Data>;
  recursive_metadata?: Record<string, Data>;
}

/** The facts document: PUT /puppet/v3/facts body and the catalog request's facts. */
export interface FactsDocument {
  name: string;
  values: Record<string, Data>;
  timestamp?: string;
  expiration?: string;
}

/** $trusted as the server derives it from the client certificate. */
export interface TrustedData {
  authenticated: 'remote' | 'local' | false;
  certname: string;
  extensions: Record<string, string>;
  hostname: string;
  domain: string;
  external?: Record<string, Data>;
}
