import {
  Document,
  isAlias,
  isMap,
  isScalar,
  isSeq,
  parseAllDocuments,
  type CST,
  type Pair,
  type ParsedNode,
  type Scalar,
  type YAMLMap,
  type YAMLSeq,
} from 'yaml';
import { formatConcretePath, valueAtPath } from '../jsonpath/select.ts';
import { isPlainMap, nest, sameValue, type EditResult, type ValueEdit, type ValuePath } from './values.ts';

/*
 * How YAML files are edited.
 *
 * Every edit is a splice of the original text: only the bytes of the values that change are
 * rewritten, so comments, key order, quoting, blank lines and indentation elsewhere stay as they
 * were. A change is made as small as it can be: when a map is written over a map, keys the new
 * value lacks are removed, new keys are added at the end of the map, and keys on both sides are
 * written in turn; a list written over a list of the same length is written item by item. The
 * resulting value always equals the value given (maps and lists are "replaced whole"), but
 * comments inside the unchanged parts survive. Other changes (a list of another length, a map
 * over a scalar…) re-render that node alone, in the style of its place (block, or flow inside
 * `{…}`/`[…]`).
 *
 * Scalars keep their quoting style (plain, '…', "…", `|`, `>-` with its header comment) and the
 * type of the new value: a string goes into a plain scalar unquoted only when it reads back as
 * the same string both as YAML 1.2 and as YAML 1.1 (Helm's parser), so `1.10`, `true`, `yes`,
 * `null`, `~`, `0x1`, `1e3`, `1:20` and the empty string are double-quoted; numbers, booleans and
 * null are written plain even where the old value was quoted. New values are written the same
 * way, nested maps with the indentation the document uses, lists under keys indented or not as
 * the document does.
 *
 * Multi-document files: a file is a list of its non-empty documents (a document holding nothing
 * but comments, or the empty one after a trailing `---`, does not count). An edit's `document`
 * is the 0-based index in that list; the planner pairs the n-th non-empty document of the source
 * with the n-th of the target.
 *
 * Anchors and aliases are never expanded. A path is followed through aliases, so an edit below an
 * alias (`$.b.x` where `b: *base`) changes the anchored node, and with it every alias of it; an
 * edit of a node that is itself an alias replaces that alias (the anchored node stays); an edit
 * of an anchored node keeps its anchor. After all edits the text is read again and every edited
 * path must hold its value: when two edits reach one node through aliases with different values,
 * the result is a `cannot-edit` failure, never a half-right file. A merge key (`<<: *base`) is
 * read as YAML 1.2 does, as an ordinary key whose value is an alias: `$..image.tag` reaches
 * merged values through `['<<']`, and writing there changes the anchored map.
 */

type Parent =
  | { kind: 'root' }
  | { kind: 'pair'; container: YAMLMap<ParsedNode, ParsedNode | null>; pair: Pair<ParsedNode, ParsedNode | null> }
  | { kind: 'item'; container: YAMLSeq<ParsedNode> };

interface Located {
  node: ParsedNode;
  parent: Parent;
  /** Inside a flow collection, where values must stay on one line. */
  inFlow: boolean;
}

type Walk =
  | { found: true; at: Located }
  /** `at` is the node at `path.slice(0, depth)`, the deepest that exists (an alias is not resolved). */
  | { found: false; at: Located; depth: number };

class EditFailure {
  constructor(
    readonly rule: 'parse-error' | 'cannot-edit',
    readonly message: string,
  ) {}
}

type Documents = Document.Parsed[];

/** The first error of parsed documents, as one line naming its line and column. */
function firstError(all: ReturnType<typeof parseAllDocuments>): string | undefined {
  const errors = 'empty' in all ? [...all.errors] : [];
  for (const doc of all) errors.push(...doc.errors);
  return errors[0]?.message.split('\n')[0]!.replace(/:$/, '');
}

/** The first parse error of a YAML text, as one line naming its line and column; undefined when it parses. */
export function yamlParseError(text: string): string | undefined {
  return firstError(parseAllDocuments(text));
}

