import type { Command } from '@commander-js/extra-typings';
import type { Context } from '../context.ts';
import { parseFormat, table, toYaml } from '../output.ts';

interface Versions {
  product: string;
  environments: {
    environment: string;
    applications: {
      application: string;
      version?: string;
      reason?: string;
      branch: string;
      commit?: string;
      lastChange?: { sha: string; author: { name: string; email: string; date: string }; message: string };
      /** Argo CD's view, for applications it deploys. */
      deployment?: { sync: string; health: string; revision?: string; message?: string };
    }[];
  }[];
}

/**
 * One row per application: version and the last change to its folder; SYNC and HEALTH columns
 * too when Argo CD deploys any of them (`-` for the applications it does not).
 */
export function renderVersions(v: Versions): string {
  const argo = v.environments.some((e) => e.applications.some((a) => a.deployment !== undefined));
  const rows = v.environments.flatMap((e) =>
    e.applications.map((a) => [
      e.environment,
      a.application,
      a.version ?? `unknown (${a.reason ?? 'no reason given'})`,
      ...(argo ? [a.deployment?.sync ?? '-', a.deployment?.health ?? '-'] : []),
      a.lastChange ? a.lastChange.sha.slice(0, 12) : '-',
      a.lastChange ? a.lastChange.author.name : '-',
      a.lastChange ? a.lastChange.author.date : '-',
      a.lastChange ? (a.lastChange.message.split('\n')[0] ?? '') : '-',
    ]),
  );
  return table(['ENVIRONMENT', 'APPLICATION', 'VERSION', ...(argo ? ['SYNC', 'HEALTH'] : []), 'COMMIT', 'AUTHOR', 'DATE', 'MESSAGE'], rows);
}

export function registerVersions(program: Command, ctx: Context): void {
  program
    .command('versions')
    .description("a product's version in every environment, with the last change to each application's folder (and Argo CD's sync and health where it deploys)")
    .argument('<product>', 'product name')
    .option('-o, --output <format>', 'table, yaml or json', 'table')
    .action(async (product, opts) => {
      const format = parseFormat(opts.output);
      const versions = await ctx.client().request<Versions>('GET', `/api/v1/products/${encodeURIComponent(product)}/versions`);
      if (format === 'json') ctx.io.out(`${JSON.stringify(versions, null, 2)}\n`);
      else if (format === 'yaml') ctx.io.out(toYaml(versions));
      else ctx.io.out(renderVersions(versions));
    });
}
