// The audio process's priority reaches every thread it has, the threadpool that holds the
// speaker's pending writes included: on Linux a nice value is per thread, and the pool starts
// before the process's own code runs. Run in a child process (nice +5, which needs no privilege),
// whose threads are read back from /proc.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const MODULE = fileURLToPath(new URL('../../../../src-main/adapters/audio/native/process-priority.ts', import.meta.url));
const NICE = 5;

/** Starts a process whose threadpool is running, applies `apply` and answers every thread's nice value. */
function threadNiceValues(apply: 'all-threads' | 'calling-thread-only'): { readonly nice: number[]; readonly result: unknown } {
  const script = `
    import { readdirSync, readFileSync } from 'node:fs';
    import { stat } from 'node:fs/promises';
    import { setPriority } from 'node:os';
    import { setProcessPriority } from ${JSON.stringify(MODULE)};
    // Start the whole threadpool before the priority is set, as module loading does.
    await Promise.all(Array.from({ length: 16 }, () => stat('.')));
    const result = ${apply === 'all-threads' ? `setProcessPriority(${NICE})` : `(setPriority(0, ${NICE}), null)`};
    const nice = readdirSync('/proc/self/task').map((id) => {
      const stat = readFileSync('/proc/self/task/' + id + '/stat', 'utf8');
      return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16]);
    });
    process.stdout.write(JSON.stringify({ nice, result }));
  `;
  const output = execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { encoding: 'utf8', env: { ...process.env, UV_THREADPOOL_SIZE: '8' } });
  return JSON.parse(output) as { nice: number[]; result: unknown };
}

const skip = existsSync('/proc/self/task') ? false : 'needs /proc (Linux)';

test('setting the priority on the calling thread alone leaves the threadpool at the default (the bug this fixes)', { skip }, () => {
  const { nice } = threadNiceValues('calling-thread-only');
  assert.ok(nice.length >= 9, `${nice.length} threads: the main thread and a pool of 8`);
  assert.ok(nice.filter((value) => value !== NICE).length >= 8, `nice values ${nice.join(', ')}`);
});

test('setProcessPriority puts every thread of the process at the asked priority', { skip }, () => {
  const { nice, result } = threadNiceValues('all-threads');
  assert.ok(nice.length >= 9, `${nice.length} threads`);
  assert.deepEqual(
    nice.filter((value) => value !== NICE),
    [],
    `nice values ${nice.join(', ')}`,
  );
  assert.deepEqual(result, { raised: nice.length, missed: 0 });
});

test('a refused priority is answered with the reason, and no thread is counted', () => {
  // A nice value out of range is refused on every platform.
  const tooUrgent = -100;
  const script = `import { setProcessPriority } from ${JSON.stringify(MODULE)}; process.stdout.write(JSON.stringify(setProcessPriority(${tooUrgent})));`;
  const result = JSON.parse(execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { encoding: 'utf8' })) as { raised: number; missed: number; refused?: string };
  assert.equal(result.raised, 0);
  assert.equal(result.missed, 0);
  assert.match(result.refused ?? '', /./);
});