function parseDocuments(text: string): Documents {
  const all = parseAllDocuments(text, { keepSourceTokens: true });
  const problem = firstError(all);
  if (problem !== undefined) throw new EditFailure('parse-error', problem);
  return [...all].filter((doc) => !isEmptyDocument(doc));
}

/** A document with no content: only comments, or nothing after `---` (YAML reads both as null). */
function isEmptyDocument(doc: Document.Parsed): boolean {
  const contents = doc.contents;
  if (contents === null) return true;
  return isScalar(contents) && contents.value === null && contents.range[0] === contents.range[1];
}

/**
 * The values of the non-empty documents of a YAML text, as plain JSON-shaped data (aliases read
 * as the values they point to; map keys as strings), or the first parse error.
 */
export function readYamlDocuments(text: string): { ok: true; values: unknown[] } | { ok: false; message: string } {
  try {
    return { ok: true, values: parseDocuments(text).map((doc) => doc.toJS()) };
  } catch (e) {
    if (e instanceof EditFailure || e instanceof ReferenceError) return { ok: false, message: e.message };
    throw e;
  }
}

/**
 * Writes each value at its path in a YAML text, creating missing parent maps (a missing list
 * index can be created only as the next item of its list), and returns the new text. See the
 * comment at the top of this module for how each kind of change is written. Values must be
 * JSON-shaped (plain objects, arrays, strings, finite or infinite numbers, booleans, null).
 * Never throws on bad input: an unparseable text, a path that crosses a scalar of the target,
 * or an edit that does not read back gives `ok: false`.
 */
export function setYamlValues(text: string, edits: readonly ValueEdit[]): EditResult {
  try {
    // A file with Windows line endings throughout is edited with "\n" and given its "\r\n" back.
    const crlf = text.includes('\r\n') && !/(^|[^\r])\n/.test(text);
    let out = crlf ? text.replaceAll('\r\n', '\n') : text;
    for (const edit of edits) out = write(out, edit.document ?? 0, edit.path, edit.value);
    verify(out, edits);
    return { ok: true, text: crlf ? out.replaceAll('\n', '\r\n') : out };
  } catch (e) {
    if (e instanceof EditFailure) return { ok: false, rule: e.rule, message: e.message };
    // yaml reports an alias without anchor, or too many aliases, only when reading values.
    if (e instanceof ReferenceError) return { ok: false, rule: 'parse-error', message: e.message };
    throw e;
  }
}

function verify(text: string, edits: readonly ValueEdit[]): void {
  const values = parseDocuments(text).map((doc) => doc.toJS() as unknown);
  for (const edit of edits) {
    const index = edit.document ?? 0;
    const read = index < values.length ? valueAtPath(values[index], edit.path) : { found: false as const };
    if (!read.found || !sameValue(read.value, edit.value)) {
      throw new EditFailure(
        'cannot-edit',
        `${formatConcretePath(edit.path)} does not hold the promoted value after the edit; another edited path shares its node through a YAML alias`,
      );
    }
  }
}

function documentAt(docs: Documents, index: number): Document.Parsed {
  const doc = docs[index];
  if (!doc) throw new EditFailure('cannot-edit', `the file has ${docs.length} YAML documents, so no document ${index + 1}`);
  return doc;
}

