// Windowed list for long conversations: only the rows in view (plus an overscan margin) are in
// the DOM. Row heights are measured with one ResizeObserver and cached by key; unmeasured rows
// use an estimate. While the user is at the bottom the list sticks there (streaming text keeps
// scrolling into view); once they scroll up it stays put and offers "Jump to latest".
import {
  memo,
  useCallback,
  useEffect,
  useLayoutEffect,
  useMemo,
  useRef,
  useState,
  type ReactElement,
  type ReactNode,
} from 'react';
import { ArrowDownIcon } from '../common/icons';

/** Closer than this to the bottom counts as "at the bottom". */
const STICK_THRESHOLD_PX = 32;
const DEFAULT_OVERSCAN_PX = 600;

export interface VirtualListProps<T> {
  readonly items: readonly T[];
  readonly itemKey: (item: T) => string;
  readonly estimateHeight: (item: T) => number;
  /** Must be stable (useCallback): rows re-render only when their item changes. */
  readonly renderItem: (item: T) => ReactNode;
  readonly ariaLabel: string;
  readonly overscanPx?: number;
  readonly empty?: ReactNode;
}

interface Viewport {
  readonly scrollTop: number;
  readonly height: number;
}

/** The first index whose row ends below `offset`. offsets[i] is where row i starts; offsets[n] the total. */
function firstRowEndingAfter(offsets: Float64Array, count: number, offset: number): number {
  let low = 0;
  let high = count;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (offsets[middle + 1]! > offset) high = middle;
    else low = middle + 1;
  }
  return low;
}

interface RowProps<T> {
  readonly item: T;
  readonly rowKey: string;
  readonly renderItem: (item: T) => ReactNode;
  readonly observe: (element: HTMLDivElement | null) => void;
}

const Row = memo(function Row<T>({ item, rowKey, renderItem, observe }: RowProps<T>): ReactElement {
  return (
    <div className="virtual-row" data-vkey={rowKey} ref={observe}>
      {renderItem(item)}
    </div>
  );
}) as <T>(props: RowProps<T>) => ReactElement;

