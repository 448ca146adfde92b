// The transaction against the real system: order, containment, failures,
// refresh events, noop, tags, unknown types, cycles, idempotence.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from '../helpers.js';
import { apply, catalog, messages, metric, type Res } from './helpers.js';
import { log } from '../../src/log/index.js';

/** An exec that appends its name to a log file: the file records evaluation order. */
function rec(dir: string, name: string, params: Record<string, unknown> = {}): Res {
  return ['Exec', name, { command: `/bin/echo ${name} >> ${join(dir, 'order')}`, ...params } as never];
}
const order = (dir: string) => (existsSync(join(dir, 'order')) ? readFileSync(join(dir, 'order'), 'utf8').trim().split('\n') : []);

test('unrelated resources apply in manifest order; relationships reorder them', async () => {
  const d = tempDir();
  const r = await apply(catalog([rec(d, 'a'), rec(d, 'b', { require: 'Exec[c]' }), rec(d, 'c'), rec(d, 'd', { before: 'Exec[a]' })]));
  assert.equal(r.report.status, 'changed');
  // Puppet's traversal: among ready resources, the earliest in the catalog goes first.
  // Ready at first: c and d (a waits for d, b for c); c frees b, which is earlier than d.
  assert.deepEqual(order(d), ['c', 'b', 'd', 'a']);
});

test('a relationship with a class orders everything it contains', async () => {
  const d = tempDir();
  const cat = catalog([rec(d, 'x1'), rec(d, 'x2'), rec(d, 'y1', { require: 'Class[Second]' })], { classes: { First: ['Exec[x1]'], Second: ['Exec[x2]'] } });
  await apply(cat);
  const o = order(d);
  assert.ok(o.indexOf('x2') < o.indexOf('y1'), `x2 before y1 in ${o}`);
});

test('a failed resource skips its dependents (transitively) and the rest continues', async () => {
  const d = tempDir();
  const r = await apply(catalog([
    ['Exec', 'broken', { command: '/bin/false' }],
    rec(d, 'dep1', { require: 'Exec[broken]' }),
    rec(d, 'dep2', { require: 'Exec[dep1]' }),
    rec(d, 'free'),
  ]));
  assert.deepEqual(order(d), ['free']);
  const st = r.report.resource_statuses;
  assert.equal(st['Exec[broken]'].failed, true);
  assert.equal(st['Exec[dep1]'].skipped, true);
  assert.equal(st['Exec[dep2]'].skipped, true);
  assert.equal(st['Exec[free]'].changed, true);
  const warn = messages(r, 'warning');
  assert.ok(warn.includes('/Stage[main]/Main/Exec[dep1]: Skipping because of failed dependencies'), warn.join('\n'));
  assert.ok(messages(r, 'notice').includes('/Stage[main]/Main/Exec[dep1]: Dependency Exec[broken] has failures: true'));
  assert.ok(messages(r, 'err').some((m) => m.startsWith("/Stage[main]/Main/Exec[broken]/returns: change from 'notrun' to ['0'] failed: '/bin/false' returned 1")));
  assert.equal(r.report.status, 'failed');
  assert.equal(r.exitStatus, 6);
  assert.equal(metric(r, 'resources', 'skipped'), 2);
  assert.equal(metric(r, 'resources', 'failed'), 1);
});

test('a failure inside a class skips what requires the class', async () => {
  const d = tempDir();
  const r = await apply(catalog([['Exec', 'inner', { command: '/bin/false' }], rec(d, 'after', { require: 'Class[Broken]' })], { classes: { Broken: ['Exec[inner]'] } }));
  assert.equal(r.report.resource_statuses['Exec[after]'].skipped, true);
  assert.deepEqual(order(d), []);
});

test('refresh: notify and subscribe trigger refreshonly execs, through classes too; no event, no run', async () => {
  const d = tempDir();
  log.setLevel('info');
  try {
    const r = await apply(catalog([
      ['File', join(d, 'conf'), { content: 'v1\n', notify: 'Class[Svc]' }],
      rec(d, 'restart', { refreshonly: true }),
      rec(d, 'subscriber', { refreshonly: true, subscribe: `File[${join(d, 'conf')}]` }),
      rec(d, 'idle', { refreshonly: true }),
    ], { classes: { Svc: ['Exec[restart]'] } }));
    assert.deepEqual(order(d).sort(), ['restart', 'subscriber']);
    const st = r.report.resource_statuses['Exec[restart]'];
    assert.equal(st.changed, true);
    assert.equal(st.events[0].name, 'refresh');
    assert.equal(st.events[0].message, "Triggered 'refresh' from 1 event");
    assert.equal(metric(r, 'resources', 'restarted'), 2);
    assert.ok(messages(r, 'info').includes(`/Stage[main]/Main/File[${join(d, 'conf')}]: Scheduling refresh of Class[Svc]`));
    // Second run: nothing changes, nothing is refreshed.
    const r2 = await apply(catalog([
      ['File', join(d, 'conf'), { content: 'v1\n', notify: 'Class[Svc]' }], rec(d, 'restart', { refreshonly: true }),
    ], { classes: { Svc: ['Exec[restart]'] } }));
    assert.equal(order(d).length, 2);
    assert.equal(metric(r2, 'changes', 'total'), 0);
  } finally { log.setLevel('notice'); }
});

