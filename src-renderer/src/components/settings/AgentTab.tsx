import type { ReactElement } from 'react';
import { AGENT_BACKENDS, type AgentBackend } from '../../../../src-shared/ipc-contract';
import { SelectField, TextField } from '../common/fields';
import type { TabProps } from './tab-props';

const BACKEND_LABELS: Record<AgentBackend, string> = {
  responses: 'Responses API (HTTP)',
  command: 'Local command',
  none: 'None — answer by voice only',
};

export function AgentTab({ draft, change, errorFor }: TabProps): ReactElement {
  const backend = draft.agentBackend;
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
      <fieldset className={`settings-group ${backend === 'command' ? '' : 'is-inactive'}`}>
        <legend>Local command{backend === 'command' ? '' : ' (not in use)'}</legend>
        <TextField
          label="Agent command"
          monospace
          value={draft.agentCommand}
          onChange={(value) => change({ agentCommand: value })}
          testId="setting-agentCommand"
          placeholder="e.g. codex exec {prompt}"
          hint={
            <>
              A program on your PATH (such as <code>codex</code>) or its full path, then its arguments; checked when you save. It
              runs once per task, without a shell: {'{prompt}'} is replaced by the request, and without it the request arrives on
              standard input.
            </>
          }
          error={errorFor('agentCommand')}
        />
        <TextField
          label="Working folder"
          monospace
          value={draft.agentCwd}
          onChange={(value) => change({ agentCwd: value })}
          testId="setting-agentCwd"
          placeholder="The folder Parley started in"
          hint="A folder that exists, written in full (e.g. /home/you/project or C:\Users\you\project); the command runs there. Leave empty for the folder Parley started in."
          error={errorFor('agentCwd')}
        />
      </fieldset>
    </div>
  );
}
