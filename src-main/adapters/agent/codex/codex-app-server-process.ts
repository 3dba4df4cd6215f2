import type { ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { StringDecoder } from 'node:string_decoder';
import { AgentError } from '../../../core/agent/agent-backend';
import { redactSecrets } from '../../../core/util/redact';
import type { Logger } from '../../../core/util/logger';
import { signalProcessGroup, spawnGroupLeader, stopProcessGroup } from '../process-group';
import type { ProcessGroupWatchdog } from '../process-group-watchdog';
import { JsonRpcClosedError, JsonRpcRemoteError, JsonRpcStdioConnection } from './jsonrpc-stdio-connection';

/**
 * One running `codex app-server`: the process (leading its own process group on POSIX, guarded
 * by the same watchdog as the command backend, so nothing it starts outlives Parley), its
 * JSON-RPC connection, and the initialize handshake. It does not restart itself: the backend
 * notices `exited` and starts a new one for the next request.
 */

export const CODEX_INSTALL_HINT =
  'Codex is not installed: npm install -g @openai/codex (or set the program in Settings › Agent)';
/** Time between SIGTERM and SIGKILL when stopping the app server. */
export const APP_SERVER_KILL_GRACE_MS = 2_000;
/** The binary starts in about 0.1–0.2 s here; a cold disk or a slow machine gets much more. */
export const APP_SERVER_INITIALIZE_TIMEOUT_MS = 30_000;
const STDERR_TAIL_MAX_CHARS = 8_192;
const STDERR_LINE_MAX_CHARS = 200;
// eslint-disable-next-line no-control-regex -- the escape character is exactly what is matched
const ANSI_COLOUR = /\u001b\[[0-9;]*m/g;

export interface AppServerLaunch {
  readonly program: string;
  readonly args: readonly string[];
  readonly cwd: string;
  readonly env: NodeJS.ProcessEnv;
  readonly watchdog: boolean;
  readonly clientVersion: string;
  readonly logger: Logger;
}

export interface AppServerExit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  /** The last non-empty stderr line, redacted and cut; '' when none. */
  readonly lastErrorLine: string;
}

export class CodexAppServerProcess {
  readonly connection: JsonRpcStdioConnection;
  /** Resolves when the process has exited (or failed to start). */
  readonly exited: Promise<AppServerExit>;
  private readonly child: ChildProcess;
  private readonly watchdog: ProcessGroupWatchdog | undefined;
  private stderrTail = '';
  private spawnError: NodeJS.ErrnoException | undefined;
  private exitInfo: AppServerExit | undefined;
  private stopping: Promise<void> | undefined;

  private constructor(private readonly launch: AppServerLaunch) {
    let resolveExited!: (exit: AppServerExit) => void;
    this.exited = new Promise((resolve) => (resolveExited = resolve));
    ({ child: this.child, watchdog: this.watchdog } = spawnGroupLeader({
      ...launch,
      killGraceMs: APP_SERVER_KILL_GRACE_MS,
      what: 'the codex app server',
    }));
    this.connection = new JsonRpcStdioConnection(this.child.stdout!, this.child.stdin!, launch.logger);
    // stderr must be drained: a full pipe blocks the server. Only a tail is kept, for messages.
    const decoder = new StringDecoder('utf8');
    this.child.stderr!.on('data', (chunk: Buffer) => {
      this.stderrTail = (this.stderrTail + decoder.write(chunk)).slice(-STDERR_TAIL_MAX_CHARS);
    });
    this.child.stdin!.on('error', () => {}); // EPIPE after the server died: reported through exit
    const finish = (code: number | null, signal: NodeJS.Signals | null): void => {
      if (this.exitInfo) return;
      this.exitInfo = { code, signal, lastErrorLine: lastErrorLine(this.stderrTail) };
      this.connection.close(describeExit(this.exitInfo));
      resolveExited(this.exitInfo);
    };
    this.child.on('error', (error: NodeJS.ErrnoException) => {
      if (this.child.pid !== undefined) return;
      this.spawnError = error;
      finish(null, null);
    });
    this.child.on('exit', (code, signal) => {
      finish(code, signal);
      // Whatever it started (shell commands of a turn) goes with it.
      void this.stopGroup();
    });
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  get running(): boolean {
    return this.exitInfo === undefined;
  }

  /**
   * Starts the program and performs the initialize handshake. Throws AgentError: misconfigured
   * when the program or folder is missing, agent_command_failed when it starts but fails.
   */
  static async start(launch: AppServerLaunch): Promise<CodexAppServerProcess> {
    if (!existsSync(launch.cwd)) {
      throw new AgentError('agent_misconfigured', `the agent working folder ${launch.cwd} does not exist`);
    }
    const server = new CodexAppServerProcess(launch);
    const started = performance.now();
    try {
      await Promise.race([
        server.connection.request(
          'initialize',
          { clientInfo: { name: 'parley', title: 'Parley', version: launch.clientVersion } },
          APP_SERVER_INITIALIZE_TIMEOUT_MS,
        ),
        server.exited.then(() => Promise.reject(new JsonRpcClosedError('exited'))),
      ]);
      server.connection.notify('initialized');
    } catch (error) {
      await server.stop();
      throw server.startFailure(error);
    }
    launch.logger.info('codex app server started', { pid: server.pid, ms: Math.round(performance.now() - started) });
    return server;
  }

  /** SIGTERM to the group, SIGKILL after the grace period; resolves when nothing is left. Idempotent. */
  stop(): Promise<void> {
    this.stopping ??= (async () => {
      this.connection.close('the codex app server was stopped');
      this.child.stdin?.end();
      if (this.running) {
        signalGroup(this.child, 'SIGTERM');
        const killTimer = setTimeout(() => signalGroup(this.child, 'SIGKILL'), APP_SERVER_KILL_GRACE_MS);
        await this.exited;
        clearTimeout(killTimer);
      }
      await this.stopGroup();
    })();
    return this.stopping;
  }

  private groupStopped: Promise<void> | undefined;

  /** After the leader has exited: SIGTERM the rest of its group, SIGKILL after the grace period. */
  private stopGroup(): Promise<void> {
    this.groupStopped ??= new Promise<void>((resolve) => {
      stopProcessGroup(this.child.pid, APP_SERVER_KILL_GRACE_MS, () => {
        this.watchdog?.release();
        resolve();
      });
    });
    return this.groupStopped;
  }

  private startFailure(error: unknown): AgentError {
    if (this.spawnError) {
      if (this.spawnError.code === 'ENOENT' || this.spawnError.code === 'EACCES') {
        return new AgentError('agent_misconfigured', CODEX_INSTALL_HINT);
      }
      return new AgentError('agent_command_failed', `Codex could not start (${this.spawnError.code ?? this.spawnError.message})`);
    }
    if (this.exitInfo) return new AgentError('agent_command_failed', `Codex could not start: ${describeExit(this.exitInfo)}`);
    if (error instanceof JsonRpcRemoteError) return new AgentError('agent_command_failed', `Codex refused to start: ${error.message}`);
    return new AgentError('agent_timeout', 'Codex did not answer when it was started');
  }
}

/** "it exited with code 1: Error: …" — short enough to be spoken, no secrets. */
export function describeExit(exit: AppServerExit): string {
  const how = exit.code !== null ? `it exited with code ${exit.code}` : `it was stopped by ${exit.signal ?? 'a signal'}`;
  // A kill by signal says all; the stderr tail then holds only unrelated startup warnings.
  return exit.lastErrorLine && exit.code !== null && exit.code !== 0 ? `${how}: ${exit.lastErrorLine}` : how;
}

function lastErrorLine(stderr: string): string {
  // Colour codes make the tracing lines unreadable; the redaction runs before the cut.
  const lines = redactSecrets(stderr.replace(ANSI_COLOUR, ''))
    .split(/\r\n|\r|\n/)
    .map((line) => line.trim())
    .filter((line) => line.length > 0 && !/^\d+: /.test(line) && line !== 'Stack backtrace:');
  // Codex's own fatal message ("Error: approval_policy = … is no longer supported") over log lines.
  const errorLine =
    [...lines].reverse().find((line) => line.startsWith('Error:')) ?? [...lines].reverse().find((line) => /error/i.test(line)) ?? lines.at(-1) ?? '';
  return errorLine.length > STDERR_LINE_MAX_CHARS ? errorLine.slice(0, STDERR_LINE_MAX_CHARS) + '…' : errorLine;
}

function signalGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  const pid = child.pid;
  if (pid === undefined) return;
  if (process.platform !== 'win32' && signalProcessGroup(pid, signal)) return;
  try {
    child.kill(signal);
  } catch {
    // already gone
  }
}