test('noop: nothing changes, events are noop, refreshes would have been triggered', async () => {
  const d = tempDir();
  const f = join(d, 'f');
  const r = await apply(catalog([['File', f, { ensure: 'file', content: 'x', notify: 'Exec[r]' }], rec(d, 'r', { refreshonly: true }), rec(d, 'plain')]), { noop: true });
  assert.equal(existsSync(f), false);
  assert.deepEqual(order(d), []);
  const ev = r.report.resource_statuses[`File[${f}]`].events[0];
  assert.equal(ev.status, 'noop');
  assert.equal(ev.message, "current_value 'absent', should be 'file' (noop)");
  assert.ok(messages(r, 'notice').includes(`/Stage[main]/Main/File[${f}]/ensure: current_value 'absent', should be 'file' (noop)`));
  assert.ok(messages(r, 'notice').includes("/Stage[main]/Main/Exec[r]: Would have triggered 'refresh' from 1 event"));
  assert.equal(r.report.noop, true);
  assert.equal(r.report.noop_pending, true);
  assert.equal(r.report.status, 'unchanged');
  assert.equal(r.exitStatus, 0);
  assert.equal(metric(r, 'events', 'noop'), 2);
  assert.equal(metric(r, 'resources', 'out_of_sync'), 2);
});

test('the noop metaparameter applies to one resource only', async () => {
  const d = tempDir();
  await apply(catalog([rec(d, 'quiet', { noop: true }), rec(d, 'loud')]));
  assert.deepEqual(order(d), ['loud']);
});

test('tags and skip_tags select resources', async () => {
  const d = tempDir();
  const cat = catalog([rec(d, 'web', {}), rec(d, 'db', {})].map((x, i) => [x[0], x[1], x[2], { tags: [i === 0 ? 'web' : 'db'] }] as Res));
  const r = await apply(cat, { tags: ['web'] });
  assert.deepEqual(order(d), ['web']);
  assert.equal(r.report.resource_statuses['Exec[db]'].skipped, true);
  await apply(cat, { skipTags: ['web'] });
  assert.deepEqual(order(d), ['web', 'db']);
});

test('a type Kuroko does not know fails that resource; the rest continues', async () => {
  const d = tempDir();
  const r = await apply(catalog([['Frobnicator', 'x', { level: 11 }], rec(d, 'after')]));
  assert.deepEqual(order(d), ['after']);
  assert.equal(r.report.resource_statuses['Frobnicator[x]'].failed, true);
  assert.ok(messages(r, 'err').some((m) => m.includes("/Stage[main]/Main/Frobnicator[x]: Could not evaluate: Unknown resource type 'Frobnicator'")));
});

test('a dependency cycle fails the run, listing the cycle', async () => {
  const d = tempDir();
  const r = await apply(catalog([rec(d, 'a', { require: 'Exec[b]' }), rec(d, 'b', { require: 'Exec[a]' }), rec(d, 'c')]));
  assert.equal(r.report.transaction_completed, false);
  assert.equal(r.report.status, 'failed');
  const err = messages(r, 'err').join('\n');
  assert.match(err, /Found 1 dependency cycle:\n\(Exec\[a\] => Exec\[b\] => Exec\[a\]\)/);
  assert.deepEqual(order(d), []);
});

test('a reference to a missing resource fails the run clearly', async () => {
  const d = tempDir();
  const r = await apply(catalog([rec(d, 'a', { require: 'Package[nope]' })]));
  assert.equal(r.report.transaction_completed, false);
  assert.match(messages(r, 'err').join('\n'), /Could not find dependency Package\[nope\] for Exec\[a\]/);
});

test('autorequire: a file waits for its parent directory declared later', async () => {
  const d = tempDir();
  const r = await apply(catalog([['File', join(d, 'p', 'child'), { content: 'c' }], ['File', join(d, 'p'), { ensure: 'directory' }]]));
  assert.equal(r.report.status, 'changed', messages(r).join('\n'));
  assert.equal(readFileSync(join(d, 'p', 'child'), 'utf8'), 'c');
  assert.deepEqual(Object.keys(r.report.resource_statuses).slice(0, 2), [`File[${join(d, 'p')}]`, `File[${join(d, 'p', 'child')}]`]);
});

