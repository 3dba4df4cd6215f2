import {
  AgentError,
  type AgentActivityEvent,
  type AgentApprovalDecider,
  type AgentApprovalDecision,
  type AgentBackend,
  type AgentRequest,
  type AgentStreamEvent,
} from '../../../core/agent/agent-backend';
import { silentLogger, type Logger } from '../../../core/util/logger';
import { redactSecrets } from '../../../core/util/redact';
import { ActivityListeners } from '../activity-listeners';
import { abortReason } from '../agent-request-helpers';
import { commandOnlyReads, changeSummary, progressFromItem, progressFromPlan, readableCommand } from './codex-activity';
import { CodexAppServerProcess, describeExit, type AppServerExit } from './codex-app-server-process';
import { CodexApprovals, DEFAULT_APPROVAL_TIMEOUT_MS, type CodexApprovalPolicy, type HeldApproval } from './codex-approvals';
import {
  CodexMethod,
  CodexNotification,
  CodexServerRequest,
  isRecord,
  stringField,
  type CodexApprovalDecision,
  type CodexCommandApprovalParams,
  type CodexFileChangeApprovalParams,
  type CodexPlanStep,
  type CodexSandboxMode,
  type CodexThreadItem,
  type CodexTurn,
} from './codex-protocol';
import { CodexTurnState } from './codex-turn';
import {
  JSONRPC_METHOD_NOT_FOUND,
  JsonRpcHandlerError,
  type JsonRpcIncomingRequest,
  type JsonRpcNotification,
} from './jsonrpc-stdio-connection';

/** Codex's answer when a denied permission ended its turn (Codex 0.171 offers no "decline and go on"). */
export const CODEX_STOPPED_BY_DENIAL_TEXT = 'Codex stopped the task without doing it, because its request to go ahead was not allowed.';

/**
 * The `codex` agent backend: Codex's own agent loop driven through `codex app-server`
 * (JSON-RPC over stdio). One app server and one Codex thread per voice session, in the working
 * folder; each handoff is a turn (`turn/start`), a handoff while a turn runs steers it
 * (`turn/steer`: the running turn takes the input, one turn for both), a cancel interrupts it
 * (`turn/interrupt`). The turn's last agent message is the answer spoken back.
 *
 * The app server is started on the first request and supervised: if it dies, the running request
 * fails with a notice and a speakable error, and the next request starts a new one and resumes the
 * thread (`thread/resume`: Codex keeps threads on disk in CODEX_HOME). Progress and permission
 * requests go to onActivity listeners; answerApproval() answers the latter. Every request that was
 * announced ends in one approval.resolved: answered, timed out, withdrawn by Codex, or ended
 * because its turn was stopped, the server died or the backend shut down.
 */

export interface CodexBackendOptions {
  /** The Codex executable; default `codex` found on PATH. */
  readonly program?: string;
  /** The working folder: the app server's cwd and the thread's. */
  readonly cwd: string;
  /** The model for the thread; default Codex's own configuration. */
  readonly model?: string;
  /** Config overrides as `key=value`, passed as `-c key=value` (TOML values, e.g. `model_provider="mock"`). */
  readonly config?: readonly string[];
  /** Codex's sandbox for the thread; default Codex's own configuration. */
  readonly sandbox?: CodexSandboxMode;
  /** Who answers Codex's permission requests; default 'always-ask'. */
  readonly approvalPolicy?: CodexApprovalPolicy;
  /** An unanswered permission request is denied after this; default 60000. */
  readonly approvalTimeoutMs?: number;
  /** Added to (and overriding) this process's environment (CODEX_HOME, an API key variable). */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Guard the app server with the process-group watchdog (POSIX); default true. */
  readonly watchdog?: boolean;
  /** Sent in `initialize` as clientInfo.version. */
  readonly clientVersion?: string;
  readonly logger?: Logger;
}

/** Most requests are answered at once; turn/start waits only for the turn to be accepted. */
const REQUEST_TIMEOUT_MS = 30_000;
/** How long an interrupted turn gets to report itself ended before the request gives up on it. */
const INTERRUPT_WAIT_MS = 5_000;
/** Codex withdraws an ended turn's requests within milliseconds (about 15 ms measured here). */
const TURN_END_WITHDRAW_GRACE_MS = 1_000;

interface Session {
  readonly server: CodexAppServerProcess;
  readonly threadId: string;
}

