import { RequestError, type SessionUpdate } from '@agentclientprotocol/sdk';
import { DEFAULT_ACP_PROMPT_TIMEOUT_MS } from './acp-limits';
import {
  AgentError,
  type AgentActivityEvent,
  type AgentApprovalDecider,
  type AgentApprovalDecision,
  type AgentBackend,
  type AgentRequest,
  type AgentStreamEvent,
} from '../../../core/agent/agent-backend';
import { CommandLineError, splitCommandLine } from '../../../core/agent/command-line';
import { silentLogger, type Logger } from '../../../core/util/logger';
import { ActivityListeners } from '../activity-listeners';
import { abortReason, formatSeconds } from '../agent-request-helpers';
import { AcpAgentSession, exitError } from './acp-agent-session';
import { AcpApprovals, DEFAULT_APPROVAL_TIMEOUT_MS, type AcpApprovalPolicy } from './acp-approvals';
import { createFileGuard, type FileGuard } from './acp-file-guard';
import { AcpProgress } from './acp-progress';
import { PromptRun, type PromptRunItem } from './acp-prompt-run';

/**
 * Any Agent Client Protocol agent (`claude-code-acp`, `gemini --experimental-acp`, `codex-acp`)
 * as Parley's background agent. The program is started on the first request (or start()) and
 * holds one session for the whole voice session: each request is one session/prompt with the
 * request's new inputs, so the agent keeps the conversation itself. Its updates stream as text
 * (message chunks) and as activity (plans, tool calls, thoughts: onActivity); its permission
 * requests are answered by policy or by answerApproval; its file reads and writes stay inside the
 * working folder. Abort sends session/cancel and waits for the prompt to end as 'cancelled'.
 *
 * Steering: ACP has no way to add input to a running prompt. By default steer() answers false
 * and the caller sends the input as the next request (AgentTurn already queues it: one turn, the
 * agent sees both inputs in order, after it finishes the first). With `steering: 'interrupt'`
 * steer() instead cancels the running prompt and re-prompts with the new input inside the same
 * request: the agent changes course at once but stops whatever tool it was running.
 *
 * If the agent dies, the running request fails with a speakable AgentError and the next request
 * starts it again in a new session (it has forgotten the conversation; a notice says so).
 * reset() stops the agent: the next voice session starts a fresh one. dispose() stops it for good.
 */

export { DEFAULT_ACP_PROMPT_TIMEOUT_MS };
/** How long a cancelled prompt may take to end before the agent is stopped instead. */
export const ACP_CANCEL_GRACE_MS = 5_000;
/** An answer longer than this is cut (about 250,000 tokens), as the command backend does. */
const MAX_ANSWER_CHARS = 1_000_000;

export const ACP_RESTART_NOTICE = 'The agent had stopped and was started again; it does not remember the earlier conversation.';

export interface AcpBackendOptions {
  /** The agent's command line, split without a shell: `claude-code-acp`, `gemini --experimental-acp`. */
  readonly command: string;
  /** The working folder: the session's cwd and the only place the agent may read or write. Default: this process's. */
  readonly cwd?: string;
  /** Added to (and overriding) this process's environment. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Default 'always-ask'. */
  readonly approvalPolicy?: AcpApprovalPolicy;
  /** An unanswered permission request is denied after this long. Default 60000. */
  readonly approvalTimeoutMs?: number;
  /** Default 1800000. */
  readonly promptTimeoutMs?: number;
  /** Default 'next-prompt' (see above). */
  readonly steering?: 'next-prompt' | 'interrupt';
  /** Guard the agent's process group with a watchdog process (POSIX). Default true. */
  readonly watchdog?: boolean;
  readonly logger?: Logger;
}

export interface AcpBackend extends AgentBackend {
  readonly kind: 'acp';
  /** Steps and permission requests as they happen. Returns the unsubscribe. */
  onActivity(listener: (event: AgentActivityEvent) => void): () => void;
  /** Answers a waiting permission request (`decidedBy`: voice or click); false when none has that id (answered, timed out, withdrawn, ended). */
  answerApproval(id: string, decision: AgentApprovalDecision, decidedBy: AgentApprovalDecider): boolean;
  /** True when the input joined the running prompt; false: send it as the next request. */
  steer(input: string): Promise<boolean>;
  /** Starts the agent and its session now rather than on the first request (saves the wait). */
  start(): Promise<void>;
  /** The agent's process id while it runs (for supervision and tests). */
  readonly agentPid: number | undefined;
}

