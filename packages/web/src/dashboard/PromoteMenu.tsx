import { Button, Menu, Tooltip } from '@mantine/core';
import type { CardRef, PromotionRequest } from './promotion.ts';

interface Props {
  card: CardRef;
  /** Environments the card may be promoted to, in board order. */
  targets: readonly string[];
  /** Why the user may not promote; undefined when they may. */
  denied: string | undefined;
  onPromote: (request: PromotionRequest) => void;
  /**
   * Only the button, without the menu and the tooltip behind it: what a card shows until it is
   * hovered or focused. It has the same name, state and reason as the full one.
   */
  placeholder?: boolean;
  /** Focus the button when it appears (it replaces a focused placeholder). */
  autoFocus?: boolean;
  /** Open the menu when it appears (the placeholder was clicked). */
  defaultOpened?: boolean;
}

/**
 * The keyboard way to promote: a menu button listing the target environments. Disabled, with the
 * reason on hover, for users who may not promote or when no other environment has the product.
 */
export function PromoteMenu({ card, targets, denied, onPromote, placeholder = false, autoFocus = false, defaultOpened = false }: Props) {
  const reason = denied ?? (targets.length === 0 ? `no other environment has ${card.product}` : undefined);
  const label = `Promote ${card.product} from ${card.environment}`;
  if (placeholder) {
    return (
      <span {...(reason !== undefined ? { 'data-testid': 'promote-disabled', title: reason } : {})}>
        <Button size="compact-xs" variant="light" disabled={reason !== undefined} aria-label={label} aria-description={reason} data-placeholder="promote">
          Promote
        </Button>
      </span>
    );
  }
  if (reason !== undefined) {
    return (
      <Tooltip label={reason} withArrow>
        <span data-testid="promote-disabled" title={reason}>
          <Button size="compact-xs" variant="light" disabled aria-label={label} aria-description={reason}>
            Promote
          </Button>
        </span>
      </Tooltip>
    );
  }
  return (
    <Menu position="bottom-start" withinPortal shadow="md" defaultOpened={defaultOpened}>
      <Menu.Target>
        <Button size="compact-xs" variant="light" aria-label={label} autoFocus={autoFocus}>
          Promote
        </Button>
      </Menu.Target>
      <Menu.Dropdown>
        <Menu.Label>
          Promote {card.product} from {card.environment} to
        </Menu.Label>
        {targets.map((target) => (
          <Menu.Item key={target} onClick={() => onPromote({ product: card.product, from: card.environment, to: target })}>
            {target}
          </Menu.Item>
        ))}
      </Menu.Dropdown>
    </Menu>
  );
}