export class CodexBackend implements AgentBackend {
  readonly kind = 'codex' as const;
  readonly delegates = true;
  private readonly logger: Logger;
  private readonly approvals: CodexApprovals;
  private readonly activityListeners: ActivityListeners;
  private server: CodexAppServerProcess | undefined;
  private starting: Promise<Session> | undefined;
  private currentThreadId: string | undefined;
  /** The last app server died by itself: the next start says so. */
  private serverDied = false;
  private activeTurn: CodexTurnState | undefined;
  private disposed = false;
  private readonly leftoverTimers = new Set<NodeJS.Timeout>();

  constructor(private readonly options: CodexBackendOptions) {
    this.logger = options.logger ?? silentLogger;
    this.activityListeners = new ActivityListeners(this.logger);
    this.approvals = new CodexApprovals({
      policy: options.approvalPolicy ?? 'always-ask',
      timeoutMs: options.approvalTimeoutMs ?? DEFAULT_APPROVAL_TIMEOUT_MS,
      emit: (event) => this.emit(event),
    });
  }

  /** The Codex thread of this session, once started (kept across handoffs and restarts). */
  get threadId(): string | undefined {
    return this.currentThreadId;
  }

  /** The running app server's process id (its process group's id on POSIX). */
  get appServerPid(): number | undefined {
    return this.server?.running ? this.server.pid : undefined;
  }

  get pendingApprovals(): readonly string[] {
    return this.approvals.pendingIds;
  }

  /** Progress steps and permission requests, as they happen. Returns an unsubscribe. */
  onActivity(listener: (event: AgentActivityEvent) => void): () => void {
    return this.activityListeners.add(listener);
  }

  /** Answers a waiting permission request (`decidedBy`: voice or click); false when it is no longer waiting. */
  answerApproval(id: string, decision: AgentApprovalDecision, decidedBy: AgentApprovalDecider): boolean {
    return this.approvals.answer(id, decision, decidedBy);
  }

  /** While a turn runs, adds `input` to it (`turn/steer`); false when no turn runs or Codex refuses. */
  async steer(input: string): Promise<boolean> {
    const turn = this.activeTurn;
    const server = this.server;
    if (!turn || turn.done || turn.interruptRequested || !server?.running) return false;
    const turnId = turn.turnId ?? (await this.turnIdOf(turn));
    if (!turnId || turn.done) return false;
    try {
      await server.connection.request(
        CodexMethod.turnSteer,
        { threadId: turn.threadId, expectedTurnId: turnId, input: [{ type: 'text', text: input }] },
        REQUEST_TIMEOUT_MS,
      );
      return true;
    } catch (error) {
      this.logger.info('codex refused to steer the turn', { error: redactSecrets(String(error)) });
      return false;
    }
  }

  runRequest(request: AgentRequest): AsyncIterable<AgentStreamEvent> {
    return this.streamTurn(request);
  }

  /** The next request starts a new thread (a new voice session starts fresh). */
  reset(): void {
    const turn = this.activeTurn;
    if (turn && !turn.done) void this.interrupt(turn);
    this.currentThreadId = undefined;
  }

  async dispose(): Promise<void> {
    this.disposed = true;
    for (const timer of this.leftoverTimers) clearTimeout(timer);
    this.leftoverTimers.clear();
    this.approvals.endAll('Parley is shutting down');
    // The server is stopped on purpose below, so its exit is not reported: end the turn here.
    this.activeTurn?.push({ kind: 'shutdown' });
    const starting = this.starting;
    if (starting) await starting.catch(() => undefined);
    const server = this.server;
    this.server = undefined;
    await server?.stop();
  }

