// A real Puppet 7 agent (Debian's puppet-agent) against `kuroko server`,
// both inside a loopback-only network namespace (../shared/bin/netns-run):
// CA bootstrap with autosign, node, pluginsync, catalog, a file from a
// module, the report. Skips with the reason when Puppet or netns-run is
// unavailable.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { NETNS, ROOT, realPuppetMissing, tempDir } from '../helpers.js';

const why = realPuppetMissing;

test('a real Puppet 7 agent bootstraps, syncs plugins, applies a Kuroko catalog and sends its report', { timeout: 240_000 }, (t) => {
  const reason = why();
  if (reason) { t.skip(reason); return; }
  const d = tempDir('kuroko-interop-');
  const script = join(d, 'run.sh');
  writeFileSync(script, `#!/bin/sh
D=${d}
mkdir -p $D/code/environments/production/manifests $D/code/modules/sandbox/files $D/code/modules/sandbox/lib/facter $D/agent
cat > $D/code/environments/production/manifests/site.pp <<'PP'
node 'node1.test' {
  notify { 'hello from kuroko': }
  file { '${d}/target.txt': ensure => file, source => 'puppet:///modules/sandbox/static.txt' }
}
PP
echo "static from kuroko" > $D/code/modules/sandbox/files/static.txt
echo "Facter.add(:sandbox_fact) { setcode { 'yes' } }" > $D/code/modules/sandbox/lib/facter/sandbox_fact.rb
echo 'node1.test' > $D/autosign.conf
cd ${ROOT}
node --import tsx src/cli/run.ts server --no-daemonize --confdir $D/etc --vardir $D/var --logdir $D/log --rundir $D/run --codedir $D/code --basemodulepath $D/code/modules --certname localhost --dns_alt_names localhost,IP:127.0.0.1 --bindaddress 127.0.0.1 --serverport 18140 --autosign $D/autosign.conf --key_type ec > $D/server.log 2>&1 &
SP=$!
for i in $(seq 1 300); do grep -q "listening on" $D/server.log && break; sleep 0.2; done
A="--server localhost --serverport 18140 --certname node1.test --confdir $D/agent/etc --vardir $D/agent/var --ssldir $D/agent/ssl --rundir $D/agent/run --logdir $D/agent/log --codedir $D/agent/code --publicdir $D/agent/pub --color false"
timeout 150 puppet agent --test $A > $D/agent.log 2>&1
echo $? > $D/agent.rc
# The remote filebucket as Puppet uses it: HEAD, then PUT sha256/SUM//path; then GET by checksum.
printf 'bucket me\\001\\n' > $D/tobackup.txt
timeout 60 puppet filebucket backup --remote $A $D/tobackup.txt > $D/bucket.log 2>&1
echo $? > $D/bucket.rc
timeout 60 puppet filebucket get --remote $A $(sha256sum $D/tobackup.txt | cut -d' ' -f1) > $D/bucket-get.out 2>> $D/bucket.log
kill -TERM $SP; wait $SP
`);
  const r = spawnSync(NETNS, ['sh', script], { encoding: 'utf8', timeout: 220_000 });
  assert.equal(r.status, 0, r.stderr);
  const agent = readFileSync(join(d, 'agent.log'), 'utf8');
  const access = readFileSync(join(d, 'log', 'server-access.log'), 'utf8');
  const rc = readFileSync(join(d, 'agent.rc'), 'utf8').trim();
  assert.equal(rc, '2', `agent exit code (2 = changes, no failures):\n${agent}\n${access}`);
  assert.match(agent, /Notice: hello from kuroko/);
  assert.match(agent, /sandbox_fact\.rb\]\/ensure: defined content/);
  assert.equal(readFileSync(join(d, 'target.txt'), 'utf8'), 'static from kuroko\n');
  for (const step of [
    /"GET \/puppet-ca\/v1\/certificate\/ca HTTP\/1\.1" 200/,
    /"PUT \/puppet-ca\/v1\/certificate_request\/node1\.test HTTP\/1\.1" 200/,
    /"GET \/puppet-ca\/v1\/certificate\/node1\.test HTTP\/1\.1" 200/,
    /node1\.test \[[^\]]+\] "GET \/puppet\/v3\/file_metadatas\/plugins\?[^"]*" 200/,
    /node1\.test \[[^\]]+\] "POST \/puppet\/v3\/catalog\/node1\.test\?environment=production HTTP\/1\.1" 200/,
    /node1\.test \[[^\]]+\] "GET \/puppet\/v3\/file_content\/modules\/sandbox\/static\.txt\?[^"]*" 200/,
    /node1\.test \[[^\]]+\] "PUT \/puppet\/v3\/report\/node1\.test\?environment=production HTTP\/1\.1" 200/,
  ]) assert.match(access, step);
  const bucketLog = readFileSync(join(d, 'bucket.log'), 'utf8');
  const sum = createHash('sha256').update(readFileSync(join(d, 'tobackup.txt'))).digest('hex');
  assert.equal(readFileSync(join(d, 'bucket.rc'), 'utf8').trim(), '0', bucketLog);
  assert.match(bucketLog, new RegExp(`tobackup\\.txt: ${sum}`));
  assert.deepEqual(readFileSync(join(d, 'bucket-get.out')), readFileSync(join(d, 'tobackup.txt')), bucketLog);
  assert.match(access, new RegExp(`"HEAD /puppet/v3/file_bucket_file/sha256/${sum}//[^ "]*tobackup\\.txt[^"]*" 404`));
  assert.match(access, new RegExp(`"PUT /puppet/v3/file_bucket_file/sha256/${sum}//[^ "]*tobackup\\.txt[^"]*" 200`));
  assert.match(access, new RegExp(`"GET /puppet/v3/file_bucket_file/sha256/${sum}\\?[^ "]* HTTP/1\\.1" 200`));
  const list = spawnSync(process.execPath, ['--import', 'tsx', join(ROOT, 'src', 'cli', 'run.ts'), 'report', 'list', '--vardir', join(d, 'var'), '--confdir', join(d, 'etc')], { encoding: 'utf8', cwd: ROOT });
  assert.match(list.stdout, /node1\.test\s+changed\s/);
});
