import {
  DndContext,
  DragOverlay,
  PointerSensor,
  pointerWithin,
  rectIntersection,
  useSensor,
  useSensors,
  type CollisionDetection,
  type DragEndEvent,
  type DragOverEvent,
  type DragStartEvent,
} from '@dnd-kit/core';
import { Badge, Group, Paper, Text, Title, Tooltip } from '@mantine/core';
import { memo, useCallback, useId, useLayoutEffect, useMemo, useRef, useState } from 'react';
import type { EnvironmentKind } from '../resources.ts';
import type { EnvironmentColumn } from './board.ts';
import { BoardStoresContext, createBoardStores, useBoardStores, useStoreSelector } from './boardStore.ts';
import { CardList } from './CardList.tsx';
import { canDrop, dragHint, dropPromotion, parseCardId, promotionTargets, type CardRef, type PromotionRequest } from './promotion.ts';
import { summariseColumn, type ColumnSummary, type VersionIndex } from './versions.ts';

const columnWidth = 280;

export function EnvironmentKindBadge({ kind }: { kind: EnvironmentKind }) {
  return (
    <Badge variant={kind === 'production' ? 'filled' : 'light'} color={kind === 'production' ? 'blue' : 'gray'}>
      {kind}
    </Badge>
  );
}

function identity<T>(value: T): T {
  return value;
}

// Reads the versions from the board's store, so a version answer re-renders the summary, not the column.
function SummaryRow({ column, promoting }: { column: EnvironmentColumn; promoting: ReadonlyMap<string, ReadonlySet<string>> }) {
  const versions = useStoreSelector(useBoardStores().versions, identity);
  const environment = column.environment.metadata.name;
  const summary: ColumnSummary = useMemo(() => summariseColumn(column, versions, promoting), [column, versions, promoting]);
  const items = [
    { key: 'versioned', count: summary.versioned, color: 'teal', label: 'versioned', tip: 'applications whose version was read from Git' },
    { key: 'unknown', count: summary.unknown, color: 'gray', label: 'unknown', tip: 'applications whose version could not be read' },
    { key: 'promoting', count: summary.promoting, color: 'blue', label: 'promoting', tip: 'products with a release promoting into this environment now' },
    ...(summary.loading > 0 ? [{ key: 'loading', count: summary.loading, color: 'gray', label: 'reading', tip: 'applications whose version is still being read from Git' }] : []),
    // Only where Argo CD deploys some of the column's applications; the others have their version alone.
    ...(summary.deployed > 0
      ? [
          { key: 'healthy', count: summary.healthy, color: 'green', label: 'healthy', tip: `applications Argo CD reports Healthy (of ${summary.deployed} it deploys here)` },
          { key: 'degraded', count: summary.degraded, color: 'red', label: 'degraded', tip: `applications Argo CD reports Degraded (of ${summary.deployed} it deploys here)` },
          { key: 'out-of-sync', count: summary.outOfSync, color: 'orange', label: 'out of sync', tip: `applications Argo CD reports OutOfSync (of ${summary.deployed} it deploys here)` },
        ]
      : []),
  ];
  return (
    <Group gap={6} mb="sm" aria-label={`health summary of ${environment}`} role="group">
      {items.map((item) => (
        <Tooltip key={item.key} label={item.tip} withArrow>
          <Badge size="sm" variant={item.count > 0 ? 'light' : 'outline'} color={item.count > 0 ? item.color : 'gray'} tt="none" data-kind={item.key} data-count={item.count}>
            {item.count} {item.label}
          </Badge>
        </Tooltip>
      ))}
    </Group>
  );
}

interface ColumnProps {
  column: EnvironmentColumn;
  columns: readonly EnvironmentColumn[];
  promoting: ReadonlyMap<string, ReadonlySet<string>>;
  denied: string | undefined;
  onPromote: (request: PromotionRequest) => void;
}

const EnvironmentColumnView = memo(function EnvironmentColumnView({ column, columns, promoting, denied, onPromote }: ColumnProps) {
  const headingId = useId();
  const { environment, products } = column;
  const name = environment.metadata.name;
  const production = environment.spec.kind === 'production';
  // One array per card, kept while the board is unchanged, so the memoised cards can skip rendering.
  const targets = useMemo(
    () => products.map((card) => promotionTargets(columns, { product: card.product, environment: name })),
    [products, columns, name],
  );
  return (
    <Paper
      component="section"
      aria-labelledby={headingId}
      withBorder
      p="md"
      bg={production ? 'var(--mantine-color-blue-light)' : 'var(--mantine-color-default-hover)'}
      style={production ? { borderColor: 'var(--mantine-color-blue-5)' } : undefined}
      w={columnWidth}
      miw={columnWidth}
    >
      <Group justify="space-between" wrap="nowrap" mb="xs">
        <Title order={3} size="h4" id={headingId}>
          {name}
        </Title>
        <EnvironmentKindBadge kind={environment.spec.kind} />
      </Group>
      <SummaryRow column={column} promoting={promoting} />
      {products.length === 0 ? (
        <Text size="sm" c="dimmed">
          No applications in this environment.
        </Text>
      ) : (
        <CardList environment={name} cards={products} targets={targets} denied={denied} onPromote={onPromote} />
      )}
    </Paper>
  );
});

