import type { Command } from '@commander-js/extra-typings';
import { formatProblem, type FileChange, type Problem } from '@stagecoach/core';
import pc from 'picocolors';
import type { Context } from '../context.ts';
import { CliError, EXIT } from '../errors.ts';
import { parseFormat, toYaml } from '../output.ts';
import type { ApiRelease } from '../release-view.ts';
import { afterCreate } from './release.ts';

type Source = { type: 'policy'; name: string; priority: number } | { type: 'inline'; name: string } | { type: 'default' };
interface Preview {
  product: string;
  from: string;
  to: string;
  changeSets: {
    application: string;
    source: { application: string; branch: string; path: string; commit: string };
    target: { branch: string; path: string; commit: string; repoURL: string };
    templates: string[];
    files: FileChange[];
    noChange: boolean;
    problems: Problem[];
  }[];
  policy: {
    fields: Partial<Record<'preAction' | 'action' | 'postAction', { value: string; source: Source }>>;
    removed?: { field: 'preAction' | 'postAction'; source: Source; overridden?: { value: string; source: Source } }[];
    warnings: Problem[];
  };
}

/** What `--pre-action` and `--post-action` take to run no workflow, even one a policy sets. */
const NO_WORKFLOW = 'none';

/** A workflow option as the API takes it: absent, a name, or null for `none`. */
function workflowOption(value: string | undefined): string | null | undefined {
  if (value === undefined || value === '') return undefined;
  return value === NO_WORKFLOW ? null : value;
}

type Paint = (text: string) => string;

/** Colours a unified diff line by line: removed red, added green, hunk headers cyan. */
export function colourDiff(diff: string, colours: { red: Paint; green: Paint; cyan: Paint; bold: Paint }): string {
  return diff
    .split('\n')
    .map((line) => {
      if (line.startsWith('+++') || line.startsWith('---')) return colours.bold(line);
      if (line.startsWith('@@')) return colours.cyan(line);
      if (line.startsWith('+')) return colours.green(line);
      if (line.startsWith('-')) return colours.red(line);
      return line;
    })
    .join('\n');
}

function sourceText(source: Source | undefined): string {
  if (!source) return '';
  if (source.type === 'policy') return `policy ${source.name}`;
  if (source.type === 'inline') return `inline (${source.name})`;
  return 'default';
}

/** The preview as people read it: the policy, then per application the properties and the diff. */
export function renderPreview(p: Preview, colour: boolean): string {
  const c = colour ? pc : { red: String, green: String, cyan: String, bold: String, dim: String, yellow: String };
  const out: string[] = [];
  out.push(c.bold(`Promote ${p.product} from ${p.from} to ${p.to} (dry run: nothing is written)`), '');
  for (const field of ['preAction', 'action', 'postAction'] as const) {
    const f = p.policy.fields[field];
    const removed = p.policy.removed?.find((r) => r.field === field);
    if (removed) {
      const instead = removed.overridden ? `; ${removed.overridden.value} from ${sourceText(removed.overridden.source)} does not run` : '';
      out.push(`  ${field.padEnd(11)} ${'none'.padEnd(20)} ${c.dim(`removed by ${sourceText(removed.source)}${instead}`)}`);
      continue;
    }
    out.push(`  ${field.padEnd(11)} ${(f?.value ?? '-').padEnd(20)} ${c.dim(sourceText(f?.source))}`);
  }
  for (const w of p.policy.warnings) out.push(c.yellow(`  ${formatProblem(w)}`));
  for (const set of p.changeSets) {
    out.push('', c.bold(`${set.application}`) + c.dim(`  ${set.target.repoURL} ${set.target.branch} ${set.target.path || '.'} @ ${set.target.commit.slice(0, 12)}`));
    out.push(c.dim(`  from ${set.source.application} @ ${set.source.commit.slice(0, 12)}; template ${set.templates.join(', ') || 'none'}`));
    for (const problem of set.problems) out.push((problem.severity === 'error' ? c.red : c.yellow)(`  ${formatProblem(problem)}`));
    if (set.noChange) {
      out.push('  no change: the target already holds these values');
      continue;
    }
    for (const file of set.files) {
      for (const edit of file.edits) out.push(`  ${file.path} ${edit.path}: ${JSON.stringify(edit.old) ?? '(absent)'} → ${JSON.stringify(edit.new)}`);
      if (file.edits.length === 0) out.push(`  ${file.path}: whole file`);
    }
    for (const file of set.files) out.push('', colourDiff(file.diff.trimEnd(), c));
  }
  return `${out.join('\n')}\n`;
}

export function registerPromote(program: Command, ctx: Context): void {
  program
    .command('promote')
    .description("promote a product's change from one environment to another")
    .argument('<product>', 'product name')
    .requiredOption('--from <environment>', 'source environment')
    .requiredOption('--to <environment>', 'target environment')
    .option('--app <application>', 'source application, when the product has several in the source environment')
    .option('--action <action>', 'commit, pr or none (overrides the policy)')
    .option('--pre-action <workflow>', 'pre-action workflow (overrides the policy); none: no pre-action, even one a policy sets')
    .option('--post-action <workflow>', 'post-action workflow (overrides the policy); none: no post-action, even one a policy sets')
    .option('--dry-run', 'show the change set and the resolved policy without writing anything')
    .option('--watch', 'follow the release live until it ends (exit 1 unless it succeeds)')
    .option('-o, --output <format>', 'table (a coloured diff), yaml or json', 'table')
    .action(async (product, opts) => {
      const format = parseFormat(opts.output);
      if (opts.action && !['commit', 'pr', 'none'].includes(opts.action)) {
        throw new CliError(`--action must be one of commit, pr, none, got "${opts.action}"`, EXIT.usage);
      }
      const preAction = workflowOption(opts.preAction);
      const postAction = workflowOption(opts.postAction);
      const inline = {
        ...(opts.action ? { action: opts.action } : {}),
        ...(preAction !== undefined ? { preAction } : {}),
        ...(postAction !== undefined ? { postAction } : {}),
      };
      if (!opts.dryRun) {
        const created = await ctx.client().request<ApiRelease>('POST', '/api/v1/promotions', {
          json: { product, from: opts.from, to: opts.to, ...(opts.app ? { application: opts.app } : {}), ...inline },
        });
        await afterCreate(ctx, created, opts);
        return;
      }
      const body = { product, from: opts.from, to: opts.to, ...(opts.app ? { application: opts.app } : {}), ...(Object.keys(inline).length ? { inline } : {}) };
      const preview = await ctx.client().request<Preview>('POST', '/api/v1/promotions/preview', { json: body });
      if (format === 'json') ctx.io.out(`${JSON.stringify(preview, null, 2)}\n`);
      else if (format === 'yaml') ctx.io.out(toYaml(preview));
      else ctx.io.out(renderPreview(preview, ctx.io.isTty && !ctx.io.env.NO_COLOR));
      if (preview.changeSets.some((s) => s.problems.some((p) => p.severity === 'error'))) {
        throw new CliError('some applications cannot be promoted; see the problems above', EXIT.refused);
      }
    });
}