function write(text: string, document: number, path: ValuePath, value: unknown): string {
  const docs = parseDocuments(text);
  if (docs.length === 0 && document === 0) return appendDocument(text, path, value);
  const doc = documentAt(docs, document);
  const walk = locate(doc, path);
  if (!walk.found) return create(text, doc, path, walk.at, walk.depth, value);
  const { node } = walk.at;
  const old = nodeValue(doc, node);
  if (sameValue(old, value)) return text;
  if (isScalar(node) && !isCollectionValue(value)) return splice(text, ...rangeOf(node), scalarText(text, node, value, walk.at.inFlow));
  if (isMap(node) && isPlainMap(value)) {
    const keys = Object.keys(value);
    const dropped = node.items.filter((p) => {
      const key = keyOf(p);
      return key === undefined || !Object.hasOwn(value, key);
    });
    if (dropped.length < node.items.length && dropped.every((p) => canDeletePair(text, node, p))) {
      let out = text;
      // Removing from the end keeps the offsets of the pairs before valid.
      for (const pair of [...dropped].reverse()) out = deletePair(out, pair);
      const before = old as Record<string, unknown>;
      for (const key of keys) {
        // Keys that already hold their value need no look (nor a parse).
        if (!Object.hasOwn(before, key) || !sameValue(before[key], value[key])) out = write(out, document, [...path, key], value[key]);
      }
      return out;
    }
  }
  if (isSeq(node) && Array.isArray(value) && value.length === node.items.length && value.length > 0) {
    let out = text;
    const before = old as unknown[];
    value.forEach((item, i) => {
      if (!sameValue(before[i], item)) out = write(out, document, [...path, i], item);
    });
    return out;
  }
  return replaceNode(text, doc, walk.at, value);
}

function isCollectionValue(value: unknown): boolean {
  return typeof value === 'object' && value !== null;
}

function keyOf(pair: Pair<ParsedNode, ParsedNode | null>): string | undefined {
  const key = pair.key;
  if (!isScalar(key)) return undefined;
  return key.value === null ? '' : String(key.value);
}

function nodeValue(doc: Document.Parsed, node: ParsedNode): unknown {
  return node.toJS(doc);
}

/** The node itself, or for an alias the anchored node it points to. */
function resolve(doc: Document.Parsed, node: ParsedNode): ParsedNode {
  if (!isAlias(node)) return node;
  const target = node.resolve(doc) as ParsedNode | undefined;
  if (!target) throw new EditFailure('cannot-edit', `the alias *${node.source} points to no anchor`);
  return target;
}

function locate(doc: Document.Parsed, path: ValuePath): Walk {
  let at: Located = { node: doc.contents as ParsedNode, parent: { kind: 'root' }, inFlow: false };
  for (let depth = 0; depth < path.length; depth++) {
    const step = path[depth]!;
    const container = resolve(doc, at.node);
    const inFlow = at.inFlow || ((isMap(container) || isSeq(container)) && container.flow === true);
    if (isMap(container) && typeof step === 'string') {
      const map = container as YAMLMap<ParsedNode, ParsedNode | null>;
      const pair = map.items.find((p) => keyOf(p) === step);
      if (!pair) return { found: false, at, depth };
      if (!pair.value) throw new EditFailure('cannot-edit', `${formatConcretePath(path.slice(0, depth + 1))} is a key without a value node`);
      at = { node: pair.value, parent: { kind: 'pair', container: map, pair }, inFlow };
    } else if (isSeq(container) && typeof step === 'number' && step < container.items.length) {
      at = { node: (container as YAMLSeq<ParsedNode>).items[step]!, parent: { kind: 'item', container: container as YAMLSeq<ParsedNode> }, inFlow };
    } else {
      return { found: false, at, depth };
    }
  }
  return { found: true, at };
}

// ---------------------------------------------------------------------------------------------
// Text positions

/** Start and end (exclusive) of a parsed node's value in the text. */
function rangeOf(node: { range?: readonly number[] | null }): [number, number] {
  const range = node.range;
  if (!range) throw new EditFailure('cannot-edit', 'a node without a source position cannot be edited');
  return [range[0]!, range[1]!];
}

function splice(text: string, start: number, end: number, replacement: string): string {
  return text.slice(0, start) + replacement + text.slice(end);
}

function lineStart(text: string, offset: number): number {
  return text.lastIndexOf('\n', offset - 1) + 1;
}

function column(text: string, offset: number): number {
  return offset - lineStart(text, offset);
}

function firstOnLine(text: string, offset: number): boolean {
  return text.slice(lineStart(text, offset), offset).trim() === '';
}

