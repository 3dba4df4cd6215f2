import type { ChildProcess } from 'node:child_process';
import { StringDecoder } from 'node:string_decoder';
import {
  AgentError,
  type AgentBackend,
  type AgentRequest,
  type AgentStreamEvent,
} from '../../core/agent/agent-backend';
import { CommandLineError, splitCommandLine, substitutePrompt } from '../../core/agent/command-line';
import { silentLogger, type Logger } from '../../core/util/logger';
import { abortReason, formatSeconds } from './agent-request-helpers';
import { existsSync } from 'node:fs';
import { redactSecrets } from '../../core/util/redact';
import { spawnGroupLeader, stopProcessGroup } from './process-group';
import type { ProcessGroupWatchdog } from './process-group-watchdog';

/**
 * The background agent as a local command (a coding-agent CLI, a script), one process per
 * request. No shell is involved: the command line is split here and the prompt goes either into
 * a `{prompt}` argument or to stdin. Each request is independent; the command keeps its own
 * memory if it has any, so reset() has nothing to forget.
 *
 * On Linux and macOS the command leads its own process group. That group is stopped (SIGTERM,
 * then SIGKILL after a grace period) on abort, timeout and dispose, and also when the command
 * exits by itself, so nothing it started outlives the turn; and a watchdog process stops it if
 * Parley dies without cleaning up (see process-group-watchdog.ts). On Windows there are no
 * process groups: only the command itself is killed, and if Parley crashes it keeps running.
 */

export const DEFAULT_AGENT_COMMAND_TIMEOUT_MS = 300_000;
/** Time between SIGTERM and SIGKILL when stopping the command. */
export const COMMAND_KILL_GRACE_MS = 2_000;
const STDERR_TAIL_MAX_CHARS = 8_192;
/**
 * The most of a command's answer kept (about 250,000 tokens): enough for any answer worth reading
 * aloud or on a card; a runaway command's output beyond it is dropped, and the answer says so.
 */
export const MAX_COMMAND_OUTPUT_CHARS = 1_000_000;
const STDERR_LINE_MAX_CHARS = 200;

export interface CommandBackendOptions {
  /** A command line such as `codex exec {prompt}` or `node agent.js`; split without a shell. */
  readonly command: string;
  /** Working directory of the command; default the current one. */
  readonly cwd?: string;
  /** Default 300000. */
  readonly timeoutMs?: number;
  /** Added to (and overriding) this process's environment. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /**
   * Guard each command with a watchdog process that stops its process group if Parley dies
   * (POSIX only). Default true; turn off only where the executable cannot run as Node.
   */
  readonly watchdog?: boolean;
  readonly logger?: Logger;
}

type ParsedCommand = { readonly ok: true; readonly argv: readonly [string, ...string[]] } | { readonly ok: false; readonly error: string };

function parseCommand(command: string): ParsedCommand {
  try {
    const argv = splitCommandLine(command);
    const [program, ...rest] = argv;
    if (program === undefined || program.length === 0) return { ok: false, error: 'no agent command is set' };
    return { ok: true, argv: [program, ...rest] };
  } catch (error) {
    if (error instanceof CommandLineError) return { ok: false, error: `the agent command cannot be read: ${error.message}` };
    throw error;
  }
}