  private async *streamTurn(request: AgentRequest): AsyncGenerator<AgentStreamEvent> {
    if (this.disposed) throw new AgentError('agent_misconfigured', 'the agent backend has been shut down');
    request.signal.throwIfAborted();
    // A request aborted a moment ago may still be winding its turn down: Codex runs one at a time.
    const previous = this.activeTurn;
    if (previous && !previous.done) await withTimeout(previous.finished, INTERRUPT_WAIT_MS);
    request.signal.throwIfAborted();

    const notices: string[] = [];
    const session = await this.ensureSession(notices);
    for (const text of notices) yield { type: 'notice', text };
    request.signal.throwIfAborted();

    const turn = new CodexTurnState(session.threadId);
    this.activeTurn = turn;
    const onAbort = (): void => void this.interrupt(turn);
    request.signal.addEventListener('abort', onAbort, { once: true });
    let lastDeltaItem: string | undefined;
    try {
      const input = request.newInputs.map((text) => ({ type: 'text', text }));
      yield { type: 'request.sent' };
      try {
        const started = await session.server.connection.request<{ turn?: CodexTurn }>(
          CodexMethod.turnStart,
          { threadId: session.threadId, input },
          REQUEST_TIMEOUT_MS,
        );
        turn.turnId ??= started?.turn?.id;
      } catch (error) {
        if (!session.server.running) turn.push({ kind: 'server_exit', exit: await session.server.exited });
        else throw new AgentError('agent_command_failed', `Codex did not start the task: ${shortError(error)}`);
      }
      if (turn.interruptRequested) void this.interrupt(turn);

      for (;;) {
        const output = await turn.next();
        if (output.kind === 'delta') {
          if (request.signal.aborted) continue;
          // Text of a new message (after a command, say) starts on its own paragraph.
          const separator = lastDeltaItem !== undefined && lastDeltaItem !== output.itemId ? '\n\n' : '';
          lastDeltaItem = output.itemId;
          yield { type: 'text.delta', delta: separator + output.text };
          continue;
        }
        if (request.signal.aborted) throw abortReason(request.signal);
        if (output.kind === 'shutdown') throw new AgentError('agent_command_failed', 'the agent was stopped');
        if (output.kind === 'server_exit') {
          yield { type: 'notice', text: `The Codex app server stopped unexpectedly (${describeExit(output.exit)}); it restarts with the next request.` };
          throw new AgentError('agent_command_failed', 'Codex stopped unexpectedly, so this task did not finish. Ask again to retry.');
        }
        switch (output.status) {
          case 'completed':
          case 'inProgress':
            if (turn.lastMessage && turn.lastMessage.trim().length > 0) yield { type: 'message.completed', text: turn.lastMessage };
            return;
          case 'failed':
            throw new AgentError('agent_stream_error', `Codex could not finish: ${oneLine(output.errorMessage ?? turn.errorMessage ?? 'the model request failed')}`);
          case 'interrupted':
            // Not by us: a permission answered with 'cancel' ends the turn, for one.
            if (turn.lastMessage && turn.lastMessage.trim().length > 0) {
              yield { type: 'message.completed', text: turn.lastMessage };
              return;
            }
            // A denial is the user's decision, not a failure: it is the answer ("it stopped, as asked").
            if (turn.endedByDenial) {
              yield { type: 'message.completed', text: CODEX_STOPPED_BY_DENIAL_TEXT };
              return;
            }
            throw new AgentError('agent_command_failed', 'Codex stopped the task before it finished.');
        }
      }
    } finally {
      request.signal.removeEventListener('abort', onAbort);
      if (turn.done) this.endLeftoverApprovals(turn);
      // The consumer left early (abort, break): the turn must not run on unseen.
      if (!turn.done) {
        void this.interrupt(turn);
        void withTimeout(turn.finished, INTERRUPT_WAIT_MS).then(() => this.clearTurn(turn));
      } else {
        this.clearTurn(turn);
      }
    }
  }

  /**
   * Codex withdraws the requests of a turn that ended (`serverRequest/resolved`), a moment after
   * `turn/completed`; whatever it leaves waiting after that has nobody to ask any more.
   */
  private endLeftoverApprovals(turn: CodexTurnState): void {
    const turnId = turn.turnId;
    if (turnId === undefined || this.disposed || this.approvals.pendingIds.length === 0) return;
    const timer = setTimeout(() => {
      this.leftoverTimers.delete(timer);
      this.approvals.endAll('the task ended', turnId);
    }, TURN_END_WITHDRAW_GRACE_MS);
    this.leftoverTimers.add(timer);
  }

  private clearTurn(turn: CodexTurnState): void {
    if (this.activeTurn === turn) this.activeTurn = undefined;
  }

  /** `turn/interrupt` once the turn's id is known; Codex then ends it with status "interrupted". */
  private async interrupt(turn: CodexTurnState): Promise<void> {
    const server = this.server;
    if (turn.done || !server?.running) return;
    const alreadyAsked = turn.interruptRequested && turn.turnId !== undefined;
    turn.interruptRequested = true;
    // The task is being stopped: a question about it has nobody left to ask.
    this.approvals.endAll('the task was stopped');
    if (alreadyAsked || turn.turnId === undefined) return; // streamTurn asks once turn/start answers
    try {
      await server.connection.request(CodexMethod.turnInterrupt, { threadId: turn.threadId, turnId: turn.turnId }, REQUEST_TIMEOUT_MS);
    } catch (error) {
      this.logger.info('codex did not interrupt the turn', { error: redactSecrets(String(error)) });
    }
  }