/** The offset just after the line that holds `offset - 1` (after its newline), or the end of the text. */
function afterLine(text: string, end: number): number {
  if (end > 0 && text[end - 1] === '\n') return end;
  const nl = text.indexOf('\n', end);
  return nl === -1 ? text.length : nl + 1;
}

function indentLines(block: string, col: number, first: boolean): string {
  const pad = ' '.repeat(col);
  return block
    .split('\n')
    .map((line, i) => (line === '' || (i === 0 && !first) ? line : pad + line))
    .join('\n');
}

/** The spaces between a map key and its nested map in this document (default 2). */
function indentStep(text: string, map: YAMLMap<ParsedNode, ParsedNode | null> | undefined, doc: Document.Parsed): number {
  const fromMap = (m: YAMLMap<ParsedNode, ParsedNode | null>): number | undefined => {
    for (const pair of m.items) {
      const v = pair.value;
      if (isMap(v) && !v.flow && v.items.length > 0 && isScalar(pair.key) && firstOnLine(text, rangeOf(v)[0])) {
        const step = column(text, rangeOf(v)[0]) - column(text, rangeOf(pair.key)[0]);
        if (step > 0) return step;
      }
    }
    return undefined;
  };
  if (map) {
    const local = fromMap(map);
    if (local !== undefined) return local;
  }
  let found: number | undefined;
  const visit = (node: unknown): void => {
    if (found !== undefined) return;
    if (isMap(node)) {
      found = fromMap(node as YAMLMap<ParsedNode, ParsedNode | null>);
      for (const pair of node.items) visit(pair.value);
    } else if (isSeq(node)) {
      for (const item of node.items) visit(item);
    }
  };
  visit(doc.contents);
  return found ?? 2;
}

/** Whether block lists under a key are indented past the key in this document (default yes). */
function indentsSequences(text: string, doc: Document.Parsed): boolean {
  let found: boolean | undefined;
  const visit = (node: unknown): void => {
    if (found !== undefined) return;
    if (isMap(node)) {
      for (const pair of node.items) {
        const v = pair.value;
        if (found === undefined && isSeq(v) && !v.flow && isScalar(pair.key)) {
          found = column(text, rangeOf(v)[0]) > column(text, rangeOf(pair.key)[0]);
        }
        visit(v);
      }
    } else if (isSeq(node)) {
      for (const item of node.items) visit(item);
    }
  };
  visit(doc.contents);
  return found ?? true;
}

// ---------------------------------------------------------------------------------------------
// Rendering

function plainText(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value === 'boolean') return String(value);
  if (typeof value === 'number') {
    if (Number.isNaN(value)) return '.nan';
    if (!Number.isFinite(value)) return value > 0 ? '.inf' : '-.inf';
    return String(value);
  }
  throw new EditFailure('cannot-edit', `cannot write a value of type ${typeof value} to YAML`);
}

/**
 * True when a small YAML text parses, without errors, into exactly `expected`, both as YAML 1.2
 * and as YAML 1.1: Helm reads values with a YAML 1.1 parser, where `yes`, `on`, `y`, `1:20`,
 * `017` and `2024-06-30` are not strings.
 */
function readsBack(source: string, expected: unknown): boolean {
  return (['1.2', '1.1'] as const).every((version) => {
    const probe = parseAllDocuments(source, { version });
    return probe.length === 1 && probe[0]!.errors.length === 0 && sameValue(probe[0]!.toJS(), expected);
  });
}

/** True when the string written plain (unquoted) reads back as itself in this context. */
function readsAsPlain(value: string, inFlow: boolean): boolean {
  if (value === '' || value.includes('\n')) return false;
  return inFlow ? readsBack(`[${value}]`, [value]) : readsBack(`k: ${value}`, { k: value });
}

/** A scalar written fresh on one line: plain when it reads back as itself, else double-quoted. */
function freshScalar(value: unknown, inFlow: boolean): string {
  if (typeof value !== 'string') return plainText(value);
  return readsAsPlain(value, inFlow) ? value : JSON.stringify(value);
}

