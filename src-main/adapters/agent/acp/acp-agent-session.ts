import { Readable, Writable } from 'node:stream';
import {
  client,
  ndJsonStream,
  PROTOCOL_VERSION,
  RequestError,
  type ClientConnection,
  type InitializeResponse,
  type PromptResponse,
  type RequestPermissionRequest,
  type RequestPermissionOutcome,
  type SessionUpdate,
} from '@agentclientprotocol/sdk';
import { AgentError } from '../../../core/agent/agent-backend';
import type { Logger } from '../../../core/util/logger';
import { redactSecrets } from '../../../core/util/redact';
import { AgentProcess, type AgentExit } from './acp-agent-process';
import { FileAccessError, type FileGuard } from './acp-file-guard';

/**
 * One running ACP agent and the one session Parley holds with it: the program started, the
 * connection over its stdio (the SDK's client app), `initialize` with file access advertised and
 * no terminal, then `session/new` in the working folder. The agent's requests are answered here
 * (files through the guard, permissions through the handlers); its updates for this session are
 * passed on, and those for any other session dropped.
 */

/** initialize + session/new; a real agent answers in well under a second (codex-acp: ~0.1 s). */
export const ACP_START_TIMEOUT_MS = 30_000;
/** ACP's error code for "authentication required". */
const AUTH_REQUIRED_CODE = -32000;

export interface AcpSessionHandlers {
  update(update: SessionUpdate): void;
  requestPermission(request: RequestPermissionRequest, signal: AbortSignal): Promise<RequestPermissionOutcome>;
  /** The agent wrote a file (already inside the working folder); `path` is relative to it. */
  fileWritten(path: string): void;
}

export interface AcpSessionSettings {
  readonly program: string;
  readonly args: readonly string[];
  readonly env: NodeJS.ProcessEnv;
  readonly watchdog: boolean;
  readonly guard: FileGuard;
  readonly logger: Logger;
}

export class AcpAgentSession {
  private constructor(
    private readonly process: AgentProcess,
    private readonly connection: ClientConnection,
    readonly sessionId: string,
    readonly agentInfo: InitializeResponse['agentInfo'],
  ) {}

  /** Starts the program and opens the session; throws AgentError (the program is stopped then). */
  static async start(settings: AcpSessionSettings, handlers: AcpSessionHandlers): Promise<AcpAgentSession> {
    const agentProcess = new AgentProcess({
      program: settings.program,
      args: settings.args,
      cwd: settings.guard.root,
      env: settings.env,
      watchdog: settings.watchdog,
      logger: settings.logger,
    });
    let sessionId: string | undefined;
    const app = client({ name: 'parley' })
      .onNotification('session/update', ({ params }) => {
        // Updates for another session (or before ours is known) are not this conversation's.
        if (sessionId !== undefined && params.sessionId === sessionId) handlers.update(params.update);
      })
      .onRequest('session/request_permission', async ({ params, signal }) => {
        if (params.sessionId !== sessionId) return { outcome: { outcome: 'cancelled' } };
        return { outcome: await handlers.requestPermission(params, signal) };
      })
      .onRequest('fs/read_text_file', async ({ params }) => {
        const content = await guarded(() => settings.guard.readText(params.path, params.line, params.limit));
        return { content };
      })
      .onRequest('fs/write_text_file', async ({ params }) => {
        const written = await guarded(() => settings.guard.writeText(params.path, params.content));
        handlers.fileWritten(written);
        return {};
      });

    const child = agentProcess.child;
    if (!child.stdin || !child.stdout) throw new AgentError('agent_command_failed', 'the agent could not be started');
    const connection = app.connect(ndJsonStream(Writable.toWeb(child.stdin), Readable.toWeb(child.stdout) as ReadableStream<Uint8Array>));
    const failed = agentProcess.exited.then((exit) => Promise.reject(exitError(exit, agentProcess.stderr, settings.program, 'while starting')));
    failed.catch(() => {});
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new AgentError('agent_timeout', `the agent \`${shortName(settings.program)}\` did not start within ${ACP_START_TIMEOUT_MS / 1000} s`)),
        ACP_START_TIMEOUT_MS,
      );
    });
    try {
      const opened = (async () => {
        const init = await connection.agent.request('initialize', {
          protocolVersion: PROTOCOL_VERSION,
          clientCapabilities: { fs: { readTextFile: true, writeTextFile: true }, terminal: false },
          clientInfo: { name: 'parley', version: '0.1.0' },
        });
        try {
          const session = await connection.agent.request('session/new', { cwd: settings.guard.root, mcpServers: [] });
          return { init, session };
        } catch (error) {
          if (error instanceof RequestError && error.code === AUTH_REQUIRED_CODE) {
            const ways = (init.authMethods ?? []).map((method) => method.name).join('; ');
            throw new AgentError(
              'agent_misconfigured',
              `the agent \`${shortName(settings.program)}\` needs you to sign in first: run it once in a terminal and log in${ways ? ` (it offers: ${ways})` : ''}`,
            );
          }
          throw error;
        }
      })();
      const { init, session } = await Promise.race([opened, failed, timedOut]);
      sessionId = session.sessionId;
      return new AcpAgentSession(agentProcess, connection, session.sessionId, init.agentInfo);
    } catch (error) {
      connection.close();
      await agentProcess.stop();
      if (error instanceof AgentError) throw error;
      // The program may have died mid-answer: its exit says more than a closed connection.
      const exit = await Promise.race([agentProcess.exited, new Promise<undefined>((resolve) => setTimeout(resolve, 0))]);
      if (exit && !exit.stopped) throw exitError(exit, agentProcess.stderr, settings.program, 'while starting');
      throw new AgentError('agent_command_failed', `the agent \`${shortName(settings.program)}\` could not start a session: ${errorText(error)}`);
    } finally {
      clearTimeout(timer);
    }
  }

  get pid(): number | undefined {
    return this.process.pid;
  }

  get exited(): Promise<AgentExit> {
    return this.process.exited;
  }

  get running(): boolean {
    return this.process.running;
  }

  get stderr(): string {
    return this.process.stderr;
  }

  prompt(text: string): Promise<PromptResponse> {
    return this.connection.agent.request('session/prompt', { sessionId: this.sessionId, prompt: [{ type: 'text', text }] });
  }

  /** session/cancel: the agent stops and answers the running prompt with stopReason 'cancelled'. */
  async cancel(): Promise<void> {
    try {
      await this.connection.agent.notify('session/cancel', { sessionId: this.sessionId });
    } catch {
      // The agent is gone: nothing left to cancel.
    }
  }

  async stop(): Promise<void> {
    this.connection.close();
    await this.process.stop();
  }
}

