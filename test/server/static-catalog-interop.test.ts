// A real Puppet 7 agent (Debian's puppet-agent) applying a Kuroko static
// catalog, both inside a loopback-only network namespace (../shared/bin/netns-run):
// the server runs the site's code_id_command and code_content_command, the
// agent reads the inlined metadata (a file and a recursive directory) and
// fetches their content from static_file_content by code_id, without
// file_metadata requests for them. Skips with the reason when Puppet or
// netns-run is unavailable.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { NETNS, ROOT, realPuppetMissing, tempDir } from '../helpers.js';

const why = realPuppetMissing;

test('a real Puppet 7 agent applies a Kuroko static catalog: content by code_id, no metadata requests', { timeout: 240_000 }, (t) => {
  const reason = why();
  if (reason) { t.skip(reason); return; }
  const d = tempDir('kuroko-static-interop-');
  const script = join(d, 'run.sh');
  writeFileSync(script, `#!/bin/sh
D=${d}
E=$D/code/environments/production
mkdir -p $E/manifests $E/modules/envmod/files/tree/sub $D/bin $D/agent $D/out
cat > $E/manifests/site.pp <<'PP'
node 'node1.test' {
  file { '${d}/out/hello.txt': ensure => file, source => 'puppet:///modules/envmod/hello.txt' }
  file { '${d}/out/tree': ensure => directory, recurse => true, source => 'puppet:///modules/envmod/tree' }
}
PP
echo "hello, static" > $E/modules/envmod/files/hello.txt
echo "tree b" > $E/modules/envmod/files/tree/sub/b.txt
printf '#!/bin/sh\\necho "v7-$1"\\n' > $D/bin/code-id
printf '#!/bin/sh\\nexec cat "%s/code/environments/$1/$3"\\n' "$D" > $D/bin/code-content
chmod 755 $D/bin/code-id $D/bin/code-content
mkdir -p $D/etc
printf '[server]\\ncode_id_command = %s\\ncode_content_command = %s\\n' $D/bin/code-id $D/bin/code-content > $D/etc/puppet.conf
echo 'node1.test' > $D/autosign.conf
cd ${ROOT}
node --import tsx src/cli/run.ts server --no-daemonize --confdir $D/etc --vardir $D/var --logdir $D/log --rundir $D/run --codedir $D/code --basemodulepath $D/code/modules --certname localhost --dns_alt_names localhost,IP:127.0.0.1 --bindaddress 127.0.0.1 --serverport 18147 --autosign $D/autosign.conf --key_type ec > $D/server.log 2>&1 &
SP=$!
for i in $(seq 1 300); do grep -q "listening on" $D/server.log && break; sleep 0.2; done
A="--server localhost --serverport 18147 --certname node1.test --confdir $D/agent/etc --vardir $D/agent/var --ssldir $D/agent/ssl --rundir $D/agent/run --logdir $D/agent/log --codedir $D/agent/code --publicdir $D/agent/pub --color false"
timeout 150 puppet agent --test $A > $D/agent.log 2>&1
echo $? > $D/agent.rc
kill -TERM $SP; wait $SP
`);
  const r = spawnSync(NETNS, ['sh', script], { encoding: 'utf8', timeout: 220_000 });
  assert.equal(r.status, 0, r.stderr);
  const agent = readFileSync(join(d, 'agent.log'), 'utf8');
  const access = readFileSync(join(d, 'log', 'server-access.log'), 'utf8');
  assert.equal(readFileSync(join(d, 'agent.rc'), 'utf8').trim(), '2', `agent exit code (2 = changes, no failures):\n${agent}\n${access}`);
  assert.equal(readFileSync(join(d, 'out', 'hello.txt'), 'utf8'), 'hello, static\n');
  assert.equal(readFileSync(join(d, 'out', 'tree', 'sub', 'b.txt'), 'utf8'), 'tree b\n');
  assert.match(access, /"POST \/puppet\/v3\/catalog\/node1\.test\?environment=production HTTP\/1\.1" 200/);
  assert.match(access, /"GET \/puppet\/v3\/static_file_content\/modules\/envmod\/files\/hello\.txt\?[^"]*code_id=v7-production[^"]*" 200/);
  assert.match(access, /"GET \/puppet\/v3\/static_file_content\/modules\/envmod\/files\/tree\/sub\/b\.txt\?[^"]*" 200/);
  assert.doesNotMatch(access, /\/puppet\/v3\/file_(metadatas?|content)\/modules\/envmod/, access);
});
