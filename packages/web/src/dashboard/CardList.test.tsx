import { act, screen, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { anApplication, anEnvironment } from '../test/builders.ts';
import { renderWithProviders } from '../test/render.tsx';
import { buildBoard } from './board.ts';
import { EnvironmentBoard } from './EnvironmentBoard.tsx';

const CARD_HEIGHT = 100;
const VIEWPORT = 800;

const products = Array.from({ length: 500 }, (_, i) => `p${String(i + 1).padStart(3, '0')}`);
const columns = buildBoard(
  [anEnvironment('dev', 1), anEnvironment('qa', 2)],
  products.flatMap((product) => [anApplication(`${product}-dev`, product, 'dev'), anApplication(`${product}-qa`, product, 'qa')]),
);

function cardsIn(environment: string): string[] {
  return within(screen.getByRole('region', { name: environment }))
    .queryAllByRole('article')
    .map((card) => card.getAttribute('aria-label') ?? '');
}

// happy-dom lays nothing out: give every windowed row a card's height so the window has something to measure.
beforeEach(() => {
  vi.spyOn(HTMLElement.prototype, 'offsetHeight', 'get').mockImplementation(function (this: HTMLElement) {
    return this.dataset['index'] !== undefined ? CARD_HEIGHT : 0;
  });
  Object.defineProperty(window, 'innerHeight', { configurable: true, value: VIEWPORT });
});

afterEach(() => {
  vi.restoreAllMocks();
  window.scrollTo(0, 0);
});

describe('a column of many products', () => {
  it('renders only the cards near the visible part of the page, in order, with room for all', () => {
    renderWithProviders(<EnvironmentBoard columns={columns} />);

    for (const environment of ['dev', 'qa']) {
      const shown = cardsIn(environment);
      expect(shown.length).toBeGreaterThan(0);
      expect(shown.length).toBeLessThan(20);
      expect(shown).toEqual(products.slice(0, shown.length));
    }
    const list = document.querySelector<HTMLElement>('[data-card-list="dev"]')!;
    expect(list.dataset['cards']).toBe('500');
    // Every card has its room, so the page's scroll bar spans the whole column.
    expect(parseInt(list.style.height, 10)).toBeGreaterThanOrEqual(500 * CARD_HEIGHT);
  });

  it('renders the last products once the page is scrolled to the end', async () => {
    renderWithProviders(<EnvironmentBoard columns={columns} />);
    expect(cardsIn('dev')).not.toContain('p500');

    await act(async () => {
      window.scrollTo(0, 500 * (CARD_HEIGHT + 12));
      window.dispatchEvent(new Event('scroll'));
      await new Promise((resolve) => setTimeout(resolve, 50));
    });

    const shown = cardsIn('dev');
    expect(shown).toContain('p500');
    expect(shown).not.toContain('p001');
  });
});
