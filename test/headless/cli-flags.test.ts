import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FlagError, flagOrigin, namedOutputDevice, parseHeadlessFlags } from '../../src-main/headless/cli-flags';
import { runHeadless } from '../../src-main/headless/run-headless';

test('defaults: v2 against the OpenAI endpoint, the responses agent, OPENAI_API_KEY', () => {
  const options = parseHeadlessFlags([], {});
  assert.equal(options.protocol, 'v2');
  assert.equal(options.realtimeUrl, 'wss://api.openai.com/v1');
  assert.equal(options.agent, 'responses');
  assert.equal(options.apiKeyEnv, 'OPENAI_API_KEY');
  assert.equal(options.agentApiKeyEnv, undefined);
});

test('--flag value and --flag=value both work', () => {
  const options = parseHeadlessFlags(['--model=gpt-x', '--voice', 'cedar', '--duration-ms', '1500', '--text', 'hi there'], {});
  assert.equal(options.model, 'gpt-x');
  assert.equal(options.voice, 'cedar');
  assert.equal(options.durationMs, 1500);
  assert.equal(options.text, 'hi there');
});

test('environment variables fill in settings and flags win over them', () => {
  const env = { PARLEY_PROTOCOL: 'v1', PARLEY_REALTIME_URL: 'http://127.0.0.1:1', PARLEY_AGENT_MODEL: 'from-env' };
  const options = parseHeadlessFlags(['--agent-model', 'from-flag'], env);
  assert.equal(options.protocol, 'v1');
  assert.equal(options.realtimeUrl, 'http://127.0.0.1:1');
  assert.equal(options.agentModel, 'from-flag');
});

test('a bad environment value names the variable', () => {
  assert.throws(() => parseHeadlessFlags([], { PARLEY_AGENT: 'robot' }), /the PARLEY_AGENT environment variable must be responses or command or codex or acp or none, not "robot"/);
});

test('mistakes name the flag', () => {
  const cases: Array<[string[], RegExp]> = [
    [['--protocol', 'v1'], /--protocol v1 needs --realtime-url/],
    [['--agent-command', 'x'], /--agent-command only applies with --agent command/],
    [['--text', 'a', '--text', 'b'], /flag --text was given twice/],
    [['--help=yes'], /flag --help takes no value/],
    [['positional'], /unexpected argument "positional"/],
    [['--events', 'json'], /flag --events must be jsonl, not "json"/],
    [['--exit-after-idle-ms', '0'], /positive whole number/],
    [['--input-wav', '--text'], /flag --input-wav needs a value/],
  ];
  for (const [argv, pattern] of cases) {
    assert.throws(() => parseHeadlessFlags(argv, {}), (error: unknown) => error instanceof FlagError && pattern.test(error.message), argv.join(' '));
  }
});

test('flagOrigin names the flag, and the environment variable when the value came from there', () => {
  assert.equal(flagOrigin('--voice', ['--voice', 'x']), '--voice');
  assert.equal(flagOrigin('--voice', ['--voice=x']), '--voice');
  assert.equal(flagOrigin('--voice', []), '--voice (from PARLEY_VOICE)');
  assert.equal(flagOrigin('--input-wav', []), '--input-wav');
});

test('room flags: --noise-reduction, --vad-silence-ms and --semantic-eagerness parse, with auto/500/auto by default', () => {
  const defaults = parseHeadlessFlags([], {});
  assert.equal(defaults.noiseReduction, 'auto');
  assert.equal(defaults.vadSilenceMs, 500);
  assert.equal(defaults.semanticEagerness, 'auto');
  const options = parseHeadlessFlags(['--noise-reduction', 'near_field', '--vad-silence-ms=1200', '--semantic-eagerness', 'high', '--turn-detection', 'semantic_vad'], {});
  assert.equal(options.noiseReduction, 'near_field');
  assert.equal(options.vadSilenceMs, 1200);
  assert.equal(options.semanticEagerness, 'high');
  assert.equal(options.turnDetection, 'semantic_vad');
  assert.equal(parseHeadlessFlags(['--noise-reduction', 'off'], {}).noiseReduction, 'off');
  assert.equal(parseHeadlessFlags(['--vad-silence-ms', '200'], {}).vadSilenceMs, 200);
  assert.equal(parseHeadlessFlags(['--vad-silence-ms', '2000'], {}).vadSilenceMs, 2000);
});

test('bad room flag values exit 2 with a message naming the flag', async () => {
  const cases: Array<[string[], RegExp]> = [
    [['--noise-reduction', 'loud'], /flag --noise-reduction must be auto or near_field or far_field or off, not "loud"/],
    [['--vad-silence-ms', '199'], /flag --vad-silence-ms must be from 200 to 2000 milliseconds, not 199/],
    [['--vad-silence-ms', '2001'], /flag --vad-silence-ms must be from 200 to 2000/],
    [['--vad-silence-ms', 'soon'], /flag --vad-silence-ms must be a positive whole number/],
    [['--semantic-eagerness', 'eager'], /flag --semantic-eagerness must be auto or low or medium or high, not "eager"/],
  ];
  for (const [argv, expected] of cases) {
    assert.throws(() => parseHeadlessFlags(argv, {}), (error: unknown) => error instanceof FlagError && expected.test(error.message), argv.join(' '));
    let stderr = '';
    const code = await runHeadless({ argv, env: {}, stdout: () => {}, stderr: (text) => (stderr += text), onStopSignal: () => {} });
    assert.equal(code, 2, argv.join(' '));
    assert.match(stderr, expected);
  }
});

test('auto noise reduction reads the speaker only when it was chosen by name', () => {
  assert.equal(namedOutputDevice({ outputWav: undefined, outputDevice: 'Jabra Evolve2 Headset' }), 'Jabra Evolve2 Headset');
  assert.equal(namedOutputDevice({ outputWav: undefined, outputDevice: 'default' }), undefined);
  assert.equal(namedOutputDevice({ outputWav: undefined, outputDevice: 'none' }), undefined);
  assert.equal(namedOutputDevice({ outputWav: 'out.wav', outputDevice: 'default' }), undefined);
});
