import { fireEvent, screen } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import { renderWithProviders } from '../test/render.tsx';
import { PromoteMenu } from './PromoteMenu.tsx';

const card = { product: 'cf-101', environment: 'dev' };

describe('PromoteMenu', () => {
  it('lists the targets and asks for the chosen promotion', async () => {
    const onPromote = vi.fn();
    renderWithProviders(<PromoteMenu card={card} targets={['qa', 'staging']} denied={undefined} onPromote={onPromote} />);

    fireEvent.click(screen.getByRole('button', { name: 'Promote cf-101 from dev' }));
    const items = await screen.findAllByRole('menuitem');
    expect(items.map((item) => item.textContent)).toEqual(['qa', 'staging']);
    fireEvent.click(items[1]!);
    expect(onPromote).toHaveBeenCalledWith({ product: 'cf-101', from: 'dev', to: 'staging' });
  });

  it('is disabled, saying why, when no other environment has the product', () => {
    renderWithProviders(<PromoteMenu card={card} targets={[]} denied={undefined} onPromote={() => {}} />);
    const button = screen.getByRole('button', { name: 'Promote cf-101 from dev' }) as HTMLButtonElement;
    expect(button.disabled).toBe(true);
    expect(button.getAttribute('aria-description')).toBe('no other environment has cf-101');
  });

  it('gives the permission reason first', () => {
    renderWithProviders(<PromoteMenu card={card} targets={['qa']} denied={'Your role "viewer" may not promote'} onPromote={() => {}} />);
    const button = screen.getByRole('button', { name: 'Promote cf-101 from dev' }) as HTMLButtonElement;
    expect(button.disabled).toBe(true);
    expect(button.getAttribute('aria-description')).toBe('Your role "viewer" may not promote');
  });
});
