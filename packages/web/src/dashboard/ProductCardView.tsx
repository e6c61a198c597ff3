import { useDraggable, useDroppable } from '@dnd-kit/core';
import { Badge, Card, Group, HoverCard, List, Stack, Table, Text, Tooltip, UnstyledButton } from '@mantine/core';
import { memo, useCallback, useMemo, useState, type FocusEvent, type MouseEvent } from 'react';
import type { ProductCard } from './board.ts';
import { useBoardStores, useStoreSelector } from './boardStore.ts';
import { PromoteMenu } from './PromoteMenu.tsx';
import { canDrop, cardId, type CardRef, type PromotionRequest } from './promotion.ts';
import {
  productCardVersion,
  sameVersionEntry,
  type ApplicationVersion,
  type CardVersion,
  type ProductVersions,
  type VersionIndex,
  type VersionsFailure,
} from './versions.ts';

interface Props {
  environment: string;
  card: ProductCard;
  /** Environments the card may be promoted to; the same array while the board is unchanged. */
  targets: readonly string[];
  denied: string | undefined;
  /** Stable across renders, so that cards need not re-render when the board does. */
  onPromote: (request: PromotionRequest) => void;
}

function VersionBadge({ version, live }: { version: CardVersion; live: boolean }) {
  switch (version.state) {
    case 'loading':
      return (
        <Badge variant="outline" color="gray" size="sm">
          …
        </Badge>
      );
    case 'known':
      return (
        <Badge variant="light" color="teal" size="sm" aria-label={`version ${version.label}`} tt="none">
          {version.label}
        </Badge>
      );
    case 'unknown': {
      const badge = (
        <Badge variant="light" color="gray" size="sm" aria-label={`version unknown: ${version.reason}`} tt="none">
          unknown
        </Badge>
      );
      return live ? (
        <Tooltip label={version.reason} multiline w={260} withArrow>
          {badge}
        </Tooltip>
      ) : (
        badge
      );
    }
  }
}

function formatDate(iso: string): string {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : date.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
}

/** The product's applications in one environment with version and last change. */
function ApplicationDetails({ names, versions }: { names: readonly string[]; versions: readonly ApplicationVersion[] }) {
  const byName = new Map(versions.map((entry) => [entry.application, entry]));
  return (
    <Table fz="xs" verticalSpacing={2} horizontalSpacing="xs">
      <Table.Thead>
        <Table.Tr>
          <Table.Th>Application</Table.Th>
          <Table.Th>Version</Table.Th>
          <Table.Th>Last change</Table.Th>
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {names.map((name) => {
          const entry = byName.get(name);
          const change = entry?.lastChange;
          return (
            <Table.Tr key={name}>
              <Table.Td ff="monospace">{name}</Table.Td>
              <Table.Td>{entry?.version ?? (entry?.reason !== undefined ? 'unknown' : '…')}</Table.Td>
              <Table.Td>
                {change === undefined ? (
                  <Text size="xs" c="dimmed">
                    {entry?.reason ?? 'not read yet'}
                  </Text>
                ) : (
                  <Stack gap={0}>
                    <Text size="xs">
                      <Text span ff="monospace" size="xs">
                        {change.sha.slice(0, 7)}
                      </Text>{' '}
                      {change.message.split('\n')[0]}
                    </Text>
                    <Text size="xs" c="dimmed">
                      {change.author.name} · {formatDate(change.author.date)}
                    </Text>
                  </Stack>
                )}
              </Table.Td>
            </Table.Tr>
          );
        })}
      </Table.Tbody>
    </Table>
  );
}

/**
 * One product in one environment: name, version, applications. Drag it onto the same product
 * in another environment to promote, or use its Promote menu. Hovering the name shows each
 * application's version, commit, author and date.
 *
 * The card reads its product's versions and the drag from the board's stores, so a version
 * answer re-renders only that product's cards and a drag only the cards it may be dropped on.
 */
