import type { DeploymentObservation, HealthState, SyncState } from '@stagecoach/core';
import type { EnvironmentColumn } from './board.ts';

/** The newest commit that touched an application's folder. */
export interface LastChange {
  sha: string;
  author: { name: string; email: string; date: string };
  message: string;
}

/** What Argo CD reports for an application it deploys; Unknown with a message when it could not be asked. */
export type Deployment = DeploymentObservation;
export type { HealthState, SyncState } from '@stagecoach/core';

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
  /** Sync and health, for an application Argo CD deploys; absent for one deployed from Git alone. */
  deployment?: Deployment;
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
 * What one card reads from the version index: its product's applications in its environment,
 * why its product's versions could not be read, or undefined while they load.
 */
export type CardEntry = readonly ApplicationVersion[] | VersionsFailure | undefined;

const noApplications: readonly ApplicationVersion[] = [];

/** The card's part of its product's entry in the version index. */
export function productCardEntry(versions: ProductVersions | VersionsFailure | undefined, environment: string): CardEntry {
  if (versions === undefined || 'error' in versions) return versions;
  return versions.environments.find((entry) => entry.environment === environment)?.applications ?? noApplications;
}

/**
 * The version a card shows: the one version of its applications, or the distinct ones joined
 * by ", " when they differ. Unknown when no application's version could be read (the first
 * reason is given); loading until the product's versions arrive.
 */
export function cardVersion(index: VersionIndex, product: string, environment: string): CardVersion {
  return productCardVersion(productCardEntry(index.get(product), environment));
}

/** The version a card shows (see `cardVersion`) from its entry. */
export function productCardVersion(entry: CardEntry): CardVersion {
  if (entry === undefined) return { state: 'loading' };
  if ('error' in entry) return { state: 'unknown', reason: entry.error };
  const known = [...new Set(entry.flatMap((application) => (application.version === undefined ? [] : [application.version])))];
  if (known.length > 0) return { state: 'known', label: known.join(', ') };
  const reason = entry.find((application) => application.reason !== undefined)?.reason;
  return { state: 'unknown', reason: reason ?? 'no application of this product reported a version' };
}

/**
 * Health from the healthiest to the worst, as a card sums up its applications: a known problem
 * (Degraded, Missing) outranks a state that could not be read (Unknown).
 */
const HEALTH_ORDER: readonly HealthState[] = ['Healthy', 'Suspended', 'Progressing', 'Unknown', 'Missing', 'Degraded'];

/** What a card shows of its applications' deployments. */
export interface CardDeployment {
  /** The worst health among the card's applications that report a deployment (see `HEALTH_ORDER`). */
  health: HealthState;
  /** OutOfSync when any of them is, else Unknown when any is, else Synced. */
  sync: SyncState;
  /** Why the worst one is in that state: Argo CD's message, after the application's name when the card has several. */
  message?: string;
}

/** The card's deployment summary; undefined when none of its applications reports a deployment (Git alone, or not read yet). */
export function cardDeployment(entry: CardEntry): CardDeployment | undefined {
  if (entry === undefined || 'error' in entry) return undefined;
  let worst: ApplicationVersion | undefined;
  let sync: SyncState = 'Synced';
  for (const application of entry) {
    const deployment = application.deployment;
    if (deployment === undefined) continue;
    if (worst === undefined || HEALTH_ORDER.indexOf(deployment.health) > HEALTH_ORDER.indexOf(worst.deployment!.health)) worst = application;
    if (deployment.sync === 'OutOfSync' || (deployment.sync === 'Unknown' && sync === 'Synced')) sync = deployment.sync;
  }
  if (worst === undefined) return undefined;
  const { health, message } = worst.deployment!;
  const said = message === undefined ? undefined : entry.length > 1 ? `${worst.application}: ${message}` : message;
  return { health, sync, ...(said !== undefined ? { message: said } : {}) };
}

function sameApplicationVersion(a: ApplicationVersion, b: ApplicationVersion): boolean {
  if (a === b) return true;
  const ca = a.lastChange;
  const cb = b.lastChange;
  const da = a.deployment;
  const db = b.deployment;
  return (
    a.application === b.application &&
    a.environment === b.environment &&
    a.branch === b.branch &&
    a.version === b.version &&
    a.reason === b.reason &&
    a.commit === b.commit &&
    (ca === cb ||
      (ca !== undefined &&
        cb !== undefined &&
        ca.sha === cb.sha &&
        ca.message === cb.message &&
        ca.author.name === cb.author.name &&
        ca.author.email === cb.author.email &&
        ca.author.date === cb.author.date)) &&
    (da === db || (da !== undefined && db !== undefined && da.sync === db.sync && da.health === db.health && da.revision === db.revision && da.message === db.message))
  );
}

/**
 * Whether two entries of a card show the same: the same applications with the same version,
 * reason, commit, last change and deployment, or the same failure. A new answer for the product
 * (a version event, a periodic read of sync and health) re-renders only the cards it changed.
 */
export function sameCardEntry(a: CardEntry, b: CardEntry): boolean {
  if (a === b) return true;
  if (a === undefined || b === undefined) return false;
  if ('error' in a || 'error' in b) return 'error' in a && 'error' in b && a.error === b.error;
  return a.length === b.length && a.every((application, i) => sameApplicationVersion(application, b[i]!));
}

/** Whether any application of the answer reports a deployment (then sync and health are worth reading again). */
export function reportsDeployment(versions: readonly ProductVersions[] | undefined): boolean {
  return versions?.some((entry) => entry.environments.some((environment) => environment.applications.some((application) => application.deployment !== undefined))) ?? false;
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
  /** Applications that report a deployment (Argo CD deploys them); the three counts below are among these. */
  deployed: number;
  /** Deployed applications whose health is Healthy. */
  healthy: number;
  /** Deployed applications whose health is Degraded. */
  degraded: number;
  /** Deployed applications that are OutOfSync. */
  outOfSync: number;
}

/**
 * The summary of one column: applications with and without a readable version, how many of its
 * products are being promoted into it (`promoting`: product names per environment), and the
 * health and sync of the applications that report a deployment.
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
  let deployed = 0;
  let healthy = 0;
  let degraded = 0;
  let outOfSync = 0;
  for (const card of column.products) {
    if (!index.has(card.product)) {
      loading += card.applications.length;
      continue;
    }
    const byName = new Map(applicationVersions(index, card.product, environment).map((entry) => [entry.application, entry]));
    for (const name of card.applications) {
      const entry = byName.get(name);
      if (entry?.version !== undefined) versioned++;
      else unknown++;
      const deployment = entry?.deployment;
      if (deployment === undefined) continue;
      deployed++;
      if (deployment.health === 'Healthy') healthy++;
      else if (deployment.health === 'Degraded') degraded++;
      if (deployment.sync === 'OutOfSync') outOfSync++;
    }
  }
  const active = promoting.get(environment);
  const count = active === undefined ? 0 : column.products.filter((card) => active.has(card.product)).length;
  return { versioned, unknown, loading, promoting: count, deployed, healthy, degraded, outOfSync };
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
