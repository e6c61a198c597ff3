import { parseJsonPath, type JsonPathSegment } from '../jsonpath/parse.ts';
import { compareDocumentOrder, formatConcretePath, selectPaths, valueAtPath, type ConcretePath } from '../jsonpath/select.ts';
import { error, warning, type Problem } from '../problems.ts';
import type { PromotionFiles } from '../resources/schemas.ts';
import { unifiedDiff } from './diff.ts';
import { setJsonValues } from './json-edit.ts';
import { readDocuments, structuredKind } from './read.ts';
import { sameValue, type EditResult, type ValueEdit } from './values.ts';
import { setYamlValues } from './yaml-edit.ts';

/** The files of one application folder: path relative to the folder (`values.yaml`, `env/app.json`) → text. */
export type Files = ReadonlyMap<string, string>;

/** How a file is changed: by JSONPath in a YAML or JSON file, or by copying its whole text. */
export type FileChangeKind = 'yaml' | 'json' | 'whole-file';

/** One property a promotion changes. */
export interface PropertyChange {
  /** Where, as a JSONPath that selects exactly this node: `$.image.tag`, `$['argo-cd'].tls`. */
  path: string;
  /** 1-based document of a multi-document YAML file; absent when the file holds one document. */
  document?: number;
  /** The target's value before; `undefined` when the target lacks the path (it is created). */
  old: unknown;
  /** The source's value, written to the target. */
  new: unknown;
}

/** One file a promotion changes, with the whole text before and after and a unified diff. */
export interface FileChange {
  /** Relative to the application folder, as in `promotion`. */
  path: string;
  kind: FileChangeKind;
  /** The properties changed, in document order; empty for a whole-file change. */
  edits: PropertyChange[];
  before: string;
  after: string;
  /** Unified diff, `--- a/<path>` / `+++ b/<path>`, 3 lines of context. */
  diff: string;
}

/**
 * The change set of one application: the files that change (sorted by path; `[]` means "no
 * change") and the problems found. A file with an error is left out, so a caller must not write
 * anything while `problems` holds an error; warnings (`path-not-found`) never block.
 */
export interface ChangeSet {
  files: FileChange[];
  problems: Problem[];
}

export interface PlanChangeSetInput {
  /** Which files and JSONPaths are promoted; absent or `{}` copies every file present in both folders. */
  promotion?: PromotionFiles;
  /** Files of the source application's folder (for the copy-all mode: all of them). */
  source: Files;
  /** Files of the target application's folder (for the copy-all mode: all of them). */
  target: Files;
  /** The source folder inside its repository, only to name it in messages. */
  sourceRoot?: string;
  /** The target folder inside its repository, only to name it in messages. */
  targetRoot?: string;
}

/** True for a path that stays inside the folder: relative, no `..` segment, no backslash, no NUL, no drive letter. */
export function isSafeRelativePath(path: string): boolean {
  return (
    path !== '' &&
    !path.startsWith('/') &&
    !path.includes('\\') &&
    !path.includes('\0') &&
    !/^[A-Za-z]:/.test(path) &&
    !path.split('/').includes('..')
  );
}

const quote = (s: string): string => JSON.stringify(s);

/**
 * Computes what promoting from a source application folder to a target one changes. Pure: the
 * caller reads both folders (from Git, at the right commits) before and writes `after` of each
 * file after.
 *
 * With `promotion` (at least one file):
 * - each listed file must exist in both folders (`file-not-found`, an error: a promotion never
 *   adds files) and be a relative path inside the folder (`path-escape`);
 * - `jsonPaths: []` copies the file's whole text (any file type);
 * - otherwise the file must be YAML (`.yaml`, `.yml`) or JSON (`.json`), else `not-structured`;
 *   each JSONPath selects nodes in the source file and their values are written at the same
 *   paths in the target file, creating missing parent maps; maps and lists are replaced whole
 *   (keys and items the source lacks go away). A node selected twice, or below another selected
 *   node, is written once. A JSONPath that selects nothing in the source is a `path-not-found`
 *   warning; an invalid one a `json-path` error; a file that does not parse a `parse-error`;
 *   a write the target's shape refuses (`$.a.b` where the target's `a` is a string) `cannot-edit`.
 * - Multi-document YAML files are promoted document by document, by position among the
 *   non-empty documents: the n-th of the source into the n-th of the target. Both must have the
 *   same number of them (`document-mismatch`), except that an empty target receives the single
 *   document of the source.
 *
 * Without `promotion` (absent or `{}`): every file present in both folders whose text differs is
 * copied whole; files in only one folder are neither added nor deleted.
 *
 * Problems carry `path` = the file's key in `promotion` (or its path, in the copy-all mode), and
 * a message naming the file and the JSONPath.
 */
