import { parseAllDocuments } from 'yaml';
import type { z } from 'zod';
import { error, formatPath, type Problem, type ProblemLocation } from '../problems.ts';
import { KINDS, isResourceKind, kindInfo } from './kinds.ts';
import type { Resource } from './schemas.ts';

/** A resource read from a file, with where it came from. */
export interface LoadedResource {
  resource: Resource;
  file?: string;
  /** 1-based document index in its file. */
  document: number;
}

export interface LoadResult {
  resources: LoadedResource[];
  /** Every problem found, in file order; `resources` holds only the documents without errors. */
  problems: Problem[];
}

function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  return typeof value === 'object' ? 'a map' : `${typeof value} ${JSON.stringify(value)}`;
}

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let v: unknown = root;
  for (const key of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<PropertyKey, unknown>)[key];
  }
  return v;
}

/** Turns zod issues into problems with a stable rule name and a sentence a person can act on. */
export function issuesToProblems(issues: readonly z.core.$ZodIssue[], input: unknown, at: ProblemLocation): Problem[] {
  const problems: Problem[] = [];
  for (const issue of issues) {
    const path = formatPath(issue.path);
    switch (issue.code) {
      case 'invalid_type': {
        const got = valueAt(input, issue.path);
        if (got === undefined) problems.push(error('required', path, 'is required', at));
        else problems.push(error('type', path, `must be ${article(issue.expected)}, got ${describe(got)}`, at));
        break;
      }
      case 'unrecognized_keys':
        for (const key of issue.keys) {
          problems.push(error('unknown-field', formatPath([...issue.path, key]), `unknown field "${key}"`, at));
        }
        break;
      case 'invalid_value': {
        // zod reports a missing enum field as a wrong value; to people it is a missing field.
        const got = valueAt(input, issue.path);
        if (got === undefined) problems.push(error('required', path, 'is required', at));
        else problems.push(error('one-of', path, `must be one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}, got ${describe(got)}`, at));
        break;
      }
      case 'too_small':
        problems.push(error('min', path, issue.message.startsWith('Too small') ? limitMessage('min', issue.origin, issue.minimum, issue.inclusive) : issue.message, at));
        break;
      case 'too_big':
        problems.push(error('max', path, issue.message.startsWith('Too big') ? limitMessage('max', issue.origin, issue.maximum, issue.inclusive) : issue.message, at));
        break;
      case 'custom': {
        const rule = typeof issue.params?.rule === 'string' ? issue.params.rule : 'invalid';
        problems.push(error(rule, path, issue.message, at));
        break;
      }
      case 'invalid_format':
        problems.push(error('format', path, issue.message, at));
        break;
      case 'invalid_key':
        // Record keys carry their own issues (e.g. a label key or file path breaking its rule).
        problems.push(...issuesToProblems(issue.issues, valueAt(input, issue.path), at).map((p) => ({ ...p, path: joinPath(path, p.path) })));
        break;
      default:
        problems.push(error(issue.code.replace(/_/g, '-'), path, issue.message, at));
    }
  }
  return problems;
}

function article(word: string): string {
  if (word === 'object') return 'a map';
  if (word === 'array') return 'a list';
  if (word === 'int') return 'an integer';
  return /^[aeiou]/.test(word) ? `an ${word}` : `a ${word}`;
}

/** `must be at least 1` for numbers; `must have at most 63 characters`, `must not be empty` for sizes. */
function limitMessage(bound: 'min' | 'max', origin: string, limit: number | bigint, inclusive = true): string {
  const one = Number(limit) === 1;
  const unit = origin === 'string' ? (one ? 'character' : 'characters') : origin === 'array' || origin === 'set' ? (one ? 'item' : 'items') : undefined;
  if (unit === undefined) {
    if (bound === 'min') return inclusive ? `must be at least ${limit}` : `must be greater than ${limit}`;
    return inclusive ? `must be at most ${limit}` : `must be less than ${limit}`;
  }
  if (bound === 'min' && one) return 'must not be empty';
  return `must have ${bound === 'min' ? 'at least' : 'at most'} ${limit} ${unit}`;
}

/** Appends a field path to another: `a` + `b` → `a.b`, `a` + `[0]` → `a[0]`. */
function joinPath(base: string, rest: string): string {
  if (!base) return rest;
  if (!rest) return base;
  return rest.startsWith('[') ? `${base}${rest}` : `${base}.${rest}`;
}

