// --agent-update-interval and --agent-approval-timeout: whole seconds within their bounds, refused
// naming the flag otherwise, the timeout only with a coding agent, both listed in --help.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FlagError, headlessUsage, parseHeadlessFlags } from '../../src-main/headless/cli-flags';

const parse = (argv: string[]) => parseHeadlessFlags(argv, {});

test('both flags take whole seconds; left out, the defaults are the core\'s and the backend\'s', () => {
  const options = parse(['--agent', 'codex', '--agent-update-interval', '45', '--agent-approval-timeout=120']);
  assert.equal(options.agentUpdateIntervalSeconds, 45);
  assert.equal(options.agentApprovalTimeoutSeconds, 120);
  const defaults = parse([]);
  assert.equal(defaults.agentUpdateIntervalSeconds, undefined);
  assert.equal(defaults.agentApprovalTimeoutSeconds, undefined);
});

test('the bounds themselves are accepted: 5 and 600 s between updates, 10 and 600 s to answer', () => {
  assert.equal(parse(['--agent-update-interval', '5']).agentUpdateIntervalSeconds, 5);
  assert.equal(parse(['--agent-update-interval', '600']).agentUpdateIntervalSeconds, 600);
  assert.equal(parse(['--agent', 'acp', '--agent-command', 'codex-acp', '--agent-approval-timeout', '10']).agentApprovalTimeoutSeconds, 10);
  assert.equal(parse(['--agent', 'acp', '--agent-command', 'codex-acp', '--agent-approval-timeout', '600']).agentApprovalTimeoutSeconds, 600);
});

test('the update interval applies to every agent backend', () => {
  for (const agent of ['responses', 'command', 'codex', 'acp', 'none']) {
    const extra = agent === 'command' || agent === 'acp' ? ['--agent-command', 'my-agent'] : [];
    assert.equal(parse(['--agent', agent, ...extra, '--agent-update-interval', '30']).agentUpdateIntervalSeconds, 30, agent);
  }
});

test('values out of range, fractions, words and a missing value are refused, naming the flag', () => {
  const cases: Array<[string[], RegExp]> = [
    [['--agent-update-interval', '4'], /^flag --agent-update-interval must be from 5 to 600 seconds, not 4$/],
    [['--agent-update-interval', '601'], /^flag --agent-update-interval must be from 5 to 600 seconds, not 601$/],
    [['--agent-update-interval', '0'], /^flag --agent-update-interval must be a positive whole number of seconds, not "0"$/],
    [['--agent-update-interval', '2.5'], /^flag --agent-update-interval must be a positive whole number of seconds, not "2.5"$/],
    [['--agent-update-interval', 'soon'], /^flag --agent-update-interval must be a positive whole number of seconds, not "soon"$/],
    [['--agent-update-interval'], /^flag --agent-update-interval needs a value \(SECONDS\)$/],
    [['--agent', 'codex', '--agent-approval-timeout', '9'], /^flag --agent-approval-timeout must be from 10 to 600 seconds, not 9$/],
    [['--agent', 'codex', '--agent-approval-timeout', '3600'], /^flag --agent-approval-timeout must be from 10 to 600 seconds, not 3600$/],
    [['--agent', 'codex', '--agent-approval-timeout', '-1'], /^flag --agent-approval-timeout must be a positive whole number of seconds, not "-1"$/],
    [['--agent-update-interval', '30', '--agent-update-interval', '40'], /^flag --agent-update-interval was given twice$/],
  ];
  for (const [argv, message] of cases) {
    assert.throws(() => parse(argv), (error: unknown) => error instanceof FlagError && message.test(error.message), argv.join(' '));
  }
});

test('the approval timeout only applies with --agent codex or --agent acp', () => {
  assert.throws(() => parse(['--agent-approval-timeout', '30']), /^FlagError: --agent-approval-timeout only applies with --agent codex or --agent acp$/);
  assert.throws(() => parse(['--agent', 'command', '--agent-command', 'x', '--agent-approval-timeout', '30']), /--agent-approval-timeout only applies with --agent codex or --agent acp/);
});

test('--help lists both flags with their unit, bounds and defaults', () => {
  const usage = headlessUsage();
  assert.match(usage, /--agent-update-interval SECONDS +spoken progress updates of a working agent at most every SECONDS, 5 to 600 \(default 20\)/);
  assert.match(usage, /--agent-approval-timeout SECONDS +codex, acp: deny a permission request nobody answered after SECONDS, 10 to 600 \(default 60\)/);
});