type ParsedCommand = { readonly ok: true; readonly program: string; readonly args: string[] } | { readonly ok: false; readonly error: string };

function parseCommand(command: string): ParsedCommand {
  try {
    const [program, ...args] = splitCommandLine(command);
    if (program === undefined || program.length === 0) return { ok: false, error: 'no agent command is set' };
    return { ok: true, program, args };
  } catch (error) {
    if (error instanceof CommandLineError) return { ok: false, error: `the agent command cannot be read: ${error.message}` };
    throw error;
  }
}

interface ActivePrompt {
  /** Replaced when an interrupting steer re-prompts. */
  run: PromptRun;
  readonly progress: AcpProgress;
  readonly steers: string[];
}

export function createAcpBackend(options: AcpBackendOptions): AcpBackend {
  const logger = options.logger ?? silentLogger;
  const parsed = parseCommand(options.command);
  const promptTimeoutMs = options.promptTimeoutMs ?? DEFAULT_ACP_PROMPT_TIMEOUT_MS;
  const listeners = new ActivityListeners(logger);
  const emit = (event: AgentActivityEvent): void => listeners.emit(event);
  const approvals = new AcpApprovals(options.approvalPolicy ?? 'always-ask', options.approvalTimeoutMs ?? DEFAULT_APPROVAL_TIMEOUT_MS, emit);

  let session: AcpAgentSession | undefined;
  let starting: Promise<AcpAgentSession> | undefined;
  /** Sessions being stopped; dispose waits for them. */
  const stopping = new Set<Promise<void>>();
  let lostSession = false;
  let active: ActivePrompt | undefined;
  /** Settles when the previous prompt has ended (prompts in one session never overlap). */
  let previousPrompt: Promise<void> = Promise.resolve();
  let promptCount = 0;
  let disposed = false;
  let guard: Promise<FileGuard> | undefined;

  function stopSession(target: AcpAgentSession): void {
    if (session === target) session = undefined;
    const stopped = target.stop().catch((error: unknown) => logger.warn('the ACP agent did not stop cleanly', { error: String(error) }));
    stopping.add(stopped);
    void stopped.finally(() => stopping.delete(stopped));
  }

  function onUpdate(update: SessionUpdate): void {
    const prompt = active;
    if (!prompt) return;
    if (update.sessionUpdate === 'agent_message_chunk' && update.content.type === 'text') {
      if (prompt.run.text.length < MAX_ANSWER_CHARS) prompt.run.addDelta(update.content.text.slice(0, MAX_ANSWER_CHARS - prompt.run.text.length));
    }
    for (const step of prompt.progress.apply(update)) emit({ type: 'progress', step });
  }

  async function openSession(): Promise<AcpAgentSession> {
    if (!parsed.ok) throw new AgentError('agent_misconfigured', parsed.error);
    guard ??= createFileGuard(options.cwd ?? process.cwd());
    let fileGuard: FileGuard;
    try {
      fileGuard = await guard;
    } catch {
      guard = undefined;
      throw new AgentError('agent_misconfigured', `the agent working folder ${options.cwd ?? process.cwd()} does not exist`);
    }
    const opened = await AcpAgentSession.start(
      {
        program: parsed.program,
        args: parsed.args,
        env: options.env ? { ...process.env, ...options.env } : process.env,
        watchdog: options.watchdog ?? true,
        guard: fileGuard,
        logger,
      },
      {
        update: onUpdate,
        requestPermission: (request, signal) => {
          const toolCall = (active?.progress ?? new AcpProgress('')).mergeToolCall(request.toolCall);
          return approvals.ask({ toolCall, options: request.options, signal });
        },
        fileWritten: (path) => {
          if (active) emit({ type: 'progress', step: { id: `write-${path}`, kind: 'file_change', title: `Wrote ${path}`, status: 'completed' } });
        },
      },
    );
    logger.info('ACP agent session started', { agent: opened.agentInfo?.name, pid: opened.pid });
    void opened.exited.then((exit) => {
      if (exit.stopped || disposed) return;
      logger.warn('the ACP agent exited', { code: exit.code, signal: exit.signal });
      if (session === opened) {
        session = undefined;
        lostSession = true;
      }
      stopSession(opened); // its group may hold leftovers
    });
    return opened;
  }

  function ensureSession(): Promise<AcpAgentSession> {
    if (disposed) return Promise.reject(new AgentError('agent_misconfigured', 'the agent backend has been shut down'));
    if (session?.running) return Promise.resolve(session);
    starting ??= openSession().then(
      (opened) => {
        starting = undefined;
        if (disposed) {
          stopSession(opened);
          throw new AgentError('agent_misconfigured', 'the agent backend has been shut down');
        }
        session = opened;
        return opened;
      },
      (error: unknown) => {
        starting = undefined;
        throw error;
      },
    );
    return starting;
  }

  async function* runRequest(request: AgentRequest): AsyncGenerator<AgentStreamEvent> {
    if (disposed) throw new AgentError('agent_misconfigured', 'the agent backend has been shut down');
    if (!parsed.ok) throw new AgentError('agent_misconfigured', parsed.error);
    request.signal.throwIfAborted();
    await untilSettledOrAborted(previousPrompt, request.signal);
    const current = await untilSettledOrAborted(ensureSession(), request.signal);
    if (lostSession) {
      lostSession = false;
      yield { type: 'notice', text: ACP_RESTART_NOTICE };
    }

    const prompt: ActivePrompt = { run: new PromptRun(), progress: new AcpProgress(`p${++promptCount}-`), steers: [] };
    let promptText = request.newInputs.join('\n\n');
    let sending: SentPrompt | undefined;
    let timedOut = false;
    let cancelSent = false;
    const cancel = (): void => {
      approvals.endAll();
      if (cancelSent) return;
      cancelSent = true;
      void current.cancel();
    };
    const onAbort = (): void => {
      cancel();
      prompt.run.end({ kind: 'interrupted' });
    };
    const timer = setTimeout(() => {
      timedOut = true;
      onAbort();
    }, promptTimeoutMs);
    request.signal.addEventListener('abort', onAbort, { once: true });
    active = prompt;
    try {
      yield { type: 'request.sent' };
      for (;;) {
        sending = sendPrompt(current, prompt, promptText);
        previousPrompt = sending.settled;
        let end: PromptEnd;
        for (;;) {
          const item = await prompt.run.next();
          if (item.kind !== 'delta') {
            end = item;
            break;
          }
          if (!request.signal.aborted) yield { type: 'text.delta', delta: item.text };
        }
        if (end.kind === 'interrupted') {
          // Abort or timeout: the prompt should end 'cancelled' soon; if it does not, stop the agent.
          const ended = await withinMs(sending.settled, ACP_CANCEL_GRACE_MS);
          if (!ended) {
            logger.warn('the ACP agent did not end a cancelled prompt in time; stopping it');
            lostSession = true;
            stopSession(current);
          }
          if (timedOut && !request.signal.aborted) throw new AgentError('agent_timeout', `the agent did not finish within ${formatSeconds(promptTimeoutMs)}`);
          throw abortReason(request.signal);
        }
        if (end.kind === 'failed') throw await failure(current, end.error);
        const { stopReason } = end.response;
        if (stopReason === 'cancelled' && prompt.steers.length > 0) {
          // Interrupt steering: the agent stopped for the new input; it goes in as the next prompt.
          promptText = prompt.steers.splice(0).join('\n\n');
          cancelSent = false;
          prompt.run = new PromptRun();
          continue;
        }
        for (const step of prompt.progress.finish()) emit({ type: 'progress', step });
        if (stopReason === 'max_tokens' || stopReason === 'max_turn_requests' || stopReason === 'refusal') {
          yield { type: 'notice', text: STOP_NOTICES[stopReason] };
        }
        const text = prompt.run.text.trim();
        if (text.length > 0) yield { type: 'message.completed', text };
        return;
      }
    } finally {
      clearTimeout(timer);
      request.signal.removeEventListener('abort', onAbort);
      if (active === prompt) active = undefined;
      // The consumer may stop reading early: never leave a prompt running behind it.
      if (sending && !sending.done) {
        cancel();
        previousPrompt = withinMs(sending.settled, ACP_CANCEL_GRACE_MS).then(() => {});
      }
    }
  }

  /** Sends the prompt; its settling ends the run (the answer, or the error). */
  function sendPrompt(current: AcpAgentSession, prompt: ActivePrompt, text: string): SentPrompt {
    const run = prompt.run;
    const sent: SentPrompt = { done: false, settled: Promise.resolve() };
    const died = current.exited.then((exit) => ({ died: exit }));
    sent.settled = Promise.race([current.prompt(text).then((response) => ({ response })), died]).then(
      (result) => {
        sent.done = true;
        if ('response' in result) run.end({ kind: 'end', response: result.response });
        else run.end({ kind: 'failed', error: new AgentGone() });
      },
      (error: unknown) => {
        sent.done = true;
        run.end({ kind: 'failed', error });
      },
    );
    return sent;
  }

  async function failure(current: AcpAgentSession, error: unknown): Promise<AgentError> {
    // A closed connection usually means the agent died: wait briefly for its exit to say how.
    const exit = (await withinMs(current.exited, EXIT_WAIT_MS)) ? await current.exited : undefined;
    if (exit && !exit.stopped) {
      if (session === current) session = undefined;
      lostSession = true;
      return exitError(exit, current.stderr, parsed.ok ? parsed.program : '', 'while working');
    }
    if (error instanceof AgentError) return error;
    if (error instanceof RequestError) return new AgentError('agent_stream_error', `the agent answered with an error: ${error.message}`);
    return new AgentError('agent_stream_error', `the agent connection failed: ${error instanceof Error ? error.message : String(error)}`);
  }

  return {
    kind: 'acp',
    delegates: true,
    runRequest,
    onActivity: (listener) => listeners.add(listener),
    answerApproval: (id, decision, decidedBy) => approvals.answer(id, decision, decidedBy),
    async steer(input) {
      if (options.steering !== 'interrupt' || !active || !session) return false;
      active.steers.push(input);
      approvals.endAll();
      await session.cancel();
      return true;
    },
    async start() {
      await ensureSession();
    },
    get agentPid() {
      return session?.pid;
    },
    reset() {
      // A new voice session: a new agent session, with a fresh program.
      lostSession = false;
      approvals.endAll();
      if (session) stopSession(session);
    },
    async dispose() {
      disposed = true;
      approvals.endAll();
      active?.run.end({ kind: 'failed', error: new AgentError('agent_command_failed', 'the agent was stopped') });
      const pending = starting;
      if (pending) await pending.catch(() => {});
      if (session) stopSession(session);
      await Promise.all([...stopping]);
    },
  };
}

type PromptEnd = Exclude<PromptRunItem, { kind: 'delta' }>;

interface SentPrompt {
  done: boolean;
  settled: Promise<void>;
}

/** How long a failed prompt waits for the agent's exit, which explains the failure better. */
const EXIT_WAIT_MS = 200;

class AgentGone extends Error {
  constructor() {
    super('the agent exited');
  }
}

const STOP_NOTICES = {
  max_tokens: 'The agent stopped because it reached its token limit.',
  max_turn_requests: 'The agent stopped because it reached its limit of steps for one request.',
  refusal: 'The agent refused to continue.',
} as const;

/** True when `promise` settled within `ms`; the timer is cleared either way (no leftovers). */
function withinMs(promise: Promise<unknown>, ms: number): Promise<boolean> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), ms);
    const done = (): void => {
      clearTimeout(timer);
      resolve(true);
    };
    promise.then(done, done);
  });
}

/** Waits for `promise`, or throws the abort reason the moment the signal aborts. */
function untilSettledOrAborted<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(abortReason(signal));
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(abortReason(signal));
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}
