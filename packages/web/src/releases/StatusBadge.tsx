import { Badge, Group, Text, Tooltip } from '@mantine/core';
import { statusLook } from './status.ts';

/** A release, step or task status as a coloured badge with its icon. */
export function StatusBadge({ status, size = 'md' }: { status: string; size?: 'xs' | 'sm' | 'md' | 'lg' }) {
  const look = statusLook(status);
  return (
    <Badge color={look.color} variant="light" size={size} leftSection={<span aria-hidden>{look.icon}</span>}>
      {status}
    </Badge>
  );
}

/** A status as a coloured icon and word; `message` (a failure's reason) shows on hover. */
export function StatusText({ status, message }: { status: string; message?: string | undefined }) {
  const look = statusLook(status);
  const content = (
    <Group gap={4} wrap="nowrap" c={`${look.color}.7`} data-status={status}>
      <span aria-hidden>{look.icon}</span>
      <Text span size="sm" c="inherit">
        {status}
      </Text>
    </Group>
  );
  if (!message) return content;
  return (
    <Tooltip label={message} multiline maw={360} withArrow>
      <span title={message}>{content}</span>
    </Tooltip>
  );
}
