/**
 * Shared setup and reading helpers for the dialect v2 session tests: a scenario whose every client
 * frame is checked against the GA schema, and the user's view of a session (its events folded
 * through the UI's timeline reducer).
 */
import assert from 'node:assert/strict';
import type { TestContext } from 'node:test';
import type { SessionEvent } from '../../src-shared/session-events';
import { conversationReducer, initialConversationState, type ConversationState, type HandoffItem } from '../../src-shared/conversation-reducer';
import { isForwardedSessionEvent } from '../../src-shared/ipc-contract';
import type { MockRealtimeServer } from './mock-realtime-server';
import { startScenario, type Scenario, type ScenarioOptions } from './session-harness';

/** A frame predicate by event type, for waitForFrame and filters. */
export const typeIs = (type: string) => (frame: any) => frame?.type === type;

/** Every frame the session sent is valid against the GA schema; checked after each test. */
export function checkFramesAgainstSpec(t: TestContext, realtime: MockRealtimeServer): void {
  t.after(() => assert.deepEqual(realtime.schemaViolations, [], 'every client frame follows realtime-ga.schema.json'));
}

/** startScenario, plus the schema check on every frame the session sends. */
export async function startV2Scenario(t: TestContext, options: ScenarioOptions): Promise<Scenario> {
  const scenario = await startScenario(t, options);
  checkFramesAgainstSpec(t, scenario.realtime);
  return scenario;
}

/** What the user sees: the session's events folded through the timeline reducer. */
export function timeline(events: readonly SessionEvent[]): ConversationState {
  let at = 0;
  return events.filter(isForwardedSessionEvent).reduce((state, event) => conversationReducer(state, { type: 'session-event', event, at: at++ }), initialConversationState);
}

/** The timeline as lines of text: entries by role, typed messages and handoff cards with their status. */
export function shown(state: ConversationState): string[] {
  return state.items.flatMap((item) => {
    if (item.kind === 'entry') return [`${item.role}: ${item.text}`];
    if (item.kind === 'typed') return [`typed: ${item.text}`];
    if (item.kind === 'handoff') return [`card ${item.handoffId} (${item.status})`];
    return [];
  });
}

export function cards(state: ConversationState): HandoffItem[] {
  return state.items.filter((item): item is HandoffItem => item.kind === 'handoff');
}
