/**
 * A stand-in for the Parley main process, run with `node --import tsx`: it creates the command
 * backend, starts one agent command and prints, as JSON lines on stdout, its own pid, the pids
 * of the command's process group and the watchdog's pid. Then it waits to be killed.
 *
 *   fake-parley.ts <command line> [complete]
 *
 * With `complete` it reads the turn to its end first and says so ({"event":"completed"}).
 */
import { createCommandBackend } from '../../../src-main/adapters/agent/command-backend';
import { WATCHDOG_MARKER } from '../../../src-main/adapters/agent/process-group-watchdog';
import { allProcesses, commandLineOf } from './process-table';

const [commandLine, mode] = process.argv.slice(2);
if (!commandLine) throw new Error('usage: fake-parley.ts <command line> [complete]');

function say(message: Record<string, unknown>): void {
  process.stdout.write(JSON.stringify(message) + '\n');
}

const backend = createCommandBackend({ command: commandLine, timeoutMs: 600_000 });
const iterator = backend.runRequest({ turnInputs: ['q'], newInputs: ['q'], signal: new AbortController().signal })[
  Symbol.asyncIterator
]();
// The first next() spawns the command and its watchdog before it waits for output.
let pending = iterator.next();
const watchdogs = allProcesses().filter(
  (entry) => entry.parent === process.pid && commandLineOf(entry.pid).includes(WATCHDOG_MARKER),
);

let output = '';
for (;;) {
  const next = await pending;
  if (next.done) break;
  if (next.value.type === 'text.delta') output += next.value.delta;
  // The command prints "ready" once it has started everything it will start.
  if (output.includes('ready')) break;
  pending = iterator.next();
}
const commandPid = Number(/pid=(\d+)/.exec(output)?.[1]);
say({
  event: 'running',
  parley: process.pid,
  command: commandPid,
  group: allProcesses()
    .filter((entry) => entry.group === commandPid)
    .map((entry) => entry.pid),
  grandchild: Number(/grandchild=(\d+)/.exec(output)?.[1]),
  watchdog: watchdogs[0]?.pid,
});

if (mode === 'complete') {
  for (;;) {
    const next = await iterator.next();
    if (next.done) break;
  }
  say({ event: 'completed' });
}
// Stay alive until the test kills this process.
setInterval(() => {}, 60_000);
