import { readJsonDocument } from './json-edit.ts';
import { readYamlDocuments } from './yaml-edit.ts';

/** How a file is edited when it has JSONPaths, by its extension (`.yaml`, `.yml`, `.json`, any case); undefined for other files. */
export function structuredKind(path: string): 'yaml' | 'json' | undefined {
  const lower = path.toLowerCase();
  if (lower.endsWith('.yaml') || lower.endsWith('.yml')) return 'yaml';
  if (lower.endsWith('.json')) return 'json';
  return undefined;
}

/** The values of a file's documents (a JSON file has one), or its first parse error with line and column. */
export function readDocuments(kind: 'yaml' | 'json', text: string): { ok: true; values: unknown[] } | { ok: false; message: string } {
  if (kind === 'yaml') return readYamlDocuments(text);
  const read = readJsonDocument(text);
  return read.ok ? { ok: true, values: [read.value] } : read;
}
