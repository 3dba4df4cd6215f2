/** The command line that starts test/support/acp-scripted-agent.ts as a real process (no shell). */
import { fileURLToPath } from 'node:url';

const TSX_LOADER = import.meta.resolve('tsx');
const AGENT_SCRIPT = fileURLToPath(new URL('./acp-scripted-agent.ts', import.meta.url));

/** Quoted for splitCommandLine; absolute paths, so it runs from any working folder. */
export function scriptedAgentCommand(): string {
  return [process.execPath, '--import', TSX_LOADER, AGENT_SCRIPT].map((part) => `'${part}'`).join(' ');
}
