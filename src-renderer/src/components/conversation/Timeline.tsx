import { useCallback, type ReactElement, type ReactNode } from 'react';
import { useAppState } from '../../hooks/store-context';
import type { TimelineItem } from '../../../../src-shared/conversation-reducer';
import { Bubble } from './Bubble';
import { HandoffCard } from './HandoffCard';
import { SessionDivider } from './SessionDivider';
import { VirtualList } from './VirtualList';

const NO_ITEMS: readonly TimelineItem[] = [];
const CHARS_PER_LINE = 70;
const LINE_HEIGHT_PX = 22;
/** A request that joined a running handoff adds its own labelled section to the card. */
const STEER_SECTION_HEIGHT_PX = 60;
/** A turn's latency bar, closed (open, it is measured like any row). */
const LATENCY_BAR_HEIGHT_PX = 24;
/** The step list scrolls past this many lines; a permission request is a block of its own. */
const MAX_VISIBLE_STEPS = 8;
const APPROVAL_HEIGHT_PX = 140;

function itemKey(item: TimelineItem): string {
  return item.key;
}

function textHeight(text: string): number {
  return 36 + Math.max(1, Math.ceil(text.length / CHARS_PER_LINE)) * LINE_HEIGHT_PX;
}

/** A first guess until the row is measured; close guesses keep the scrollbar steady. */
function estimateHeight(item: TimelineItem): number {
  switch (item.kind) {
    case 'entry':
      return textHeight(item.text) + (item.latency ? LATENCY_BAR_HEIGHT_PX : 0);
    case 'typed':
      return textHeight(item.text);
    case 'handoff':
      return (
        150 +
        (item.requests.length - 1) * STEER_SECTION_HEIGHT_PX +
        (item.notices.length + Math.min(item.steps.length, MAX_VISIBLE_STEPS)) * LINE_HEIGHT_PX +
        item.approvals.length * APPROVAL_HEIGHT_PX +
        (item.latencies?.length ? LINE_HEIGHT_PX + item.latencies.length * LATENCY_BAR_HEIGHT_PX : 0) +
        Math.ceil((item.requests.join('').length + item.answer.length) / CHARS_PER_LINE) * LINE_HEIGHT_PX
      );
    case 'divider':
      return 48;
  }
}

function renderItem(item: TimelineItem): ReactNode {
  switch (item.kind) {
    case 'entry':
      return <Bubble role={item.role} text={item.text} entryId={item.entryId} firstSeenAt={item.firstSeenAt} note={item.note} noteDetail={item.noteDetail} latency={item.latency} />;
    case 'typed':
      return <Bubble role="user" text={item.text} typed firstSeenAt={item.firstSeenAt} />;
    case 'handoff':
      return <HandoffCard card={item} />;
    case 'divider':
      return <SessionDivider at={item.at} note={item.note} />;
  }
}

export function Timeline({ empty }: { readonly empty: ReactNode }): ReactElement {
  const items = useAppState((state) => state.app?.conversation.items ?? NO_ITEMS);
  const render = useCallback(renderItem, []);
  return (
    <VirtualList
      items={items}
      itemKey={itemKey}
      estimateHeight={estimateHeight}
      renderItem={render}
      ariaLabel="Conversation transcript"
      empty={empty}
    />
  );
}