/** A scalar written over an old scalar, in the old one's style, keeping the type of the new value. */
function scalarText(text: string, node: Scalar, value: unknown, inFlow: boolean): string {
  const [start, end] = rangeOf(node);
  const old = text.slice(start, end);
  const newline = old.endsWith('\n') ? '\n' : '';
  let out: string;
  if (typeof value !== 'string') {
    out = plainText(value);
  } else if (node.type === 'QUOTE_DOUBLE') {
    out = JSON.stringify(value);
  } else if (node.type === 'QUOTE_SINGLE' && !value.includes('\n')) {
    out = `'${value.replaceAll("'", "''")}'`;
  } else if (node.type === 'BLOCK_LITERAL' || node.type === 'BLOCK_FOLDED') {
    const lines = old.split('\n');
    const comment = /\s+#.*$/.exec(lines[0]!)?.[0] ?? '';
    const content = lines.slice(1).find((line) => line.trim() !== '');
    const col = content ? content.length - content.trimStart().length : 2;
    const block = blockScalar(value, node.type, col);
    if (block === undefined) return `${JSON.stringify(value)}${newline}`;
    const [header, ...rest] = block.split('\n');
    return `${[header + comment, ...rest].join('\n')}\n`;
  } else {
    out = freshScalar(value, inFlow);
  }
  // An empty value (`key:`) has an empty range right after the colon.
  if (start === end && start > 0 && !/\s/.test(text[start - 1]!)) out = ` ${out}`;
  return out + newline;
}

/**
 * A block scalar (`|`, `>-`…) of the given style holding `value`, its content lines at column
 * `col`, without a final newline; undefined when the value cannot be one without an indentation
 * indicator (it starts with a space) or a style change.
 */
function blockScalar(value: string, type: 'BLOCK_LITERAL' | 'BLOCK_FOLDED', col: number): string | undefined {
  const doc = new Document({ k: value });
  (doc.get('k', true) as Scalar).type = type;
  const rendered = doc.toString({ lineWidth: 0, indent: 2 });
  if (!/^k: [|>][-+]?\n/.test(rendered)) return undefined;
  const [header, ...content] = rendered.slice(3).replace(/\n$/, '').split('\n');
  return [header, ...content.map((line) => (line === '' ? '' : ' '.repeat(col) + line.slice(2)))].join('\n');
}

/**
 * A value on one line, in flow style: `{a: 1, b: [x, "y z"]}` (with `{ … }` padding when
 * `padded`). Scalars are plain when they read back as themselves, else double-quoted.
 */
function flowText(value: unknown, padded: boolean): string {
  const pad = padded ? ' ' : '';
  if (Array.isArray(value)) return value.length === 0 ? '[]' : `[${pad}${value.map((v) => flowText(v, padded)).join(', ')}${pad}]`;
  if (isPlainMap(value)) {
    const entries = Object.entries(value).map(([k, v]) => `${keyText(k, true)}: ${flowText(v, padded)}`);
    return entries.length === 0 ? '{}' : `{${pad}${entries.join(', ')}${pad}}`;
  }
  return freshScalar(value, true);
}

/**
 * A value in block style starting at column 0, without a final newline: nested maps indented by
 * `step`, lists under a key by `step` when `indentSeq` (else at the key's column), multi-line
 * strings as `|` block scalars, other scalars on one line as `freshScalar` writes them. Objects
 * met twice are written twice: no anchor is ever created.
 */
