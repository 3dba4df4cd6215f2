// A coding agent's steps on its handoff card: one compact line each (status icon and title), the
// detail behind a disclosure. The list scrolls inside the card and follows the newest step while
// the reader is at its end.
import { memo, useLayoutEffect, useRef, type ReactElement } from 'react';
import type { AgentProgressStep } from '../../../../src-shared/agent-activity';
import { plural } from '../../state/format';

/** How close to the end (px) still counts as "at the end" for following new steps. */
const FOLLOW_SLACK_PX = 24;

type StepStatus = AgentProgressStep['status'];

/** `live`: the turn still runs, so a started step is in progress (after it, the step never finished). */
export const AgentSteps = memo(function AgentSteps({
  steps,
  leftOut,
  live,
}: {
  readonly steps: readonly AgentProgressStep[];
  readonly leftOut: number;
  readonly live: boolean;
}): ReactElement {
  const listRef = useRef<HTMLOListElement>(null);
  const following = useRef(true);

  useLayoutEffect(() => {
    const list = listRef.current;
    if (list && following.current) list.scrollTop = list.scrollHeight;
  }, [steps]);

  const onScroll = () => {
    const list = listRef.current;
    if (list) following.current = list.scrollHeight - list.scrollTop - list.clientHeight <= FOLLOW_SLACK_PX;
  };

  return (
    <div className="handoff-section" data-testid="agent-steps">
      <div className="handoff-label">Steps</div>
      {leftOut > 0 && (
        <p className="agent-steps-left-out" data-testid="agent-steps-left-out">
          {plural(leftOut, 'earlier step')} not shown
        </p>
      )}
      <ol className="agent-steps" ref={listRef} onScroll={onScroll} aria-label="Agent steps">
        {steps.map((step) => (
          <AgentStep key={step.id} step={step} live={live} />
        ))}
      </ol>
    </div>
  );
});

const STATUS_WORDS: Record<StepStatus, string> = { started: 'in progress', completed: 'done', failed: 'failed' };

const AgentStep = memo(function AgentStep({ step, live }: { readonly step: AgentProgressStep; readonly live: boolean }): ReactElement {
  const unfinished = step.status === 'started' && !live;
  const words = unfinished ? 'not finished' : STATUS_WORDS[step.status];
  const label = (
    <>
      <StepIcon status={step.status} live={live} />
      <span className="visually-hidden">{words}: </span>
      <span className="agent-step-title">{step.title}</span>
    </>
  );
  return (
    <li
      className={`agent-step is-${step.status} ${unfinished ? 'is-unfinished' : ''}`}
      data-testid="agent-step"
      data-step-id={step.id}
      data-status={step.status}
      data-kind={step.kind}
    >
      {step.detail ? (
        <details className="agent-step-details">
          <summary>{label}</summary>
          <pre className="agent-step-detail" data-testid="agent-step-detail">
            {step.detail}
          </pre>
        </details>
      ) : (
        <div className="agent-step-line">{label}</div>
      )}
    </li>
  );
});

function StepIcon({ status, live }: { readonly status: StepStatus; readonly live: boolean }): ReactElement {
  if (status === 'started') {
    return live ? <span className="spinner spinner-small agent-step-icon" aria-hidden="true" /> : <span className="agent-step-icon is-dot" aria-hidden="true" />;
  }
  return (
    <svg className="agent-step-icon" width="14" height="14" viewBox="0 0 24 24" fill="none" stroke="currentColor" strokeWidth="3" strokeLinecap="round" strokeLinejoin="round" aria-hidden="true" focusable="false">
      {status === 'completed' ? <path d="M5 12.5l4.5 4.5L19 7.5" /> : <path d="M6 6l12 12M18 6L6 18" />}
    </svg>
  );
}
