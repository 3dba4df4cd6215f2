#!/usr/bin/env node
// Runs every test/**/*.test.ts with Node's own test runner (Node 20 does not expand globs).
// Extra arguments narrow the run: `npm test -- test/core` or a file path.
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { buildCli } from './build-cli.mjs';
import { CLI_ENTRY, cliBundleIsStale } from './cli-bundle.mjs';

const root = process.cwd();
const roots = process.argv.slice(2).filter((arg) => !arg.startsWith('--'));
const passThrough = process.argv.slice(2).filter((arg) => arg.startsWith('--'));

function collect(path, out) {
  const stat = statSync(path);
  if (stat.isFile()) {
    if (path.endsWith('.test.ts')) out.push(relative(root, path));
    return;
  }
  for (const name of readdirSync(path).sort()) {
    if (name === 'node_modules' || name === 'fixtures') continue;
    collect(join(path, name), out);
  }
}

const files = [];
for (const start of roots.length > 0 ? roots : ['test']) collect(join(root, start), files);
if (files.length === 0) {
  console.error(`run-tests: no *.test.ts files under ${roots.join(', ') || 'test'}`);
  process.exit(1);
}

// The tests that spawn the headless command run the built `parley` bundle (as users do): build it
// once here if it is missing or older than the sources, and name it to them.
if (cliBundleIsStale()) {
  const elapsedMs = await buildCli();
  console.error(`run-tests: built out/cli/parley.mjs in ${Math.round(elapsedMs)} ms`);
}

// One test file at a time: the real-time audio tests drive PulseAudio devices paced like
// hardware, and a CPU-bound neighbour would make the device underrun. The suite mostly waits on
// sockets and clocks, so running serially costs no wall time here (about 80 s either way).
const result = spawnSync(
  process.execPath,
  ['--import', 'tsx', '--test', '--test-reporter=tap', '--test-concurrency=1', ...passThrough, ...files],
  { stdio: 'inherit', env: { ...process.env, NODE_ENV: 'test', PARLEY_TEST_BUILT_COMMAND: CLI_ENTRY } },
);
process.exit(result.status ?? 1);
