// A unified diff of two texts for show_diff, in the form `diff -u` prints.
// Plain LCS over lines, bounded so that huge files cannot stall a run.

const MAX_CELLS = 4_000_000;

export function unifiedDiff(oldText: string, newText: string, oldName: string, newName: string, context = 3): string {
  const a = splitLines(oldText);
  const b = splitLines(newText);
  if (a.length * b.length > MAX_CELLS) return `--- ${oldName}\n+++ ${newName}\n(diff too large to show: ${a.length} and ${b.length} lines)\n`;
  // Trim the common head and tail first: typical edits are small.
  let head = 0;
  while (head < a.length && head < b.length && a[head] === b[head]) head++;
  let tail = 0;
  while (tail < a.length - head && tail < b.length - head && a[a.length - 1 - tail] === b[b.length - 1 - tail]) tail++;
  const ma = a.slice(head, a.length - tail);
  const mb = b.slice(head, b.length - tail);
  const n = ma.length, m = mb.length;
  const dp: Uint32Array[] = [];
  for (let i = 0; i <= n; i++) dp.push(new Uint32Array(m + 1));
  for (let i = n - 1; i >= 0; i--) for (let j = m - 1; j >= 0; j--) {
    dp[i][j] = ma[i] === mb[j] ? dp[i + 1][j + 1] + 1 : Math.max(dp[i + 1][j], dp[i][j + 1]);
  }
  type Op = { k: ' ' | '-' | '+'; line: string; ai: number; bi: number };
  const ops: Op[] = [];
  for (let i = 0; i < head; i++) ops.push({ k: ' ', line: a[i], ai: i, bi: i });
  let i = 0, j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && ma[i] === mb[j]) { ops.push({ k: ' ', line: ma[i], ai: head + i, bi: head + j }); i++; j++; }
    else if (i < n && (j === m || dp[i + 1][j] >= dp[i][j + 1])) { ops.push({ k: '-', line: ma[i], ai: head + i, bi: head + j }); i++; }
    else { ops.push({ k: '+', line: mb[j], ai: head + i, bi: head + j }); j++; }
  }
  for (let t = 0; t < tail; t++) ops.push({ k: ' ', line: a[a.length - tail + t], ai: a.length - tail + t, bi: b.length - tail + t });
  const out: string[] = [`--- ${oldName}`, `+++ ${newName}`];
  let x = 0;
  while (x < ops.length) {
    while (x < ops.length && ops[x].k === ' ') x++;
    if (x >= ops.length) break;
    const start = Math.max(0, x - context);
    let end = x;
    for (;;) {
      while (end < ops.length && ops[end].k !== ' ') end++;
      let run = end;
      while (run < ops.length && ops[run].k === ' ') run++;
      if (run < ops.length && run - end <= 2 * context) { end = run; continue; }
      end = Math.min(ops.length, end + context);
      break;
    }
    const hunk = ops.slice(start, end);
    const oldCount = hunk.filter((o) => o.k !== '+').length;
    const newCount = hunk.filter((o) => o.k !== '-').length;
    const oldStart = oldCount ? hunk[0].ai + 1 : hunk[0].ai;
    const newStart = newCount ? hunk[0].bi + 1 : hunk[0].bi;
    const range = (start: number, count: number) => (count === 1 ? `${start}` : `${start},${count}`); // as GNU diff -u
    out.push(`@@ -${range(oldStart, oldCount)} +${range(newStart, newCount)} @@`);
    for (const o of hunk) out.push(o.k + o.line);
    x = end;
  }
  return out.join('\n') + '\n';
}

function splitLines(s: string): string[] {
  if (s === '') return [];
  const lines = s.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return lines;
}
