// Builders of valid resources for core tests. Each goes through its kind's schema, so a test can
// never run on data `apply` would refuse.
import {
  Application,
  Environment,
  Product,
  PromotionFlow,
  PromotionPolicy,
  PromotionTemplate,
  STAGECOACH_API_VERSION,
  ARGO_API_VERSION,
  WorkflowTemplate,
} from '../resources/schemas.ts';
import type { z } from 'zod';

const meta = (name: string, labels?: Record<string, string>) => ({ name, ...(labels ? { labels } : {}) });

export function env(name: string, kind: 'non-production' | 'production' = 'non-production'): Environment {
  return Environment.parse({ apiVersion: STAGECOACH_API_VERSION, kind: 'Environment', metadata: meta(name), spec: { kind } });
}

export function app(name: string, product: string, environment: string, labels?: Record<string, string>): Application {
  return Application.parse({
    apiVersion: STAGECOACH_API_VERSION,
    kind: 'Application',
    metadata: meta(name, labels),
    spec: { product, environment, source: { repoURL: `https://git.example/org/${product}.git`, targetRevision: 'main', path: `envs/${environment}` } },
  });
}

export function product(name: string, spec: z.input<typeof Product>['spec'] = {}): Product {
  return Product.parse({ apiVersion: STAGECOACH_API_VERSION, kind: 'Product', metadata: meta(name), spec });
}

export function flow(name: string, spec: z.input<typeof PromotionFlow>['spec']): PromotionFlow {
  return PromotionFlow.parse({ apiVersion: STAGECOACH_API_VERSION, kind: 'PromotionFlow', metadata: meta(name), spec });
}

export function policy(
  name: string,
  priority: number,
  settings: z.input<typeof PromotionPolicy>['spec']['policy'],
  selector?: z.input<typeof PromotionPolicy>['spec']['selector'],
): PromotionPolicy {
  return PromotionPolicy.parse({
    apiVersion: STAGECOACH_API_VERSION,
    kind: 'PromotionPolicy',
    metadata: meta(name),
    spec: { priority, ...(selector ? { selector } : {}), policy: settings },
  });
}

export function template(name: string, spec: z.input<typeof PromotionTemplate>['spec']): PromotionTemplate {
  return PromotionTemplate.parse({ apiVersion: STAGECOACH_API_VERSION, kind: 'PromotionTemplate', metadata: meta(name), spec });
}

export function workflow(name: string): WorkflowTemplate {
  return WorkflowTemplate.parse({
    apiVersion: ARGO_API_VERSION,
    kind: 'WorkflowTemplate',
    metadata: meta(name),
    spec: { entrypoint: 'main', templates: [{ name: 'main', script: { image: 'alpine', command: ['sh'], source: 'true' } }] },
  });
}