// The hint beside the pointer; the only part of the board that follows the pointer over cards.
function DragHint() {
  const stores = useBoardStores();
  const dragged = useStoreSelector(stores.dragged, identity);
  const over = useStoreSelector(stores.over, identity);
  if (dragged === null) return null;
  return (
    <Paper shadow="lg" withBorder px="sm" py={6} role="status" style={{ cursor: 'grabbing', whiteSpace: 'nowrap', width: 'max-content' }}>
      <Text size="sm" fw={600}>
        {dragHint(dragged, over)}
      </Text>
    </Paper>
  );
}

export interface EnvironmentBoardProps {
  columns: readonly EnvironmentColumn[];
  versions?: VersionIndex;
  promoting?: ReadonlyMap<string, ReadonlySet<string>>;
  /** Why the user may not promote; undefined when they may. */
  denied?: string | undefined;
  onPromote?: (request: PromotionRequest) => void;
}

const noVersions: VersionIndex = new Map();
const nothingPromoting: ReadonlyMap<string, ReadonlySet<string>> = new Map();
const ignorePromotion = (): void => {};

/**
 * The environment columns, left to right in dashboard order. A product card dragged onto the same
 * product's card in another column asks for that promotion (`onPromote`); other cards refuse it.
 */
export function EnvironmentBoard({ columns, versions = noVersions, promoting = nothingPromoting, denied, onPromote = ignorePromotion }: EnvironmentBoardProps) {
  // The drag and the versions live in stores rather than state: cards pick out what concerns them.
  const [stores] = useState(() => {
    const created = createBoardStores();
    created.versions.set(versions);
    return created;
  });
  useLayoutEffect(() => stores.versions.set(versions), [stores, versions]);
  const latestOnPromote = useRef(onPromote);
  useLayoutEffect(() => {
    latestOnPromote.current = onPromote;
  }, [onPromote]);
  const stableOnPromote = useCallback((request: PromotionRequest) => latestOnPromote.current(request), []);
  // A few pixels of movement before a drag starts, so clicks on the card's buttons stay clicks.
  const sensors = useSensors(useSensor(PointerSensor, { activationConstraint: { distance: 6 } }));

  // Only the same product's cards in other environments take part in collision detection.
  const collisionDetection = useMemo((): CollisionDetection => {
    return (args) => {
      const source = parseCardId(args.active.id);
      const droppableContainers = args.droppableContainers.filter((container) => {
        const target = parseCardId(container.id);
        return source !== null && target !== null && canDrop(source, target);
      });
      const within = pointerWithin({ ...args, droppableContainers });
      return within.length > 0 ? within : rectIntersection({ ...args, droppableContainers });
    };
  }, []);

  if (columns.length === 0) {
    return <Text c="dimmed">No environments yet. Apply Environment resources to add columns here.</Text>;
  }

  function reset() {
    stores.dragged.set(null);
    stores.over.set(null);
  }

  return (
    <BoardStoresContext.Provider value={stores}>
      <DndContext
        sensors={sensors}
        collisionDetection={collisionDetection}
        onDragStart={(event: DragStartEvent) => stores.dragged.set(parseCardId(event.active.id))}
        onDragOver={(event: DragOverEvent) => stores.over.set(parseCardId(event.over?.id))}
        onDragCancel={reset}
        onDragEnd={(event: DragEndEvent) => {
          const request = dropPromotion(parseCardId(event.active.id), parseCardId(event.over?.id));
          reset();
          if (request !== null) stableOnPromote(request);
        }}
      >
        <Group align="flex-start" wrap="nowrap" gap="md" pb="sm" style={{ overflowX: 'auto' }}>
          {columns.map((column) => (
            <EnvironmentColumnView
              key={column.environment.metadata.name}
              column={column}
              columns={columns}
              promoting={promoting}
              denied={denied}
              onPromote={stableOnPromote}
            />
          ))}
        </Group>
        <DragOverlay dropAnimation={null}>
          <DragHint />
        </DragOverlay>
      </DndContext>
    </BoardStoresContext.Provider>
  );
}
