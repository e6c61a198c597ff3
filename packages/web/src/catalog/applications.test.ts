import { describe, expect, it } from 'vitest';
import { anApplication } from '../test/builders.ts';
import { applicationFromValues, applicationValues, filterApplications, formatLabels, newApplicationValues, parseLabels } from './applications.ts';

describe('application form values', () => {
  it('reads labels one a line or comma-separated, and reports entries it cannot read', () => {
    expect(parseLabels('team=core\n tier = web , broken,=x\n')).toEqual({ labels: { team: 'core', tier: 'web' }, invalid: ['broken', '=x'] });
    expect(formatLabels({ tier: 'web', team: 'core' })).toBe('team=core\ntier=web');
  });

  it('turns a new form into an application, leaving empty fields out', () => {
    const values = { ...newApplicationValues({ product: 'cf-101', environment: 'perf' }), name: 'cf-101-perf', repoURL: ' /repos/cf-101.git ', path: 'envs/perf' };
    expect(applicationFromValues(values)).toEqual({
      apiVersion: 'stagecoach.dev/v1alpha1',
      kind: 'Application',
      metadata: { name: 'cf-101-perf' },
      spec: { product: 'cf-101', environment: 'perf', source: { repoURL: '/repos/cf-101.git', path: 'envs/perf' } },
    });
  });

  it('keeps what the form does not show when editing', () => {
    const stored = anApplication('cf-101-qa', 'cf-101', 'qa');
    stored.metadata.annotations = { note: 'x' };
    stored.spec.destination = { server: 'https://k', namespace: 'cf' };
    stored.spec.argocd = { name: 'cf-101-qa', namespace: 'argocd' };
    const values = applicationValues(stored);
    expect(values).toMatchObject({ targetRevision: 'main', namespace: 'cf', argocdName: 'cf-101-qa', labels: '' });
    const edited = applicationFromValues({ ...values, namespace: 'cf-2', labels: 'team=core' }, stored);
    expect(edited.metadata).toEqual({ name: 'cf-101-qa', labels: { team: 'core' }, annotations: { note: 'x' } });
    expect(edited.spec.destination).toEqual({ server: 'https://k', namespace: 'cf-2' });
    expect(edited.spec.argocd).toEqual({ name: 'cf-101-qa', namespace: 'argocd' });
  });
});

describe('filterApplications', () => {
  const apps = [
    anApplication('web-portal-prod', 'web-portal', 'production'),
    anApplication('cf-101-qa', 'cf-101', 'qa'),
    anApplication('cf-101-dev', 'cf-101', 'dev'),
    anApplication('cf-101-x', 'cf-101', 'unknown'),
  ];

  it('orders by product, then environment order, then name', () => {
    expect(filterApplications(apps, {}, ['dev', 'qa', 'production']).map((a) => a.metadata.name)).toEqual(['cf-101-dev', 'cf-101-qa', 'cf-101-x', 'web-portal-prod']);
  });

  it('keeps only the product and environment asked for', () => {
    expect(filterApplications(apps, { product: 'cf-101', environment: 'qa' }).map((a) => a.metadata.name)).toEqual(['cf-101-qa']);
    expect(filterApplications(apps, { environment: 'production' }).map((a) => a.metadata.name)).toEqual(['web-portal-prod']);
  });
});
