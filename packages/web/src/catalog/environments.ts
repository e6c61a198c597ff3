import type { Environment, EnvironmentKind } from '../resources.ts';

const apiVersion = 'stagecoach.dev/v1alpha1';

/** One Argo CD destination as the form edits it; `namespaces` is a comma-separated list (empty = all). */
export interface DestinationValues {
  server: string;
  name: string;
  namespaces: string;
}

/** The environment form's fields. `order` is `''` when the environment has none. */
export interface EnvironmentValues {
  name: string;
  kind: EnvironmentKind;
  order: number | '';
  destinations: DestinationValues[];
}

/** Which resource path each form field edits, to place the server's problems under it. */
export const environmentFieldPaths = {
  name: 'metadata.name',
  kind: 'spec.kind',
  order: 'spec.order',
  destinations: 'spec.argocd',
} as const;

/** The form for a new environment: non-production, ordered after `existing`. */
export function newEnvironmentValues(existing: readonly Environment[]): EnvironmentValues {
  const orders = existing.map((e) => e.spec.order).filter((o): o is number => o !== undefined);
  return { name: '', kind: 'non-production', order: orders.length === 0 ? 1 : Math.max(...orders) + 1, destinations: [] };
}

/** The form holding a stored environment. */
export function environmentValues(environment: Environment): EnvironmentValues {
  return {
    name: environment.metadata.name,
    kind: environment.spec.kind,
    order: environment.spec.order ?? '',
    destinations: (environment.spec.argocd?.destinations ?? []).map((d) => ({
      server: d.server,
      name: d.name ?? '',
      namespaces: (d.namespaces ?? []).join(', '),
    })),
  };
}

/** Splits a comma- or space-separated list, dropping empty entries. */
export function splitList(text: string): string[] {
  return text
    .split(/[,\s]+/)
    .map((part) => part.trim())
    .filter((part) => part !== '');
}

/**
 * The environment the form describes. `previous` (when editing) keeps the labels and annotations
 * the form does not show. Blank destination rows are dropped; with none left, `argocd` is left out.
 */
export function environmentFromValues(values: EnvironmentValues, previous?: Environment): Environment {
  const destinations = values.destinations
    .filter((d) => d.server.trim() !== '' || d.name.trim() !== '' || d.namespaces.trim() !== '')
    .map((d) => {
      const namespaces = splitList(d.namespaces);
      return {
        server: d.server.trim(),
        ...(d.name.trim() !== '' ? { name: d.name.trim() } : {}),
        ...(namespaces.length > 0 ? { namespaces } : {}),
      };
    });
  const { labels, annotations } = previous?.metadata ?? {};
  return {
    apiVersion,
    kind: 'Environment',
    metadata: { name: values.name.trim(), ...(labels ? { labels } : {}), ...(annotations ? { annotations } : {}) },
    spec: {
      kind: values.kind,
      ...(values.order !== '' ? { order: values.order } : {}),
      ...(destinations.length > 0 ? { argocd: { destinations } } : {}),
    },
  };
}

/** One line per destination for the list: `in-cluster → dev, qa` (all namespaces when none are named). */
export function describeDestinations(environment: Environment): string[] {
  return (environment.spec.argocd?.destinations ?? []).map((d) => {
    const target = d.name !== undefined && d.name !== '' ? `${d.name} (${d.server})` : d.server;
    const namespaces = d.namespaces !== undefined && d.namespaces.length > 0 ? d.namespaces.join(', ') : 'all namespaces';
    return `${target} → ${namespaces}`;
  });
}
