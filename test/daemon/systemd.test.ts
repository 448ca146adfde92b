// The example systemd units in ext/systemd: systemd's own checker accepts them,
// and they run the daemons the way runDaemon expects under systemd.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { ROOT, tempDir } from '../helpers.js';

const UNITS = ['kuroko-server.service', 'kuroko-agent.service'];

test('the units run kuroko in the foreground, reload with HUP, and start after the network', () => {
  for (const u of UNITS) {
    const text = readFileSync(join(ROOT, 'ext', 'systemd', u), 'utf8');
    const mode = u.includes('server') ? 'server' : 'agent';
    assert.match(text, new RegExp(`^ExecStart=/usr/bin/kuroko ${mode} --no-daemonize `, 'm'), u);
    assert.match(text, /^ExecReload=\/bin\/kill -HUP \$MAINPID$/m, u);
    assert.match(text, /^Type=simple$/m, u);
    assert.match(text, /^After=network-online\.target$/m, u);
    assert.match(text, /^WantedBy=multi-user\.target$/m, u);
  }
});

test('systemd-analyze verify accepts the units', (t) => {
  if (spawnSync('systemd-analyze', ['--version'], { stdio: 'ignore' }).status !== 0) { t.skip('systemd-analyze is not installed'); return; }
  const dir = tempDir();
  for (const u of UNITS) {
    // The installed path does not exist here: point ExecStart at this checkout's real executable.
    const text = readFileSync(join(ROOT, 'ext', 'systemd', u), 'utf8').replace('/usr/bin/kuroko', `${process.execPath} ${join(ROOT, 'bin', 'kuroko.js')}`);
    const file = join(dir, u);
    writeFileSync(file, text);
    const r = spawnSync('systemd-analyze', ['verify', file], { encoding: 'utf8' });
    assert.equal(r.status, 0, `${u}: ${r.stderr}`);
    assert.equal(r.stderr.trim(), '', u);
  }
});
