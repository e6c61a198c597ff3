import { Badge, Card, Group, List, Paper, Stack, Text, Title } from '@mantine/core';
import { useId } from 'react';
import type { EnvironmentKind } from '../resources.ts';
import type { EnvironmentColumn, ProductCard } from './board.ts';

const columnWidth = 280;

export function EnvironmentKindBadge({ kind }: { kind: EnvironmentKind }) {
  return (
    <Badge variant="light" color={kind === 'production' ? 'red' : 'gray'}>
      {kind}
    </Badge>
  );
}

function ProductCardView({ card }: { card: ProductCard }) {
  return (
    <Card component="article" aria-label={card.product} withBorder padding="sm">
      <Text fw={600}>{card.product}</Text>
      <List size="sm" listStyleType="none" spacing={2} mt={4}>
        {card.applications.map((name) => (
          <List.Item key={name}>
            <Text span size="sm" ff="monospace" c="dimmed">
              {name}
            </Text>
          </List.Item>
        ))}
      </List>
    </Card>
  );
}

function EnvironmentColumnView({ column }: { column: EnvironmentColumn }) {
  const headingId = useId();
  const { environment, products } = column;
  return (
    <Paper
      component="section"
      aria-labelledby={headingId}
      withBorder
      p="md"
      bg="var(--mantine-color-default-hover)"
      w={columnWidth}
      miw={columnWidth}
    >
      <Group justify="space-between" wrap="nowrap" mb="md">
        <Title order={3} size="h4" id={headingId}>
          {environment.metadata.name}
        </Title>
        <EnvironmentKindBadge kind={environment.spec.kind} />
      </Group>
      {products.length === 0 ? (
        <Text size="sm" c="dimmed">
          No applications in this environment.
        </Text>
      ) : (
        <Stack gap="sm">
          {products.map((card) => (
            <ProductCardView key={card.product} card={card} />
          ))}
        </Stack>
      )}
    </Paper>
  );
}

/** The environment columns, left to right in dashboard order. */
export function EnvironmentBoard({ columns }: { columns: readonly EnvironmentColumn[] }) {
  if (columns.length === 0) {
    return (
      <Text c="dimmed">No environments yet. Apply Environment resources to add columns here.</Text>
    );
  }
  return (
    <Group align="flex-start" wrap="nowrap" gap="md" pb="sm" style={{ overflowX: 'auto' }}>
      {columns.map((column) => (
        <EnvironmentColumnView key={column.environment.metadata.name} column={column} />
      ))}
    </Group>
  );
}
