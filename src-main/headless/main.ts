// Entry point of `npm run headless`: the voice core without Electron.
import { runHeadless } from './run-headless';

const exitCode = await runHeadless({
  argv: process.argv.slice(2),
  env: process.env,
  stdin: process.stdin.isTTY ? process.stdin : undefined,
  stdoutIsTerminal: process.stdout.isTTY === true,
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  onStopSignal: (handler) => {
    let signals = 0;
    const onSignal = () => {
      signals++;
      if (signals === 1) handler(); // close cleanly
      else process.exit(130); // a second Ctrl-C means now
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  },
}).catch((error: unknown) => {
  process.stderr.write(`parley: unexpected failure: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  return 1;
});

// Let stdout and stderr drain before exiting (pipes are asynchronous on POSIX), so piped JSON
// lines and the final error line are never cut short.
const drained = (stream: NodeJS.WriteStream) => new Promise<void>((resolve) => stream.write('', () => resolve()));
await Promise.all([drained(process.stdout), drained(process.stderr)]);
process.exit(exitCode);
