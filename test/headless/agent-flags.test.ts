// The coding-agent flags: --agent codex|acp, the program, repeatable --agent-config, the approval
// policy and sandbox; what each rejects, naming the flag; and the start checks that find the
// program (with how to install it) and the working folder, with injected lookups.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { PathKind } from '../../src-main/app/settings-check';
import { FlagError, headlessUsage, parseHeadlessFlags } from '../../src-main/headless/cli-flags';
import { startProblems, type StartCheckDeps } from '../../src-main/headless/start-checks';

const parse = (argv: string[]) => parseHeadlessFlags(argv, {});

test('--agent codex takes the program, folder, model, repeated config overrides, approval policy and sandbox', () => {
  const options = parse([
    '--agent', 'codex',
    '--agent-command', '/opt/codex/bin/codex',
    '--agent-cwd', 'project',
    '--agent-model', 'gpt-5-codex',
    '--agent-config', 'model_provider="local"',
    '--agent-config=model_providers.local.base_url="http://127.0.0.1:9/v1"',
    '--agent-approval', 'never-ask',
    '--agent-sandbox', 'read-only',
  ]);
  assert.equal(options.agent, 'codex');
  assert.equal(options.agentCommand, '/opt/codex/bin/codex');
  assert.deepEqual(options.agentConfig, ['model_provider="local"', 'model_providers.local.base_url="http://127.0.0.1:9/v1"']);
  assert.equal(options.agentApproval, 'never-ask');
  assert.equal(options.agentSandbox, 'read-only');
});

test('without the coding-agent flags the defaults are left to the backend factory', () => {
  const options = parse(['--agent', 'codex']);
  assert.equal(options.agentCommand, undefined, 'codex on PATH');
  assert.deepEqual(options.agentConfig, []);
  assert.equal(options.agentApproval, undefined);
  assert.equal(options.agentSandbox, undefined);
});

test('--agent-config without "=" is refused, naming the flag and the value', () => {
  assert.throws(() => parse(['--agent', 'codex', '--agent-config', 'model_provider']), (error: unknown) => {
    assert.ok(error instanceof FlagError);
    assert.match(error.message, /^flag --agent-config value "model_provider" is not key=value/);
    return true;
  });
  assert.throws(() => parse(['--agent', 'codex', '--agent-config', '=x']), /flag --agent-config value "=x" has no key/);
});

test('only --agent-config repeats; other flags given twice are still refused', () => {
  assert.throws(() => parse(['--agent', 'codex', '--agent-sandbox', 'read-only', '--agent-sandbox', 'read-only']), /flag --agent-sandbox was given twice/);
});

test('--agent acp needs the agent command and names the common ones', () => {
  assert.throws(() => parse(['--agent', 'acp']), /--agent acp needs --agent-command .*"claude-code-acp", "gemini --experimental-acp" or "codex-acp"/);
  const options = parse(['--agent', 'acp', '--agent-command', 'gemini --experimental-acp', '--agent-approval', 'allow-read-only']);
  assert.equal(options.agentCommand, 'gemini --experimental-acp');
  assert.equal(options.agentApproval, 'allow-read-only');
});

test('a coding-agent flag given with a backend it does not apply to is refused', () => {
  assert.throws(() => parse(['--agent', 'acp', '--agent-command', 'codex-acp', '--agent-sandbox', 'read-only']), /--agent-sandbox only applies with --agent codex$/);
  assert.throws(() => parse(['--agent', 'acp', '--agent-command', 'codex-acp', '--agent-config', 'a=b']), /--agent-config only applies with --agent codex$/);
  assert.throws(() => parse(['--agent-approval', 'never-ask']), /--agent-approval only applies with --agent codex or --agent acp$/);
  assert.throws(() => parse(['--agent', 'responses', '--agent-command', 'x']), /--agent-command only applies with --agent command or --agent codex or --agent acp$/);
  assert.throws(() => parse(['--agent', 'codex', '--agent-approval', 'sometimes']), /flag --agent-approval must be always-ask or allow-read-only or never-ask/);
});

test('the help describes each backend, the program per backend, and which approvals are put to the user', () => {
  const usage = headlessUsage();
  assert.match(usage, /codex \(Codex through `codex app-server`/);
  assert.match(usage, /acp \(any Agent Client Protocol agent/);
  assert.match(usage, /codex: the Codex program \(default codex on PATH\)/);
  assert.match(usage, /--agent-config KEY=VALUE/);
  assert.match(usage, /allow-read-only \(default: reads go through, the rest is asked\)/);
  assert.match(usage, /--agent-sandbox MODE +codex: /);
});

function deps(paths: Record<string, PathKind>): StartCheckDeps {
  return {
    cwd: '/home/you',
    settings: { env: { PATH: '/usr/bin' }, platform: 'linux', pathKind: (path: string) => paths[path] ?? 'missing' },
    listDevices: async () => undefined,
  };
}

async function problemsOf(argv: string[], paths: Record<string, PathKind>): Promise<string[]> {
  return startProblems(parse(argv), argv, deps(paths));
}

test('start checks: codex must be found, on PATH by default, with the install command when it is not', async () => {
  assert.deepEqual(await problemsOf(['--agent', 'codex'], { '/usr/bin/codex': 'executable' }), []);
  assert.deepEqual(await problemsOf(['--agent', 'codex'], {}), [
    '--agent codex: Codex is not installed: npm install -g @openai/codex, or write the full path of the codex program.',
  ]);
  assert.deepEqual(await problemsOf(['--agent', 'codex', '--agent-command', '/opt/codex'], {}), ['--agent-command: /opt/codex does not exist.']);
});

test('start checks: an ACP agent must be found, with how to install the one named, and the folder must exist', async () => {
  assert.deepEqual(await problemsOf(['--agent', 'acp', '--agent-command', 'claude-code-acp'], { '/usr/bin/claude-code-acp': 'executable' }), []);
  assert.deepEqual(await problemsOf(['--agent', 'acp', '--agent-command', 'gemini --experimental-acp', '--agent-cwd', 'nope'], {}), [
    "--agent-command: “gemini” is not found on PATH; install Gemini CLI's ACP agent: npm install -g @google/gemini-cli (and run it as gemini --experimental-acp).",
    '--agent-cwd: /home/you/nope does not exist.',
  ]);
  const [unknown] = await problemsOf(['--agent', 'acp', '--agent-command', 'my-acp-agent'], {});
  assert.match(unknown!, /^--agent-command: “my-acp-agent” is not found on PATH; install the agent, or write its full path \(Claude Code: npm install -g @zed-industries\/claude-code-acp; Gemini CLI: .*; Codex: npm install -g @zed-industries\/codex-acp\)\.$/);
});