  private async turnIdOf(turn: CodexTurnState): Promise<string | undefined> {
    // turn/start answers within milliseconds; a steer that arrives first waits for it briefly.
    for (let waited = 0; turn.turnId === undefined && !turn.done && waited < REQUEST_TIMEOUT_MS; waited += 20) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    return turn.turnId;
  }

  private ensureSession(notices: string[]): Promise<Session> {
    const server = this.server;
    if (server?.running && this.currentThreadId) return Promise.resolve({ server, threadId: this.currentThreadId });
    this.starting ??= this.startSession(notices).finally(() => (this.starting = undefined));
    return this.starting;
  }

  private async startSession(notices: string[]): Promise<Session> {
    let server = this.server?.running ? this.server : undefined;
    if (!server) {
      server = await CodexAppServerProcess.start({
        program: this.options.program ?? 'codex',
        args: ['app-server', ...(this.options.config ?? []).flatMap((entry) => ['-c', entry])],
        cwd: this.options.cwd,
        env: this.options.env ? { ...process.env, ...this.options.env } : process.env,
        watchdog: this.options.watchdog ?? true,
        clientVersion: this.options.clientVersion ?? '0.0.0',
        logger: this.logger,
      });
      if (this.disposed) {
        await server.stop();
        throw new AgentError('agent_misconfigured', 'the agent backend has been shut down');
      }
      this.attach(server);
      if (this.serverDied) {
        this.serverDied = false;
        notices.push(this.currentThreadId ? 'Codex was restarted; the conversation continues.' : 'Codex was restarted.');
      }
    }
    const threadSettings = {
      cwd: this.options.cwd,
      approvalPolicy: 'on-request',
      ...(this.options.model ? { model: this.options.model } : {}),
      ...(this.options.sandbox ? { sandbox: this.options.sandbox } : {}),
    };
    if (this.currentThreadId) {
      try {
        await server.connection.request(CodexMethod.threadResume, { threadId: this.currentThreadId, ...threadSettings }, REQUEST_TIMEOUT_MS);
        return { server, threadId: this.currentThreadId };
      } catch (error) {
        this.logger.warn('codex could not resume the thread', { error: redactSecrets(String(error)) });
        notices.push('Codex could not resume the earlier conversation; it starts a new one.');
      }
    }
    let started: { thread?: { id?: unknown } };
    try {
      started = await server.connection.request(CodexMethod.threadStart, threadSettings, REQUEST_TIMEOUT_MS);
    } catch (error) {
      throw new AgentError('agent_command_failed', `Codex could not start a conversation: ${shortError(error)}`);
    }
    const threadId = started?.thread?.id;
    if (typeof threadId !== 'string') throw new AgentError('agent_stream_error', 'Codex started a conversation without an id');
    this.currentThreadId = threadId;
    return { server, threadId };
  }

  private attach(server: CodexAppServerProcess): void {
    this.server = server;
    server.connection.onNotification((notification) => this.onNotification(notification));
    server.connection.setRequestHandler((request) => this.onServerRequest(request));
    void server.exited.then((exit) => this.onServerExit(server, exit));
  }

  private onServerExit(server: CodexAppServerProcess, exit: AppServerExit): void {
    if (this.server !== server) return; // stopped on purpose (dispose) or already replaced
    this.server = undefined;
    this.serverDied = !this.disposed;
    this.logger.warn('codex app server exited', { code: exit.code, signal: exit.signal });
    this.approvals.endAll('Codex stopped');
    this.activeTurn?.push({ kind: 'server_exit', exit });
    void server.stop(); // whatever it started goes too
  }

