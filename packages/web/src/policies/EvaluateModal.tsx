import { Alert, Badge, Button, Card, Group, List, Modal, Select, SimpleGrid, Stack, Text } from '@mantine/core';
import { useMutation } from '@tanstack/react-query';
import { useState } from 'react';
import { ApiErrorAlert } from '../promote/ApiErrorAlert.tsx';
import { actionLabel, describeSource, evaluatePolicy, evaluationRows, type PolicyEvaluation } from './policies.ts';

export interface EvaluateModalProps {
  opened: boolean;
  products: readonly string[];
  environments: readonly string[];
  onClose: () => void;
}

/** Picks a product and a target environment and shows what each policy field resolves to, and from where. */
export function EvaluateModal({ opened, products, environments, onClose }: EvaluateModalProps) {
  const [product, setProduct] = useState<string | null>(null);
  const [environment, setEnvironment] = useState<string | null>(null);
  const evaluate = useMutation({ mutationFn: ({ p, e }: { p: string; e: string }) => evaluatePolicy(p, e) });

  return (
    <Modal opened={opened} onClose={onClose} title="Evaluate promotion policy" size="xl">
      <Stack>
        <Group align="flex-end">
          <Select label="Product" searchable data={[...products]} value={product} onChange={setProduct} />
          <Select label="Target environment" data={[...environments]} value={environment} onChange={setEnvironment} />
          <Button
            disabled={product === null || environment === null}
            loading={evaluate.isPending}
            onClick={() => {
              if (product !== null && environment !== null) evaluate.mutate({ p: product, e: environment });
            }}
          >
            Evaluate
          </Button>
        </Group>
        {evaluate.isError ? <ApiErrorAlert title="Could not evaluate" error={evaluate.error} /> : null}
        {evaluate.data ? <EvaluationResult evaluation={evaluate.data} /> : null}
      </Stack>
    </Modal>
  );
}

/** One card per setting with its value and source, the matched policies, and any warnings. */
export function EvaluationResult({ evaluation }: { evaluation: PolicyEvaluation }) {
  return (
    <Stack role="region" aria-label="Evaluation result">
      <Text size="sm">
        {evaluation.product} promoted to {evaluation.environment}:
      </Text>
      <SimpleGrid cols={3}>
        {evaluationRows(evaluation).map((row) => (
          <Card key={row.field} withBorder data-field={row.field} aria-label={row.label} role="group">
            <Text size="xs" c="dimmed" tt="uppercase">
              {row.label}
            </Text>
            <Text fw={600} ff={row.field === 'action' ? undefined : 'monospace'}>
              {row.value === undefined ? 'not set' : row.field === 'action' ? `${actionLabel(row.value as never)} (${row.value})` : row.value}
            </Text>
            <Text size="sm" c="dimmed">
              {row.source === undefined ? 'no policy sets it' : `from ${describeSource(row.source)}`}
            </Text>
          </Card>
        ))}
      </SimpleGrid>
      <Group gap="xs">
        <Text size="sm">Matched, in order:</Text>
        {evaluation.matched.length === 0 ? (
          <Text size="sm" c="dimmed">
            none
          </Text>
        ) : (
          evaluation.matched.map((m) => (
            <Badge key={m.name} variant="light" tt="none">
              {m.name} ({m.priority})
            </Badge>
          ))
        )}
      </Group>
      {evaluation.warnings.length > 0 ? (
        <Alert color="yellow" title="Warnings">
          <List size="sm">
            {evaluation.warnings.map((w, index) => (
              <List.Item key={index}>
                {w.message} ({w.rule})
              </List.Item>
            ))}
          </List>
        </Alert>
      ) : null}
    </Stack>
  );
}
