import { findNodeAtLocation, parseTree } from 'jsonc-parser';
import { parseJsonPath } from '../jsonpath/parse.ts';
import { formatConcretePath, selectPaths, valueAtPath } from '../jsonpath/select.ts';
import { readDocuments, structuredKind } from './read.ts';
import { plainScalarSource } from './yaml-edit.ts';

/** An application's version, or why it is unknown (a sentence for the dashboard). */
export type VersionRead = { ok: true; version: string } | { ok: false; reason: string };

/**
 * Reads an application's version: the value at `jsonPath` in `file` (a YAML or JSON file; `text`
 * is its content, `undefined` when the file does not exist). The first node the JSONPath selects
 * counts, documents of a multi-document YAML file in order. Numbers are given as written
 * (`appVersion: 1.10` is "1.10", not "1.1"); booleans as `true`/`false`. A missing file or path,
 * an invalid JSONPath, a file that does not parse, an empty or null value, a map or a list give a
 * reason instead.
 */
export function readVersion(text: string | undefined, file: string, jsonPath: string): VersionRead {
  if (text === undefined) return { ok: false, reason: `file ${JSON.stringify(file)} not found` };
  const parsed = parseJsonPath(jsonPath);
  if (!parsed.ok) return { ok: false, reason: `JSONPath ${JSON.stringify(jsonPath)} is not valid: ${parsed.message}` };
  const kind = structuredKind(file);
  if (!kind) return { ok: false, reason: `${file} is neither YAML nor JSON, so it holds no version` };
  const read = readDocuments(kind, text);
  if (!read.ok) return { ok: false, reason: `${file} is not valid ${kind === 'yaml' ? 'YAML' : 'JSON'}: ${read.message}` };
  for (const [document, root] of read.values.entries()) {
    const [path] = selectPaths(root, parsed.path);
    if (!path) continue;
    const at = valueAtPath(root, path);
    const value = at.found ? at.value : undefined;
    const where = `${formatConcretePath(path)} in ${file}`;
    if (typeof value === 'string') return value === '' ? { ok: false, reason: `${where} is empty` } : { ok: true, version: value };
    if (typeof value === 'boolean') return { ok: true, version: String(value) };
    if (typeof value === 'number') {
      const written = kind === 'yaml' ? plainScalarSource(text, document, path) : jsonSource(text, path);
      return { ok: true, version: written ?? String(value) };
    }
    if (value === null) return { ok: false, reason: `${where} is empty` };
    return { ok: false, reason: `${where} is a ${Array.isArray(value) ? 'list' : 'map'}, not a single value` };
  }
  return { ok: false, reason: `${jsonPath} not found in ${file}` };
}

function jsonSource(text: string, path: (string | number)[]): string | undefined {
  const root = parseTree(text);
  const node = root && (path.length === 0 ? root : findNodeAtLocation(root, path));
  return node ? text.slice(node.offset, node.offset + node.length) : undefined;
}