export function createCommandBackend(options: CommandBackendOptions): AgentBackend {
  const logger = options.logger ?? silentLogger;
  const timeoutMs = options.timeoutMs ?? DEFAULT_AGENT_COMMAND_TIMEOUT_MS;
  // Parsed once; a bad command line surfaces as an error on each request, not at startup.
  const parsed = parseCommand(options.command);
  const running = new Set<RunningCommand>();
  let disposed = false;

  async function* runRequest(request: AgentRequest): AsyncGenerator<AgentStreamEvent> {
    if (disposed) throw new AgentError('agent_misconfigured', 'the agent backend has been shut down');
    if (!parsed.ok) throw new AgentError('agent_misconfigured', parsed.error);
    request.signal.throwIfAborted();

    const prompt = request.turnInputs.join('\n\n');
    const [program, ...templateArgs] = parsed.argv;
    const substituted = substitutePrompt(templateArgs, prompt);
    const args = substituted ?? templateArgs;
    const programName = shortLabel(program);

    const command = new RunningCommand(program, args, {
      cwd: options.cwd,
      env: options.env ? { ...process.env, ...options.env } : process.env,
      stdinText: substituted ? undefined : prompt,
      watchdog: options.watchdog ?? true,
      logger,
    });
    running.add(command);
    yield { type: 'request.sent' };
    logger.debug('agent command started', { program: programName, args: args.length, promptOnStdin: !substituted });

    const onAbort = (): void => command.stop('aborted');
    request.signal.addEventListener('abort', onAbort, { once: true });
    const timer = setTimeout(() => command.stop('timeout'), timeoutMs);
    try {
      for (;;) {
        const next = await command.next();
        if (next.kind === 'stdout') {
          if (!request.signal.aborted) yield { type: 'text.delta', delta: next.text };
          continue;
        }
        // The process has ended and its output is drained.
        if (next.stopReason === 'aborted') throw abortReason(request.signal);
        if (next.stopReason === 'timeout') {
          throw new AgentError('agent_timeout', `the agent command did not finish within ${formatSeconds(timeoutMs)}`);
        }
        if (next.stopReason === 'disposed') throw new AgentError('agent_command_failed', 'the agent command was stopped');
        if (next.spawnError) {
          const code = (next.spawnError as NodeJS.ErrnoException).code;
          if (code === 'ENOENT' && options.cwd && !existsSync(options.cwd)) {
            throw new AgentError('agent_misconfigured', `the agent working directory ${options.cwd} does not exist`);
          }
          if (code === 'ENOENT') throw new AgentError('agent_command_failed', `the agent command \`${programName}\` was not found`);
          throw new AgentError(
            'agent_command_failed',
            `the agent command \`${programName}\` could not start${code ? ` (${code})` : ''}`,
          );
        }
        if (next.exitCode !== 0) {
          // Redacted before the line is cut: half a key no longer matches its exact value.
          const lastLine = lastNonEmptyLine(redactSecrets(next.stderr));
          const how = next.exitCode === null ? `was killed by ${next.signal ?? 'a signal'}` : `exited with code ${next.exitCode}`;
          throw new AgentError('agent_command_failed', `the agent command ${how}${lastLine ? ': ' + lastLine : ''}`);
        }
        const cut = next.stdoutCutChars > 0 ? `\n[… the command printed ${next.stdoutCutChars.toLocaleString('en-US')} more characters, left out.]` : '';
        if (cut) yield { type: 'notice', text: `The agent command's output was longer than ${MAX_COMMAND_OUTPUT_CHARS.toLocaleString('en-US')} characters; the rest was left out.` };
        const text = next.stdout.trim();
        if (text.length > 0) yield { type: 'message.completed', text: text + cut };
        return;
      }
    } catch (error) {
      if (error instanceof AgentError) logger.warn('agent command failed', { code: error.code, message: error.message });
      throw error;
    } finally {
      clearTimeout(timer);
      request.signal.removeEventListener('abort', onAbort);
      // The consumer may leave early (break, error): never leave the process behind.
      command.stop('aborted');
      void command.exited.then(() => running.delete(command));
    }
  }

  return {
    kind: 'command',
    delegates: true,
    runRequest,
    reset(): void {
      // Every request is a fresh process; nothing to forget here.
    },
    async dispose(): Promise<void> {
      disposed = true;
      const commands = [...running];
      for (const command of commands) command.stop('disposed');
      await Promise.all(commands.map((command) => Promise.all([command.exited, command.groupStopped])));
    },
  };
}

type StopReason = 'aborted' | 'timeout' | 'disposed';

type CommandOutput =
  | { readonly kind: 'stdout'; readonly text: string }
  | {
      readonly kind: 'end';
      readonly exitCode: number | null;
      readonly signal: NodeJS.Signals | null;
      readonly stdout: string;
      /** Output characters dropped beyond MAX_COMMAND_OUTPUT_CHARS. */
      readonly stdoutCutChars: number;
      readonly stderr: string;
      readonly spawnError: Error | undefined;
      readonly stopReason: StopReason | undefined;
    };

/** One child process, read as a pull-based queue of stdout pieces followed by one end record. */
class RunningCommand {
  /** Resolves once the process is gone (or never started). */
  readonly exited: Promise<void>;
  /** Resolves once nothing is left in its process group (or it was killed with SIGKILL). */
  readonly groupStopped: Promise<void>;
  private readonly child: ChildProcess;
  private readonly queue: CommandOutput[] = [];
  private waiter: (() => void) | undefined;
  private stdout = '';
  private stdoutCutChars = 0;
  private stderr = '';
  /** The stderr tail lost its beginning: its first line is partial. */
  private stderrCut = false;
  private watchdog: ProcessGroupWatchdog | undefined;
  private resolveGroupStopped!: () => void;
  private stopReason: StopReason | undefined;
  private spawnError: Error | undefined;
  private ended = false;
  private killTimer: NodeJS.Timeout | undefined;
  private resolveExited!: () => void;