export const ProductCardView = memo(function ProductCardView({ environment, card, targets, denied, onPromote }: Props) {
  const stores = useBoardStores();
  const product = card.product;
  const ref = useMemo((): CardRef => ({ product, environment }), [product, environment]);
  const id = cardId(ref);
  const draggable = useDraggable({ id, data: ref, disabled: denied !== undefined });
  const droppable = useDroppable({ id, data: ref });
  const setNodeRef = useCallback(
    (node: HTMLElement | null) => {
      draggable.setNodeRef(node);
      droppable.setNodeRef(node);
    },
    [draggable.setNodeRef, droppable.setNodeRef],
  );
  const selectEntry = useCallback((index: VersionIndex) => index.get(product), [product]);
  const entry = useStoreSelector(stores.versions, selectEntry, sameVersionEntry);
  const selectDropAllowed = useCallback((dragged: CardRef | null) => dragged !== null && canDrop(dragged, ref), [ref]);
  const dropAllowed = useStoreSelector(stores.dragged, selectDropAllowed);
  const over = droppable.isOver && dropAllowed;
  // The hover card, tooltip and Promote menu mount once the card is first hovered or focused.
  const [live, setLive] = useState<Live>(null);
  const wake = useCallback((focused: EventTarget | null) => {
    setLive((current) => current ?? { focus: focused instanceof HTMLElement ? (focused.dataset['placeholder'] as LiveFocus | undefined) ?? null : null });
  }, []);

  return (
    <Card
      ref={setNodeRef}
      component="article"
      aria-label={product}
      data-card={id}
      withBorder
      padding="sm"
      {...draggable.listeners}
      onPointerEnter={() => wake(null)}
      onFocus={(event: FocusEvent) => wake(event.target)}
      onClick={(event: MouseEvent) => {
        // A click on the placeholder (no hover or focus before, as with assistive tools) opens the menu at once.
        if (event.target instanceof HTMLElement && event.target.closest('[data-placeholder="promote"]') !== null) {
          setLive((current) => current ?? { focus: 'promote', open: true });
        }
      }}
      style={{
        cursor: denied === undefined ? 'grab' : undefined,
        opacity: draggable.isDragging ? 0.5 : 1,
        touchAction: 'none',
        outline: over ? '2px solid var(--mantine-color-indigo-5)' : dropAllowed ? '2px dashed var(--mantine-color-indigo-3)' : undefined,
        outlineOffset: 2,
      }}
    >
      <CardContent
        cardRef={ref}
        applications={card.applications}
        entry={entry}
        targets={targets}
        denied={denied}
        onPromote={onPromote}
        live={live !== null}
        focus={live?.focus ?? null}
        openMenu={live?.open === true}
      />
    </Card>
  );
});

/**
 * One application of a card. When the card has several, each may be dragged on its own onto the
 * product in another environment, to promote from that application only.
 */
function ApplicationLine({ cardRef, application, draggable }: { cardRef: CardRef; application: string; draggable: boolean }) {
  const ref = useMemo((): CardRef => ({ ...cardRef, application }), [cardRef, application]);
  const drag = useDraggable({ id: cardId(ref), data: ref, disabled: !draggable });
  return (
    <List.Item
      ref={drag.setNodeRef}
      {...(draggable ? drag.listeners : {})}
      data-application={application}
      title={draggable ? `Drag ${application} onto ${cardRef.product} in another environment to promote from it` : undefined}
      style={draggable ? { cursor: 'grab', touchAction: 'none', opacity: drag.isDragging ? 0.5 : 1 } : undefined}
    >
      <Text span size="sm" ff="monospace" c="dimmed">
        {application}
      </Text>
    </List.Item>
  );
}

/** The placeholder that had the focus when the card came alive, to focus its replacement. */
type LiveFocus = 'name' | 'promote';
type Live = { focus: LiveFocus | null; open?: boolean } | null;

interface ContentProps {
  /** Hovered or focused once: the heavy parts are mounted. */
  live: boolean;
  focus: LiveFocus | null;
  /** Open the Promote menu as it mounts. */
  openMenu: boolean;
  cardRef: CardRef;
  applications: readonly string[];
  entry: ProductVersions | VersionsFailure | undefined;
  targets: readonly string[];
  denied: string | undefined;
  onPromote: (request: PromotionRequest) => void;
}

// Drag-and-drop re-renders every draggable when a drag starts or ends; the content is kept out of that.
const CardContent = memo(function CardContent({ cardRef, applications, entry, targets, denied, onPromote, live, focus, openMenu }: ContentProps) {
  const { product, environment } = cardRef;
  const version = productCardVersion(entry, environment);
  const applicationVersions =
    entry === undefined || 'error' in entry ? [] : (entry.environments.find((e) => e.environment === environment)?.applications ?? []);
  return (
    <>
      <Group justify="space-between" wrap="nowrap" gap="xs">
        {live ? (
          <HoverCard width={440} shadow="md" openDelay={200} position="bottom-start" withinPortal>
            <HoverCard.Target>
              <UnstyledButton fw={600} aria-label={`${product} in ${environment}: applications`} autoFocus={focus === 'name'}>
                {product}
              </UnstyledButton>
            </HoverCard.Target>
            <HoverCard.Dropdown>
              <Text size="sm" fw={600} mb={4}>
                {product} in {environment}
              </Text>
              <ApplicationDetails names={applications} versions={applicationVersions} />
            </HoverCard.Dropdown>
          </HoverCard>
        ) : (
          <UnstyledButton fw={600} aria-label={`${product} in ${environment}: applications`} data-placeholder="name">
            {product}
          </UnstyledButton>
        )}
        <VersionBadge version={version} live={live} />
      </Group>
      <List size="sm" listStyleType="none" spacing={2} mt={4}>
        {applications.map((name) => (
          <ApplicationLine key={name} cardRef={cardRef} application={name} draggable={denied === undefined && applications.length > 1} />
        ))}
      </List>
      <Group justify="flex-end" mt="xs">
        <PromoteMenu card={cardRef} targets={targets} denied={denied} onPromote={onPromote} placeholder={!live} autoFocus={focus === 'promote'} defaultOpened={openMenu} />
      </Group>
    </>
  );
});
