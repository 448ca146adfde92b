// `kuroko quickstart` (what `npm start` runs): a server and two agents on
// this machine, the classic walkthrough step by step, then the server stays up.
import type { Command } from '../command.js';

export const command: Command = {
  name: 'quickstart',
  summary: 'Start a server on 127.0.0.1 and run two agents against it, step by step (npm start).',
  usage: ['kuroko quickstart [--dir DIR] [--port PORT] [--real] [--once]'],
  description: [
    'Writes an embedded configuration under DIR (./.kuroko): the server node3.test.com with its CA,',
    'code from examples/seed, and one confdir per agent (node1.test.com, node2.test.com). It starts',
    '`kuroko server` on 127.0.0.1 (port 8140, or a free one when 8140 is busy), runs each agent',
    'through its first run (key and CSR), `kuroko cert list`, `kuroko cert sign`, the run that applies',
    'the catalog and sends the report, and a second run with no changes. Managed paths go under',
    'DIR/sandbox/NAME (the fact kuroko_sandbox) and package and service are noop, unless --real',
    '(root only) asks for real changes. The server then keeps running until Ctrl-C.',
  ].join('\n'),
  runMode: 'user',
  settingsFlags: false,
  flags: [
    { name: 'dir', type: 'string', arg: 'DIR', desc: 'Where the configuration, keys, store and sandboxes go (default ./.kuroko).' },
    { name: 'port', type: 'string', arg: 'PORT', desc: 'The preferred server port (default 8140; a free one when it is busy).' },
    { name: 'real', type: 'boolean', desc: 'Change this machine for real (root only): install and run nginx.' },
    { name: 'once', type: 'boolean', desc: 'Stop the server after the walkthrough instead of waiting for Ctrl-C.' },
  ],
  async run(ctx) {
    const { usageError } = await import('../../util/diagnostic.js');
    const { quickstart } = await import('../../quickstart/index.js');
    const portText = (ctx.args.flags.port as string | undefined) ?? '8140';
    const port = Number(portText);
    if (!/^\d+$/.test(portText) || port > 65535) throw usageError(`Invalid --port '${portText}' (expected 0-65535)`);
    return quickstart({
      dir: (ctx.args.flags.dir as string | undefined) ?? '.kuroko',
      port, real: ctx.args.flags.real === true, once: ctx.args.flags.once === true, out: ctx.out,
    });
  },
};
