import type { Command } from '@commander-js/extra-typings';
import { findKind, KINDS, type Resource } from '@stagecoach/core';
import type { Context } from '../context.ts';
import { CliError, EXIT } from '../errors.ts';
import { parseFormat, table, toYamlDocuments } from '../output.ts';

/** The table columns of each kind, after NAME. */
function columns(resource: Resource): Record<string, string> {
  switch (resource.kind) {
    case 'Environment':
      return { KIND: resource.spec.kind, ORDER: resource.spec.order === undefined ? '' : String(resource.spec.order) };
    case 'Application':
      return {
        PRODUCT: resource.spec.product,
        ENVIRONMENT: resource.spec.environment,
        REPO: resource.spec.source.repoURL,
        BRANCH: resource.spec.source.targetRevision ?? 'HEAD',
        PATH: resource.spec.source.path,
      };
    case 'Product':
      return {
        TEMPLATE: resource.spec.promotionTemplateRef ?? (resource.spec.promotionTemplate ? 'inline' : ''),
        FLOWS: (resource.spec.promotionFlows ?? []).map((f) => f.name).join(','),
        CONCURRENCY: resource.spec.concurrency?.policy ?? 'queue',
      };
    case 'PromotionTemplate':
      return { PRIORITY: String(resource.spec.priority ?? 0), FILES: Object.keys(resource.spec.promotion ?? {}).join(',') || '(all)' };
    case 'PromotionFlow':
      return { TRIGGER: resource.spec.triggerEnvironment, STEPS: resource.spec.steps.map((s) => s.environment).join(','), TIMEOUT: resource.spec.timeout ?? '24h' };
    case 'PromotionPolicy':
      return {
        PRIORITY: String(resource.spec.priority),
        PRE: resource.spec.policy.preAction ?? '',
        ACTION: resource.spec.policy.action ?? '',
        POST: resource.spec.policy.postAction ?? '',
      };
    case 'WorkflowTemplate':
      return { ENTRYPOINT: resource.spec.entrypoint, DESCRIPTION: resource.metadata.annotations?.description ?? '' };
  }
}

export function renderTable(resources: Resource[]): string {
  if (resources.length === 0) return 'No resources found.\n';
  const first = columns(resources[0]!);
  const headers = ['NAME', ...Object.keys(first)];
  return table(headers, resources.map((r) => [r.metadata.name, ...Object.values(columns(r))]));
}

export function registerGet(program: Command, ctx: Context): void {
  program
    .command('get')
    .description(`list resources of a kind, or show one (kinds: ${KINDS.map((k) => k.plural).join(', ')})`)
    .argument('<kind>', 'kind, plural or short name, e.g. environments, flows, promotionflows')
    .argument('[name]', 'one resource by name')
    .option('-o, --output <format>', 'table, yaml or json', 'table')
    .action(async (kindWord, name, opts) => {
      const format = parseFormat(opts.output);
      const info = findKind(kindWord);
      if (!info) throw new CliError(`unknown kind "${kindWord}"; one of ${KINDS.map((k) => k.plural).join(', ')}`, EXIT.usage);
      const client = ctx.client();
      const resources = name
        ? [await client.request<Resource>('GET', `/api/v1/${info.plural}/${encodeURIComponent(name)}`)]
        : (await client.request<{ items: Resource[] }>('GET', `/api/v1/${info.plural}`)).items;
      if (format === 'table') ctx.io.out(renderTable(resources));
      else if (format === 'yaml') ctx.io.out(resources.length === 0 ? '' : toYamlDocuments(resources));
      else ctx.io.out(`${JSON.stringify(name ? resources[0] : { kind: 'List', items: resources }, null, 2)}\n`);
    });
}
