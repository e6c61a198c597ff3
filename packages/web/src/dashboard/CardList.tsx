import { defaultRangeExtractor, useWindowVirtualizer, type Range } from '@tanstack/react-virtual';
import { useCallback, useLayoutEffect, useRef, useState } from 'react';
import type { ProductCard } from './board.ts';
import { useBoardStores, useStoreSelector } from './boardStore.ts';
import { ProductCardView } from './ProductCardView.tsx';
import type { CardRef, PromotionRequest } from './promotion.ts';

/** Space between two cards, in pixels (Mantine's `sm`). */
const CARD_GAP = 12;
/** Cards rendered beyond the visible part of a column, above and below. */
const OVERSCAN = 4;

/**
 * A first guess at a card's height before it is measured: name row, one line per application,
 * the Promote button. Close guesses keep the scroll bar steady while cards are measured.
 */
function estimateCardHeight(applications: number): number {
  return 78 + 22 * applications;
}

interface Props {
  environment: string;
  cards: readonly ProductCard[];
  targets: readonly (readonly string[])[];
  denied: string | undefined;
  onPromote: (request: PromotionRequest) => void;
}

const noTargets: readonly string[] = [];

// The card being dragged stays mounted while it is scrolled out of view, or the drag would end.
function selectDraggedProduct(environment: string) {
  return (dragged: CardRef | null) => (dragged !== null && dragged.environment === environment ? dragged.product : null);
}

/**
 * One column's cards, windowed on the page's scroll: only the cards near the visible part of the
 * column are in the DOM, the rest are room of their estimated (then measured) height. With 500
 * products in 8 environments this keeps the board at a few dozen cards instead of 4,000.
 */
export function CardList({ environment, cards, targets, denied, onPromote }: Props) {
  const listRef = useRef<HTMLDivElement>(null);
  // Where the list starts on the page; the filters and alerts above it may move it.
  const [offset, setOffset] = useState(0);
  useLayoutEffect(() => {
    const list = listRef.current;
    if (list === null) return;
    const measure = () => {
      const top = Math.round(list.getBoundingClientRect().top + window.scrollY);
      setOffset((current) => (current === top ? current : top));
    };
    measure();
    const observer = typeof ResizeObserver === 'undefined' ? null : new ResizeObserver(measure);
    observer?.observe(document.body);
    return () => observer?.disconnect();
  }, []);

  const stores = useBoardStores();
  const [selectDragged] = useState(() => selectDraggedProduct(environment));
  const draggedProduct = useStoreSelector(stores.dragged, selectDragged);
  const draggedIndex = draggedProduct === null ? -1 : cards.findIndex((card) => card.product === draggedProduct);
  const rangeExtractor = useCallback(
    (range: Range) => {
      const indexes = defaultRangeExtractor(range);
      if (draggedIndex < 0 || indexes.includes(draggedIndex)) return indexes;
      return [...indexes, draggedIndex].sort((a, b) => a - b);
    },
    [draggedIndex],
  );

  const virtualizer = useWindowVirtualizer({
    count: cards.length,
    estimateSize: (index) => estimateCardHeight(cards[index]?.applications.length ?? 1),
    getItemKey: (index) => cards[index]?.product ?? index,
    overscan: OVERSCAN,
    gap: CARD_GAP,
    scrollMargin: offset,
    rangeExtractor,
  });

  return (
    <div ref={listRef} style={{ position: 'relative', height: virtualizer.getTotalSize() }} data-card-list={environment} data-cards={cards.length}>
      {virtualizer.getVirtualItems().map((item) => {
        const card = cards[item.index]!;
        return (
          <div
            key={item.key}
            ref={virtualizer.measureElement}
            data-index={item.index}
            style={{ position: 'absolute', top: 0, left: 0, width: '100%', transform: `translateY(${item.start - virtualizer.options.scrollMargin}px)` }}
          >
            <ProductCardView environment={environment} card={card} targets={targets[item.index] ?? noTargets} denied={denied} onPromote={onPromote} />
          </div>
        );
      })}
    </div>
  );
}