function blockText(value: unknown, step: number, indentSeq: boolean): string {
  const inline = (v: unknown, col: number): string | undefined => {
    if (isCollectionValue(v)) return isEmptyCollection(v) ? (Array.isArray(v) ? '[]' : '{}') : undefined;
    if (typeof v === 'string' && v.includes('\n')) return blockScalar(v, 'BLOCK_LITERAL', col) ?? JSON.stringify(v);
    return freshScalar(v, false);
  };
  const indent = (lines: string[], by: number): string[] => lines.map((line) => (line === '' ? line : ' '.repeat(by) + line));
  const render = (v: unknown): string[] => {
    if (Array.isArray(v)) {
      return v.flatMap((item) => {
        const one = inline(item, 2);
        if (one !== undefined) return `- ${one}`.split('\n');
        const [first, ...rest] = render(item);
        return [`- ${first}`, ...indent(rest, 2)];
      });
    }
    return Object.entries(v as Record<string, unknown>).flatMap(([k, item]) => {
      const key = keyText(k, false);
      const one = inline(item, step);
      if (one !== undefined) return `${key}: ${one}`.split('\n');
      return [`${key}:`, ...indent(render(item), Array.isArray(item) && !indentSeq ? 0 : step)];
    });
  };
  const one = inline(value, step);
  return one ?? render(value).join('\n');
}
function isEmptyCollection(value: unknown): boolean {
  return Array.isArray(value) ? value.length === 0 : isPlainMap(value) && Object.keys(value).length === 0;
}

/** A map key: plain when it reads back as itself, else double-quoted. */
function keyText(key: string, inFlow: boolean): string {
  if (key === '' || key.includes('\n')) return JSON.stringify(key);
  return readsBack(inFlow ? `{${key}: x}` : `${key}: x`, { [key]: 'x' }) ? key : JSON.stringify(key);
}

// ---------------------------------------------------------------------------------------------
// Changes

