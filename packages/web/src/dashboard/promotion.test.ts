import { describe, expect, it } from 'vitest';
import { anApplication, anEnvironment } from '../test/builders.ts';
import { buildBoard } from './board.ts';
import { canDrop, cardId, dragHint, dropPromotion, parseCardId, promoteLocation, promotionTargets } from './promotion.ts';

const devCf = { product: 'cf-101', environment: 'dev' };
const qaCf = { product: 'cf-101', environment: 'qa' };
const qaWeb = { product: 'web', environment: 'qa' };
const devCfEu = { product: 'cf-101', environment: 'dev', application: 'cf-101-dev-eu' };

describe('card ids', () => {
  it('round-trip through cardId and parseCardId', () => {
    expect(cardId(devCf)).toBe('dev/cf-101');
    expect(parseCardId('dev/cf-101')).toEqual(devCf);
    expect(cardId(devCfEu)).toBe('dev/cf-101/cf-101-dev-eu');
    expect(parseCardId('dev/cf-101/cf-101-dev-eu')).toEqual(devCfEu);
  });

  it.each([[undefined], [null], [42], [''], ['dev'], ['/cf-101'], ['dev/'], ['dev/cf-101/'], ['dev//x'], ['a/b/c/d']])('reads %j as no card', (id) => {
    expect(parseCardId(id)).toBeNull();
  });
});

describe('drop rules', () => {
  it('accept the same product in another environment only', () => {
    expect(canDrop(devCf, qaCf)).toBe(true);
    expect(canDrop(devCf, qaWeb)).toBe(false);
    expect(canDrop(devCf, devCf)).toBe(false);
    expect(canDrop(devCfEu, qaCf)).toBe(true);
    expect(canDrop(devCf, { ...qaCf, application: 'cf-101-qa' })).toBe(false);
  });

  it('turn an allowed drop into a promotion from the dragged card to the target', () => {
    expect(dropPromotion(devCf, qaCf)).toEqual({ product: 'cf-101', from: 'dev', to: 'qa' });
    expect(dropPromotion(qaCf, devCf)).toEqual({ product: 'cf-101', from: 'qa', to: 'dev' });
    expect(dropPromotion(devCfEu, qaCf)).toEqual({ product: 'cf-101', from: 'dev', to: 'qa', application: 'cf-101-dev-eu' });
  });

  it('make no promotion for a refused drop or a drop outside any card', () => {
    expect(dropPromotion(devCf, qaWeb)).toBeNull();
    expect(dropPromotion(devCf, devCf)).toBeNull();
    expect(dropPromotion(devCf, null)).toBeNull();
    expect(dropPromotion(null, qaCf)).toBeNull();
  });

  it('hint at the promotion while over an accepting card, and at where to drop otherwise', () => {
    expect(dragHint(devCf, qaCf)).toBe('cf-101: dev → qa');
    expect(dragHint(devCf, qaWeb)).toBe('cf-101: dev → drop on cf-101 in another environment');
    expect(dragHint(devCf, null)).toBe('cf-101: dev → drop on cf-101 in another environment');
    expect(dragHint(devCfEu, qaCf)).toBe('cf-101 (cf-101-dev-eu): dev → qa');
  });
});

describe('promotionTargets', () => {
  const columns = buildBoard(
    [anEnvironment('dev', 1), anEnvironment('qa', 2), anEnvironment('staging', 3), anEnvironment('production', 4, 'production')],
    [
      anApplication('cf-101-dev', 'cf-101', 'dev'),
      anApplication('cf-101-qa', 'cf-101', 'qa'),
      anApplication('cf-101-production', 'cf-101', 'production'),
      anApplication('web-staging', 'web', 'staging'),
    ],
  );

  it('lists the other environments holding the product, in board order', () => {
    expect(promotionTargets(columns, devCf)).toEqual(['qa', 'production']);
    expect(promotionTargets(columns, { product: 'cf-101', environment: 'production' })).toEqual(['dev', 'qa']);
  });

  it('is empty for a product in one environment only', () => {
    expect(promotionTargets(columns, { product: 'web', environment: 'staging' })).toEqual([]);
  });
});

describe('promoteLocation', () => {
  it('opens the Commit Changes page with product, source and target', () => {
    expect(promoteLocation({ product: 'cf-101', from: 'dev', to: 'qa' })).toEqual({
      to: '/promote',
      search: { product: 'cf-101', from: 'dev', to: 'qa' },
    });
    expect(promoteLocation({ product: 'cf-101', from: 'dev', to: 'qa', application: 'cf-101-dev-eu' }).search).toEqual({
      product: 'cf-101',
      from: 'dev',
      to: 'qa',
      application: 'cf-101-dev-eu',
    });
  });
});
