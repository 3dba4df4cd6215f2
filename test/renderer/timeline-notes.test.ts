// The quiet parts of the timeline: a reconnect's divider note and the agent's notices on its card
// (server-rendered to markup, no DOM needed).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { conversationReducer, initialConversationState, type ConversationState, type HandoffItem } from '../../src-shared/conversation-reducer';
import type { ForwardedSessionEvent } from '../../src-shared/ipc-contract';
import { HandoffCard } from '../../src-renderer/src/components/conversation/HandoffCard';
import { SessionDivider } from '../../src-renderer/src/components/conversation/SessionDivider';
import { StoreContext } from '../../src-renderer/src/hooks/store-context';
import type { ParleyStore } from '../../src-renderer/src/state/parley-store';

function play(events: readonly ForwardedSessionEvent[]): ConversationState {
  return events.reduce((state, event, at) => conversationReducer(state, { type: 'session-event', event, at }), initialConversationState);
}

test('a reconnect shows as one quiet note, not as a new session', () => {
  const state = play([
    { type: 'state', state: 'connecting' },
    { type: 'state', state: 'live' },
    { type: 'transcript.entry', entryId: 0, index: 0, role: 'user', text: 'hello' },
    { type: 'connection', status: 'reconnected', reason: '', downtimeMs: 2300 },
  ]);
  const divider = state.items.at(-1);
  assert.ok(divider?.kind === 'divider');
  const markup = renderToStaticMarkup(createElement(SessionDivider, { at: divider.at, note: divider.note }));
  assert.match(markup, /data-testid="connection-note"/);
  assert.match(markup, /Reconnected after 2\.3 s/);
  assert.doesNotMatch(markup, /New session/);
});

test('the handoff card lists the agent\'s notices in order, under its sections', () => {
  const state = play([
    { type: 'handoff.requested', handoffId: 'h1', inputTranscript: '', agentText: 'find the file', transcript: [] },
    { type: 'handoff.started', handoffId: 'h1', agentText: 'find the file' },
    { type: 'agent.notice', handoffId: 'h1', text: 'The agent service was busy; trying again in 2 s.' },
    { type: 'agent.notice', handoffId: 'h1', text: 'Left out 12 older messages to fit the context.' },
  ]);
  const card = state.items.find((item): item is HandoffItem => item.kind === 'handoff')!;
  // The card reads the store only to cancel; rendering needs none of it.
  const markup = renderToStaticMarkup(createElement(StoreContext.Provider, { value: {} as ParleyStore }, createElement(HandoffCard, { card })));
  const notices = [...markup.matchAll(/<li data-testid="handoff-notice">([^<]*)<\/li>/g)].map((match) => match[1]);
  assert.deepEqual(notices, ['The agent service was busy; trying again in 2 s.', 'Left out 12 older messages to fit the context.']);
});
