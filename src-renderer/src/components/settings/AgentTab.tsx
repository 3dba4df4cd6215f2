import type { ReactElement, ReactNode } from 'react';
import {
  AGENT_APPROVAL_POLICIES,
  AGENT_BACKENDS,
  AGENT_SANDBOXES,
  type AgentApprovalPolicy,
  type AgentBackend,
  type AgentSandbox,
} from '../../../../src-shared/ipc-contract';
import {
  AGENT_APPROVAL_TIMEOUT_SECONDS_RANGE,
  AGENT_UPDATE_INTERVAL_SECONDS_RANGE,
  DEFAULT_AGENT_APPROVAL_TIMEOUT_SECONDS,
  DEFAULT_AGENT_UPDATE_INTERVAL_SECONDS,
} from '../../../../src-shared/agent-timing';
import { NumberField, SelectField, TextAreaField, TextField } from '../common/fields';
import type { TabProps } from './tab-props';

const BACKEND_LABELS: Record<AgentBackend, string> = {
  responses: 'Responses API (HTTP)',
  command: 'Local command',
  codex: 'Codex (app server)',
  acp: 'ACP agent (Claude Code, Gemini CLI, codex-acp)',
  none: 'None — answer by voice only',
};

const APPROVAL_LABELS: Record<AgentApprovalPolicy, string> = {
  'allow-read-only': 'Allow what only reads; ask me about the rest',
  'never-ask': 'Allow everything',
  'always-ask': 'Ask me about everything',
};

const SANDBOX_LABELS: Record<AgentSandbox, string> = {
  'workspace-write': 'Write in the working folder only',
  'read-only': 'Read only',
  'danger-full-access': 'Full access (no sandbox)',
};

/** The program field, as each backend that starts a program reads it. */
const PROGRAM_FIELD: Record<'command' | 'codex' | 'acp', { label: string; placeholder: string; hint: ReactNode }> = {
  command: {
    label: 'Agent command',
    placeholder: 'e.g. codex exec {prompt}',
    hint: (
      <>
        A program on your PATH (such as <code>codex</code>) or its full path, then its arguments; checked when you save. It runs once per
        task, without a shell: {'{prompt}'} is replaced by the request, and without it the request arrives on standard input.
      </>
    ),
  },
  codex: {
    label: 'Codex program',
    placeholder: 'codex (found on your PATH)',
    hint: (
      <>
        Leave empty for <code>codex</code> on your PATH, or write its full path. Install it with <code>npm install -g @openai/codex</code>.
        Parley starts <code>codex app-server</code> once per conversation: one Codex thread, and what you add while it works steers it.
      </>
    ),
  },
  acp: {
    label: 'ACP agent command',
    placeholder: 'e.g. claude-code-acp',
    hint: (
      <>
        The agent's command line: <code>claude-code-acp</code> (npm install -g @zed-industries/claude-code-acp),{' '}
        <code>gemini --experimental-acp</code> (npm install -g @google/gemini-cli) or <code>codex-acp</code> (npm install -g
        @zed-industries/codex-acp). It runs for the whole conversation and reads and writes files only in the working folder.
      </>
    ),
  },
};

