/** Reading an agent backend's event stream in tests: all of it, or the AgentError it must end with. */
import assert from 'node:assert/strict';
import { AgentError, type AgentStreamEvent } from '../../src-main/core/agent/agent-backend';

export async function collect(stream: AsyncIterable<AgentStreamEvent>): Promise<AgentStreamEvent[]> {
  const events: AgentStreamEvent[] = [];
  for await (const event of stream) events.push(event);
  return events;
}

/** The AgentError the stream fails with; fails the test when it ends normally or throws anything else. */
export async function agentFailure(stream: AsyncIterable<AgentStreamEvent>): Promise<AgentError> {
  try {
    await collect(stream);
  } catch (error) {
    assert.ok(error instanceof AgentError, `expected an AgentError, got ${String(error)}`);
    return error;
  }
  assert.fail('the request should have failed');
}
