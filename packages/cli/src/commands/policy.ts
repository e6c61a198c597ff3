import type { Command } from '@commander-js/extra-typings';
import { formatProblem, type Problem } from '@stagecoach/core';
import type { Context } from '../context.ts';
import { parseFormat, table, toYaml } from '../output.ts';

type Source = { type: 'policy'; name: string; priority: number } | { type: 'inline'; name: string } | { type: 'default' };
interface Evaluation {
  product: string;
  environment: string;
  fields: Partial<Record<'preAction' | 'action' | 'postAction', { value: string; source: Source }>>;
  matched: { name: string; priority: number }[];
  warnings: Problem[];
}

function describeSource(source: Source | undefined): string {
  if (!source) return '';
  switch (source.type) {
    case 'policy':
      return `policy ${source.name} (priority ${source.priority})`;
    case 'inline':
      return `inline (${source.name})`;
    case 'default':
      return 'default';
  }
}

export function renderEvaluation(e: Evaluation): string {
  const rows = (['preAction', 'action', 'postAction'] as const).map((field) => [field, e.fields[field]?.value ?? '-', describeSource(e.fields[field]?.source)]);
  let text = `Policy for product "${e.product}" in environment "${e.environment}":\n\n`;
  text += table(['FIELD', 'VALUE', 'SOURCE'], rows);
  text += `\nMatched policies, highest precedence first: ${e.matched.length ? e.matched.map((m) => `${m.name} (${m.priority})`).join(', ') : 'none'}\n`;
  for (const w of e.warnings) text += `${formatProblem(w)}\n`;
  return text;
}

export function registerPolicy(program: Command, ctx: Context): void {
  const policy = program.command('policy').description('promotion policies');
  policy
    .command('evaluate')
    .description('show the resolved pre-action, action and post-action for a product and environment, and which policy gave each')
    .requiredOption('--product <name>', 'product')
    .requiredOption('--environment <name>', 'target environment')
    .option('-o, --output <format>', 'table, yaml or json', 'table')
    .action(async (opts) => {
      const format = parseFormat(opts.output);
      const result = await ctx
        .client()
        .request<Evaluation>('POST', '/api/v1/promotion-policies/evaluate', { json: { product: opts.product, environment: opts.environment } });
      if (format === 'json') ctx.io.out(`${JSON.stringify(result, null, 2)}\n`);
      else if (format === 'yaml') ctx.io.out(toYaml(result));
      else ctx.io.out(renderEvaluation(result));
    });
}
