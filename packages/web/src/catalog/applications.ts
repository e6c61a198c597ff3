import type { Application } from '../resources.ts';

const apiVersion = 'stagecoach.dev/v1alpha1';

/** The application form's fields; empty strings stand for fields left out. */
export interface ApplicationValues {
  name: string;
  product: string;
  environment: string;
  repoURL: string;
  /** The branch promotions commit to; empty = Argo CD's `HEAD`. */
  targetRevision: string;
  path: string;
  namespace: string;
  argocdName: string;
  /** One `key=value` a line (commas also separate). */
  labels: string;
}

/** Which resource path each form field edits, to place the server's problems under it. */
export const applicationFieldPaths = {
  name: 'metadata.name',
  labels: 'metadata.labels',
  product: 'spec.product',
  environment: 'spec.environment',
  repoURL: 'spec.source.repoURL',
  targetRevision: 'spec.source.targetRevision',
  path: 'spec.source.path',
  namespace: 'spec.destination',
  argocdName: 'spec.argocd',
} as const;

/** The form for a new application, with the list's filters as its product and environment. */
export function newApplicationValues(defaults: { product?: string | undefined; environment?: string | undefined } = {}): ApplicationValues {
  return {
    name: '',
    product: defaults.product ?? '',
    environment: defaults.environment ?? '',
    repoURL: '',
    targetRevision: '',
    path: '',
    namespace: '',
    argocdName: '',
    labels: '',
  };
}

/** The form holding a stored application. */
export function applicationValues(application: Application): ApplicationValues {
  const { spec, metadata } = application;
  return {
    name: metadata.name,
    product: spec.product,
    environment: spec.environment,
    repoURL: spec.source.repoURL,
    targetRevision: spec.source.targetRevision ?? '',
    path: spec.source.path,
    namespace: spec.destination?.namespace ?? '',
    argocdName: spec.argocd?.name ?? '',
    labels: formatLabels(metadata.labels ?? {}),
  };
}

/** Labels as the form shows them: `key=value`, one a line, in key order. */
export function formatLabels(labels: Record<string, string>): string {
  return Object.keys(labels)
    .sort()
    .map((key) => `${key}=${labels[key]}`)
    .join('\n');
}

/**
 * Reads `key=value` pairs separated by new lines or commas. Entries without `=` or with an empty
 * key are returned in `invalid`, so the form can say which it could not read.
 */
export function parseLabels(text: string): { labels: Record<string, string>; invalid: string[] } {
  const labels: Record<string, string> = {};
  const invalid: string[] = [];
  for (const entry of text.split(/[\n,]/)) {
    const trimmed = entry.trim();
    if (trimmed === '') continue;
    const at = trimmed.indexOf('=');
    const key = at < 0 ? '' : trimmed.slice(0, at).trim();
    if (key === '') invalid.push(trimmed);
    else labels[key] = trimmed.slice(at + 1).trim();
  }
  return { labels, invalid };
}

/**
 * The application the form describes. `previous` (when editing) keeps what the form does not
 * show: annotations, the destination server and the Argo CD namespace.
 */
export function applicationFromValues(values: ApplicationValues, previous?: Application): Application {
  const { labels } = parseLabels(values.labels);
  const server = previous?.spec.destination?.server;
  const argocdNamespace = previous?.spec.argocd?.namespace;
  const annotations = previous?.metadata.annotations;
  const text = (value: string) => value.trim();
  const destination = {
    ...(server !== undefined ? { server } : {}),
    ...(text(values.namespace) !== '' ? { namespace: text(values.namespace) } : {}),
  };
  return {
    apiVersion,
    kind: 'Application',
    metadata: {
      name: text(values.name),
      ...(Object.keys(labels).length > 0 ? { labels } : {}),
      ...(annotations ? { annotations } : {}),
    },
    spec: {
      product: values.product,
      environment: values.environment,
      source: {
        repoURL: text(values.repoURL),
        ...(text(values.targetRevision) !== '' ? { targetRevision: text(values.targetRevision) } : {}),
        path: text(values.path),
      },
      ...(Object.keys(destination).length > 0 ? { destination } : {}),
      ...(text(values.argocdName) !== ''
        ? { argocd: { name: text(values.argocdName), ...(argocdNamespace !== undefined ? { namespace: argocdNamespace } : {}) } }
        : {}),
    },
  };
}

/** The list's filters; undefined = any. */
export interface ApplicationFilter {
  product?: string | undefined;
  environment?: string | undefined;
}

/**
 * The applications matching `filter`, by product, then by environment in `environmentOrder`
 * (names it does not hold last), then by name.
 */
export function filterApplications(applications: readonly Application[], filter: ApplicationFilter, environmentOrder: readonly string[] = []): Application[] {
  const rank = (environment: string) => {
    const index = environmentOrder.indexOf(environment);
    return index < 0 ? environmentOrder.length : index;
  };
  const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  return applications
    .filter((a) => (filter.product === undefined || a.spec.product === filter.product) && (filter.environment === undefined || a.spec.environment === filter.environment))
    .sort(
      (a, b) =>
        compare(a.spec.product, b.spec.product) ||
        rank(a.spec.environment) - rank(b.spec.environment) ||
        compare(a.spec.environment, b.spec.environment) ||
        compare(a.metadata.name, b.metadata.name),
    );
}
