import { isShorthandKey, type JsonPathSegment, type JsonPathSelector } from './parse.ts';

/** The keys and indexes leading from the root to one node: `['image', 'tag']`, `['containers', 0]`. */
export type ConcretePath = (string | number)[];

type Container = Record<string, unknown> | unknown[];

function isMap(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isContainer(value: unknown): value is Container {
  return typeof value === 'object' && value !== null;
}

function children(value: unknown): [string | number, unknown][] {
  if (Array.isArray(value)) return value.map((v, i) => [i, v]);
  if (isMap(value)) return Object.keys(value).map((k) => [k, value[k]]);
  return [];
}

function select(value: unknown, selector: JsonPathSelector): [string | number, unknown][] {
  switch (selector.kind) {
    case 'key':
      return isMap(value) && Object.hasOwn(value, selector.key) ? [[selector.key, value[selector.key]]] : [];
    case 'index':
      return Array.isArray(value) && selector.index < value.length ? [[selector.index, value[selector.index]]] : [];
    case 'wildcard':
      return children(value);
  }
}

interface Node {
  value: unknown;
  path: ConcretePath;
}

/** The node and all its descendants, parents first; a value met again below itself (a cycle) is not entered twice. */
function descendantsAndSelf(node: Node, ancestors = new Set<unknown>()): Node[] {
  const out = [node];
  if (!isContainer(node.value) || ancestors.has(node.value)) return out;
  ancestors.add(node.value);
  for (const [key, value] of children(node.value)) out.push(...descendantsAndSelf({ value, path: [...node.path, key] }, ancestors));
  ancestors.delete(node.value);
  return out;
}

/**
 * The value at a concrete path, or `found: false` when a step is missing (a key a map lacks, an
 * index past the end of a list, or a step into a scalar).
 */
export function valueAtPath(root: unknown, path: readonly (string | number)[]): { found: true; value: unknown } | { found: false } {
  let value = root;
  for (const key of path) {
    const next = select(value, typeof key === 'number' ? { kind: 'index', index: key } : { kind: 'key', key });
    if (next.length === 0) return { found: false };
    value = next[0]![1];
  }
  return { found: true, value };
}

/**
 * The concrete paths of the nodes a parsed JSONPath matches in a JSON-shaped value (plain
 * objects, arrays and scalars, as `JSON.parse` or YAML's `toJS` give them), in document order
 * (a parent before its children, siblings in the order of their map's keys or list), each once.
 * `$` alone matches the root, `[]`. A key selector matches only map keys, an index only list
 * items; `*` matches every child of a map or a list and nothing of a scalar.
 */
export function selectPaths(root: unknown, path: readonly JsonPathSegment[]): ConcretePath[] {
  let nodes: Node[] = [{ value: root, path: [] }];
  for (const segment of path) {
    const next: Node[] = [];
    for (const node of nodes) {
      for (const visited of segment.descendant ? descendantsAndSelf(node) : [node]) {
        for (const [key, value] of select(visited.value, segment.selector)) next.push({ value, path: [...visited.path, key] });
      }
    }
    nodes = next;
  }
  const unique = new Map<string, ConcretePath>();
  for (const node of nodes) unique.set(JSON.stringify(node.path), node.path);
  return [...unique.values()].sort((a, b) => compareDocumentOrder(root, a, b));
}

/**
 * Orders two concrete paths of one value as the nodes appear in its document: a parent before
 * its children, list items by index, map keys in the map's key order.
 */
export function compareDocumentOrder(root: unknown, a: readonly (string | number)[], b: readonly (string | number)[]): number {
  let container = root;
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const ka = a[i]!;
    const kb = b[i]!;
    if (ka !== kb) {
      if (typeof ka === 'number' && typeof kb === 'number') return ka - kb;
      const keys = isMap(container) ? Object.keys(container) : [];
      return keys.indexOf(String(ka)) - keys.indexOf(String(kb));
    }
    container = (container as Record<string | number, unknown>)[ka];
  }
  return a.length - b.length;
}

function quoteKey(key: string): string {
  let out = "'";
  for (const ch of key) {
    if (ch === "'" || ch === '\\') out += `\\${ch}`;
    else if (ch < ' ') out += JSON.stringify(ch).slice(1, -1);
    else out += ch;
  }
  return `${out}'`;
}

/**
 * Writes a concrete path as a JSONPath that selects exactly it: `['image', 'tag']` → `$.image.tag`,
 * `['argo-cd', 'tls']` → `$['argo-cd'].tls`, `['containers', 0]` → `$.containers[0]`, `[]` → `$`.
 * Keys that are not letters, digits and `_` (or start with a digit) go in single-quoted brackets.
 */
export function formatConcretePath(path: readonly (string | number)[]): string {
  let out = '$';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else if (isShorthandKey(key)) out += `.${key}`;
    else out += `[${quoteKey(key)}]`;
  }
  return out;
}
