import type { Application, Environment, Product, PromotionPolicy, PromotionTemplate, Resource } from '@stagecoach/core';

/** The stored resources a promotion needs, indexed by name. */
export interface World {
  environments: Map<string, Environment>;
  products: Map<string, Product>;
  applications: Application[];
  templates: PromotionTemplate[];
  policies: PromotionPolicy[];
}

export function buildWorld(resources: readonly Resource[]): World {
  const world: World = { environments: new Map(), products: new Map(), applications: [], templates: [], policies: [] };
  for (const r of resources) {
    switch (r.kind) {
      case 'Environment':
        world.environments.set(r.metadata.name, r);
        break;
      case 'Product':
        world.products.set(r.metadata.name, r);
        break;
      case 'Application':
        world.applications.push(r);
        break;
      case 'PromotionTemplate':
        world.templates.push(r);
        break;
      case 'PromotionPolicy':
        world.policies.push(r);
        break;
      default:
        break;
    }
  }
  return world;
}

/** The product's applications in one environment, by name. */
export function applicationsIn(world: World, product: string, environment: string): Application[] {
  return world.applications
    .filter((a) => a.spec.product === product && a.spec.environment === environment)
    .sort((a, b) => (a.metadata.name < b.metadata.name ? -1 : 1));
}

export { applicationBranch, applicationFolder } from '@stagecoach/core';

/** A path inside the application folder, as a repository path. */
export function repoPath(folder: string, relative: string): string {
  return folder ? `${folder}/${relative}` : relative;
}