/**
 * Checks one parsed document (a plain object) against its kind's schema. The kind and apiVersion
 * are checked first, so an unknown kind gives one clear problem instead of a field-by-field list.
 */
export function decodeResource(value: unknown, at: ProblemLocation = {}): { resource?: Resource; problems: Problem[] } {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    return { problems: [error('type', '', `a resource must be a map with apiVersion, kind, metadata and spec, got ${describe(value)}`, at)] };
  }
  const doc = value as Record<string, unknown>;
  const name = typeof (doc.metadata as Record<string, unknown> | undefined)?.name === 'string' ? ((doc.metadata as Record<string, unknown>).name as string) : undefined;
  const where: ProblemLocation = { ...at, ...(name ? { name } : {}) };
  if (!isResourceKind(doc.kind)) {
    const known = KINDS.map((k) => k.kind).join(', ');
    const message = doc.kind === undefined ? `kind is required; one of ${known}` : `unknown kind ${JSON.stringify(doc.kind)}; expected one of ${known}`;
    return { problems: [error(doc.kind === undefined ? 'required' : 'unknown-kind', 'kind', message, where)] };
  }
  const info = kindInfo(doc.kind);
  const located: ProblemLocation = { ...where, kind: info.kind };
  if (doc.apiVersion !== info.apiVersion) {
    return {
      problems: [
        error(
          'api-version',
          'apiVersion',
          `${info.kind} needs apiVersion "${info.apiVersion}", got ${describe(doc.apiVersion)}`,
          located,
        ),
      ],
    };
  }
  const parsed = info.schema.safeParse(doc);
  if (!parsed.success) return { problems: issuesToProblems(parsed.error.issues, doc, located) };
  return { resource: parsed.data as Resource, problems: [] };
}

/**
 * Expands `{items: [...]}` lists (what `get -o json` prints) and JSON arrays into their documents.
 * `at` is where the resources sit inside the document (`items` or the root), or undefined when
 * the document is a single resource.
 */
function expandLists(value: unknown): { items: unknown[]; at?: PropertyKey[] } {
  if (Array.isArray(value)) return { items: value, at: [] };
  if (value && typeof value === 'object') {
    const doc = value as Record<string, unknown>;
    const isList = Array.isArray(doc.items) && (doc.kind === undefined || doc.kind === 'List' || String(doc.kind).endsWith('List'));
    if (isList) return { items: doc.items as unknown[], at: ['items'] };
  }
  return { items: [value] };
}

/**
 * Reads every document of a YAML or JSON text (YAML is a superset of JSON). Empty documents are
 * skipped; a list (`{items: [...]}` or a JSON array) counts as one document holding many resources,
 * and the paths of its problems start at the item (`items[2].spec.kind`). Syntax errors name the
 * line and column.
 */
export function loadResources(text: string, file?: string): LoadResult {
  const result: LoadResult = { resources: [], problems: [] };
  const docs = parseAllDocuments(text, { prettyErrors: true, uniqueKeys: true });
  const list = Array.isArray(docs) ? docs : [docs];
  list.forEach((doc, i) => {
    const at: ProblemLocation = { ...(file !== undefined ? { file } : {}), document: i + 1 };
    if (doc.errors.length > 0) {
      for (const e of doc.errors) {
        const pos = e.linePos?.[0];
        const where = pos ? `line ${pos.line}, column ${pos.col}: ` : "";
        result.problems.push(error("yaml-syntax", "", `${where}${e.message.split(" at line ")[0]!.split("\n")[0]}`, at));
      }
      return;
    }
    let value: unknown;
    try {
      value = doc.toJS({ maxAliasCount: 100 });
    } catch (e) {
      // toJS throws, rather than reporting, for an alias that expands too often (a "billion
      // laughs" document) or that names an anchor defined after it.
      result.problems.push(error('yaml-alias', '', e instanceof Error ? e.message : String(e), at));
      return;
    }
    if (value === null || value === undefined) return;
    const list = expandLists(value);
    list.items.forEach((item, n) => {
      const { resource, problems } = decodeResource(item, at);
      const itemPath = list.at ? formatPath([...list.at, n]) : undefined;
      result.problems.push(...(itemPath === undefined ? problems : problems.map((p) => ({ ...p, path: joinPath(itemPath, p.path) }))));
      if (resource) result.resources.push({ resource, ...(file !== undefined ? { file } : {}), document: i + 1 });
    });
  });
  return result;
}
