import { useDraggable, useDroppable } from '@dnd-kit/core';
import { Badge, Group, HoverCard, Stack, Table, Text, Tooltip, UnstyledButton } from '@mantine/core';
import { memo, useCallback, useMemo, useState, type CSSProperties, type FocusEvent, type MouseEvent } from 'react';
import type { ProductCard } from './board.ts';
import { useBoardStores, useStoreSelector } from './boardStore.ts';
import { PromoteMenu } from './PromoteMenu.tsx';
import { canDrop, cardId, type CardRef, type PromotionRequest } from './promotion.ts';
import {
  cardDeployment,
  productCardEntry,
  productCardVersion,
  sameCardEntry,
  type ApplicationVersion,
  type CardDeployment,
  type CardEntry,
  type CardVersion,
  type HealthState,
  type SyncState,
  type VersionIndex,
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

/** Badge colours of Argo CD's health and sync states. */
const HEALTH_COLOR: Record<HealthState, string> = {
  Healthy: 'green',
  Progressing: 'blue',
  Degraded: 'red',
  Suspended: 'yellow',
  Missing: 'gray',
  Unknown: 'gray',
};
const SYNC_COLOR: Record<SyncState, string> = { Synced: 'green', OutOfSync: 'orange', Unknown: 'gray' };

function HealthBadge({ health, size }: { health: HealthState; size: 'xs' | 'sm' }) {
  return (
    <Badge variant="light" color={HEALTH_COLOR[health]} size={size} tt="none" aria-label={`health ${health}`} data-health={health}>
      {health}
    </Badge>
  );
}

function SyncBadge({ sync, size }: { sync: SyncState; size: 'xs' | 'sm' }) {
  return (
    <Badge variant="outline" color={SYNC_COLOR[sync]} size={size} tt="none" aria-label={`sync ${sync}`} data-sync={sync}>
      {sync}
    </Badge>
  );
}

/** The card's health and sync beside its version; the message of the worst application on hover once the card is live. */
function DeploymentBadges({ deployment, live }: { deployment: CardDeployment; live: boolean }) {
  const health = <HealthBadge health={deployment.health} size="sm" />;
  return (
    <>
      {live && deployment.message !== undefined ? (
        <Tooltip label={deployment.message} multiline w={260} withArrow>
          {health}
        </Tooltip>
      ) : (
        health
      )}
      <SyncBadge sync={deployment.sync} size="sm" />
    </>
  );
}

function formatDate(iso: string): string {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : date.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
}

/** The product's applications in one environment with version, last change, and Argo CD's sync and health when it deploys them. */
function ApplicationDetails({ names, versions }: { names: readonly string[]; versions: readonly ApplicationVersion[] }) {
  const byName = new Map(versions.map((entry) => [entry.application, entry]));
  const deployed = versions.some((entry) => entry.deployment !== undefined);
  return (
    <Table fz="xs" verticalSpacing={2} horizontalSpacing="xs">
      <Table.Thead>
        <Table.Tr>
          <Table.Th>Application</Table.Th>
          <Table.Th>Version</Table.Th>
          <Table.Th>Last change</Table.Th>
          {deployed ? <Table.Th>Argo CD</Table.Th> : null}
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
              {deployed ? (
                <Table.Td>
                  {entry?.deployment === undefined ? (
                    <Text size="xs" c="dimmed">
                      Git alone
                    </Text>
                  ) : (
                    <Stack gap={2} align="flex-start">
                      <Group gap={4} wrap="nowrap">
                        <HealthBadge health={entry.deployment.health} size="xs" />
                        <SyncBadge sync={entry.deployment.sync} size="xs" />
                      </Group>
                      {entry.deployment.message !== undefined ? (
                        <Text size="xs" c="dimmed">
                          {entry.deployment.message}
                        </Text>
                      ) : null}
                    </Stack>
                  )}
                </Table.Td>
              ) : null}
            </Table.Tr>
          );
        })}
      </Table.Tbody>
    </Table>
  );
}