test('idempotence: the second run of the same catalog reports zero changes', async () => {
  const d = tempDir();
  const cat = catalog([
    ['File', join(d, 'dir'), { ensure: 'directory', mode: '0750' }],
    ['File', join(d, 'dir', 'a'), { content: 'alpha\n', mode: '0600' }],
    ['File', join(d, 'link'), { ensure: 'link', target: join(d, 'dir', 'a') }],
    ['Exec', 'mk', { command: `/usr/bin/touch ${join(d, 'made')}`, creates: join(d, 'made') }],
  ]);
  const first = await apply(cat);
  assert.equal(metric(first, 'changes', 'total'), 4);
  const second = await apply(cat);
  assert.equal(metric(second, 'changes', 'total'), 0);
  assert.equal(metric(second, 'resources', 'out_of_sync'), 0);
  assert.equal(second.report.status, 'unchanged');
  assert.equal(second.exitStatus, 0);
});

test('the report has the fields and shapes of a Puppet 7 report (format 12)', async () => {
  const d = tempDir();
  const r = await apply(catalog([['File', join(d, 'x'), { content: 'x' }, { file: '/m/site.pp', line: 4 }]]), { transactionUuid: '11111111-2222-4333-8444-555555555555' });
  const sample = JSON.parse(readFileSync(new URL('../../../shared/reference/wire-samples/report-app1.example.net-first-run.json', import.meta.url), 'utf8'));
  for (const k of Object.keys(sample)) assert.ok(k in r.report, `report lacks ${k}`);
  const st = r.report.resource_statuses[`File[${join(d, 'x')}]`];
  const sampleSt = Object.values(sample.resource_statuses)[1] as Record<string, unknown>;
  assert.deepEqual(Object.keys(st).sort(), Object.keys(sampleSt).sort());
  assert.deepEqual(Object.keys(st.events[0]).sort(), Object.keys((sampleSt.events as object[])[0]).sort());
  assert.deepEqual(Object.keys(r.report.metrics), ['resources', 'time', 'changes', 'events']);
  assert.deepEqual(r.report.metrics.resources.values.map((v) => v[0]), sample.metrics.resources.values.map((v: unknown[]) => v[0]));
  assert.equal(st.containment_path.join('|'), `Stage[main]|Main|File[${join(d, 'x')}]`);
  assert.equal(st.file, '/m/site.pp');
  assert.equal(st.events[0].name, 'file_created');
  assert.match(r.report.time, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}\+00:00$/);
  assert.ok('Schedule[puppet]' in r.report.resource_statuses && 'Filebucket[puppet]' in r.report.resource_statuses);
  assert.equal(r.report.transaction_uuid, '11111111-2222-4333-8444-555555555555');
  const applied = r.report.logs.find((l) => l.message.startsWith('Applied catalog in'));
  assert.ok(applied && /^Applied catalog in \d+\.\d\d seconds$/.test(applied.message));
  assert.deepEqual(applied.tags, ['notice']);
});

test('corrective_change: a change back to what the last run synced is corrective', async () => {
  const d = tempDir();
  const f = join(d, 'f');
  const store = join(d, 'txstore.json');
  const cat = catalog([['File', f, { content: 'wanted\n' }]]);
  const first = await apply(cat, { transactionStore: store });
  assert.equal(first.report.corrective_change, false);
  const { writeFileSync } = await import('node:fs');
  writeFileSync(f, 'drifted\n');
  const second = await apply(cat, { transactionStore: store });
  const st = second.report.resource_statuses[`File[${f}]`];
  assert.equal(st.events[0].property, 'content');
  assert.equal(st.events[0].corrective_change, true);
  assert.equal(st.corrective_change, true);
  assert.equal(second.report.corrective_change, true);
  assert.equal(metric(second, 'resources', 'corrective_change'), 1);
  // A new desired value is an intentional change, not a correction.
  const third = await apply(catalog([['File', f, { content: 'new wish\n' }]]), { transactionStore: store });
  assert.equal(third.report.corrective_change, false);
});

test('noop => false on a resource applies it even in a noop run', async () => {
  const d = tempDir();
  await apply(catalog([rec(d, 'forced', { noop: false }), rec(d, 'held')]), { noop: true });
  assert.deepEqual(order(d), ['forced']);
});

test('schedule and filebucket resources in a catalog are accepted and in sync', async () => {
  const r = await apply(catalog([['Filebucket', 'main', { path: false, server: 'puppet' }], ['Schedule', 'nightly', { range: '2 - 4' }]]));
  assert.equal(r.report.status, 'unchanged', messages(r).join('\n'));
  assert.equal(r.report.resource_statuses['Filebucket[main]'].failed, false);
});
