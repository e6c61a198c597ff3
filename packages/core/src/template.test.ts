import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { error, warning } from './problems.ts';
import { resolvePromotionTemplate, templateLabels, type ResolvedPromotionTemplate, type ResolvePromotionTemplateInput } from './template.ts';
import { app, product, template } from './test/builders.ts';

const application = app('cf-101-qa', 'cf-101', 'qa', { team: 'payments', chart: 'helm' });
const P = { kind: 'Product', name: 'cf-101' } as const;
const chart = { file: 'Chart.yaml', jsonPath: '$.appVersion' };
const values = { file: 'values.yaml', jsonPath: '$.image.tag' };

describe('templateLabels', () => {
  it('adds the product and environment, replacing labels of the same key', () => {
    const labelled = app('a', 'cf-101', 'qa', { team: 'payments', 'stagecoach.dev/product': 'other' });
    assert.deepEqual(templateLabels(labelled), { team: 'payments', 'stagecoach.dev/product': 'cf-101', 'stagecoach.dev/environment': 'qa' });
  });
  it('works for an application without labels', () => {
    assert.deepEqual(templateLabels(app('a', 'p', 'dev')), { 'stagecoach.dev/product': 'p', 'stagecoach.dev/environment': 'dev' });
  });
});

describe('resolvePromotionTemplate', () => {
  const helm = template('helm', {
    applicationSourceSelector: { matchLabels: { chart: 'helm' } },
    priority: 10,
    versionSource: chart,
    promotion: { 'values.yaml': { jsonPaths: ['$..image.tag'] } },
  });

  const cases: [string, ResolvePromotionTemplateInput, ResolvedPromotionTemplate][] = [
    [
      'the inline template wins over matching templates',
      { product: product('cf-101', { promotionTemplate: { versionSource: values, promotion: { 'a.yaml': { jsonPaths: ['$.a'] } } } }), application, templates: [helm] },
      { template: { versionSource: values, promotion: { 'a.yaml': { jsonPaths: ['$.a'] } } }, sources: ['inline'], problems: [] },
    ],
    [
      'an empty inline template still wins: copy every common file',
      { product: product('cf-101', { promotionTemplate: {} }), application, templates: [helm] },
      { template: {}, sources: ['inline'], problems: [] },
    ],
    [
      'a reference wins over matching templates, even one without a selector',
      {
        product: product('cf-101', { promotionTemplateRef: 'by-ref' }),
        application,
        templates: [helm, template('by-ref', { versionSource: values })],
      },
      { template: { versionSource: values }, sources: ['by-ref'], problems: [] },
    ],
    [
      'an unknown reference is an error and gives the empty template',
      { product: product('cf-101', { promotionTemplateRef: 'gone' }), application, templates: [helm] },
      {
        template: {},
        sources: [],
        problems: [error('unknown-reference', 'spec.promotionTemplateRef', 'promotionTemplateRef names unknown promotion template "gone"', P)],
      },
    ],
    [
      'one matching template',
      { product: product('cf-101'), application, templates: [helm] },
      { template: { versionSource: chart, promotion: { 'values.yaml': { jsonPaths: ['$..image.tag'] } } }, sources: ['helm'], problems: [] },
    ],
    [
      'several match: the lowest priority number is the base; files it lacks come from the others; the base wins a file whole',
      {
        product: product('cf-101'),
        application,
        templates: [
          template('team', {
            applicationSourceSelector: { matchLabels: { team: 'payments' } },
            priority: 20,
            versionSource: values,
            promotion: { 'values.yaml': { jsonPaths: ['$.replicas'] }, 'Chart.yaml': { jsonPaths: ['$.version'] } },
          }),
          template('product', {
            applicationSourceSelector: { matchLabels: { 'stagecoach.dev/product': 'cf-101' } },
            priority: -5,
            promotion: { 'values.yaml': { jsonPaths: ['$.image.tag', '$.image.repository'] } },
          }),
          template('env', {
            applicationSourceSelector: { matchExpressions: [{ key: 'stagecoach.dev/environment', operator: 'In', values: ['qa', 'staging'] }] },
            versionSource: chart,
            promotion: { 'Chart.yaml': { jsonPaths: ['$.appVersion'] }, 'config.json': { jsonPaths: ['$.feature'] } },
          }),
          template('other-team', { applicationSourceSelector: { matchLabels: { team: 'search' } }, priority: -100, versionSource: values }),
          template('ref-only', { priority: -100, versionSource: values }),
        ],
      },
      {
        template: {
          versionSource: chart,
          promotion: {
            'values.yaml': { jsonPaths: ['$.image.tag', '$.image.repository'] },
            'Chart.yaml': { jsonPaths: ['$.appVersion'] },
            'config.json': { jsonPaths: ['$.feature'] },
          },
        },
        sources: ['product', 'env', 'team'],
        problems: [],
      },
    ],
    [
      'equal priorities: by name',
      {
        product: product('cf-101'),
        application,
        templates: [
          template('b', { applicationSourceSelector: {}, priority: 1, versionSource: values, promotion: { 'x.yaml': { jsonPaths: ['$.b'] } } }),
          template('a', { applicationSourceSelector: {}, priority: 1, versionSource: chart, promotion: { 'x.yaml': { jsonPaths: ['$.a'] } } }),
        ],
      },
      { template: { versionSource: chart, promotion: { 'x.yaml': { jsonPaths: ['$.a'] } } }, sources: ['a', 'b'], problems: [] },
    ],
    [
      'matching templates without promotion or version leave those out',
      { product: product('cf-101'), application, templates: [template('bare', { applicationSourceSelector: {} })] },
      { template: {}, sources: ['bare'], problems: [] },
    ],
    [
      'nothing applies: a warning and the empty template',
      { product: product('cf-101'), application, templates: [template('ref-only', { versionSource: chart }), template('search', { applicationSourceSelector: { matchLabels: { team: 'search' } } })] },
      {
        template: {},
        sources: [],
        problems: [
          warning(
            'no-promotion-template',
            '',
            'no promotion template applies to application "cf-101-qa": the product has no promotionTemplate or promotionTemplateRef, and no PromotionTemplate\'s applicationSourceSelector matches; every file present in both folders will be copied',
            P,
          ),
        ],
      },
    ],
  ];

  for (const [title, input, expected] of cases) {
    it(title, () => assert.deepEqual(resolvePromotionTemplate(input), expected));
  }

  it('a file named __proto__ is merged as a file', () => {
    // Built by hand: the schema drops such a key, but this function must not depend on that.
    const odd = template('odd', { applicationSourceSelector: {}, priority: 1 });
    odd.spec.promotion = JSON.parse('{"__proto__": {"jsonPaths": ["$.x"]}}');
    const base = template('base', { applicationSourceSelector: {}, priority: 0, promotion: { 'a.yaml': { jsonPaths: ['$.a'] } } });
    const { template: merged } = resolvePromotionTemplate({ product: product('cf-101'), application, templates: [odd, base] });
    assert.deepEqual(Object.keys(merged.promotion!), ['a.yaml', '__proto__']);
    assert.equal(Object.getPrototypeOf(merged.promotion), Object.prototype);
  });

  it('does not share objects with its input', () => {
    const inline = { versionSource: { ...chart }, promotion: { 'a.yaml': { jsonPaths: ['$.a'] } } };
    const result = resolvePromotionTemplate({ product: product('cf-101', { promotionTemplate: inline }), application, templates: [] });
    result.template.versionSource!.file = 'changed';
    result.template.promotion!['b.yaml'] = { jsonPaths: [] };
    const again = resolvePromotionTemplate({ product: product('cf-101', { promotionTemplate: inline }), application, templates: [] });
    assert.deepEqual(again.template, inline);
  });
});
