import type { Application, Environment, EnvironmentKind, Product } from '../resources.ts';

const apiVersion = 'stagecoach.dev/v1alpha1';

function metadata(name: string) {
  return { name, resourceVersion: '1', creationTimestamp: '2026-01-01T00:00:00Z' };
}

export function anEnvironment(name: string, order: number, kind: EnvironmentKind = 'non-production'): Environment {
  return { apiVersion, kind: 'Environment', metadata: metadata(name), spec: { kind, order } };
}

export function anApplication(name: string, product: string, environment: string): Application {
  return {
    apiVersion,
    kind: 'Application',
    metadata: metadata(name),
    spec: {
      product,
      environment,
      source: { repoURL: `https://git.example/org/${product}.git`, targetRevision: 'main', path: `envs/${environment}` },
    },
  };
}

export function aProduct(name: string): Product {
  return { apiVersion, kind: 'Product', metadata: metadata(name), spec: {} };
}