/** Replaces one node (a scalar, an alias or a collection) with a freshly rendered value. */
function replaceNode(text: string, doc: Document.Parsed, at: Located, value: unknown): string {
  const { node, parent } = at;
  const [start, end] = rangeOf(node);
  const newline = text.slice(start, end).endsWith('\n') ? '\n' : '';
  const oldIsFlow = (isMap(node) || isSeq(node)) && node.flow === true;
  if (at.inFlow || (oldIsFlow && isCollectionValue(value))) {
    const padded = /^[{[] /.test(text.slice(start, end));
    return splice(text, start, end, flowText(value, padded) + newline);
  }
  if (!isCollectionValue(value) || isEmptyCollection(value)) {
    const inline = isCollectionValue(value) ? (Array.isArray(value) ? '[]' : '{}') : freshScalar(value, false);
    if (parent.kind !== 'root' && start !== end && firstOnLine(text, start) && !isScalar(node)) {
      // A block collection on the lines below its key: bring the new value up to the key's line,
      // unless a comment sits after the key.
      const tokens = separatorTokens(parent, node);
      const lastSolid = [...tokens].reverse().find((t) => t.type !== 'space' && t.type !== 'newline');
      if (lastSolid && lastSolid.type !== 'comment') {
        const from = lastSolid.offset + lastSolid.source.length;
        return splice(text, from, end, ` ${inline}${newline}`);
      }
    }
    const lead = start === end && start > 0 && !/\s/.test(text[start - 1]!) ? ' ' : '';
    return splice(text, start, end, lead + inline + newline);
  }
  const step = indentStep(text, parent.kind === 'pair' ? parent.container : undefined, doc);
  const indentSeq = indentsSequences(text, doc);
  const block = blockText(value, step, indentSeq);
  if (parent.kind === 'root') return splice(text, start, end, block + newline);
  if (parent.kind === 'item') return splice(text, start, end, indentLines(block, column(text, start), false) + newline);
  const keyCol = column(text, rangeOf(parent.pair.key)[0]);
  const nestedCol = Array.isArray(value) && !indentSeq ? keyCol : keyCol + step;
  if (start !== end && firstOnLine(text, start)) {
    // The old value starts on a line of its own: keep its column when the new value may sit there
    // (a list may sit at its key's column, a map must be further right).
    const own = column(text, start);
    const col = (Array.isArray(value) ? own >= keyCol : own > keyCol) ? own : nestedCol;
    return splice(text, lineStart(text, start), end, indentLines(block, col, true) + newline);
  }
  // The old value sits on the key's line (`key: value  # comment`): the block goes below it and
  // the comment stays on the key's line.
  const before = text.slice(0, start).replace(/[ \t]+$/, '');
  if (newline) {
    // A block scalar: its header's comment stays on the key's line.
    const comment = /[ \t]+#[^\n]*/.exec(text.slice(start, text.indexOf('\n', start)))?.[0] ?? '';
    return `${before}${comment}\n${indentLines(block, nestedCol, true)}\n${text.slice(end)}`;
  }
  const nl = text.indexOf('\n', end);
  const lineEnd = nl === -1 ? text.length : nl;
  return `${before}${text.slice(end, lineEnd)}\n${indentLines(block, nestedCol, true)}${text.slice(lineEnd)}`;
}

/** The CST tokens between a value's indicator (`:` or `-`) and the value itself. */
function separatorTokens(parent: Parent, node: ParsedNode): CST.SourceToken[] {
  if (parent.kind === 'root') return [];
  const token = parent.container.srcToken as CST.BlockMap | CST.BlockSequence | undefined;
  if (!token || (token.type !== 'block-map' && token.type !== 'block-seq')) return [];
  for (const item of token.items) {
    if (item.value !== node.srcToken) continue;
    return ('sep' in item && item.sep ? item.sep : item.start) as CST.SourceToken[];
  }
  return [];
}

function canDeletePair(text: string, map: YAMLMap<ParsedNode, ParsedNode | null>, pair: Pair<ParsedNode, ParsedNode | null>): boolean {
  if (map.flow) return false;
  const key = pair.key;
  return isScalar(key) && key.range != null && firstOnLine(text, key.range[0]);
}

function pairEnd(text: string, pair: Pair<ParsedNode, ParsedNode | null>): number {
  const last = pair.value ?? pair.key;
  return afterLine(text, rangeOf(last)[1]);
}

function deletePair(text: string, pair: Pair<ParsedNode, ParsedNode | null>): string {
  return splice(text, lineStart(text, rangeOf(pair.key)[0]), pairEnd(text, pair), '');
}

/** Writes a value where the path does not exist yet, below the deepest node that does. */
function create(text: string, doc: Document.Parsed, path: ValuePath, at: Located, depth: number, value: unknown): string {
  const container = resolve(doc, at.node);
  const rest = path.slice(depth);
  const head = rest[0]!;
  const where = formatConcretePath(path.slice(0, depth));
  if (isScalar(container) && container.value === null) {
    const built = nest(rest, value);
    if (!built.ok) throw new EditFailure('cannot-edit', `cannot create ${formatConcretePath(path)}: ${where} is empty in the target, so it has no item [${built.index}]`);
    return replaceNode(text, doc, at, built.value);
  }
  if (isMap(container) && typeof head === 'string') {
    const built = nest(rest.slice(1), value);
    if (!built.ok) throw new EditFailure('cannot-edit', `cannot create ${formatConcretePath(path)}: a new list can only start at item [0]`);
    return addPair(text, doc, container as YAMLMap<ParsedNode, ParsedNode | null>, head, built.value);
  }
  if (isSeq(container) && typeof head === 'number' && head === container.items.length) {
    const built = nest(rest.slice(1), value);
    if (!built.ok) throw new EditFailure('cannot-edit', `cannot create ${formatConcretePath(path)}: a new list can only start at item [0]`);
    return appendItem(text, doc, container as YAMLSeq<ParsedNode>, built.value);
  }
  if (isSeq(container) && typeof head === 'number') {
    throw new EditFailure('cannot-edit', `cannot create ${formatConcretePath(path)}: the list at ${where} has ${container.items.length} items in the target`);
  }
  const kind = isMap(container) ? 'a map' : isSeq(container) ? 'a list' : `the scalar ${JSON.stringify(container.toJS(doc))}`;
  throw new EditFailure('cannot-edit', `cannot create ${formatConcretePath(path)}: ${where} is ${kind} in the target`);
}

function addPair(text: string, doc: Document.Parsed, map: YAMLMap<ParsedNode, ParsedNode | null>, key: string, value: unknown): string {
  if (map.flow || map.items.length === 0) {
    const [start, end] = rangeOf(map);
    const close = text.lastIndexOf('}', end - 1);
    if (close < start) throw new EditFailure('cannot-edit', `cannot add key ${JSON.stringify(key)} to a map without a closing "}"`);
    const entry = `${keyText(key, true)}: ${flowText(value, /^\{ /.test(text.slice(start, end)))}`;
    const last = map.items[map.items.length - 1];
    if (!last) return splice(text, close, close, /^\{ /.test(text.slice(start, end)) ? `${entry} ` : entry);
    const lastEnd = rangeOf(last.value ?? last.key)[1];
    return splice(text, lastEnd, lastEnd, `, ${entry}`);
  }
  const firstKey = map.items[0]!.key;
  const col = column(text, rangeOf(firstKey)[0]);
  const step = indentStep(text, map, doc);
  const entry = blockText({ [key]: value }, step, indentsSequences(text, doc));
  const at = pairEnd(text, map.items[map.items.length - 1]!);
  const lead = at > 0 && text[at - 1] !== '\n' ? '\n' : '';
  const trail = at < text.length || lead === '' ? '\n' : '';
  return splice(text, at, at, lead + indentLines(entry, col, true) + trail);
}

function appendItem(text: string, doc: Document.Parsed, seq: YAMLSeq<ParsedNode>, value: unknown): string {
  const [start, end] = rangeOf(seq);
  if (seq.flow || seq.items.length === 0) {
    const close = text.lastIndexOf(']', end - 1);
    if (close < start) throw new EditFailure('cannot-edit', 'cannot add an item to a list without a closing "]"');
    const item = flowText(value, /^\[ /.test(text.slice(start, end)));
    const last = seq.items[seq.items.length - 1];
    if (!last) return splice(text, close, close, item);
    return splice(text, rangeOf(last)[1], rangeOf(last)[1], `, ${item}`);
  }
  const col = column(text, start);
  const entry = blockText([value], indentStep(text, undefined, doc), indentsSequences(text, doc));
  const last = seq.items[seq.items.length - 1]!;
  const at = afterLine(text, rangeOf(last)[1]);
  const lead = at > 0 && text[at - 1] !== '\n' ? '\n' : '';
  return splice(text, at, at, lead + indentLines(entry, col, true) + (lead ? '' : '\n'));
}

/** A target with no document at all (empty, or only comments) receives the value as its first document. */
function appendDocument(text: string, path: ValuePath, value: unknown): string {
  const built = nest(path, value);
  if (!built.ok) throw new EditFailure('cannot-edit', `cannot create ${formatConcretePath(path)} in an empty file: a new list can only start at item [0]`);
  const body = isCollectionValue(built.value) && !isEmptyCollection(built.value) ? blockText(built.value, 2, true) : flowText(built.value, false);
  const lead = text === '' || text.endsWith('\n') ? '' : '\n';
  return `${text}${lead}${body}\n`;
}

/**
 * The source text of the plain scalar at a path of the `document`-th non-empty document (through
 * aliases): `1.10` for `appVersion: 1.10`, which reads as the number 1.1. Undefined when the text
 * does not parse, the path is missing, or the node is not a plain scalar.
 */
export function plainScalarSource(text: string, document: number, path: ValuePath): string | undefined {
  try {
    const doc = parseDocuments(text)[document];
    if (!doc) return undefined;
    const walk = locate(doc, path);
    if (!walk.found) return undefined;
    const node = resolve(doc, walk.at.node);
    return isScalar(node) && node.type === 'PLAIN' && typeof node.source === 'string' ? node.source : undefined;
  } catch (e) {
    if (e instanceof EditFailure) return undefined;
    throw e;
  }
}
