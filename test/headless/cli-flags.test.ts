import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FlagError, flagOrigin, parseHeadlessFlags } from '../../src-main/headless/cli-flags';

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
  assert.throws(() => parseHeadlessFlags([], { PARLEY_AGENT: 'robot' }), /the PARLEY_AGENT environment variable must be responses or command or none, not "robot"/);
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
