// The server's request and response, independent of node:http, so that
// handlers (CA, catalog, files, ...) are plain functions that tests can call
// directly and the HTTPS front end merely adapts.
import type { X509Certificate } from 'node:crypto';

export interface ClientIdentity {
  /** The CN of a verified client certificate; undefined without one. */
  certname?: string;
  /** True when a client certificate was presented and verified against the CA (and not revoked). */
  authenticated: boolean;
  /** Certificate extensions by Puppet short name (pp_cli_auth, pp_role, ...) or OID. */
  extensions: Record<string, string>;
  certificate?: X509Certificate;
}

export interface ApiRequest {
  method: string; // upper case
  path: string; // decoded path without the query
  rawPath: string; // as received, for traversal checks
  query: URLSearchParams;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
  client: ClientIdentity;
  remoteAddress?: string;
}

export interface ApiResponse {
  status: number;
  headers?: Record<string, string>;
  body?: string | Buffer;
}

export type Handler = (req: ApiRequest) => Promise<ApiResponse> | ApiResponse;

export function json(status: number, value: unknown, headers: Record<string, string> = {}): ApiResponse {
  return { status, headers: { 'Content-Type': 'application/json', ...headers }, body: JSON.stringify(value) };
}

export function text(status: number, value: string, headers: Record<string, string> = {}): ApiResponse {
  return { status, headers: { 'Content-Type': 'text/plain', ...headers }, body: value };
}

/** Puppet's (Ruby side) error body: {"message", "issue_kind"}. */
export function puppetError(status: number, message: string, issueKind = 'RUNTIME_ERROR'): ApiResponse {
  return json(status, { message, issue_kind: issueKind });
}