export function AgentTab({ draft, change, errorFor }: TabProps): ReactElement {
  const backend = draft.agentBackend;
  const startsProgram = backend === 'command' || backend === 'codex' || backend === 'acp';
  const program = PROGRAM_FIELD[startsProgram ? backend : 'command'];
  const codingAgent = backend === 'codex' || backend === 'acp';
  return (
    <div className="settings-section">
      <h2 className="settings-heading">Background agent</h2>
      <p className="settings-lead">When you ask for something that takes work, Parley hands it to this agent and keeps talking.</p>
      <SelectField
        label="Agent backend"
        value={backend}
        options={AGENT_BACKENDS.map((value) => ({ value, label: BACKEND_LABELS[value] }))}
        onChange={(value) => change({ agentBackend: value as AgentBackend })}
        testId="setting-agentBackend"
        error={errorFor('agentBackend')}
      />
      <NumberField
        label="Spoken progress interval"
        value={draft.agentUpdateIntervalSeconds}
        onChange={(value) => change({ agentUpdateIntervalSeconds: value })}
        min={AGENT_UPDATE_INTERVAL_SECONDS_RANGE.min}
        max={AGENT_UPDATE_INTERVAL_SECONDS_RANGE.max}
        unit="seconds"
        testId="setting-agentUpdateIntervalSeconds"
        hint={`While the agent works, the assistant tells you what it is doing at most once in this many seconds (default ${DEFAULT_AGENT_UPDATE_INTERVAL_SECONDS}). The handoff card shows every step.`}
        error={errorFor('agentUpdateIntervalSeconds')}
      />
      <fieldset className={`settings-group ${backend === 'responses' ? '' : 'is-inactive'}`}>
        <legend>Responses API{backend === 'responses' ? '' : ' (not in use)'}</legend>
        <TextField
          label="Agent URL"
          type="url"
          monospace
          value={draft.agentUrl}
          onChange={(value) => change({ agentUrl: value })}
          testId="setting-agentUrl"
          hint="Base URL of a Responses-compatible server (http:// or https://)."
          error={errorFor('agentUrl')}
        />
        <TextField
          label="Agent model"
          value={draft.agentModel}
          onChange={(value) => change({ agentModel: value })}
          testId="setting-agentModel"
          error={errorFor('agentModel')}
        />
      </fieldset>
      <fieldset className={`settings-group ${startsProgram ? '' : 'is-inactive'}`}>
        <legend>{startsProgram ? BACKEND_LABELS[backend] : 'Local program (not in use)'}</legend>
        <TextField
          label={program.label}
          monospace
          value={draft.agentCommand}
          onChange={(value) => change({ agentCommand: value })}
          testId="setting-agentCommand"
          placeholder={program.placeholder}
          hint={program.hint}
          error={errorFor('agentCommand')}
        />
        <TextField
          label="Working folder"
          monospace
          value={draft.agentCwd}
          onChange={(value) => change({ agentCwd: value })}
          testId="setting-agentCwd"
          placeholder="The folder Parley started in"
          hint="A folder that exists, written in full (e.g. /home/you/project or C:\Users\you\project); the agent works there. Leave empty for the folder Parley started in."
          error={errorFor('agentCwd')}
        />
      </fieldset>
      <fieldset className={`settings-group ${codingAgent ? '' : 'is-inactive'}`}>
        <legend>Coding agent{codingAgent ? '' : ' (not in use)'}</legend>
        <SelectField
          label="Approval policy"
          value={draft.agentApproval}
          options={AGENT_APPROVAL_POLICIES.map((value) => ({ value, label: APPROVAL_LABELS[value] }))}
          onChange={(value) => change({ agentApproval: value as AgentApprovalPolicy })}
          testId="setting-agentApproval"
          hint="When the agent asks permission, Parley asks you (on the handoff card and aloud) unless this policy answers for you."
          error={errorFor('agentApproval')}
        />
        <NumberField
          label="Permission request timeout"
          value={draft.agentApprovalTimeoutSeconds}
          onChange={(value) => change({ agentApprovalTimeoutSeconds: value })}
          min={AGENT_APPROVAL_TIMEOUT_SECONDS_RANGE.min}
          max={AGENT_APPROVAL_TIMEOUT_SECONDS_RANGE.max}
          unit="seconds"
          testId="setting-agentApprovalTimeoutSeconds"
          hint={`A permission request you leave unanswered this long is denied (default ${DEFAULT_AGENT_APPROVAL_TIMEOUT_SECONDS}).`}
          error={errorFor('agentApprovalTimeoutSeconds')}
        />
        <SelectField
          label="Codex sandbox"
          value={draft.agentSandbox}
          options={AGENT_SANDBOXES.map((value) => ({ value, label: SANDBOX_LABELS[value] }))}
          onChange={(value) => change({ agentSandbox: value as AgentSandbox })}
          testId="setting-agentSandbox"
          disabled={backend !== 'codex'}
          hint="Codex only: where the commands Codex runs may write."
          error={errorFor('agentSandbox')}
        />
        <TextAreaField
          label="Codex config overrides"
          value={draft.agentConfig}
          onChange={(value) => change({ agentConfig: value })}
          testId="setting-agentConfig"
          rows={3}
          placeholder={'model="gpt-5-codex"\nmodel_reasoning_effort="low"'}
          hint={
            <>
              Codex only: one <code>key=value</code> per line, passed to Codex as <code>-c key=value</code> (values in TOML: quote text).
            </>
          }
          error={errorFor('agentConfig')}
        />
      </fieldset>
    </div>
  );
}
