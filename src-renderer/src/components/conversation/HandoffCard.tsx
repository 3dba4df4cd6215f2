import { formatUsd, noPriceText } from '../../../../src-shared/pricing';
import { memo, useState, type ReactElement } from 'react';
import { attempt } from '../../bridge/attempt';
import { useStore } from '../../hooks/store-context';
import { handoffAnswerText, isOpenHandoff, isPendingApproval, type HandoffCardStatus, type HandoffItem } from '../../../../src-shared/conversation-reducer';
import { AgentIcon } from '../common/icons';
import { Markdown } from '../common/Markdown';
import { AgentSteps } from './AgentSteps';
import { ApprovalPrompt } from './ApprovalPrompt';
import { TurnLatencyView } from './TurnLatencyView';

const STATUS_WORDS: Record<HandoffCardStatus, string> = {
  requested: 'requested',
  working: 'working',
  steered: 'steered',
  answered: 'answered',
  failed: 'failed',
  cancelled: 'cancelled',
  'not-delegated': 'not delegated',
  ended: 'stopped',
  done: 'done',
  incomplete: 'cut off',
};

/** What the card says under its text when the turn ended without an answer. */
const REASON_PREFIX: Partial<Record<HandoffCardStatus, string>> = {
  failed: 'Failed',
  cancelled: 'Cancelled',
  'not-delegated': 'Not delegated',
  ended: 'Stopped',
  incomplete: 'Cut off',
};

const STATUS_HINTS: Partial<Record<HandoffCardStatus, string>> = {
  steered: 'A later request joined the task the agent was already working on',
};

/** A handoff to the background agent, inline in the timeline where it happened. */
export const HandoffCard = memo(function HandoffCard({ card }: { readonly card: HandoffItem }): ReactElement {
  const store = useStore();
  const [cancelling, setCancelling] = useState(false);
  const answer = handoffAnswerText(card);
  const working = card.status === 'working' || card.status === 'steered';
  const nothingDelegated = card.agentText === '';
  const steers = card.requests.slice(1);
  const waitingForYou = card.approvals.some(isPendingApproval);

  const cancel = async () => {
    setCancelling(true);
    const response = await attempt(() => store.api.agent.cancel());
    setCancelling(false);
    if (!response.ok) store.reportCommandError(response.error);
  };

  const statusWord = nothingDelegated && card.status === 'requested' ? 'not delegated' : STATUS_WORDS[card.status];
  return (
    <article
      className={`handoff-card handoff-${card.status} ${nothingDelegated ? 'is-undelegated' : ''} ${waitingForYou ? 'is-asking' : ''}`}
      data-testid="handoff-card"
      data-handoff-id={card.handoffId}
      data-status={card.status}
      aria-label={`Background agent task, ${statusWord}${waitingForYou ? ', asking for your permission' : ''}`}
    >
      <header className="handoff-header">
        <span className="handoff-icon" aria-hidden="true">
          <AgentIcon />
        </span>
        <span className="handoff-title">Background agent</span>
        <span className={`badge badge-${card.status}`} title={STATUS_HINTS[card.status]}>
          {working && <span className="spinner spinner-small" aria-hidden="true" />}
          {statusWord}
        </span>
        {waitingForYou && (
          <span className="badge badge-asking" data-testid="handoff-asking">
            needs your answer
          </span>
        )}
        {working && (
          <button
            type="button"
            className="button button-small handoff-cancel"
            data-testid="handoff-cancel"
            onClick={() => void cancel()}
            disabled={cancelling}
          >
            {cancelling ? 'Cancelling…' : 'Cancel'}
          </button>
        )}
      </header>
      <div className="handoff-section">
        <div className="handoff-label">Sent to the agent</div>
        {nothingDelegated ? (
          <p className="handoff-agent-text is-empty" data-testid="handoff-agent-text">
            {card.status === 'incomplete' ? 'Nothing: the request was cut off' : 'Nothing to delegate'}
          </p>
        ) : (
          <pre className="handoff-agent-text" data-testid="handoff-agent-text">
            {card.agentText}
          </pre>
        )}
      </div>
      {steers.map((request, index) => (
        // Requests never reorder or disappear, so their position is their identity.
        <div className="handoff-section" key={index} data-testid="handoff-steer">
          <div className="handoff-label">Added while the agent worked</div>
          <pre className="handoff-agent-text" data-testid="handoff-steer-text">
            {request}
          </pre>
        </div>
      ))}
      {card.steps.length > 0 && <AgentSteps steps={card.steps} leftOut={card.stepsLeftOut} live={isOpenHandoff(card)} />}
      {card.approvals.length > 0 && (
        <div className="handoff-section handoff-approvals" data-testid="handoff-approvals">
          <div className="handoff-label">Permission</div>
          {card.approvals.map((approval) => (
            <ApprovalPrompt key={approval.request.id} approval={approval} />
          ))}
        </div>
      )}
      {(answer || working) && (
        <div className="handoff-section">
          <div className="handoff-label">Answer</div>
          {answer ? (
            <div className={`handoff-answer ${card.streaming ? 'is-streaming' : ''}`} data-testid="handoff-answer">
              <Markdown text={answer} />
            </div>
          ) : (
            <p className="handoff-waiting">{waitingForYou ? 'The agent waits for your answer above…' : 'Waiting for the agent…'}</p>
          )}
        </div>
      )}
      {card.latencies !== undefined && card.latencies.length > 0 && (
        <div className="handoff-section" data-testid="handoff-latency">
          <div className="handoff-label">Latency</div>
          {card.latencies.map((latency, index) => (
            // Latencies are only ever added at the end, so their position is their identity.
            <TurnLatencyView key={index} latency={latency} />
          ))}
        </div>
      )}
      {(card.agentCostUsd !== undefined || card.unpricedModel !== undefined) && (
        // What the agent's requests of this turn cost, priced in main with the pricing table.
        <p className="handoff-cost" data-testid="handoff-cost">
          Agent cost: {card.agentCostUsd !== undefined ? formatUsd(card.agentCostUsd) : ''}
          {card.agentCostUsd !== undefined && card.unpricedModel !== undefined ? ', ' : ''}
          {card.unpricedModel !== undefined ? noPriceText(card.unpricedModel) : ''}
        </p>
      )}
      {card.notices.length > 0 && (
        // What the agent backend did on the way (a retry, history it left out): quiet, in order.
        <ul className="handoff-notices" data-testid="handoff-notices">
          {card.notices.map((notice, index) => (
            // Notices are only ever added at the end, so their position is their identity.
            <li key={index} data-testid="handoff-notice">
              {notice}
            </li>
          ))}
        </ul>
      )}
      {REASON_PREFIX[card.status] && card.reason && (
        <p className="handoff-reason" data-testid="handoff-reason">
          {REASON_PREFIX[card.status]}: {card.reason}
        </p>
      )}
    </article>
  );
});