  private onNotification({ method, params }: JsonRpcNotification): void {
    const turn = this.activeTurn;
    const threadId = stringField(params, 'threadId');
    if (method === CodexNotification.serverRequestResolved && isRecord(params)) {
      const requestId = params['requestId'];
      if (typeof requestId === 'number' || typeof requestId === 'string') this.approvals.withdrawn(requestId);
      return;
    }
    if (!turn || !isRecord(params)) return;
    const turnRecord = isRecord(params['turn']) ? (params['turn'] as unknown as CodexTurn) : undefined;
    const turnId = stringField(params, 'turnId') ?? turnRecord?.id;
    if (!turn.owns(threadId, turnId)) return;
    switch (method) {
      case CodexNotification.turnStarted:
        turn.turnId ??= turnId;
        return;
      case CodexNotification.agentMessageDelta: {
        const delta = stringField(params, 'delta');
        if (delta) turn.push({ kind: 'delta', itemId: stringField(params, 'itemId') ?? '', text: delta });
        return;
      }
      case CodexNotification.itemStarted:
      case CodexNotification.itemCompleted: {
        const item = params['item'];
        if (!isRecord(item) || typeof item['type'] !== 'string' || typeof item['id'] !== 'string') return;
        const threadItem = item as unknown as CodexThreadItem;
        const completed = method === CodexNotification.itemCompleted;
        if (threadItem.type === 'fileChange' && Array.isArray(threadItem.changes)) turn.fileChanges.set(threadItem.id, threadItem.changes);
        if (threadItem.type === 'agentMessage' && completed && typeof threadItem.text === 'string') turn.lastMessage = threadItem.text;
        const step = progressFromItem(threadItem, completed ? 'completed' : 'started');
        if (step) this.emit({ type: 'progress', step });
        return;
      }
      case CodexNotification.turnPlanUpdated: {
        const plan = Array.isArray(params['plan']) ? (params['plan'] as CodexPlanStep[]) : [];
        if (turnId) this.emit({ type: 'progress', step: progressFromPlan(turnId, plan, stringField(params, 'explanation')) });
        return;
      }
      case CodexNotification.error: {
        const error = params['error'];
        if (params['willRetry'] !== true) turn.errorMessage = stringField(error, 'message');
        return;
      }
      case CodexNotification.turnCompleted:
        turn.push({ kind: 'completed', status: turnRecord?.status ?? 'completed', errorMessage: turnRecord?.error?.message ?? undefined });
        return;
      default:
        return;
    }
  }

  private async onServerRequest(request: JsonRpcIncomingRequest): Promise<unknown> {
    if (request.method === CodexServerRequest.commandApproval && isRecord(request.params)) {
      const params = request.params as unknown as CodexCommandApprovalParams;
      const actions = Array.isArray(params.commandActions) ? params.commandActions : [];
      const subject = params.command
        ? readableCommand(params.command)
        : actions.map((action) => action.command ?? '').filter(Boolean).join(' && ') || 'a command';
      const turn = this.activeTurn;
      const decision = await this.decide({
        rpcId: request.id,
        turnId: params.turnId,
        availableDecisions: Array.isArray(params.availableDecisions) ? params.availableDecisions : undefined,
        request: {
          id: this.approvals.newId(),
          kind: 'command',
          subject,
          ...(params.reason ? { reason: params.reason } : {}),
          readOnly: commandOnlyReads(actions),
        },
      });
      if (decision === 'cancel' && turn && !turn.interruptRequested) turn.endedByDenial = true;
      return { decision };
    }
    if (request.method === CodexServerRequest.fileChangeApproval && isRecord(request.params)) {
      const params = request.params as unknown as CodexFileChangeApprovalParams;
      const changes = this.activeTurn?.fileChanges.get(params.itemId);
      const subject = changes ? `Change ${changeSummary(changes)}` : params.grantRoot ? `Write to ${params.grantRoot}` : 'Change files';
      const decision = await this.decide({
        rpcId: request.id,
        turnId: params.turnId,
        availableDecisions: undefined,
        request: { id: this.approvals.newId(), kind: 'file_change', subject, ...(params.reason ? { reason: params.reason } : {}), readOnly: false },
      });
      return { decision };
    }
    // Other questions (user input, MCP elicitations, token refresh) are not Parley's to answer.
    this.logger.info('codex asked something Parley does not answer', { method: request.method });
    throw new JsonRpcHandlerError(JSONRPC_METHOD_NOT_FOUND, `Parley does not handle ${request.method}`);
  }

  /** A request for a turn being stopped (or none) is refused unasked; any other is held. */
  private decide(approval: HeldApproval): Promise<CodexApprovalDecision> {
    const turn = this.activeTurn;
    if (this.disposed || !turn || turn.done || turn.interruptRequested) return Promise.resolve(this.approvals.refuse(approval, 'the task was stopped'));
    return this.approvals.hold(approval);
  }

  private emit(event: AgentActivityEvent): void {
    this.activityListeners.emit(event);
  }
}

function shortError(error: unknown): string {
  return oneLine(redactSecrets(error instanceof Error ? error.message : String(error)));
}

function oneLine(text: string): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > 200 ? line.slice(0, 199) + '…' : line;
}

/** Resolves when `promise` settles or after `ms`, whichever is first; never rejects. */
function withTimeout(promise: Promise<unknown>, ms: number): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    void promise.finally(() => {
      clearTimeout(timer);
      resolve();
    });
  });
}
