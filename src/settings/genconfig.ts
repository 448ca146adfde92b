// `kuroko server --genconfig` / `kuroko agent --genconfig`: a complete,
// commented puppet.conf of every setting for one run mode (the classic
// `puppet master --genconfig > puppet.conf`). Unlike Puppet, which comments
// out defaults, every setting is written live so that the file alone pins
// down the run; values are written as given (`$confdir/ssl`, not the
// expansion) so that editing one directory still moves the others, and the
// effective value is shown in a comment where it differs. Read back for the
// same run mode, the file yields exactly the values it was made from.
import { SETTINGS, type SettingDefinition } from './definitions.js';
import { quoteIfNeeded } from './puppetconf.js';
import type { Settings } from './index.js';

export interface GenconfigOptions {
  /** Replaces the "Generated on" time (tests). */
  now?: Date;
}

/** The section a run mode's genconfig writes: [server] for the server, [agent] for agents. */
export function genconfigSection(settings: Settings): string {
  return settings.section === 'main' ? 'main' : settings.section;
}

function comment(text: string, indent: string): string[] {
  return text.split('\n').map((l) => `${indent}# ${l}`.trimEnd());
}

function defaultText(def: SettingDefinition): string | undefined {
  return typeof def.default === 'string' ? def.default : undefined;
}

export function renderGenconfig(settings: Settings, opts: GenconfigOptions = {}): string {
  const section = genconfigSection(settings);
  const out: string[] = [
    ...comment([
      `The configuration file for the ${settings.runMode} run mode, made by \`kuroko ${settings.runMode} --genconfig\`.`,
      'Every setting is listed with the value in effect when it was made; values may refer',
      'to other settings as $name or ${name}. Settings in this section override [main].',
      '',
      'Only whole-line comments are allowed: a # after a value is part of the value.',
      '',
      `Generated on ${(opts.now ?? new Date()).toISOString()}.`,
    ].join('\n'), ''),
    `[${section}]`,
  ];
  const indent = '    ';
  for (const def of SETTINGS) {
    const raw = settings.rawValue(def.name);
    const effective = settings.get(def.name);
    out.push(...comment(def.desc, indent));
    if (def.type === 'enum' && def.values) out.push(`${indent}# One of: ${def.values.join(', ')}.`);
    if (def.aliases?.length) out.push(`${indent}# Also read as: ${def.aliases.join(', ')}.`);
    const dflt = defaultText(def);
    if (dflt !== undefined) out.push(`${indent}# The default value is '${dflt}'.`);
    if (effective !== raw) out.push(`${indent}# Effective value: ${effective}`);
    out.push(`${indent}${def.name} = ${quoteIfNeeded(raw)}`, '');
  }
  return out.join('\n');
}
