import { Button, Tooltip, VisuallyHidden, type ButtonProps } from '@mantine/core';
import { useId, type MouseEventHandler } from 'react';

export interface GuardedButtonProps extends ButtonProps {
  /** Why the button may not be used; when set, it is disabled and the reason shows on hover. */
  deniedReason?: string | undefined;
  onClick?: MouseEventHandler<HTMLButtonElement>;
  type?: 'button' | 'submit';
}

/**
 * A button that is disabled with its reason (as a tooltip, and as its accessible description)
 * when the signed-in role may not use it.
 */
export function GuardedButton({ deniedReason, disabled, children, ...props }: GuardedButtonProps) {
  const reasonId = useId();
  if (deniedReason === undefined) {
    return (
      <Button disabled={disabled} {...props}>
        {children}
      </Button>
    );
  }
  return (
    <Tooltip label={deniedReason} withArrow>
      <span>
        <Button {...props} disabled aria-describedby={reasonId} onClick={undefined}>
          {children}
        </Button>
        <VisuallyHidden id={reasonId}>{deniedReason}</VisuallyHidden>
      </span>
    </Tooltip>
  );
}
