import { useDraggable, useDroppable } from '@dnd-kit/core';
import { Badge, Card, Group, HoverCard, List, Stack, Table, Text, Tooltip, UnstyledButton } from '@mantine/core';
import { useCallback } from 'react';
import type { ProductCard } from './board.ts';
import { PromoteMenu } from './PromoteMenu.tsx';
import { cardId, type CardRef, type PromotionRequest } from './promotion.ts';
import { cardVersion, type ApplicationVersion, type CardVersion, type VersionIndex } from './versions.ts';

interface Props {
  environment: string;
  card: ProductCard;
  versions: VersionIndex;
  targets: readonly string[];
  denied: string | undefined;
  /** A card is being dragged and may be dropped here. */
  dropAllowed: boolean;
  onPromote: (request: PromotionRequest) => void;
}

function VersionBadge({ version }: { version: CardVersion }) {
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
    case 'unknown':
      return (
        <Tooltip label={version.reason} multiline w={260} withArrow>
          <Badge variant="light" color="gray" size="sm" aria-label={`version unknown: ${version.reason}`} tt="none">
            unknown
          </Badge>
        </Tooltip>
      );
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
 */
export function ProductCardView({ environment, card, versions, targets, denied, dropAllowed, onPromote }: Props) {
  const ref: CardRef = { product: card.product, environment };
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
  const version = cardVersion(versions, card.product, environment);
  const over = droppable.isOver && dropAllowed;
  const entry = versions.get(card.product);
  const applicationVersions =
    entry === undefined || 'error' in entry ? [] : (entry.environments.find((e) => e.environment === environment)?.applications ?? []);

  return (
    <Card
      ref={setNodeRef}
      component="article"
      aria-label={card.product}
      data-card={id}
      withBorder
      padding="sm"
      {...draggable.listeners}
      style={{
        cursor: denied === undefined ? 'grab' : undefined,
        opacity: draggable.isDragging ? 0.5 : 1,
        touchAction: 'none',
        outline: over ? '2px solid var(--mantine-color-indigo-5)' : dropAllowed ? '2px dashed var(--mantine-color-indigo-3)' : undefined,
        outlineOffset: 2,
      }}
    >
      <Group justify="space-between" wrap="nowrap" gap="xs">
        <HoverCard width={440} shadow="md" openDelay={200} position="bottom-start" withinPortal>
          <HoverCard.Target>
            <UnstyledButton fw={600} aria-label={`${card.product} in ${environment}: applications`}>
              {card.product}
            </UnstyledButton>
          </HoverCard.Target>
          <HoverCard.Dropdown>
            <Text size="sm" fw={600} mb={4}>
              {card.product} in {environment}
            </Text>
            <ApplicationDetails names={card.applications} versions={applicationVersions} />
          </HoverCard.Dropdown>
        </HoverCard>
        <VersionBadge version={version} />
      </Group>
      <List size="sm" listStyleType="none" spacing={2} mt={4}>
        {card.applications.map((name) => (
          <List.Item key={name}>
            <Text span size="sm" ff="monospace" c="dimmed">
              {name}
            </Text>
          </List.Item>
        ))}
      </List>
      <Group justify="flex-end" mt="xs">
        <PromoteMenu card={ref} targets={targets} denied={denied} onPromote={onPromote} />
      </Group>
    </Card>
  );
}
