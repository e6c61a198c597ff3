import { describe, expect, it } from 'vitest';
import { readPromotionTarget } from './search.ts';

describe('readPromotionTarget', () => {
  it('reads product, from, to and the optional application', () => {
    expect(readPromotionTarget({ product: 'cf-101', from: 'dev', to: 'qa' })).toEqual({ ok: true, target: { product: 'cf-101', from: 'dev', to: 'qa' } });
    expect(readPromotionTarget({ product: 'cf-101', from: 'dev', to: 'qa', application: 'cf-101-dev' })).toEqual({
      ok: true,
      target: { product: 'cf-101', from: 'dev', to: 'qa', application: 'cf-101-dev' },
    });
  });

  it('takes a name made of digits that the router parsed as a number', () => {
    expect(readPromotionTarget({ product: 101, from: 'dev', to: 'qa' })).toEqual({ ok: true, target: { product: '101', from: 'dev', to: 'qa' } });
  });

  it('names every missing parameter', () => {
    expect(readPromotionTarget({ product: 'cf-101', to: '' })).toEqual({ ok: false, missing: ['from', 'to'] });
  });
});
