import { Alert, Button, Stack, Text } from '@mantine/core';
import { useNavigate, useSearch } from '@tanstack/react-router';
import { CommitChanges } from './CommitChanges.tsx';
import { readPromotionTarget } from './search.ts';

/**
 * Route `/promote?product=&from=&to=&application=`: previews the promotion, lets the user adjust
 * the action and workflows, and starts it; then opens the new release.
 */
export function CommitChangesPage() {
  const search = useSearch({ strict: false }) as Readonly<Record<string, unknown>>;
  const navigate = useNavigate();
  const read = readPromotionTarget(search);

  if (!read.ok) {
    return (
      <Alert color="yellow" title="Nothing to promote">
        <Stack gap="sm" align="flex-start">
          <Text size="sm">
            This page needs the search parameters {read.missing.join(', ')}: drag a product card onto
            another environment on the dashboard, or use its Promote menu.
          </Text>
          <Button size="xs" variant="light" onClick={() => void navigate({ to: '/' })}>
            Back to the dashboard
          </Button>
        </Stack>
      </Alert>
    );
  }

  return (
    <CommitChanges
      target={read.target}
      onCancel={() => void navigate({ to: '/' })}
      onPromoted={(release) => void navigate({ to: '/releases/$id', params: { id: release.id } } as never)}
      onChooseApplication={(application) => {
        const { product, from, to } = read.target;
        void navigate({ to: '/promote', search: application === undefined ? { product, from, to } : { product, from, to, application } } as never);
      }}
    />
  );
}
