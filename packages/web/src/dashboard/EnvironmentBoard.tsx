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
import { Badge, Group, Paper, Stack, Text, Title, Tooltip } from '@mantine/core';
import { useId, useMemo, useState } from 'react';
import type { EnvironmentKind } from '../resources.ts';
import type { EnvironmentColumn } from './board.ts';
import { ProductCardView } from './ProductCardView.tsx';
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

function SummaryRow({ environment, summary }: { environment: string; summary: ColumnSummary }) {
  const items = [
    { key: 'versioned', count: summary.versioned, color: 'teal', label: 'versioned', tip: 'applications whose version was read from Git' },
    { key: 'unknown', count: summary.unknown, color: 'gray', label: 'unknown', tip: 'applications whose version could not be read' },
    { key: 'promoting', count: summary.promoting, color: 'blue', label: 'promoting', tip: 'products with a release promoting into this environment now' },
  ];
  return (
    <Group gap={6} mb="sm" aria-label={`health summary of ${environment}`} role="group">
      {items.map((item) => (
        <Tooltip key={item.key} label={item.tip} withArrow>
          <Badge size="sm" variant={item.count > 0 ? 'light' : 'outline'} color={item.count > 0 ? item.color : 'gray'} tt="none">
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
  versions: VersionIndex;
  promoting: ReadonlyMap<string, ReadonlySet<string>>;
  denied: string | undefined;
  dragged: CardRef | null;
  onPromote: (request: PromotionRequest) => void;
}

function EnvironmentColumnView({ column, columns, versions, promoting, denied, dragged, onPromote }: ColumnProps) {
  const headingId = useId();
  const { environment, products } = column;
  const name = environment.metadata.name;
  const production = environment.spec.kind === 'production';
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
      <SummaryRow environment={name} summary={summariseColumn(column, versions, promoting)} />
      {products.length === 0 ? (
        <Text size="sm" c="dimmed">
          No applications in this environment.
        </Text>
      ) : (
        <Stack gap="sm">
          {products.map((card) => {
            const ref = { product: card.product, environment: name };
            return (
              <ProductCardView
                key={card.product}
                environment={name}
                card={card}
                versions={versions}
                targets={promotionTargets(columns, ref)}
                denied={denied}
                dropAllowed={dragged !== null && canDrop(dragged, ref)}
                onPromote={onPromote}
              />
            );
          })}
        </Stack>
      )}
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

/**
 * The environment columns, left to right in dashboard order. A product card dragged onto the same
 * product's card in another column asks for that promotion (`onPromote`); other cards refuse it.
 */
export function EnvironmentBoard({ columns, versions = noVersions, promoting = nothingPromoting, denied, onPromote = () => {} }: EnvironmentBoardProps) {
  const [dragged, setDragged] = useState<CardRef | null>(null);
  const [over, setOver] = useState<CardRef | null>(null);
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
    setDragged(null);
    setOver(null);
  }

  return (
    <DndContext
      sensors={sensors}
      collisionDetection={collisionDetection}
      onDragStart={(event: DragStartEvent) => setDragged(parseCardId(event.active.id))}
      onDragOver={(event: DragOverEvent) => setOver(parseCardId(event.over?.id))}
      onDragCancel={reset}
      onDragEnd={(event: DragEndEvent) => {
        const request = dropPromotion(parseCardId(event.active.id), parseCardId(event.over?.id));
        reset();
        if (request !== null) onPromote(request);
      }}
    >
      <Group align="flex-start" wrap="nowrap" gap="md" pb="sm" style={{ overflowX: 'auto' }}>
        {columns.map((column) => (
          <EnvironmentColumnView
            key={column.environment.metadata.name}
            column={column}
            columns={columns}
            versions={versions}
            promoting={promoting}
            denied={denied}
            dragged={dragged}
            onPromote={onPromote}
          />
        ))}
      </Group>
      <DragOverlay dropAnimation={null}>
        {dragged !== null ? (
          <Paper shadow="lg" withBorder px="sm" py={6} role="status" style={{ cursor: 'grabbing', whiteSpace: 'nowrap', width: 'max-content' }}>
            <Text size="sm" fw={600}>
              {dragHint(dragged, over)}
            </Text>
          </Paper>
        ) : null}
      </DragOverlay>
    </DndContext>
  );
}
