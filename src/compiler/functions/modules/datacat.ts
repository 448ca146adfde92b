// richardc-datacat's Ruby function: the raw text of templates.
import { readFileSync } from 'node:fs';
import { findTemplate } from '../epp.js';
import { type Functions, fnError, rubyToS } from './support.js';

export const DATACAT_FUNCTIONS: Functions = {
  template_body: (c, args) => args.map((a) => {
    const name = rubyToS(a === undefined ? '' : a);
    const file = findTemplate(c, name);
    if (!file) throw fnError(c, `Could not find template '${name}'`);
    return readFileSync(file, 'utf8');
  }).join(''),
};
