// puppetlabs-inifile's Ruby function: ini_setting resources from a hash of sections.
import { isHash, type Value } from '../../types/values.js';
import { typeNameOf } from '../../types/types.js';
import { type Functions, fnError, callFunction, rubyToS, deprecation } from './support.js';

export const INIFILE_FUNCTIONS: Functions = {
  'inifile::create_ini_settings': (c, args) => {
    const [settings, defaults = new Map<Value, Value>()] = args;
    if (!isHash(settings)) throw fnError(c, `'inifile::create_ini_settings' parameter 'settings' expects a Hash value, got ${typeNameOf(settings)}`);
    if (!isHash(defaults)) throw fnError(c, `'inifile::create_ini_settings' parameter 'defaults' expects a Hash value, got ${typeNameOf(defaults)}`);
    const resources = new Map<Value, Value>();
    for (const [section, body] of settings) {
      if (!isHash(body)) throw fnError(c, `create_ini_settings(): Section ${rubyToS(section)} must contain a Hash`);
      const path = settings.has('path') ? settings.get('path') : defaults.get('path');
      if (path === undefined || path === false) throw fnError(c, 'create_ini_settings(): must pass the path parameter to the Ini_setting resource!');
      for (const [setting, value] of body) {
        const r = new Map<Value, Value>([['ensure', 'present'], ['section', section], ['setting', setting]]);
        if (isHash(value)) for (const [k, v] of value) r.set(k, v);
        else r.set('value', value);
        resources.set(`${rubyToS(path)} [${rubyToS(section)}] ${rubyToS(setting)}`, r);
      }
    }
    return callFunction(c, 'create_resources', ['ini_setting', resources, defaults]);
  },
  create_ini_settings: (c, args) => {
    deprecation(c, 'create_ini_settings', 'This method is deprecated, please use inifile::create_ini_settings instead.');
    return callFunction(c, 'inifile::create_ini_settings', args);
  },
};
