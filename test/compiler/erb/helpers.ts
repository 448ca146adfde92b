// Test helpers for the ERB interpreter: a fake Puppet scope (with the same toy
// functions as ruby-erb-harness.rb), the JSON value codec both sides share,
// and a long-lived Ruby process rendering with Ruby's real ERB.
import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { createInterface } from 'node:readline';
import {
  ErbFloat, ErbSymbol, compileErb, renderErb, rubyToS, sym, type ErbScope, type ErbValue,
} from '../../../src/compiler/erb/index.js';

export const HARNESS = fileURLToPath(new URL('./ruby-erb-harness.rb', import.meta.url));

/** JSON-encodes a value for the Ruby harness (floats, symbols, non-string keys survive). */
export function encode(v: ErbValue): unknown {
  if (v === undefined || v === null) return null;
  if (v instanceof ErbFloat) return { __float: v.value };
  if (v instanceof ErbSymbol) return { __sym: v.name };
  if (Array.isArray(v)) return v.map(encode);
  if (v instanceof Map) return { __hash: Array.from(v, ([k, x]) => [encode(k), encode(x)]) };
  return v;
}

export function encodeVars(vars: Record<string, ErbValue>): Record<string, unknown> {
  const o: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(vars)) o[k] = encode(v);
  return o;
}

function versioncmp(a: string, b: string): number {
  const x = a.split('.').map((s) => parseInt(s, 10) || 0), y = b.split('.').map((s) => parseInt(s, 10) || 0);
  for (let i = 0; i < Math.min(x.length, y.length); i++) if (x[i] !== y[i]) return x[i] < y[i] ? -1 : 1;
  return x.length === y.length ? 0 : x.length < y.length ? -1 : 1;
}

const toS = (v: ErbValue): string => rubyToS(v);

export class FakeScope implements ErbScope {
  readonly calls: string[] = [];
  constructor(readonly vars: Record<string, ErbValue>) {}
  lookupvar(name: string): ErbValue {
    const n = name.replace(/^::/, '');
    if (!Object.prototype.hasOwnProperty.call(this.vars, n)) return undefined;
    const v = this.vars[n];
    return v === undefined ? null : v;
  }
  callFunction(name: string, args: ErbValue[]): ErbValue {
    this.calls.push(name);
    switch (name) {
      case 'upcase': return toS(args[0]).toUpperCase();
      case 'join': return (args[0] as ErbValue[]).map(toS).join(toS(args[1]));
      case 'versioncmp': return versioncmp(toS(args[0]), toS(args[1]));
      case 'warning': case 'notice': case 'debug': case 'info': return undefined;
      case 'template': return `[template ${args.map(toS).join(',')}]`;
      case 'str2bool': return ['true', 'yes', '1', 'y'].includes(toS(args[0]).toLowerCase());
      case 'fqdn_rotate': return args[0];
      case 'apache::bool2httpd': return args[0] === true ? 'On' : args[0] === false ? 'Off' : toS(args[0]);
      case 'memcached::max_memory': return 64;
      case 'pick': return args.find((x) => x !== undefined && x !== null && x !== '' && x !== sym('undef'));
      default: throw new Error(`unknown function ${name}`);
    }
  }
  setvar(name: string, value: ErbValue): void {
    this.vars[name] = value;
  }
  toHash(): Map<string, ErbValue> {
    return new Map(Object.entries(this.vars));
  }
}

export function render(source: string, vars: Record<string, ErbValue> = {}, file = 'test.erb'): string {
  return renderErb(compileErb(source, file), new FakeScope(vars));
}

export interface RubyResult {
  ok?: string;
  error?: string;
  line?: number;
  seconds?: number;
}

export function rubyAvailable(): boolean {
  const r = spawnSync('ruby', ['-e', 'require "erb"; require "json"; print 1'], { encoding: 'utf8' });
  return r.status === 0 && r.stdout === '1';
}

/** One Ruby process answering render requests in order. */
export class RubyErb {
  private readonly proc: ChildProcessWithoutNullStreams;
  private readonly waiting: ((r: RubyResult) => void)[] = [];
  constructor() {
    this.proc = spawn('ruby', [HARNESS], { stdio: ['pipe', 'pipe', 'pipe'] });
    const rl = createInterface({ input: this.proc.stdout });
    rl.on('line', (l) => this.waiting.shift()?.(JSON.parse(l) as RubyResult));
    this.proc.stderr.resume();
  }
  render(source: string, vars: Record<string, ErbValue>, file = 'test.erb', repeat = 1): Promise<RubyResult> {
    return new Promise((resolve) => {
      this.waiting.push(resolve);
      this.proc.stdin.write(JSON.stringify({ source, file, vars: encodeVars(vars), repeat }) + '\n');
    });
  }
  close(): void {
    this.proc.stdin.end();
  }
}

/** A deep copy, so templates that modify variables do not affect other cases. */
export function cloneValue(v: ErbValue): ErbValue {
  if (Array.isArray(v)) return v.map(cloneValue);
  if (v instanceof Map) return new Map(Array.from(v, ([k, x]) => [cloneValue(k), cloneValue(x)]));
  return v;
}

export function cloneVars(vars: Record<string, ErbValue>): Record<string, ErbValue> {
  const o: Record<string, ErbValue> = {};
  for (const [k, v] of Object.entries(vars)) o[k] = cloneValue(v);
  return o;
}
