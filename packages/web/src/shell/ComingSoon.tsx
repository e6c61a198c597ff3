import { Stack, Text, Title } from '@mantine/core';

/** A page that is planned but not built yet. */
export function ComingSoon({ title }: { title: string }) {
  return (
    <Stack gap="xs">
      <Title order={2}>{title}</Title>
      <Text c="dimmed">Coming soon.</Text>
    </Stack>
  );
}
