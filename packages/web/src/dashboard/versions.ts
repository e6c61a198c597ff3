import type { EnvironmentColumn } from './board.ts';

/** The newest commit that touched an application's folder. */
export interface LastChange {
  sha: string;
  author: { name: string; email: string; date: string };
  message: string;
}

/** One application's version at the tip of its branch, as `GET /api/v1/products/{name}/versions` gives it. */
export interface ApplicationVersion {
  application: string;
  environment: string;
  branch: string;
  /** Absent when it could not be read; `reason` then says why. */
  version?: string;
  reason?: string;
  /** The branch tip read. */
  commit?: string;
  lastChange?: LastChange;
}

/** The body of `GET /api/v1/products/{name}/versions`. */
export interface ProductVersions {
  product: string;
  environments: { environment: string; applications: ApplicationVersion[] }[];
}

/** Why a product's versions could not be loaded. */
export interface VersionsFailure {
  error: string;
}

/** Versions of every product by product name, or why they could not be read; a product still loading is absent. */
export type VersionIndex = ReadonlyMap<string, ProductVersions | VersionsFailure>;

/** What a card shows as its version. */
export type CardVersion =
  | { state: 'loading' }
  | { state: 'known'; label: string }
  | { state: 'unknown'; reason: string };

/** The versions of one product's applications in one environment, by application name. */
export function applicationVersions(index: VersionIndex, product: string, environment: string): ApplicationVersion[] {
  const versions = index.get(product);
  if (versions === undefined || 'error' in versions) return [];
  const found = versions.environments.find((entry) => entry.environment === environment);
  return found === undefined ? [] : found.applications;
}

/**
 * The version a card shows: the one version of its applications, or the distinct ones joined
 * by ", " when they differ. Unknown when no application's version could be read (the first
 * reason is given); loading until the product's versions arrive.
 */
export function cardVersion(index: VersionIndex, product: string, environment: string): CardVersion {
  return productCardVersion(index.get(product), environment);
}

/** The version a card shows (see `cardVersion`) from its product's entry in the version index. */
export function productCardVersion(versions: ProductVersions | VersionsFailure | undefined, environment: string): CardVersion {
  if (versions === undefined) return { state: 'loading' };
  if ('error' in versions) return { state: 'unknown', reason: versions.error };
  const applications = versions.environments.find((entry) => entry.environment === environment)?.applications ?? [];
  const known = [...new Set(applications.flatMap((application) => (application.version === undefined ? [] : [application.version])))];
  if (known.length > 0) return { state: 'known', label: known.join(', ') };
  const reason = applications.find((application) => application.reason !== undefined)?.reason;
  return { state: 'unknown', reason: reason ?? 'no application of this product reported a version' };
}

/** Whether two entries of the version index show the same: the same answer, or the same failure. */
export function sameVersionEntry(
  a: ProductVersions | VersionsFailure | undefined,
  b: ProductVersions | VersionsFailure | undefined,
): boolean {
  if (a === b) return true;
  return a !== undefined && b !== undefined && 'error' in a && 'error' in b && a.error === b.error;
}

/** Counts shown under a column heading. */
export interface ColumnSummary {
  /** Applications whose version was read. */
  versioned: number;
  /** Applications whose version could not be read. */
  unknown: number;
  /** Applications whose product's versions have not arrived yet. */
  loading: number;
  /** Products with a release promoting into this environment right now. */
  promoting: number;
}

/**
 * The summary of one column: applications with and without a readable version, and how many
 * of its products are being promoted into it (`promoting`: product names per environment).
 */
export function summariseColumn(
  column: EnvironmentColumn,
  index: VersionIndex,
  promoting: ReadonlyMap<string, ReadonlySet<string>>,
): ColumnSummary {
  const environment = column.environment.metadata.name;
  let versioned = 0;
  let unknown = 0;
  let loading = 0;
  for (const card of column.products) {
    if (!index.has(card.product)) {
      loading += card.applications.length;
      continue;
    }
    const byName = new Map(applicationVersions(index, card.product, environment).map((entry) => [entry.application, entry]));
    for (const name of card.applications) {
      if (byName.get(name)?.version !== undefined) versioned++;
      else unknown++;
    }
  }
  const active = promoting.get(environment);
  const count = active === undefined ? 0 : column.products.filter((card) => active.has(card.product)).length;
  return { versioned, unknown, loading, promoting: count };
}

/** A release as listed by `GET /api/v1/releases`, only the fields the board reads. */
export interface ActiveRelease {
  product: string;
  steps: { environment: string; status: string }[];
}

const inFlight = new Set(['Running', 'Suspended']);

/**
 * Which products are being promoted into each environment: the environments of Running or
 * Suspended steps of the given releases, with the products concerned.
 */
export function promotingByEnvironment(releases: readonly ActiveRelease[]): Map<string, Set<string>> {
  const result = new Map<string, Set<string>>();
  for (const release of releases) {
    for (const step of release.steps) {
      if (!inFlight.has(step.status)) continue;
      let products = result.get(step.environment);
      if (products === undefined) {
        products = new Set();
        result.set(step.environment, products);
      }
      products.add(release.product);
    }
  }
  return result;
}
