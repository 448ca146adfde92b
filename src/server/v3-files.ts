// GET /puppet/v3/file_metadata/:mount/path, file_metadatas (search) and
// file_content, over modules/, plugins, pluginfacts and custom mounts.
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { KurokoError } from '../util/diagnostic.js';
import { json, puppetError, type ApiRequest, type ApiResponse } from './http-types.js';
import type { ServerContext } from './context.js';
import { resolveMount } from './mounts.js';
import { CHECKSUM_TYPES, metadataOf, realRootOf, searchTree, within, type ChecksumType, type FileMetadata, type LinksMode } from './fileserving.js';

function bool(v: string | null, dflt: boolean): boolean {
  if (v === null) return dflt;
  return ['true', 'yes', 'inf', 'remote', 'local'].includes(v.toLowerCase());
}

function options(req: ApiRequest): { links: LinksMode; checksumType: ChecksumType; sourcePermissions: string } {
  const links = req.query.get('links') ?? 'manage';
  if (links !== 'manage' && links !== 'follow') throw new KurokoError(`Invalid links value '${links}' (expected manage or follow)`, { code: 'KUR0672', field: 'links', value: links });
  const ct = req.query.get('checksum_type') ?? 'sha256';
  if (!(CHECKSUM_TYPES as readonly string[]).includes(ct)) throw new KurokoError(`Unsupported checksum type '${ct}'`, { code: 'KUR0672', field: 'checksum_type', value: ct });
  const sp = req.query.get('source_permissions') ?? 'ignore';
  if (!['ignore', 'use', 'use_when_creating'].includes(sp)) throw new KurokoError(`Invalid source_permissions value '${sp}'`, { code: 'KUR0672', field: 'source_permissions', value: sp });
  return { links, checksumType: ct as ChecksumType, sourcePermissions: sp };
}

function modulepathFor(ctx: ServerContext, req: ApiRequest): string[] {
  const name = req.query.get('environment') ?? 'production';
  // The file server is not environment-specific for custom mounts; an unknown environment still has the base modules.
  const env = ctx.environments.find(name);
  return env ? env.modulepath : ctx.code.basemodulepath;
}

function badRequest(e: unknown): ApiResponse {
  if (e instanceof KurokoError) return puppetError(400, e.message);
  throw e;
}

export function fileMetadata(ctx: ServerContext, req: ApiRequest, key: string): ApiResponse {
  let o;
  try { o = options(req); } catch (e) { return badRequest(e); }
  const res = resolveMount(key, modulepathFor(ctx, req), ctx.mounts, req.client.certname);
  if (res) {
    for (const root of res.roots) {
      const real = realRootOf(root);
      if (!real) continue;
      const full = res.relative ? join(root, res.relative) : root;
      const md = metadataOf(real, full, full, null, o);
      if (md) return json(200, md);
    }
    if (res.merged && res.relative === '') {
      // The same empty directory file_metadatas answers when no module has lib/ (or facts.d/).
      const real = realRootOf(ctx.code.codedir);
      const md = real ? metadataOf(real, real, real, null, o) : undefined;
      if (md && md.type === 'directory') return json(200, md);
    }
  }
  return puppetError(404, `Not Found: Could not find file_metadata ${key}`, 'RESOURCE_NOT_FOUND');
}

export function fileMetadatas(ctx: ServerContext, req: ApiRequest, key: string): ApiResponse {
  let o;
  let recurselimit: number | undefined;
  let maxFiles: number | undefined;
  try {
    o = options(req);
    const rl = req.query.get('recurselimit');
    if (rl !== null && rl !== '') {
      if (!/^\d+$/.test(rl)) throw new KurokoError(`Invalid recurselimit '${rl}'`, { code: 'KUR0672', field: 'recurselimit', value: rl });
      recurselimit = Number(rl);
    }
    const mf = req.query.get('max_files');
    if (mf !== null && mf !== '') {
      if (!/^-?\d+$/.test(mf)) throw new KurokoError(`Invalid max_files '${mf}'`, { code: 'KUR0672', field: 'max_files', value: mf });
      maxFiles = Number(mf);
    }
  } catch (e) { return badRequest(e); }
  const recurse = bool(req.query.get('recurse'), false);
  const ignore = req.query.getAll('ignore').flatMap((i) => i.split(',')).filter(Boolean);
  const res = resolveMount(key, modulepathFor(ctx, req), ctx.mounts, req.client.certname);
  const out: FileMetadata[] = [];
  const budget = { left: maxFiles !== undefined && maxFiles > 0 ? maxFiles : Infinity };
  if (res) {
    const seen = new Map<string, FileMetadata>();
    try {
      for (const root of res.roots) {
        const real = realRootOf(root);
        if (!real) continue;
        const base = res.relative ? join(root, res.relative) : root;
        const before = seen.size;
        searchTree(real, base, { ...o, recurse, recurselimit, ignore }, seen, budget);
        if (!res.merged && seen.size > before) break;
      }
    } catch (e) {
      if (e instanceof KurokoError) return puppetError(400, e.message);
      throw e;
    }
    out.push(...seen.values());
    if (!out.length && res.merged && res.relative === '') {
      // No module has lib/ (or facts.d/): Puppet answers with one empty directory so pluginsync has nothing to do.
      const real = realRootOf(ctx.code.codedir);
      if (real) {
        const md = metadataOf(real, real, real, '.', o);
        if (md && md.type === 'directory') out.push(md);
      }
    }
  }
  if (!out.length) return puppetError(404, `Not Found: Could not find file_metadatas ${key}`, 'RESOURCE_NOT_FOUND');
  return json(200, out);
}

export function fileContent(ctx: ServerContext, req: ApiRequest, key: string): ApiResponse {
  const res = resolveMount(key, modulepathFor(ctx, req), ctx.mounts, req.client.certname);
  if (res && res.relative) {
    for (const root of res.roots) {
      const real = realRootOf(root);
      if (!real) continue;
      const full = join(root, res.relative);
      if (!within(real, full)) continue; // missing, or a link out of the mount
      try {
        if (!statSync(full).isFile()) continue;
        return { status: 200, headers: { 'Content-Type': 'application/octet-stream' }, body: readFileSync(full) };
      } catch { continue; }
    }
  }
  return puppetError(404, `Not Found: Could not find file_content ${key}`, 'RESOURCE_NOT_FOUND');
}