/** Runs a file operation, turning a refusal or an I/O failure into a JSON-RPC error for the agent. */
async function guarded<T>(operation: () => Promise<T>): Promise<T> {
  try {
    return await operation();
  } catch (error) {
    if (error instanceof FileAccessError) throw RequestError.invalidParams(undefined, error.message);
    throw RequestError.internalError(undefined, errorText(error));
  }
}

/** What to tell the user when the agent program ended (or never began). */
export function exitError(exit: AgentExit, stderr: string, program: string, when: string): AgentError {
  const name = shortName(program);
  if (exit.spawnError?.code === 'ENOENT') {
    return new AgentError('agent_misconfigured', `the agent program \`${name}\` was not found: ${installHint(program)}`);
  }
  if (exit.spawnError) {
    return new AgentError('agent_misconfigured', `the agent program \`${name}\` could not start (${exit.spawnError.code ?? exit.spawnError.message})`);
  }
  const how = exit.code === null ? `was killed by ${exit.signal ?? 'a signal'}` : `exited with code ${exit.code}`;
  // Redacted before the line is cut: half a key no longer matches its exact value.
  const last = lastLine(redactSecrets(stderr));
  return new AgentError('agent_command_failed', `the agent \`${name}\` ${how} ${when}${last ? ': ' + last : ''}`);
}

const INSTALL_HINTS: Record<string, string> = {
  'claude-code-acp': 'install it with `npm install -g @zed-industries/claude-code-acp`',
  'codex-acp': 'install it with `npm install -g @zed-industries/codex-acp`',
  gemini: 'install Gemini CLI with `npm install -g @google/gemini-cli`',
};

export function installHint(program: string): string {
  const base = program.split(/[\\/]/).pop()!.replace(/\.(exe|cmd)$/i, '');
  return (INSTALL_HINTS[base] ?? 'install it') + ', or put its full path in the agent command setting';
}

function shortName(program: string): string {
  return program.length > 120 ? '…' + program.slice(-119) : program;
}

const STDERR_LINE_MAX_CHARS = 200;

function lastLine(text: string): string {
  const lines = text.split(/\r\n|\r|\n/).map((line) => line.trim()).filter((line) => line.length > 0);
  const line = lines.at(-1) ?? '';
  return line.length > STDERR_LINE_MAX_CHARS ? line.slice(0, STDERR_LINE_MAX_CHARS) + '…' : line;
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