export function VirtualList<T>(props: VirtualListProps<T>): ReactElement {
  const { items, itemKey, estimateHeight, renderItem, ariaLabel, overscanPx = DEFAULT_OVERSCAN_PX, empty } = props;
  const scrollerRef = useRef<HTMLDivElement | null>(null);
  const heights = useRef(new Map<string, number>());
  /** The estimate each rendered-but-unmeasured row was laid out with, to correct by the difference. */
  const estimates = useRef(new Map<string, number>());
  const [measureVersion, setMeasureVersion] = useState(0);
  const [viewport, setViewport] = useState<Viewport>({ scrollTop: 0, height: 0 });
  const stickRef = useRef(true);
  /** Where the last scroll event left us: only a move up means the user is leaving the bottom. */
  const lastScrollTop = useRef(0);
  const [stuck, setStuck] = useState(true);
  const observerRef = useRef<ResizeObserver | null>(null);

  const layout = useMemo(() => {
    const offsets = new Float64Array(items.length + 1);
    for (let index = 0; index < items.length; index++) {
      const item = items[index]!;
      offsets[index + 1] = offsets[index]! + (heights.current.get(itemKey(item)) ?? estimateHeight(item));
    }
    return offsets;
    // measureVersion is in the list because `heights` (a ref) changed when it did.
  }, [items, itemKey, estimateHeight, measureVersion]);
  const total = layout[items.length]!;

  const readViewport = useCallback(() => {
    const scroller = scrollerRef.current;
    if (!scroller) return;
    setViewport((current) =>
      current.scrollTop === scroller.scrollTop && current.height === scroller.clientHeight
        ? current
        : { scrollTop: scroller.scrollTop, height: scroller.clientHeight },
    );
  }, []);

  const scrollToBottom = useCallback(() => {
    const scroller = scrollerRef.current;
    if (!scroller) return;
    scroller.scrollTop = scroller.scrollHeight;
    readViewport();
  }, [readViewport]);

  // One observer for every row: cache the measured height, keep the view steady when a row
  // above it changes size, and keep hugging the bottom when stuck.
  const rowObserver = useCallback((): ResizeObserver => {
    observerRef.current ??= new ResizeObserver((entries) => {
      const scroller = scrollerRef.current;
      if (!scroller) return;
      const viewTop = scroller.getBoundingClientRect().top;
      let changed = false;
      let shiftAbove = 0;
      for (const entry of entries) {
        const target = entry.target as HTMLElement;
        const key = target.dataset.vkey;
        if (key === undefined || !target.isConnected) continue;
        const height = entry.borderBoxSize?.[0]?.blockSize ?? target.offsetHeight;
        const previous = heights.current.get(key) ?? estimates.current.get(key);
        estimates.current.delete(key);
        if (heights.current.get(key) === height) continue;
        heights.current.set(key, height);
        changed = true;
        if (previous !== undefined && target.getBoundingClientRect().bottom <= viewTop) shiftAbove += height - previous;
      }
      if (!changed) return;
      if (stickRef.current) scroller.scrollTop = scroller.scrollHeight;
      else if (shiftAbove !== 0) scroller.scrollTop += shiftAbove;
      setMeasureVersion((version) => version + 1);
    });
    return observerRef.current;
  }, []);

  const observe = useCallback(
    (element: HTMLDivElement | null) => {
      if (!element) return;
      const observer = rowObserver();
      observer.observe(element);
      return () => observer.unobserve(element);
    },
    [rowObserver],
  );

  useEffect(() => () => observerRef.current?.disconnect(), []);

  // The scroller's own size (window resizes, banners appearing).
  useEffect(() => {
    const scroller = scrollerRef.current;
    if (!scroller || typeof ResizeObserver === 'undefined') return;
    const observer = new ResizeObserver(() => {
      if (stickRef.current) scroller.scrollTop = scroller.scrollHeight;
      readViewport();
    });
    observer.observe(scroller);
    return () => observer.disconnect();
  }, [readViewport]);

  // Content grew (new row, streaming text, measurement): follow it while stuck.
  useLayoutEffect(() => {
    if (stickRef.current) scrollToBottom();
  }, [total, items.length, scrollToBottom]);

  const onScroll = useCallback(() => {
    const scroller = scrollerRef.current;
    if (!scroller) return;
    const top = scroller.scrollTop;
    const atBottom = scroller.scrollHeight - top - scroller.clientHeight <= STICK_THRESHOLD_PX;
    if (stickRef.current && !atBottom && top >= lastScrollTop.current - 1) {
      // Not the user scrolling up: rows grew under us before they were measured. Keep following.
      scroller.scrollTop = scroller.scrollHeight;
    } else {
      stickRef.current = atBottom;
      setStuck(atBottom);
    }
    lastScrollTop.current = scroller.scrollTop;
    readViewport();
  }, [readViewport]);

  const jumpToLatest = useCallback(() => {
    stickRef.current = true;
    setStuck(true);
    scrollToBottom();
    scrollerRef.current?.focus({ preventScroll: true });
  }, [scrollToBottom]);

  const count = items.length;
  const viewHeight = viewport.height || 800;
  const start = count === 0 ? 0 : firstRowEndingAfter(layout, count, Math.max(0, viewport.scrollTop - overscanPx));
  let end = start;
  const limit = viewport.scrollTop + viewHeight + overscanPx;
  while (end < count && layout[end]! < limit) end++;
  const visible = items.slice(start, end);

  return (
    <div className="virtual-list">
      <div ref={scrollerRef} className="virtual-scroller" onScroll={onScroll} tabIndex={0} role="region" aria-label={ariaLabel}>
        {count === 0 ? (
          empty
        ) : (
          <div className="virtual-canvas" style={{ height: total }}>
            <div className="virtual-window" style={{ transform: `translateY(${layout[start]}px)` }}>
              {visible.map((item) => {
                const key = itemKey(item);
                if (!heights.current.has(key)) estimates.current.set(key, estimateHeight(item));
                return <Row key={key} item={item} rowKey={key} renderItem={renderItem} observe={observe} />;
              })}
            </div>
          </div>
        )}
      </div>
      {!stuck && count > 0 && (
        <button type="button" className="jump-to-latest" onClick={jumpToLatest} data-testid="jump-to-latest">
          <ArrowDownIcon />
          Jump to latest
        </button>
      )}
    </div>
  );
}
