// Session events on their way into the app state (and so to every window): every text a person
// will see passes the one redaction rule; reasons and error messages are also made readable (no
// raw server JSON). Events without text pass through untouched, as the same object.
import type { ForwardedSessionEvent } from '../../../src-shared/ipc-contract';
import { readableText, redactSecrets } from '../../core/util/redact';

export function redactEvent(event: ForwardedSessionEvent): ForwardedSessionEvent {
  switch (event.type) {
    case 'transcript.entry':
      // Per piece, again: the AppStore's TranscriptRedactor already held back any tail that a
      // later piece could complete into a secret, so each piece is safe to redact alone.
      return event.text !== undefined ? { ...event, text: redactSecrets(event.text) } : { ...event, append: redactSecrets(event.append) };
    case 'transcript.delta':
      return { ...event, delta: redactSecrets(event.delta) };
    case 'user.text':
    case 'user.text.placed':
      return { ...event, text: redactSecrets(event.text) };
    case 'handoff.requested':
      return {
        ...event,
        inputTranscript: redactSecrets(event.inputTranscript),
        agentText: redactSecrets(event.agentText),
        transcript: event.transcript.map((entry) => ({ ...entry, text: redactSecrets(entry.text) })),
      };
    case 'handoff.started':
    case 'handoff.steered':
      return { ...event, agentText: redactSecrets(event.agentText) };
    case 'handoff.answered':
      return { ...event, text: redactSecrets(event.text) };
    case 'agent.text':
      return { ...event, delta: redactSecrets(event.delta) };
    case 'handoff.failed':
      return { ...event, reason: readableText(event.reason), spoken: redactSecrets(event.spoken) };
    case 'handoff.incomplete':
      return { ...event, arguments: redactSecrets(event.arguments) };
    case 'error':
      return { ...event, message: redactSecrets(event.message) };
    case 'connection':
      return { ...event, reason: readableText(event.reason) };
    case 'agent.notice':
      return { ...event, text: redactSecrets(event.text) };
    case 'agent.progress': {
      // A step's title and detail quote what the agent ran and printed: a key can be among them.
      const { detail, ...step } = event.step;
      return { ...event, step: { ...step, title: redactSecrets(step.title), ...(detail !== undefined ? { detail: redactSecrets(detail) } : {}) } };
    }
    case 'agent.approval.requested': {
      // The exact command line the agent wants to run, and its reason: free text like any other.
      const { reason, ...approval } = event.approval;
      return { ...event, approval: { ...approval, subject: redactSecrets(approval.subject), ...(reason !== undefined ? { reason: redactSecrets(reason) } : {}) } };
    }
    case 'closed':
      return event.detail === undefined ? event : { ...event, detail: readableText(event.detail) };
    case 'response.ended':
    case 'transcription.failed':
      return { ...event, reason: readableText(event.reason) };
    case 'state':
    case 'session.ready':
    case 'user.speech_started':
    case 'playback.interrupted':
    case 'handoff.completed':
    case 'rate_limits':
    case 'usage':
    case 'agent.usage':
    case 'cost':
    case 'latency':
    case 'budget':
    case 'audio.dropped':
    case 'agent.approval.resolved':
      return event;
  }
}
