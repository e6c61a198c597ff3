import { stringify } from 'yaml';
import { CliError, EXIT } from './errors.ts';

export const FORMATS = ['table', 'yaml', 'json'] as const;
export type Format = (typeof FORMATS)[number];

export function parseFormat(value: string): Format {
  if ((FORMATS as readonly string[]).includes(value)) return value as Format;
  throw new CliError(`--output must be one of ${FORMATS.join(', ')}, got "${value}"`, EXIT.usage);
}

/** YAML as people write it: no folding, two-space indent. */
export function toYaml(value: unknown): string {
  return stringify(value, { lineWidth: 0, indent: 2 });
}

/** Several documents as one multi-document YAML text, which `apply` takes back unchanged. */
export function toYamlDocuments(values: readonly unknown[]): string {
  return values.map(toYaml).join('---\n');
}

/** Left-aligned columns separated by three spaces, like kubectl. */
export function table(headers: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!)))
      .join('   ')
      .trimEnd();
  return [line(headers), ...rows.map(line)].join('\n') + '\n';
}
