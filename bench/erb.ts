// ERB rendering: corpus templates rendered N times each, Kuroko's interpreter
// against Ruby's ERB in one Ruby process (ERB.new + result per render, as
// Puppet's TemplateWrapper does). Kuroko is timed both ways: compiling once
// and rendering N times (what the compiler does, caching per file), and
// compiling on every render.
import { compileErb, compileUncached, renderErb } from '../src/compiler/erb/index.js';
import { bindingFor, corpusTemplates, readTemplate } from '../test/compiler/erb/corpus.js';
import { cloneVars, FakeScope, RubyErb, rubyAvailable } from '../test/compiler/erb/helpers.js';

const N = Number(process.env.ERB_BENCH_N ?? 200);
const MAX_TEMPLATES = Number(process.env.ERB_BENCH_TEMPLATES ?? 60);

export async function run(): Promise<void> {
  if (!rubyAvailable()) {
    console.log('skipped: ruby (with erb and json) is not installed, nothing to compare with');
    return;
  }
  const ruby = new RubyErb();
  try {
    // Pick templates Ruby renders with the synthetic binding and Kuroko renders identically.
    const picked: { file: string; src: string; vars: ReturnType<typeof bindingFor> }[] = [];
    for (const file of corpusTemplates()) {
      if (picked.length >= MAX_TEMPLATES) break;
      const src = readTemplate(file);
      const vars = bindingFor(src, 'plausible');
      const r = await ruby.render(src, vars, file);
      if (r.ok === undefined) continue;
      try {
        if (renderErb(compileErb(src, file), new FakeScope(cloneVars(vars))) !== r.ok) continue;
      } catch {
        continue;
      }
      picked.push({ file, src, vars });
    }
    if (!picked.length) {
      console.log('skipped: no corpus templates found under /usr/share/puppet/modules');
      return;
    }
    const bytes = picked.reduce((s, p) => s + p.src.length, 0);
    console.log(`${picked.length} corpus templates (${bytes} bytes of ERB), each rendered ${N} times`);

    let rubySeconds = 0;
    for (const p of picked) {
      const r = await ruby.render(p.src, p.vars, p.file, N);
      rubySeconds += r.seconds ?? 0;
    }

    const scopes = picked.map((p) => new FakeScope(p.vars));
    // Warm up the JIT as Ruby's process is warm.
    for (let i = 0; i < 5; i++) picked.forEach((p, j) => renderErb(compileErb(p.src, p.file), scopes[j]));
    let t0 = process.hrtime.bigint();
    const compiled = picked.map((p) => compileErb(p.src, p.file));
    for (let i = 0; i < N; i++) for (let j = 0; j < picked.length; j++) renderErb(compiled[j], scopes[j]);
    const cached = Number(process.hrtime.bigint() - t0) / 1e9;
    // compileErb caches by (file, source); compileUncached parses every time.
    t0 = process.hrtime.bigint();
    for (let i = 0; i < N; i++) for (let j = 0; j < picked.length; j++) renderErb(compileUncached(picked[j].src, picked[j].file), scopes[j]);
    const uncached = Number(process.hrtime.bigint() - t0) / 1e9;

    const renders = N * picked.length;
    const per = (s: number) => `${((s / renders) * 1e6).toFixed(1)} µs/render`;
    console.log(`Ruby ERB (ERB.new + result):      ${rubySeconds.toFixed(3)} s  ${per(rubySeconds)}`);
    console.log(`Kuroko, compiled once:            ${cached.toFixed(3)} s  ${per(cached)}  ratio ${(rubySeconds / cached).toFixed(1)}x faster`);
    console.log(`Kuroko, compiled on every render: ${uncached.toFixed(3)} s  ${per(uncached)}  ratio ${(rubySeconds / uncached).toFixed(1)}x faster`);
  } finally {
    ruby.close();
  }
}
