// Ruby (Onigmo) regexps run on JavaScript's engine. Ruby's ^ and $ are always
// line anchors, `.` skips newlines unless /m, \A \z \Z \h differ; /x strips
// whitespace and comments; POSIX bracket classes are spelled out.
import { RubyError } from './runtime.js';
import { ErbRegexp } from './values.js';

const POSIX: Record<string, string> = {
  alpha: 'a-zA-Z', digit: '0-9', alnum: 'a-zA-Z0-9', upper: 'A-Z', lower: 'a-z', space: ' \\t\\r\\n\\v\\f',
  xdigit: '0-9A-Fa-f', punct: '!-\\/:-@\\[-`{-~', word: '\\w', blank: ' \\t', cntrl: '\\x00-\\x1f\\x7f',
  print: ' -~', graph: '!-~',
};

const cache = new Map<string, ErbRegexp>();

export function makeRegexp(source: string, opts: string): ErbRegexp {
  const key = opts + '/' + source;
  const hit = cache.get(key);
  if (hit) return hit;
  let options = '';
  for (const o of 'mix') if (opts.includes(o)) options += o;
  let js: RegExp;
  try {
    js = new RegExp(translate(source, opts.includes('x'), opts), 'm' + (opts.includes('i') ? 'i' : '') + (opts.includes('m') ? 's' : '') + 'g');
  } catch (e) {
    throw new RubyError('RegexpError', `invalid or unsupported regular expression /${source}/: ${(e as Error).message}`);
  }
  const r = new ErbRegexp(source, options, js);
  if (cache.size < 5000) cache.set(key, r);
  return r;
}

function translate(src: string, extended: boolean, options: string): string {
  let out = '';
  let inClass = 0;
  for (let i = 0; i < src.length; i++) {
    const c = src[i];
    if (c === '\\') {
      const d = src[i + 1];
      i++;
      switch (d) {
        case 'A': out += inClass ? 'A' : '(?<![\\s\\S])'; break;
        case 'z': out += '(?![\\s\\S])'; break;
        case 'Z': out += '(?=\\n?(?![\\s\\S]))'; break;
        case 'h': out += inClass ? '0-9a-fA-F' : '[0-9a-fA-F]'; break;
        case 'H': out += '[^0-9a-fA-F]'; break;
        case 'G': throw new RubyError('RegexpError', 'unsupported regexp anchor \\G');
        case 'K': throw new RubyError('RegexpError', 'unsupported regexp escape \\K');
        case '/': out += '\\/'; break;
        case undefined: out += '\\\\'; break;
        default: out += '\\' + d;
      }
      continue;
    }
    if (inClass) {
      if (c === '[' && src[i + 1] === ':') {
        const e = src.indexOf(':]', i + 2);
        if (e > 0) {
          let name = src.slice(i + 2, e);
          const neg = name.startsWith('^');
          if (neg) name = name.slice(1);
          const cls = Object.prototype.hasOwnProperty.call(POSIX, name) ? POSIX[name] : undefined;
          if (!cls || neg) throw new RubyError('RegexpError', `unsupported POSIX class [:${name}:]`);
          out += cls;
          i = e + 1;
          continue;
        }
      }
      if (c === '[') {
        throw new RubyError('RegexpError', 'unsupported nested character class');
      }
      if (c === ']') inClass--;
      out += c;
      continue;
    }
    if (extended) {
      if (/\s/.test(c)) continue;
      if (c === '#') {
        while (i < src.length && src[i] !== '\n') i++;
        continue;
      }
    }
    if (c === '[') {
      inClass++;
      out += c;
      if (src[i + 1] === '^') out += src[++i];
      if (src[i + 1] === ']') out += '\\' + src[++i];
      continue;
    }
    if (c === '(' && src[i + 1] === '?') {
      // (?>...) atomic and (?imx-imx) inline options have no JS equivalent.
      if (src[i + 2] === '>') {
        out += '(?:';
        i += 2;
        continue;
      }
      const opt = /^\(\?([imx]*)(?:-([imx]*))?([:)])/.exec(src.slice(i, i + 12));
      if (opt) {
        // (?-mix:...) as Regexp#to_s writes it, or options already on for the whole regexp: a plain group.
        const on = opt[1];
        if (opt[3] === ':' && [...on].every((o) => options.includes(o)) && !(opt[2] ?? '').split('').some((o) => options.includes(o) && o !== 'x')) {
          out += '(?:';
          i += opt[0].length - 1;
          continue;
        }
        throw new RubyError('RegexpError', 'unsupported inline regexp options (?imx)');
      }
    }
    if (c === '$') {
      // Ruby's $ matches before any \n, JS /m too; same.
      out += c;
      continue;
    }
    out += c;
  }
  return out;
}

/** Regexp.escape. */
export function regexpEscape(s: string): string {
  return s.replace(/[.*?+^$|()[\]{}\\#-]/g, (c) => '\\' + c).replace(/\n/g, '\\n').replace(/\t/g, '\\t')
    .replace(/\r/g, '\\r').replace(/ /g, '\\ ').replace(/\f/g, '\\f').replace(/\v/g, '\\v');
}

/** Runs the regexp from `start`, returning the match (lastIndex-safe). */
export function execAt(r: ErbRegexp, s: string, start = 0): RegExpExecArray | null {
  r.re.lastIndex = start;
  return r.re.exec(s);
}

/** Expands a Ruby replacement string: \0 \& \1..\9 \k<name> \\ \` \'. */
export function expandReplacement(rep: string, m: RegExpExecArray, input: string): string {
  if (!rep.includes('\\')) return rep;
  let out = '';
  for (let i = 0; i < rep.length; i++) {
    const c = rep[i];
    if (c !== '\\' || i + 1 >= rep.length) {
      out += c;
      continue;
    }
    const d = rep[++i];
    if (d >= '0' && d <= '9') out += m[parseInt(d, 10)] ?? '';
    else if (d === '&') out += m[0];
    else if (d === '`') out += input.slice(0, m.index);
    else if (d === "'") out += input.slice(m.index + m[0].length);
    else if (d === '\\') out += '\\';
    else if (d === 'k' && rep[i + 1] === '<') {
      const e = rep.indexOf('>', i);
      out += m.groups?.[rep.slice(i + 2, e)] ?? '';
      i = e;
    } else out += '\\' + d;
  }
  return out;
}