  constructor(
    program: string,
    args: readonly string[],
    settings: { cwd: string | undefined; env: NodeJS.ProcessEnv; stdinText: string | undefined; watchdog: boolean; logger: Logger },
  ) {
    this.exited = new Promise((resolve) => (this.resolveExited = resolve));
    this.groupStopped = new Promise((resolve) => (this.resolveGroupStopped = resolve));
    ({ child: this.child, watchdog: this.watchdog } = spawnGroupLeader({
      program,
      args,
      cwd: settings.cwd,
      env: settings.env,
      watchdog: settings.watchdog,
      killGraceMs: COMMAND_KILL_GRACE_MS,
      what: 'the agent command',
      logger: settings.logger,
    }));
    const pid = this.child.pid;
    if (pid === undefined) this.resolveGroupStopped();

    const stdoutDecoder = new StringDecoder('utf8');
    const stderrDecoder = new StringDecoder('utf8');
    this.child.stdout?.on('data', (chunk: Buffer) => this.onStdout(stdoutDecoder.write(chunk)));
    this.child.stdout?.on('end', () => this.onStdout(stdoutDecoder.end()));
    this.child.stderr?.on('data', (chunk: Buffer) => this.onStderr(stderrDecoder.write(chunk)));
    this.child.stderr?.on('end', () => this.onStderr(stderrDecoder.end()));
    // The command may exit without reading its stdin: EPIPE there is not a failure.
    this.child.stdin?.on('error', () => {});
    this.child.stdin?.end(settings.stdinText ?? '');

    this.child.on('error', (error) => {
      // Only a spawn failure leaves no pid; later errors (kill failures) change nothing.
      if (this.child.pid === undefined) {
        this.spawnError = error;
        this.finish(null, null);
      }
    });
    // Whatever the command left behind in its group goes with it; this also closes pipes a
    // background grandchild inherited, which would otherwise hold 'close' back.
    this.child.on('exit', () => this.stopGroup());
    // 'close' waits for stdout/stderr to drain, so the end record follows the last output.
    this.child.on('close', (code, signal) => this.finish(code, signal));
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  next(): Promise<CommandOutput> {
    const item = this.queue.shift();
    if (item) return Promise.resolve(item);
    return new Promise((resolve) => {
      this.waiter = () => {
        this.waiter = undefined;
        resolve(this.queue.shift()!);
      };
    });
  }

  /** SIGTERM now, SIGKILL if it is still running after the grace period. The first reason wins. */
  stop(reason: StopReason): void {
    if (this.ended) return;
    this.stopReason ??= reason;
    if (this.killTimer) return;
    this.signal('SIGTERM');
    this.killTimer = setTimeout(() => this.signal('SIGKILL'), COMMAND_KILL_GRACE_MS);
  }

  /** The command has exited: SIGTERM what is left of its group, SIGKILL after the grace period. */
  private stopGroup(): void {
    if (this.killTimer) clearTimeout(this.killTimer);
    stopProcessGroup(this.child.pid, COMMAND_KILL_GRACE_MS, () => {
      this.watchdog?.release();
      this.resolveGroupStopped();
    });
  }

  private signal(signal: NodeJS.Signals): void {
    const pid = this.child.pid;
    if (pid === undefined) return;
    try {
      if (process.platform !== 'win32') process.kill(-pid, signal);
      else this.child.kill(signal);
    } catch {
      // The group is already gone; fall back to the child itself.
      try {
        this.child.kill(signal);
      } catch {
        // already exited
      }
    }
  }

  private onStdout(text: string): void {
    if (text.length === 0 || this.ended) return;
    const room = MAX_COMMAND_OUTPUT_CHARS - this.stdout.length;
    const kept = room >= text.length ? text : text.slice(0, Math.max(0, room));
    this.stdoutCutChars += text.length - kept.length;
    if (kept.length === 0) return;
    this.stdout += kept;
    this.push({ kind: 'stdout', text: kept });
  }

  private onStderr(text: string): void {
    if (text.length === 0) return;
    this.stderr += text;
    if (this.stderr.length > STDERR_TAIL_MAX_CHARS) {
      this.stderr = this.stderr.slice(-STDERR_TAIL_MAX_CHARS);
      this.stderrCut = true;
    }
  }

  private finish(exitCode: number | null, signal: NodeJS.Signals | null): void {
    if (this.ended) return;
    this.ended = true;
    if (this.killTimer) clearTimeout(this.killTimer);
    this.push({
      kind: 'end',
      exitCode,
      signal,
      stdout: this.stdout,
      stdoutCutChars: this.stdoutCutChars,
      // A cut first line may hold the end of a secret that no rule can recognise any more.
      stderr: this.stderrCut ? this.stderr.slice(this.stderr.search(/\r|\n|$/)) : this.stderr,
      spawnError: this.spawnError,
      stopReason: this.stopReason,
    });
    this.resolveExited();
  }

  private push(item: CommandOutput): void {
    this.queue.push(item);
    this.waiter?.();
  }
}


function lastNonEmptyLine(text: string): string {
  const lines = text.split(/\r\n|\r|\n/).map((line) => line.trim());
  for (let index = lines.length - 1; index >= 0; index--) {
    const line = lines[index]!;
    if (line.length > 0) return line.length > STDERR_LINE_MAX_CHARS ? line.slice(0, STDERR_LINE_MAX_CHARS) + '…' : line;
  }
  return '';
}

/** The program as configured, for messages (never the arguments: they may hold the prompt). */
function shortLabel(program: string): string {
  return program.length > 120 ? '…' + program.slice(-119) : program;
}

