import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { formatProblem, loadResources, type LoadedResource, type Resource } from '@stagecoach/core';
import { stringify } from 'yaml';
import type { Result } from '../errors.ts';
import { ResourceService, type ApplyReport } from '../resources/service.ts';
import type { Store } from '../store/port.ts';
import { DEMO_BRANCH } from './git.ts';
import { DEMO_PRODUCTS } from './catalogue.ts';

/** The repository's `examples/` folder, which the demo applies. */
export const DEFAULT_EXAMPLES_DIR = join(import.meta.dirname, '..', '..', '..', '..', 'examples');

/** Kinds the demo takes from the examples unchanged; products and applications are made for the demo repositories. */
const TAKEN_AS_THEY_ARE: ReadonlySet<string> = new Set(['Environment', 'WorkflowTemplate', 'PromotionTemplate', 'PromotionFlow', 'PromotionPolicy']);

/** An example file that does not load: the demo stops rather than apply part of it. */
export class DemoExamplesError extends Error {
  readonly code = 'demo_examples_invalid';
}

function loadOrThrow(text: string, file: string): LoadedResource[] {
  const { resources, problems } = loadResources(text, file);
  const errors = problems.filter((p) => p.severity === 'error');
  if (errors.length > 0) throw new DemoExamplesError(`${file} does not load:\n${errors.map((p) => `  ${formatProblem(p)}`).join('\n')}`);
  return resources;
}

/** Every resource of the `*.yaml` files in `dir`, in file-name order, through the same loader `apply` uses. */
export async function loadExamples(dir: string = DEFAULT_EXAMPLES_DIR): Promise<LoadedResource[]> {
  let names: string[];
  try {
    names = (await readdir(dir)).filter((n) => n.endsWith('.yaml') || n.endsWith('.yml')).sort();
  } catch (e) {
    throw new DemoExamplesError(`cannot read the examples folder ${dir}: ${(e as Error).message}`);
  }
  const loaded: LoadedResource[] = [];
  for (const name of names) loaded.push(...loadOrThrow(await readFile(join(dir, name), 'utf8'), `examples/${name}`));
  return loaded;
}

/** The file name problems of the generated products and applications are reported under. */
export const DEMO_PRODUCTS_FILE = 'demo/products.yaml';

/**
 * The demo's resources: the examples' environments, workflow templates, promotion templates, flows
 * and policies as they are, then a Product and one Application per environment for each demo
 * product, reading from `repositories` (product → repository path). A product the examples
 * declare keeps its labels and spec; an example application of the same name keeps its labels and
 * destination, with its source pointed at the demo repository.
 */
export function demoResources(examples: readonly LoadedResource[], repositories: ReadonlyMap<string, string>): LoadedResource[] {
  const find = (kind: Resource['kind'], name: string) => examples.find((r) => r.resource.kind === kind && r.resource.metadata.name === name)?.resource;
  const documents: unknown[] = [];
  for (const product of DEMO_PRODUCTS) {
    const repoURL = repositories.get(product.name);
    if (repoURL === undefined) continue;
    const declared = find('Product', product.name);
    documents.push({
      apiVersion: 'stagecoach.dev/v1alpha1',
      kind: 'Product',
      metadata: declared ? { ...declared.metadata } : { name: product.name, labels: product.labels },
      spec: declared ? declared.spec : product.spec,
    });
    for (const environment of product.environments) {
      const name = `${product.name}-${environment}`;
      const example = find('Application', name);
      const spec = example?.kind === 'Application' ? example.spec : undefined;
      const production = environment === 'production' || environment.startsWith('production-');
      documents.push({
        apiVersion: 'stagecoach.dev/v1alpha1',
        kind: 'Application',
        metadata: { name, labels: example?.metadata.labels ?? { team: product.team } },
        spec: {
          product: product.name,
          environment,
          source: { repoURL, targetRevision: DEMO_BRANCH, path: `envs/${environment}` },
          destination: spec?.destination ?? { namespace: production ? product.name : name },
        },
      });
    }
  }
  const text = documents.map((d) => stringify(d)).join('---\n');
  const kept = examples.filter((r) => TAKEN_AS_THEY_ARE.has(r.resource.kind));
  return [...kept, ...loadOrThrow(text, DEMO_PRODUCTS_FILE)];
}

/** Who the demo's resources are applied as. */
const DEMO_ACTOR = { role: 'admin', name: 'demo' } as const;

/**
 * Applies the demo's resources to a server's store with the same resource service the API uses:
 * created, configured, or unchanged when a previous start already applied them.
 */
export function applyDemo(store: Store, resources: LoadedResource[], now: () => Date = () => new Date()): Promise<Result<ApplyReport>> {
  return new ResourceService(store, now).write(resources, DEMO_ACTOR, { mode: 'apply' });
}
