import { Badge } from '@mantine/core';
import { phaseLook } from './model.ts';

/** A run or node phase as a coloured badge with its icon. */
export function PhaseBadge({ phase, size = 'md' }: { phase: string; size?: 'xs' | 'sm' | 'md' | 'lg' }) {
  const look = phaseLook(phase);
  return (
    <Badge color={look.color} variant="light" size={size} leftSection={<span aria-hidden>{look.icon}</span>} data-phase={phase}>
      {phase}
    </Badge>
  );
}
