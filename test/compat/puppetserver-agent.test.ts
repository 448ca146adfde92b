// Interoperability: a Kuroko agent against Debian's real puppetserver 7.9.
// The agent's CSR is signed by puppetserver's own CA (`puppetserver ca sign`),
// it applies the catalog (a file into a temp dir, a notify, a module file from
// puppet:///modules), puppetserver stores its report, and a second run is in
// sync but for the notify. The whole test runs in a loopback-only network namespace: when it is
// not already in one, it runs itself again under ../shared/bin/netns-run.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { kuroko, ROOT, tempDir } from '../helpers.js';
import { loopbackOnly, startPuppetserver, whyNoPuppetserver } from './support/puppetserver.js';

const NETNS = join(ROOT, '..', 'shared', 'bin', 'netns-run');
const FIXTURE = join(ROOT, 'test', 'compat', 'fixtures', 'puppetserver');
const SELF = fileURLToPath(import.meta.url);
const CERTNAME = 'node1.test.com';

function whySkip(): string | undefined {
  const why = whyNoPuppetserver();
  if (why) return why;
  if (!loopbackOnly()) {
    if (!existsSync(NETNS)) return `no ${NETNS} to isolate the network`;
    if (spawnSync(NETNS, ['true']).status !== 0) return 'netns-run cannot create a network namespace here (needs root or user namespaces)';
  }
  return undefined;
}

const skip = whySkip();
if (skip) console.log(`# skipping the puppetserver interoperability test: ${skip}`);

test('a Kuroko agent gets its certificate from, applies a catalog of, and reports to Debian\'s puppetserver 7.9', { skip, timeout: 420_000 }, async (t) => {
  if (!loopbackOnly()) {
    // NODE_TEST_CONTEXT would make the inner runner report to us in its child protocol instead of running.
    const env = { ...process.env };
    delete env.NODE_TEST_CONTEXT;
    const r = spawnSync(NETNS, [process.execPath, '--import', 'tsx', '--test', '--test-reporter=tap', SELF], { cwd: ROOT, encoding: 'utf8', timeout: 410_000, env });
    const out = `${r.stdout}${r.stderr}`;
    if (/skipping the puppetserver interoperability test: (.*)/.test(out) || /# puppetserver not ready: /.test(out)) {
      t.skip(/(?:skipping the puppetserver interoperability test|puppetserver not ready): (.*)/.exec(out)![1]);
      return;
    }
    assert.equal(r.status, 0, out.slice(-6000));
    assert.match(out, /# pass 1\n/, out.slice(-6000));
    return;
  }
  const dir = tempDir('kuroko-ps-agent-');
  const target = join(dir, 'target');
  const code = join(dir, 'code');
  cpSync(FIXTURE, code, { recursive: true });
  const site = join(code, 'environments', 'production', 'manifests', 'site.pp');
  writeFileSync(site, readFileSync(site, 'utf8').replaceAll('__TARGET_DIR__', target));
  spawnSync('mkdir', ['-p', target]);

  let ps;
  try {
    // A C1-only JIT and 2048-bit CA keys start it markedly faster; this test measures nothing.
    ps = await startPuppetserver({ codedir: code, jvmArgs: ['-XX:TieredStopAtLevel=1'], serverSettings: { keylength: '2048' } });
  } catch (e) {
    const msg = (e as Error).message;
    if (/was not ready within/.test(msg)) {
      console.log(`# puppetserver not ready: ${msg.split('\n')[0]}`);
      t.skip(msg.split('\n')[0]);
      return;
    }
    throw e;
  }
  try {
    const node = join(dir, 'node');
    const agent = () => kuroko([
      'agent', '--test', '--server', '127.0.0.1', '--serverport', String(ps.port), '--certname', CERTNAME,
      '--confdir', join(node, 'etc'), '--vardir', join(node, 'var'), '--ssldir', join(node, 'ssl'), '--logdir', join(node, 'log'), '--rundir', join(node, 'run'),
    ], { timeout: 180_000 });

    const first = agent();
    assert.equal(first.status, 1, `an unsigned agent exits 1:\n${first.stdout}${first.stderr}`);
    assert.ok(existsSync(join(ps.ssldir, 'ca', 'requests', `${CERTNAME}.pem`)), `puppetserver holds the CSR:\n${first.stdout}${first.stderr}\n${ps.ca(['list', '--all']).out}`);
    ps.sign([CERTNAME]);

    const second = agent();
    const out2 = `${second.stdout}${second.stderr}`;
    assert.equal(second.status, 2, `the signed agent applies changes (exit 2):\n${out2}\n--- puppetserver log:\n${ps.log().slice(-4000)}`);
    assert.equal(readFileSync(join(target, 'managed.txt'), 'utf8'), `managed by puppetserver for ${CERTNAME}\n`);
    assert.equal(readFileSync(join(target, 'from-module.txt'), 'utf8'), 'hello from a module file\n');
    assert.match(out2, /hello from puppetserver/);

    const reports = join(ps.reportdir, CERTNAME);
    const yamls = existsSync(reports) ? readdirSync(reports).filter((f) => f.endsWith('.yaml')) : [];
    assert.equal(yamls.length, 1, `puppetserver stored one YAML report in ${reports}:\n${ps.log().slice(-4000)}`);
    const report = readFileSync(join(reports, yamls[0]), 'utf8');
    assert.match(report, /^--- !ruby\/object:Puppet::Transaction::Report/);
    assert.match(report, new RegExp(`\\n\\s*host: ${CERTNAME.replace(/\./g, '\\.')}\\n`));
    assert.match(report, /\n\s*status: changed\n/);

    // A notify changes on every run (as in Puppet), so the next run exits 2 with the files in sync.
    const third = agent();
    const out3 = `${third.stdout}${third.stderr}`;
    assert.equal(third.status, 2, `the next run changes only the notify (exit 2):\n${out3}`);
    assert.match(out3, /Notify\[hello from puppetserver\]/);
    assert.doesNotMatch(out3, /File\[/, `the files are in sync:\n${out3}`);
    // Puppet names stored reports by the minute (YYYYMMDDHHMM.yaml): a run in the same minute replaces the file.
    const after = readdirSync(reports).filter((f) => f.endsWith('.yaml'));
    const fresh = after.filter((f) => f !== yamls[0] || readFileSync(join(reports, f), 'utf8') !== report);
    assert.equal(fresh.length, 1, `puppetserver stored the next run's report too (${after.join(', ')})`);
    assert.match(readFileSync(join(reports, fresh[0]), 'utf8'), /\n\s*status: changed\n/);
  } finally {
    await ps.stop();
  }
});
