/** Everything Parley sends to the realtime server, dialect-neutral; codecs turn these into frames. */
export type OutboundMessage =
  /** base64 PCM16 mono 24 kHz */
  | { readonly type: 'audio.append'; readonly base64: string }
  | { readonly type: 'audio.commit' }
  | { readonly type: 'audio.clear' }
  | { readonly type: 'user.text'; readonly text: string }
  | { readonly type: 'handoff.output'; readonly handoffId: string; readonly text: string }
  /** v2: the agent's progress or an earlier message of its turn, as a system message item (not a call output). */
  | { readonly type: 'agent.progress'; readonly text: string }
  | { readonly type: 'response.create' }
  | { readonly type: 'response.cancel' }
  | { readonly type: 'item.truncate'; readonly itemId: string; readonly audioEndMs: number };
