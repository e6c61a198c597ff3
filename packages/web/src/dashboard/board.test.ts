import { describe, expect, it } from 'vitest';
import { anApplication, anEnvironment, aProduct } from '../test/builders.ts';
import { applicationNames, buildBoard, filterBoard, sortEnvironments, summariseProducts, unplacedApplications } from './board.ts';

const dev = anEnvironment('dev', 1);
const qa = anEnvironment('qa', 2);
const staging = anEnvironment('staging', 2);
const production = anEnvironment('production', 3, 'production');

describe('sortEnvironments', () => {
  it('orders by spec.order, then by name, without touching the input', () => {
    const input = [production, staging, dev, qa];
    expect(sortEnvironments(input)).toEqual([dev, qa, staging, production]);
    expect(input).toEqual([production, staging, dev, qa]);
  });

  it('orders equal orders by code unit, not locale', () => {
    const a = anEnvironment('a-2', 1);
    const b = anEnvironment('a10', 1);
    expect(sortEnvironments([b, a]).map((environment) => environment.metadata.name)).toEqual(['a-2', 'a10']);
  });
});

describe('buildBoard', () => {
  it('gives one column per environment in order, with one card per product and sorted names', () => {
    const applications = [
      anApplication('cf-101-qa', 'cf-101', 'qa'),
      anApplication('web-dev-b', 'web', 'dev'),
      anApplication('cf-101-dev', 'cf-101', 'dev'),
      anApplication('web-dev-a', 'web', 'dev'),
      anApplication('web-prod', 'web', 'production'),
    ];

    expect(buildBoard([production, qa, dev, staging], applications)).toEqual([
      {
        environment: dev,
        products: [
          { product: 'cf-101', applications: ['cf-101-dev'] },
          { product: 'web', applications: ['web-dev-a', 'web-dev-b'] },
        ],
      },
      { environment: qa, products: [{ product: 'cf-101', applications: ['cf-101-qa'] }] },
      { environment: staging, products: [] },
      { environment: production, products: [{ product: 'web', applications: ['web-prod'] }] },
    ]);
  });

  it('leaves out applications of undeclared environments', () => {
    expect(buildBoard([dev], [anApplication('x-perf', 'x', 'perf')])).toEqual([
      { environment: dev, products: [] },
    ]);
  });

  it('gives no columns without environments', () => {
    expect(buildBoard([], [anApplication('x-dev', 'x', 'dev')])).toEqual([]);
  });
});

describe('unplacedApplications', () => {
  it('lists, by name, the applications whose environment is not declared', () => {
    const perfB = anApplication('b-perf', 'b', 'perf');
    const perfA = anApplication('a-perf', 'a', 'perf');
    expect(unplacedApplications([dev], [perfB, anApplication('a-dev', 'a', 'dev'), perfA])).toEqual([perfA, perfB]);
  });
});

describe('summariseProducts', () => {
  it('lists declared products by name with their application count across environments', () => {
    const applications = [
      anApplication('cf-101-dev', 'cf-101', 'dev'),
      anApplication('cf-101-qa', 'cf-101', 'qa'),
      anApplication('web-dev', 'web', 'dev'),
      anApplication('ghost-dev', 'ghost', 'dev'),
    ];
    expect(summariseProducts([aProduct('web'), aProduct('idle'), aProduct('cf-101')], applications)).toEqual([
      { name: 'cf-101', applicationCount: 2 },
      { name: 'idle', applicationCount: 0 },
      { name: 'web', applicationCount: 1 },
    ]);
  });
});

describe('filterBoard', () => {
  const columns = buildBoard(
    [dev, qa],
    [
      anApplication('cf-101-dev', 'cf-101', 'dev'),
      anApplication('cf-101-dev-eu', 'cf-101', 'dev'),
      anApplication('cf-101-qa', 'cf-101', 'qa'),
      anApplication('web-dev', 'web', 'dev'),
    ],
  );

  it('keeps everything without a filter', () => {
    expect(filterBoard(columns, { product: null, application: null })).toEqual(columns);
  });

  it('keeps only the chosen product, and every column', () => {
    expect(filterBoard(columns, { product: 'web', application: null })).toEqual([
      { environment: dev, products: [{ product: 'web', applications: ['web-dev'] }] },
      { environment: qa, products: [] },
    ]);
  });

  it('keeps only the card holding the chosen application, listing it alone', () => {
    expect(filterBoard(columns, { product: null, application: 'cf-101-dev-eu' })).toEqual([
      { environment: dev, products: [{ product: 'cf-101', applications: ['cf-101-dev-eu'] }] },
      { environment: qa, products: [] },
    ]);
  });

  it('lists the application names for the application filter', () => {
    expect(applicationNames(columns)).toEqual(['cf-101-dev', 'cf-101-dev-eu', 'cf-101-qa', 'web-dev']);
  });
});
