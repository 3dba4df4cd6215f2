import type { TranscriptRole } from '../../../src-shared/session-events';

/** One line of a session's history file (JSON lines), in the order things happened. */
export type HistoryRecord =
  | { readonly kind: 'session.started'; readonly at: number; readonly sessionId: string }
  | { readonly kind: 'transcript'; readonly at: number; readonly role: TranscriptRole; readonly text: string }
  | { readonly kind: 'typed'; readonly at: number; readonly text: string }
  | { readonly kind: 'handoff'; readonly at: number; readonly handoffId: string; readonly agentText: string }
  | { readonly kind: 'agent.answer'; readonly at: number; readonly handoffId: string; readonly text: string }
  | { readonly kind: 'agent.failed'; readonly at: number; readonly handoffId: string; readonly reason: string }
  | { readonly kind: 'session.ended'; readonly at: number; readonly reason: string };

export interface HistorySummary {
  readonly sessionId: string;
  readonly startedAt: number;
  readonly endedAt: number | undefined;
  /** The first thing the user said or typed, shortened: what the history list shows. */
  readonly title: string;
  readonly transcriptEntries: number;
  readonly handoffs: number;
}
