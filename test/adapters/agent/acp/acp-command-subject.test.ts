import assert from 'node:assert/strict';
import { test } from 'node:test';
import { commandFromArgv, describeApproval } from '../../../../src-main/adapters/agent/acp/acp-approvals';

test('a shell wrapper around the command is left out of what the user is asked about', () => {
  assert.equal(commandFromArgv(['/bin/bash', '-lc', 'touch approved.txt']), 'touch approved.txt');
  assert.equal(commandFromArgv(['sh', '-c', 'npm test && npm run lint']), 'npm test && npm run lint');
  assert.equal(commandFromArgv(['zsh', '-lc', 'ls']), 'ls');
});

test('any other argv is shown whole, as given', () => {
  assert.equal(commandFromArgv(['npm', 'install', 'left-pad']), 'npm install left-pad');
  assert.equal(commandFromArgv(['/bin/bash', 'script.sh']), '/bin/bash script.sh');
  assert.equal(commandFromArgv(['/bin/bash', '-lc', 'ls', 'extra']), '/bin/bash -lc ls extra');
  assert.equal(commandFromArgv(['python', '-c', 'print(1)']), 'python -c print(1)');
});

test("codex-acp's request for a wrapped command asks about the command itself", () => {
  const approval = describeApproval('approval-1', {
    toolCallId: 'call-1',
    title: 'touch approved.txt',
    kind: 'execute',
    status: 'pending',
    content: [],
    rawInput: { command: ['/bin/bash', '-lc', 'touch approved.txt'] },
  });
  assert.equal(approval.subject, 'touch approved.txt');
  assert.equal(approval.kind, 'command');
});
