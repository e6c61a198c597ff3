import { describe, expect, it } from 'vitest';
import { isActive, navItems } from './navigation.ts';

const item = (label: string) => navItems.find((entry) => entry.label === label && entry.to !== undefined)!;

describe('isActive', () => {
  it.each([
    ['Environments', '/', true],
    ['Environments', '/releases', false],
    ['Releases', '/releases', true],
    ['Releases', '/releases/01abc', true],
    ['Releases', '/releasesx', false],
    ['Releases', '/pull-requests', false],
    ['Pull requests', '/pull-requests', true],
    ['Pull requests', '/pull-requests/01abc', true],
    ['Promotion Flows', '/flows/new', true],
  ])('%s at %s → %s', (label, pathname, expected) => {
    expect(isActive(item(label), pathname)).toBe(expected);
  });

  it('never marks an entry without a page', () => {
    expect(navItems.filter((entry) => entry.to === undefined)).toEqual([]);
    expect(isActive({ section: 'Configure', label: 'Later' }, '/')).toBe(false);
  });
});
