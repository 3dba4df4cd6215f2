#!/usr/bin/env node
// `npm run headless -- [flags]`: runs the built `parley` command (out/cli/parley.mjs), building it
// first when it is missing or older than the sources, so a checkout needs no separate build step.
import { spawn } from 'node:child_process';
import { constants } from 'node:os';
import { CLI_ENTRY, cliBundleIsStale } from './cli-bundle.mjs';

if (cliBundleIsStale()) {
  // Only now is esbuild loaded: a fresh bundle starts without it.
  const { buildCli } = await import('./build-cli.mjs');
  const elapsedMs = await buildCli();
  process.stderr.write(`parley: built out/cli/parley.mjs in ${Math.round(elapsedMs)} ms\n`);
}

const child = spawn(process.execPath, [CLI_ENTRY, ...process.argv.slice(2)], { stdio: 'inherit' });
// Ctrl-C reaches the command from the terminal itself (same process group): this wrapper only
// waits for it to close its session. A SIGTERM or SIGHUP sent to the wrapper alone is passed on.
process.on('SIGINT', () => undefined);
for (const signal of ['SIGTERM', 'SIGHUP']) process.on(signal, () => child.kill(signal));
// A command ended by a signal exits as a shell reports it: 128 + the signal's number.
child.on('exit', (code, signal) => process.exit(signal ? 128 + constants.signals[signal] : (code ?? 1)));
