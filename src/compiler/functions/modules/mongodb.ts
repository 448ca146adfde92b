// puppet-mongodb's Ruby function: the MONGODB-CR password hash.
import { createHash } from 'node:crypto';
import { type Functions, fnError, rubyToS } from './support.js';

export const MONGODB_FUNCTIONS: Functions = {
  mongodb_password: (c, args) => {
    if (args.length !== 2) throw fnError(c, `mongodb_password(): Wrong number of arguments given (${args.length} for 2)`);
    const [u, p] = args.map((a) => (a === undefined ? '' : rubyToS(a)));
    return createHash('md5').update(`${u}:mongo:${p}`, 'utf8').digest('hex');
  },
};
