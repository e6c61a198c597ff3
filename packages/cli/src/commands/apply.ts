import { readFile, readdir, stat } from 'node:fs/promises';
import { join, relative } from 'node:path';
import type { Command } from '@commander-js/extra-typings';
import { formatProblem, type Problem } from '@stagecoach/core';
import type { Context } from '../context.ts';
import { CliError, EXIT } from '../errors.ts';

const MANIFEST = /\.(ya?ml|json)$/i;

/** Files named by -f: a file as is, a folder's manifests (recursively, sorted), `-` for stdin. */
async function collect(paths: string[], ctx: Context): Promise<{ name: string; content: string }[]> {
  const files: { name: string; content: string }[] = [];
  for (const path of paths) {
    if (path === '-') {
      files.push({ name: '<stdin>', content: await ctx.io.readStdin() });
      continue;
    }
    const info = await stat(path).catch(() => undefined);
    if (!info) throw new CliError(`${path}: no such file or folder`, EXIT.usage);
    if (info.isFile()) {
      files.push({ name: path, content: await readFile(path, 'utf8') });
      continue;
    }
    const entries = (await readdir(path, { recursive: true, withFileTypes: true }))
      .filter((e) => e.isFile() && MANIFEST.test(e.name))
      .map((e) => join(e.parentPath, e.name))
      .sort();
    if (entries.length === 0) throw new CliError(`${path}: no .yaml, .yml or .json files in this folder`, EXIT.usage);
    for (const file of entries) files.push({ name: relative(process.cwd(), file) || file, content: await readFile(file, 'utf8') });
  }
  return files;
}

interface ApplyReport {
  results: { kind: string; name: string; outcome: string; resourceVersion: string }[];
  warnings: Problem[];
  dryRun: boolean;
}

export function registerApply(program: Command, ctx: Context): void {
  program
    .command('apply')
    .description('create or update resources from YAML or JSON files, all or nothing')
    .requiredOption('-f, --filename <path...>', 'file, folder (recursive) or - for stdin; repeatable')
    .option('--dry-run', 'check everything on the server without writing')
    .action(async (opts) => {
      const files = await collect(opts.filename, ctx);
      const query = opts.dryRun ? '?dryRun=true' : '';
      const report = await ctx.client().request<ApplyReport>('POST', `/api/v1/apply${query}`, { json: { files } });
      const suffix = report.dryRun ? ' (dry run)' : '';
      for (const r of report.results) ctx.io.out(`${r.kind} "${r.name}" ${r.outcome}${suffix}\n`);
      for (const w of report.warnings) ctx.io.err(`${formatProblem(w)}\n`);
    });
}
