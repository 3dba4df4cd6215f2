// How to install the coding agents people run with Parley, for the message that says a program
// is missing. Keyed by the program's file name (what the user typed, or the last part of a path).

/** npm packages that install each known ACP agent's program. */
const ACP_AGENT_PACKAGES: Readonly<Record<string, { readonly product: string; readonly install: string }>> = {
  'claude-code-acp': { product: 'Claude Code', install: 'npm install -g @zed-industries/claude-code-acp' },
  'claude-agent-acp': { product: 'Claude Code', install: 'npm install -g @zed-industries/claude-agent-acp' },
  gemini: { product: 'Gemini CLI', install: 'npm install -g @google/gemini-cli (and run it as gemini --experimental-acp)' },
  'codex-acp': { product: 'Codex', install: 'npm install -g @zed-industries/codex-acp' },
};

export const CODEX_NOT_INSTALLED = 'Codex is not installed: npm install -g @openai/codex, or write the full path of the codex program.';

/** The ACP agents Parley knows by name, as examples for an empty command. */
export const ACP_AGENT_EXAMPLES = 'claude-code-acp, gemini --experimental-acp or codex-acp';

/** What to run to install an ACP agent's program: its own package when known, else the common ones. */
export function acpInstallHint(program: string): string {
  const name = program.split(/[\\/]/).pop()!.replace(/\.(exe|cmd)$/i, '');
  const known = ACP_AGENT_PACKAGES[name];
  if (known) return `install ${known.product}'s ACP agent: ${known.install}`;
  const common = Object.entries(ACP_AGENT_PACKAGES)
    .filter(([key]) => key !== 'claude-agent-acp')
    .map(([, agent]) => `${agent.product}: ${agent.install}`)
    .join('; ');
  return `install the agent, or write its full path (${common})`;
}
