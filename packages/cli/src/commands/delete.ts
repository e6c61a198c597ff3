import type { Command } from '@commander-js/extra-typings';
import { findKind, KINDS } from '@stagecoach/core';
import type { Context } from '../context.ts';
import { CliError, EXIT } from '../errors.ts';

export function registerDelete(program: Command, ctx: Context): void {
  program
    .command('delete')
    .description('delete one resource; refused while other resources reference it')
    .argument('<kind>', 'kind, plural or short name')
    .argument('<name>', 'resource name')
    .option('--resource-version <n>', 'refuse unless the stored resourceVersion is this one')
    .action(async (kindWord, name, opts) => {
      const info = findKind(kindWord);
      if (!info) throw new CliError(`unknown kind "${kindWord}"; one of ${KINDS.map((k) => k.plural).join(', ')}`, EXIT.usage);
      const query = opts.resourceVersion ? `?resourceVersion=${encodeURIComponent(opts.resourceVersion)}` : '';
      await ctx.client().request('DELETE', `/api/v1/${info.plural}/${encodeURIComponent(name)}${query}`);
      ctx.io.out(`${info.kind} "${name}" deleted\n`);
    });
}
