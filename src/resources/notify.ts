// notify: logs a message on the agent. Always out of sync, as in Puppet, so
// every run shows the message (and reports one change).
import type { Data } from '../compiler/wire.js';
import { log } from '../log/index.js';
import type { Provider, Resource, ResourceType } from './type.js';
import { KurokoError } from '../util/diagnostic.js';

/** A message as Puppet prints a non-string value. */
function messageText(v: Data): string {
  if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return String(v);
  return JSON.stringify(v);
}

/** An array message counts by its first element, as Puppet's (non-array) message property does. */
function desired(r: Resource): Data {
  const m = r.parameters.message ?? (r.parameters.name as Data | undefined) ?? r.title;
  return Array.isArray(m) ? (m[0] ?? '') : m;
}

const notifyProvider: Provider = {
  name: 'notify',
  suitable: () => true,
  async check(r) {
    const msg = desired(r);
    const shown = typeof msg === 'string' ? `'${msg}'` : messageText(msg);
    return [{ property: 'message', previous: 'absent', desired: msg, message: `defined 'message' as ${shown}`, volatile: true }];
  },
  async apply(r, _changes, ctx) {
    // A Sensitive message is not shown, as in Puppet.
    const text = r.sensitiveParameters?.includes('message') ? 'Sensitive [value redacted]' : messageText(desired(r));
    const level = typeof r.parameters.loglevel === 'string' ? r.parameters.loglevel : 'notice';
    const lvl = (['debug', 'info', 'notice', 'warning', 'err'].includes(level) ? level : 'notice') as 'notice';
    const withpath = r.parameters.withpath === true || r.parameters.withpath === 'true';
    if (withpath) ctx.log(lvl, text); // attributed to the resource's path
    else log.log(lvl, text, { source: 'Puppet', file: r.file, line: r.line, tags: r.tags });
  },
};

export const resourceType: ResourceType = {
  name: 'notify',
  namevar: 'name',
  properties: ['message'],
  parameters: ['name', 'withpath'],
  validate(r) {
    const w = r.parameters.withpath;
    if (w !== undefined && w !== true && w !== false && w !== 'true' && w !== 'false') {
      throw new KurokoError(`Invalid value ${JSON.stringify(w)} for withpath (expected true or false)`, { code: 'KUR7101', field: 'withpath', value: w });
    }
  },
  providers: [notifyProvider],
};
