/**
 * A real ACP agent process for tests, built on the SDK's agent app over stdio. What it does
 * depends on the prompt's first word:
 *   (anything else)     streams "You said: <prompt>" in three chunks, then "(prompt N)" (N counts
 *                       this session's prompts, so a test can see the session kept)
 *   work                a plan, a thought, a command tool call that starts and completes, an edit
 *                       with a diff, then the answer "done"
 *   ask <kind>          a tool call of that ToolKind (execute by default) and a permission request;
 *                       answers "permission: <optionId>" or "permission: cancelled"
 *   ask-withdraw        as ask execute, but withdraws the request (`$/cancel_request`) after
 *                       WITHDRAW_AFTER_MS; answers as ask does with whatever the client then said
 *   ask-crash           as ask execute, but exits with code 3 after CRASH_AFTER_MS, unanswered
 *   long                streams "working", then waits for session/cancel (answers 'cancelled';
 *                       gives up after 30 s)
 *   read <path>         fs/read_text_file; answers "read: <content>" or "read error: <message>"
 *   write <path> <text> fs/write_text_file; answers "wrote" or "write error: <message>"
 *   crash               writes "boom: scripted crash" to stderr and exits with code 3
 *   pid                 answers "pid=<its pid>"
 * Run it as `node --import <tsx> acp-scripted-agent.ts`.
 */
import { Readable, Writable } from 'node:stream';
import { agent, ndJsonStream, PROTOCOL_VERSION, type AgentContext, type PermissionOption, type StopReason, type ToolKind } from '@agentclientprotocol/sdk';

const LONG_PROMPT_LIMIT_MS = 30_000;
/** Long enough for the test to see the request announced first. */
const WITHDRAW_AFTER_MS = 200;
const CRASH_AFTER_MS = 200;
const CHUNK_PAUSE_MS = 5;

const PERMISSION_OPTIONS: PermissionOption[] = [
  { optionId: 'allow-always', name: 'Always allow', kind: 'allow_always' },
  { optionId: 'allow-once', name: 'Allow once', kind: 'allow_once' },
  { optionId: 'reject-once', name: 'Reject', kind: 'reject_once' },
  { optionId: 'reject-always', name: 'Always reject', kind: 'reject_always' },
];

interface SessionState {
  prompts: number;
  cancel: (() => void) | undefined;
}

const sessions = new Map<string, SessionState>();
let sessionCount = 0;

const pause = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

async function say(client: AgentContext, sessionId: string, text: string): Promise<void> {
  await client.notify('session/update', { sessionId, update: { sessionUpdate: 'agent_message_chunk', content: { type: 'text', text } } });
}