/**
 * One product in one environment: name, version, Argo CD's health and sync when it deploys the
 * applications, applications. Drag it onto the same product in another environment to promote,
 * or use its Promote menu. Hovering the name shows each application's version, commit, author,
 * date, sync and health.
 *
 * The card reads its applications' versions and the drag from the board's stores, so a version
 * answer re-renders only the cards whose applications it changed, and a drag only the cards it
 * may be dropped on.
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
  const selectEntry = useCallback((index: VersionIndex) => productCardEntry(index.get(product), environment), [product, environment]);
  const entry = useStoreSelector(stores.versions, selectEntry, sameCardEntry);
  const selectDropAllowed = useCallback((dragged: CardRef | null) => dragged !== null && canDrop(dragged, ref), [ref]);
  const dropAllowed = useStoreSelector(stores.dragged, selectDropAllowed);
  const over = droppable.isOver && dropAllowed;
  // The hover card, tooltip and Promote menu mount once the card is first hovered or focused.
  const [live, setLive] = useState<Live>(null);
  const wake = useCallback((focused: EventTarget | null) => {
    setLive((current) => current ?? { focus: focused instanceof HTMLElement ? (focused.dataset['placeholder'] as LiveFocus | undefined) ?? null : null });
  }, []);

  return (
    // A plain element styled as a Mantine card: dnd-kit re-renders every draggable as a drag
    // starts and ends, so this part is kept as cheap as a DOM element.
    <article
      ref={setNodeRef}
      aria-label={product}
      data-card={id}
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
        ...cardStyle,
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
    </article>
  );
});

/** What Mantine's Card with a border and `sm` padding looks like. */
const cardStyle: CSSProperties = {
  display: 'flex',
  flexDirection: 'column',
  position: 'relative',
  padding: 'var(--mantine-spacing-sm)',
  border: '1px solid var(--mantine-color-default-border)',
  borderRadius: 'var(--mantine-radius-default)',
  background: 'var(--mantine-color-body)',
};

const lineStyle: CSSProperties = { fontFamily: 'var(--mantine-font-family-monospace)', fontSize: 'var(--mantine-font-size-sm)', color: 'var(--mantine-color-dimmed)' };

/** One application of a card with a single application: nothing to drag apart from the card. */
function ApplicationLine({ application }: { application: string }) {
  return (
    <li data-application={application} style={lineStyle}>
      {application}
    </li>
  );
}

/**
 * One application of a card with several: each may be dragged on its own onto the product in
 * another environment, to promote from that application only.
 */
function DraggableApplicationLine({ cardRef, application }: { cardRef: CardRef; application: string }) {
  const ref = useMemo((): CardRef => ({ ...cardRef, application }), [cardRef, application]);
  const drag = useDraggable({ id: cardId(ref), data: ref });
  return (
    <li
      ref={drag.setNodeRef}
      {...drag.listeners}
      data-application={application}
      title={`Drag ${application} onto ${cardRef.product} in another environment to promote from it`}
      style={{ ...lineStyle, cursor: 'grab', touchAction: 'none', opacity: drag.isDragging ? 0.5 : 1 }}
    >
      {application}
    </li>
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
  entry: CardEntry;
  targets: readonly string[];
  denied: string | undefined;
  onPromote: (request: PromotionRequest) => void;
}

const noVersions: readonly ApplicationVersion[] = [];

// Drag-and-drop re-renders every draggable when a drag starts or ends; the content is kept out of that.
const CardContent = memo(function CardContent({ cardRef, applications, entry, targets, denied, onPromote, live, focus, openMenu }: ContentProps) {
  const { product, environment } = cardRef;
  const version = productCardVersion(entry);
  const deployment = cardDeployment(entry);
  const applicationVersions = entry === undefined || 'error' in entry ? noVersions : entry;
  return (
    <>
      <Group justify="space-between" wrap="nowrap" gap="xs">
        {live ? (
          <HoverCard width={deployment !== undefined ? 560 : 440} shadow="md" openDelay={200} position="bottom-start" withinPortal>
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
        <Group gap={4} justify="flex-end">
          <VersionBadge version={version} live={live} />
          {deployment !== undefined ? <DeploymentBadges deployment={deployment} live={live} /> : null}
        </Group>
      </Group>
      <ul style={{ listStyle: 'none', margin: '4px 0 0', padding: 0, display: 'flex', flexDirection: 'column', gap: 2 }}>
        {applications.map((name) =>
          denied === undefined && applications.length > 1 ? <DraggableApplicationLine key={name} cardRef={cardRef} application={name} /> : <ApplicationLine key={name} application={name} />,
        )}
      </ul>
      <Group justify="flex-end" mt="xs">
        <PromoteMenu card={cardRef} targets={targets} denied={denied} onPromote={onPromote} placeholder={!live} autoFocus={focus === 'promote'} defaultOpened={openMenu} />
      </Group>
    </>
  );
});
