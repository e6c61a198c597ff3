import type { Product } from '@stagecoach/core';
import { describe, expect, it } from 'vitest';
import { anApplication, anEnvironment } from '../test/builders.ts';
import { describeSelector, move, productEnvironments, sameTemplate, settingsOf, templateOf, templateSettingsOf, withSettings, withTemplateSettings } from './model.ts';

const cf101: Product = {
  apiVersion: 'stagecoach.dev/v1alpha1',
  kind: 'Product',
  metadata: { name: 'cf-101', resourceVersion: '3' },
  spec: {
    promotionTemplateRef: 'helm-default',
    promotionFlows: [
      { name: 'parallel-regions', gitTriggerSelectors: [{ key: 'commitMessage', operator: 'In', values: ['*[promotion:parallel-regions]*'] }] },
      { name: 'env-dependencies' },
    ],
    concurrency: { policy: 'queue', queueLimit: 50 },
  },
};

describe('product settings', () => {
  it('reads a product into the form and writes it back unchanged', () => {
    const settings = settingsOf(cf101);
    expect(settings).toMatchObject({ templateMode: 'ref', templateRef: 'helm-default', concurrencyPolicy: 'queue', queueLimit: '50' });
    expect(settings.flows[0]).toEqual({ name: 'parallel-regions', selectors: [{ key: 'commitMessage', operator: 'In', values: '*[promotion:parallel-regions]*' }] });
    expect(withSettings(cf101, settings)).toEqual(cf101);
  });

  it('writes an inline template, one JSONPath a line, and leaves out empty fields', () => {
    const settings = {
      ...settingsOf(cf101),
      templateMode: 'inline' as const,
      versionFile: 'Chart.yaml',
      versionPath: '$.appVersion',
      properties: [{ file: 'values.yaml', paths: '$.image.tag\n\n $.replicas ' }, { file: ' ', paths: '' }],
      flows: [],
      concurrencyPolicy: '' as const,
      queueLimit: '',
    };
    expect(withSettings(cf101, settings).spec).toEqual({
      promotionTemplate: { versionSource: { file: 'Chart.yaml', jsonPath: '$.appVersion' }, promotion: { 'values.yaml': { jsonPaths: ['$.image.tag', '$.replicas'] } } },
    });
  });

  it('moves flows up and down, ignoring moves past the ends', () => {
    expect(move(['a', 'b', 'c'], 2, -1)).toEqual(['a', 'c', 'b']);
    expect(move(['a', 'b', 'c'], 0, -1)).toEqual(['a', 'b', 'c']);
    expect(move(['a', 'b', 'c'], 0, 1)).toEqual(['b', 'a', 'c']);
  });

  it('describes a selector', () => {
    expect(describeSelector({ key: 'commitMessage', operator: 'NotIn', values: ['*[skip promotion]*', 'wip'] })).toBe('commitMessage NotIn "*[skip promotion]*", "wip"');
  });
});

describe('the template of unsaved settings', () => {
  const edited = { ...settingsOf(cf101), templateMode: 'inline' as const, versionFile: ' values.yaml', versionPath: '$.image.tag ', flows: [], queueLimit: '0' };

  it('puts only the template fields of the form on the saved product', () => {
    expect(withTemplateSettings(cf101, templateSettingsOf(edited))).toEqual({
      ...cf101,
      spec: { promotionTemplate: { versionSource: { file: 'values.yaml', jsonPath: '$.image.tag' } }, promotionFlows: cf101.spec.promotionFlows, concurrency: cf101.spec.concurrency },
    });
    expect(withTemplateSettings(cf101, templateSettingsOf(settingsOf(cf101)))).toEqual(cf101);
  });

  it('compares templates as written, whatever the order of their keys', () => {
    const inline: Product = { ...cf101, spec: { promotionTemplate: { promotion: { 'Chart.yaml': { jsonPaths: ['$.version'] } }, versionSource: { file: 'Chart.yaml', jsonPath: '$.version' } } } };
    const form = withTemplateSettings(inline, templateSettingsOf(settingsOf(inline)));
    expect(JSON.stringify(templateOf(form))).not.toBe(JSON.stringify(templateOf(inline)));
    expect(sameTemplate(form, inline)).toBe(true);
    expect(sameTemplate(withTemplateSettings(cf101, templateSettingsOf(edited)), cf101)).toBe(false);
    expect(sameTemplate(withSettings(cf101, edited), withTemplateSettings(cf101, templateSettingsOf(edited)))).toBe(true);
    expect(sameTemplate(cf101, { ...cf101, spec: {} })).toBe(false);
    expect(templateOf(cf101)).toEqual({ promotionTemplateRef: 'helm-default' });
  });
});

describe('productEnvironments', () => {
  it('lists the environments of the product in dashboard order', () => {
    const applications = [anApplication('a-prod', 'cf-101', 'production'), anApplication('a-dev', 'cf-101', 'dev'), anApplication('other', 'web', 'qa'), anApplication('a-x', 'cf-101', 'zz')];
    const environments = [anEnvironment('production', 4, 'production'), anEnvironment('dev', 1), anEnvironment('qa', 2)];
    expect(productEnvironments('cf-101', applications, environments)).toEqual(['dev', 'production', 'zz']);
  });
});