async function runPrompt(client: AgentContext, sessionId: string, text: string): Promise<StopReason> {
  const state = sessions.get(sessionId)!;
  state.prompts++;
  const [word = '', ...rest] = text.trim().split(/\s+/);
  switch (word) {
    case 'work': {
      const update = (value: object): Promise<void> => client.notify('session/update', { sessionId, update: value as never });
      await update({ sessionUpdate: 'plan', entries: [{ content: 'Look around', priority: 'high', status: 'in_progress' }, { content: 'Fix it', priority: 'high', status: 'pending' }] });
      await update({ sessionUpdate: 'agent_thought_chunk', content: { type: 'text', text: 'I should run the tests ' } });
      await update({ sessionUpdate: 'agent_thought_chunk', content: { type: 'text', text: 'first.' } });
      await update({ sessionUpdate: 'tool_call', toolCallId: 'call-1', title: 'Run npm test', kind: 'execute', status: 'pending', rawInput: { command: ['npm', 'test'] } });
      await update({ sessionUpdate: 'tool_call_update', toolCallId: 'call-1', status: 'in_progress' });
      await update({ sessionUpdate: 'tool_call_update', toolCallId: 'call-1', status: 'completed', content: [{ type: 'content', content: { type: 'text', text: '3 passing' } }] });
      await update({
        sessionUpdate: 'tool_call',
        toolCallId: 'call-2',
        title: 'Edit src/app.ts',
        kind: 'edit',
        status: 'completed',
        content: [{ type: 'diff', path: '/w/src/app.ts', oldText: 'a\nb\n', newText: 'a\nc\nd\n' }],
      });
      await update({ sessionUpdate: 'plan', entries: [{ content: 'Look around', priority: 'high', status: 'completed' }, { content: 'Fix it', priority: 'high', status: 'completed' }] });
      await say(client, sessionId, 'done');
      return 'end_turn';
    }
    case 'ask':
    case 'ask-withdraw':
    case 'ask-crash': {
      const kind = (word === 'ask' ? (rest[0] ?? 'execute') : 'execute') as ToolKind;
      await client.notify('session/update', {
        sessionId,
        update: { sessionUpdate: 'tool_call', toolCallId: 'call-ask', title: `Scripted ${kind}`, kind, status: 'pending', rawInput: { command: 'rm -rf build' } },
      });
      if (word === 'ask-crash') setTimeout(() => process.stderr.write('boom: crashed while asking\n', () => process.exit(3)), CRASH_AFTER_MS);
      const withdraw = new AbortController();
      if (word === 'ask-withdraw') setTimeout(() => withdraw.abort(), WITHDRAW_AFTER_MS);
      const answer = await client.request(
        'session/request_permission',
        { sessionId, toolCall: { toolCallId: 'call-ask' }, options: PERMISSION_OPTIONS },
        { cancellationSignal: withdraw.signal },
      );
      await say(client, sessionId, answer.outcome.outcome === 'selected' ? `permission: ${answer.outcome.optionId}` : 'permission: cancelled');
      return 'end_turn';
    }
    case 'long': {
      await say(client, sessionId, 'working');
      const cancelled = await new Promise<boolean>((resolve) => {
        const timer = setTimeout(() => resolve(false), LONG_PROMPT_LIMIT_MS);
        state.cancel = () => {
          clearTimeout(timer);
          resolve(true);
        };
      });
      state.cancel = undefined;
      return cancelled ? 'cancelled' : 'end_turn';
    }
    case 'read': {
      try {
        const { content } = await client.request('fs/read_text_file', { sessionId, path: rest[0] ?? '' });
        await say(client, sessionId, `read: ${content}`);
      } catch (error) {
        await say(client, sessionId, `read error: ${(error as Error).message}`);
      }
      return 'end_turn';
    }
    case 'write': {
      try {
        await client.request('fs/write_text_file', { sessionId, path: rest[0] ?? '', content: rest.slice(1).join(' ') });
        await say(client, sessionId, 'wrote');
      } catch (error) {
        await say(client, sessionId, `write error: ${(error as Error).message}`);
      }
      return 'end_turn';
    }
    case 'crash':
      process.stderr.write('warming up\nboom: scripted crash\n', () => process.exit(3));
      return new Promise<StopReason>(() => {});
    case 'pid':
      await say(client, sessionId, `pid=${process.pid}`);
      return 'end_turn';
    default:
      for (const piece of ['You ', 'said: ', text]) {
        await say(client, sessionId, piece);
        await pause(CHUNK_PAUSE_MS);
      }
      await say(client, sessionId, ` (prompt ${state.prompts})`);
      return 'end_turn';
  }
}

const app = agent({ name: 'acp-scripted-agent' })
  .onRequest('initialize', () => ({
    protocolVersion: PROTOCOL_VERSION,
    agentCapabilities: { loadSession: false },
    agentInfo: { name: 'acp-scripted-agent', version: '1.0.0' },
  }))
  .onRequest('session/new', () => {
    const sessionId = `scripted-${++sessionCount}`;
    sessions.set(sessionId, { prompts: 0, cancel: undefined });
    return { sessionId };
  })
  .onRequest('session/prompt', async ({ params, client }) => {
    const text = params.prompt.map((block) => (block.type === 'text' ? block.text : '')).join('');
    return { stopReason: await runPrompt(client, params.sessionId, text) };
  })
  .onNotification('session/cancel', ({ params }) => {
    sessions.get(params.sessionId)?.cancel?.();
  });

const connection = app.connect(ndJsonStream(Writable.toWeb(process.stdout), Readable.toWeb(process.stdin) as ReadableStream<Uint8Array>));
// The client closed stdin: the session is over.
void connection.closed.then(() => process.exit(0));
