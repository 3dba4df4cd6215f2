// One permission request of a coding agent on its handoff card. While it waits: what is asked
// (the exact subject, as is), why, Allow / Deny and how long until it is denied unanswered. Once
// decided: the decision and who made it. The answer goes to main; the card changes only when the
// resolved event comes back, so every window shows the same thing.
import { memo, useEffect, useId, useLayoutEffect, useRef, useState, type ReactElement, type RefObject } from 'react';
import type { AgentApprovalDecision } from '../../../../src-shared/agent-activity';
import { isPendingApproval, type CardApproval } from '../../../../src-shared/conversation-reducer';
import { attempt } from '../../bridge/attempt';
import { useStore } from '../../hooks/store-context';
import { APPROVAL_QUESTIONS, approvalMsLeft, approvalOutcomeWords, countdownWords } from './approval-words';

/** The countdown shows whole seconds, so it redraws once a second while the request waits. */
const COUNTDOWN_TICK_MS = 1_000;

/** sending: the answer is on its way; sent: main took it, the resolved event is coming; gone: main said it no longer waits. */
type AnswerState = 'idle' | 'sending' | 'sent' | 'gone';

/**
 * A keyboard user who answers keeps their place: the buttons stay focusable while the answer is on
 * its way (aria-disabled, not disabled), and when the decision replaces them the focus moves to it.
 */
export const ApprovalPrompt = memo(function ApprovalPrompt({ approval }: { readonly approval: CardApproval }): ReactElement {
  const answeredHere = useRef(false);
  const outcomeRef = useRef<HTMLParagraphElement>(null);
  const pending = isPendingApproval(approval);
  useLayoutEffect(() => {
    if (pending || !answeredHere.current) return;
    answeredHere.current = false;
    const focused = document.activeElement;
    if (focused === null || focused === document.body) outcomeRef.current?.focus();
  }, [pending]);
  return pending ? (
    <PendingApproval approval={approval} onAnswer={() => (answeredHere.current = true)} />
  ) : (
    <DecidedApproval approval={approval} outcomeRef={outcomeRef} />
  );
});

function PendingApproval({ approval, onAnswer }: { readonly approval: CardApproval; readonly onAnswer: () => void }): ReactElement {
  const store = useStore();
  const [answer, setAnswer] = useState<AnswerState>('idle');
  const now = useNow(COUNTDOWN_TICK_MS);
  const headingId = useId();
  const subjectId = useId();
  const { request } = approval;

  const busy = answer !== 'idle';
  const decide = async (decision: AgentApprovalDecision) => {
    if (busy) return;
    onAnswer();
    setAnswer('sending');
    const response = await attempt(() => store.api.agent.answerApproval({ approvalId: request.id, decision }));
    if (!response.ok) {
      setAnswer('idle');
      store.reportCommandError(response.error);
      return;
    }
    setAnswer(response.value ? 'sent' : 'gone');
  };

  return (
    <section
      className="approval is-pending"
      role="group"
      aria-labelledby={headingId}
      aria-describedby={subjectId}
      data-testid="approval"
      data-approval-id={request.id}
      data-state="pending"
    >
      {/* role="alert": a new request is announced at once, wherever the user is. */}
      <p className="approval-question" id={headingId} role="alert">
        {APPROVAL_QUESTIONS[request.kind]}
        {request.readOnly ? ' (read only)' : ''}
      </p>
      <pre className="approval-subject" id={subjectId} data-testid="approval-subject">
        {request.subject}
      </pre>
      {request.reason && (
        <p className="approval-reason" data-testid="approval-reason">
          Why: {request.reason}
        </p>
      )}
      <div className="approval-actions">
        <button type="button" className="button button-small button-primary" data-testid="approval-allow" aria-disabled={busy} onClick={() => void decide('allow')}>
          Allow
        </button>
        <button type="button" className="button button-small button-danger-ghost" data-testid="approval-deny" aria-disabled={busy} onClick={() => void decide('deny')}>
          Deny
        </button>
        <span className="approval-countdown" data-testid="approval-countdown">
          {answer === 'gone' ? '' : answer === 'idle' ? countdownWords(approvalMsLeft(approval, now)) : 'Answer sent…'}
        </span>
      </div>
      {answer === 'gone' && (
        <p className="approval-gone" role="status" data-testid="approval-gone">
          The agent is no longer waiting for this answer.
        </p>
      )}
    </section>
  );
}

function DecidedApproval({ approval, outcomeRef }: { readonly approval: CardApproval; readonly outcomeRef: RefObject<HTMLParagraphElement | null> }): ReactElement {
  const { request } = approval;
  return (
    <section
      className={`approval is-decided is-${approval.decision}`}
      aria-label={APPROVAL_QUESTIONS[request.kind]}
      data-testid="approval"
      data-approval-id={request.id}
      data-state={approval.decision}
      data-decided-by={approval.decidedBy}
    >
      <p className="approval-outcome" data-testid="approval-outcome" ref={outcomeRef} tabIndex={-1}>
        {approvalOutcomeWords(approval)}
      </p>
      <pre className="approval-subject" data-testid="approval-subject">
        {request.subject}
      </pre>
    </section>
  );
}

/** Date.now(), redrawn every `intervalMs` while the component is shown. */
function useNow(intervalMs: number): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), intervalMs);
    return () => clearInterval(timer);
  }, [intervalMs]);
  return now;
}
