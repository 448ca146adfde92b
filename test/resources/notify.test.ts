// The notify type: logs its message, always one change.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { apply, catalog, messages, metric } from '../agent/helpers.js';

test('notify logs its message and reports message_changed', async () => {
  const r = await apply(catalog([['Notify', 'greeting', { message: 'compiled for n1' }], ['Notify', 'titled', {}], ['Notify', 'pathy', { message: 'p', withpath: true }]]));
  const n = messages(r, 'notice');
  assert.ok(n.includes('compiled for n1'));
  assert.ok(n.includes("/Stage[main]/Main/Notify[greeting]/message: defined 'message' as 'compiled for n1'"));
  assert.ok(n.includes('titled'));
  assert.ok(n.includes('/Stage[main]/Main/Notify[pathy]: p'));
  const ev = r.report.resource_statuses['Notify[greeting]'].events[0];
  assert.deepEqual([ev.property, ev.previous_value, ev.desired_value, ev.name], ['message', 'absent', 'compiled for n1', 'message_changed']);
  assert.equal(metric(r, 'changes', 'total'), 3);
});

test('notify under noop does not print the message', async () => {
  const r = await apply(catalog([['Notify', 'n', { message: 'hidden' }]]), { noop: true });
  assert.ok(!messages(r).includes('hidden'));
  assert.ok(messages(r).includes("/Stage[main]/Main/Notify[n]/message: current_value 'absent', should be 'hidden' (noop)"));
});
