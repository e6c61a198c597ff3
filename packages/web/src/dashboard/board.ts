import type { Application, Environment, Product } from '../resources.ts';

/** One product's applications within one environment column, names sorted. */
export interface ProductCard {
  product: string;
  applications: string[];
}

/** One dashboard column: an environment and a card per product that has applications in it. */
export interface EnvironmentColumn {
  environment: Environment;
  /** Sorted by product name; empty when no application lives in the environment. */
  products: ProductCard[];
}

/** A declared product and how many applications (across all environments) belong to it. */
export interface ProductSummary {
  name: string;
  applicationCount: number;
}

// Plain code-unit order: names are lowercase DNS-1123 labels, and the result must not depend
// on the browser's locale.
function compareNames(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Environments in dashboard order: `spec.order` ascending, environments without an order last,
 * then by name. Does not mutate.
 */
export function sortEnvironments(environments: readonly Environment[]): Environment[] {
  const order = (e: Environment) => e.spec.order ?? Number.POSITIVE_INFINITY;
  return [...environments].sort((a, b) => {
    const byOrder = order(a) - order(b);
    return (Number.isNaN(byOrder) ? 0 : byOrder) || compareNames(a.metadata.name, b.metadata.name);
  });
}

/**
 * The dashboard columns: one per environment in dashboard order, each with its applications
 * grouped by product. Applications naming an undeclared environment are left out (see
 * `unplacedApplications`).
 */
export function buildBoard(
  environments: readonly Environment[],
  applications: readonly Application[],
): EnvironmentColumn[] {
  const byEnvironment = new Map<string, Map<string, string[]>>();
  for (const application of applications) {
    const { environment, product } = application.spec;
    let products = byEnvironment.get(environment);
    if (products === undefined) {
      products = new Map();
      byEnvironment.set(environment, products);
    }
    const names = products.get(product);
    if (names === undefined) products.set(product, [application.metadata.name]);
    else names.push(application.metadata.name);
  }

  return sortEnvironments(environments).map((environment) => {
    const products = byEnvironment.get(environment.metadata.name) ?? new Map<string, string[]>();
    const cards = [...products]
      .map(([product, names]) => ({ product, applications: [...names].sort(compareNames) }))
      .sort((a, b) => compareNames(a.product, b.product));
    return { environment, products: cards };
  });
}

/** Applications whose `spec.environment` names no declared environment, sorted by name. */
export function unplacedApplications(
  environments: readonly Environment[],
  applications: readonly Application[],
): Application[] {
  const declared = new Set(environments.map((environment) => environment.metadata.name));
  return applications
    .filter((application) => !declared.has(application.spec.environment))
    .sort((a, b) => compareNames(a.metadata.name, b.metadata.name));
}

/** Every declared product, sorted by name, with its number of applications. */
export function summariseProducts(
  products: readonly Product[],
  applications: readonly Application[],
): ProductSummary[] {
  const counts = new Map<string, number>();
  for (const application of applications) {
    counts.set(application.spec.product, (counts.get(application.spec.product) ?? 0) + 1);
  }
  return products
    .map((product) => ({
      name: product.metadata.name,
      applicationCount: counts.get(product.metadata.name) ?? 0,
    }))
    .sort((a, b) => compareNames(a.name, b.name));
}

/** What the board shows: one product, one application, or everything (null). */
export interface BoardFilter {
  product: string | null;
  application: string | null;
}

/**
 * The columns narrowed to the filter: cards of the chosen product, and cards holding the chosen
 * application (listing only it). Every column stays, so the board keeps its shape.
 */
export function filterBoard(columns: readonly EnvironmentColumn[], filter: BoardFilter): EnvironmentColumn[] {
  return columns.map((column) => ({
    environment: column.environment,
    products: column.products.flatMap((card) => {
      if (filter.product !== null && card.product !== filter.product) return [];
      if (filter.application === null) return [card];
      return card.applications.includes(filter.application) ? [{ ...card, applications: [filter.application] }] : [];
    }),
  }));
}

/** Every application name on the board, sorted, for the application filter. */
export function applicationNames(columns: readonly EnvironmentColumn[]): string[] {
  return [...new Set(columns.flatMap((column) => column.products.flatMap((card) => card.applications)))].sort(compareNames);
}