export function planChangeSet(input: PlanChangeSetInput): ChangeSet {
  const entries = Object.entries(input.promotion ?? {});
  const files: FileChange[] = [];
  const problems: Problem[] = [];
  const where = (side: 'source' | 'target') => {
    const root = side === 'source' ? input.sourceRoot : input.targetRoot;
    return root === undefined ? `the ${side} application` : `the ${side} folder ${quote(root === '' ? '.' : root)}`;
  };

  if (entries.length === 0) {
    for (const path of [...input.source.keys()].sort()) {
      const after = input.source.get(path)!;
      const before = input.target.get(path);
      if (before === undefined) continue;
      if (!isSafeRelativePath(path)) {
        problems.push(escape(path));
        continue;
      }
      if (before !== after) files.push(wholeFile(path, before, after));
    }
    return { files, problems };
  }

  for (const [path, { jsonPaths }] of entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    if (!isSafeRelativePath(path)) {
      problems.push(escape(path));
      continue;
    }
    const kind = structuredKind(path);
    if (jsonPaths.length > 0 && kind === undefined) {
      problems.push(
        error(
          'not-structured',
          path,
          `${path}: only YAML (.yaml, .yml) and JSON (.json) files can be promoted by JSONPath; list it with "jsonPaths: []" to copy the whole file`,
        ),
      );
      continue;
    }
    const sourceText = input.source.get(path);
    const targetText = input.target.get(path);
    if (sourceText === undefined) problems.push(error('file-not-found', path, `${path}: not found in ${where('source')}`));
    if (targetText === undefined) {
      problems.push(error('file-not-found', path, `${path}: not found in ${where('target')}; a promotion never adds files`));
    }
    if (sourceText === undefined || targetText === undefined) continue;
    if (jsonPaths.length === 0) {
      if (sourceText !== targetText) files.push(wholeFile(path, targetText, sourceText));
      continue;
    }
    const planned = planStructured(path, kind!, jsonPaths, sourceText, targetText, where);
    problems.push(...planned.problems);
    if (planned.file) files.push(planned.file);
  }
  return { files, problems };
}

function escape(path: string): Problem {
  return error(
    'path-escape',
    path,
    `${quote(path)} leaves the application folder: a promoted file must be a relative path with no ".." segment, no leading "/" and no "\\"`,
  );
}

function wholeFile(path: string, before: string, after: string): FileChange {
  return { path, kind: 'whole-file', edits: [], before, after, diff: unifiedDiff(path, before, after) };
}

interface Selected {
  document: number;
  path: ConcretePath;
  value: unknown;
}

function isPrefix(prefix: ConcretePath, path: ConcretePath): boolean {
  return prefix.length < path.length && prefix.every((k, i) => path[i] === k);
}

function planStructured(
  file: string,
  kind: 'yaml' | 'json',
  jsonPaths: readonly string[],
  sourceText: string,
  targetText: string,
  where: (side: 'source' | 'target') => string,
): { file?: FileChange; problems: Problem[] } {
  const problems: Problem[] = [];
  const language = kind === 'yaml' ? 'YAML' : 'JSON';
  const read = (text: string, side: 'source' | 'target'): unknown[] | undefined => {
    const parsed = readDocuments(kind, text);
    if (parsed.ok) return parsed.values;
    problems.push(error('parse-error', file, `${file}: the file in ${where(side)} is not valid ${language}: ${parsed.message}`));
    return undefined;
  };

  const parsedPaths: [string, JsonPathSegment[]][] = [];
  for (const text of jsonPaths) {
    const parsed = parseJsonPath(text);
    if (parsed.ok) parsedPaths.push([text, parsed.path]);
    else problems.push(error('json-path', file, `${file}: JSONPath ${quote(text)} is not valid: ${parsed.message}`));
  }
  const sources = read(sourceText, 'source');
  const targets = read(targetText, 'target');
  if (!sources || !targets || parsedPaths.length < jsonPaths.length) return { problems };
  if (sources.length > 0 && sources.length !== targets.length && !(sources.length === 1 && targets.length === 0)) {
    problems.push(
      error(
        'document-mismatch',
        file,
        `${file}: ${where('source')} has ${sources.length} YAML documents and ${where('target')} ${targets.length}; documents are promoted by position, so both need the same number`,
      ),
    );
    return { problems };
  }

  const selected: Selected[] = [];
  const seen = new Set<string>();
  for (const [text, segments] of parsedPaths) {
    let found = false;
    sources.forEach((root, document) => {
      for (const path of selectPaths(root, segments)) {
        found = true;
        const id = JSON.stringify([document, path]);
        if (seen.has(id)) continue;
        seen.add(id);
        const at = valueAtPath(root, path);
        selected.push({ document, path, value: at.found ? at.value : undefined });
      }
    });
    if (!found) problems.push(warning('path-not-found', file, `${file}: JSONPath ${quote(text)} selects nothing in ${where('source')}; nothing is promoted for it`));
  }

  // Written in document order, so keys new to the target arrive in the source's order.
  selected.sort((a, b) => a.document - b.document || compareDocumentOrder(sources[a.document], a.path, b.path));
  const multi = sources.length > 1;
  const edits: ValueEdit[] = [];
  const changes: PropertyChange[] = [];
  for (const s of selected) {
    if (selected.some((other) => other.document === s.document && isPrefix(other.path, s.path))) continue;
    const old = targets.length > 0 ? valueAtPath(targets[s.document], s.path) : { found: false as const };
    if (old.found && sameValue(old.value, s.value)) continue;
    edits.push({ path: s.path, value: s.value, document: s.document });
    changes.push({ path: formatConcretePath(s.path), ...(multi ? { document: s.document + 1 } : {}), old: old.found ? old.value : undefined, new: s.value });
  }
  if (edits.length === 0) return { problems };

  const result: EditResult = kind === 'yaml' ? setYamlValues(targetText, edits) : setJsonValues(targetText, edits);
  if (!result.ok) {
    problems.push(error(result.rule, file, `${file}: ${result.message}`));
    return { problems };
  }
  if (result.text === targetText) return { problems };
  return { file: { path: file, kind, edits: changes, before: targetText, after: result.text, diff: unifiedDiff(file, targetText, result.text) }, problems };
}
