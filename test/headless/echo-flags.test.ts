// The echo flags: --echo-cancellation, --noise-suppression, --gain-control, --min-barge-in-ms, and
// the hands-free turn detection read from --turn-detection. Parsed into the options the engine and
// talk mode take; mistakes name the flag.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FlagError, headlessUsage, parseHeadlessFlags } from '../../src-main/headless/cli-flags';
import { runHeadless } from '../../src-main/headless/run-headless';

test('defaults: the canceller on with noise suppression, gain control off, 250 ms barge-in, server_vad', () => {
  const options = parseHeadlessFlags([], {});
  assert.deepEqual(options.echoCancellation, { enabled: true, noiseSuppression: true, autoGainControl: false });
  assert.equal(options.minBargeInMs, 250);
  assert.equal(options.handsFreeTurnDetection, 'server_vad');
});

test('each echo flag sets its own part of echoCancellation, as --flag value or --flag=value', () => {
  assert.deepEqual(parseHeadlessFlags(['--echo-cancellation', 'off'], {}).echoCancellation, { enabled: false, noiseSuppression: true, autoGainControl: false });
  assert.deepEqual(parseHeadlessFlags(['--noise-suppression=off'], {}).echoCancellation, { enabled: true, noiseSuppression: false, autoGainControl: false });
  assert.deepEqual(parseHeadlessFlags(['--gain-control', 'on'], {}).echoCancellation, { enabled: true, noiseSuppression: true, autoGainControl: true });
  assert.deepEqual(
    parseHeadlessFlags(['--echo-cancellation', 'on', '--noise-suppression', 'off', '--gain-control', 'on'], {}).echoCancellation,
    { enabled: true, noiseSuppression: false, autoGainControl: true },
  );
});

test('--min-barge-in-ms takes whole milliseconds from 100 to 1500', () => {
  assert.equal(parseHeadlessFlags(['--min-barge-in-ms', '100'], {}).minBargeInMs, 100);
  assert.equal(parseHeadlessFlags(['--min-barge-in-ms=1500'], {}).minBargeInMs, 1500);
  assert.equal(parseHeadlessFlags(['--min-barge-in-ms', '400'], {}).minBargeInMs, 400);
});

test('the hands-free turn detection follows --turn-detection; none (push-to-talk) leaves server_vad for hands-free', () => {
  assert.equal(parseHeadlessFlags(['--turn-detection', 'semantic_vad'], {}).handsFreeTurnDetection, 'semantic_vad');
  assert.equal(parseHeadlessFlags(['--turn-detection', 'server_vad'], {}).handsFreeTurnDetection, 'server_vad');
  const pushToTalk = parseHeadlessFlags(['--talk-mode', 'push-to-talk'], {});
  assert.equal(pushToTalk.turnDetection, 'none');
  assert.equal(pushToTalk.handsFreeTurnDetection, 'server_vad');
});

test('echo mistakes name the flag', () => {
  const cases: Array<[string[], RegExp]> = [
    [['--echo-cancellation', 'yes'], /^flag --echo-cancellation must be on or off, not "yes"$/],
    [['--noise-suppression', 'true'], /^flag --noise-suppression must be on or off, not "true"$/],
    [['--gain-control=1'], /^flag --gain-control must be on or off, not "1"$/],
    [['--echo-cancellation'], /^flag --echo-cancellation needs a value \(on\|off\)$/],
    [['--min-barge-in-ms', '99'], /^flag --min-barge-in-ms must be from 100 to 1500 milliseconds, not 99$/],
    [['--min-barge-in-ms', '1501'], /^flag --min-barge-in-ms must be from 100 to 1500 milliseconds, not 1501$/],
    [['--min-barge-in-ms', 'short'], /^flag --min-barge-in-ms must be a positive whole number/],
    [['--echo-cancellation', 'off', '--noise-suppression', 'on'], /^flag --noise-suppression only applies with --echo-cancellation on/],
    [['--gain-control', 'on', '--echo-cancellation', 'off'], /^flag --gain-control only applies with --echo-cancellation on/],
    [['--echo-cancellation', 'on', '--echo-cancellation', 'off'], /^flag --echo-cancellation was given twice$/],
  ];
  for (const [argv, pattern] of cases) {
    assert.throws(() => parseHeadlessFlags(argv, {}), (error: unknown) => error instanceof FlagError && pattern.test(error.message), argv.join(' '));
  }
});

test('--help lists the echo flags with their defaults, and says semantic_vad needs v2', () => {
  const usage = headlessUsage();
  assert.match(usage, /--echo-cancellation on\|off\s+.*talk over it on speakers \(default on; off: the echo gate/);
  assert.match(usage, /--noise-suppression on\|off\s+.*\(default on\)/);
  assert.match(usage, /--gain-control on\|off\s+.*\(default off\)/);
  assert.match(usage, /--min-barge-in-ms N\s+speech shorter than this does not stop the assistant, 100 to 1500 \(default 250\)/);
  assert.match(usage, /--turn-detection MODE\s+.*semantic_vad \(v2 only: /);
});

test('a bad echo flag exits 2 before anything starts, with the message naming the flag', async () => {
  const cases: Array<[string[], RegExp]> = [
    [['--echo-cancellation', 'maybe'], /flag --echo-cancellation must be on or off, not "maybe"/],
    [['--min-barge-in-ms', '50'], /flag --min-barge-in-ms must be from 100 to 1500 milliseconds, not 50/],
  ];
  for (const [argv, expected] of cases) {
    let stderr = '';
    const code = await runHeadless({ argv, env: {}, stdout: () => {}, stderr: (text) => (stderr += text), onStopSignal: () => {} });
    assert.equal(code, 2, argv.join(' '));
    assert.match(stderr, expected);
  }
});
