import { applyEdits, findNodeAtLocation, getNodeValue, modify, parseTree, printParseErrorCode, type FormattingOptions, type Node, type ParseError } from 'jsonc-parser';
import { formatConcretePath, valueAtPath } from '../jsonpath/select.ts';
import { isPlainMap, lineOf, nest, sameValue, type EditResult, type ValueEdit, type ValuePath } from './values.ts';

/*
 * How JSON files are edited: with jsonc-parser, so the text outside the change keeps its layout,
 * and comments (tolerated, as in JSONC) survive. A scalar written over a scalar replaces just its
 * bytes. A map written over a map removes the keys the new value lacks, adds the new keys at the
 * end and writes shared keys in turn; a list over a list of the same length is written item by
 * item; anything else replaces the node. New and replaced collections are laid out with the
 * file's own indentation (tabs or N spaces, read from the first indented line) and line ending;
 * jsonc-parser lays out whole lines, so a compact line that receives a new key is re-laid out.
 * Missing parent maps are created; a missing list index can be created only as the next item.
 */

class EditFailure {
  constructor(
    readonly rule: 'parse-error' | 'cannot-edit',
    readonly message: string,
  ) {}
}

function words(code: string): string {
  return code.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase();
}

function parse(text: string): Node | undefined {
  const errors: ParseError[] = [];
  const root = parseTree(text, errors, { allowTrailingComma: true, disallowComments: false });
  const first = errors[0];
  if (first) {
    const line = lineOf(text, first.offset);
    const col = first.offset - (text.lastIndexOf('\n', first.offset - 1) + 1) + 1;
    throw new EditFailure('parse-error', `${words(printParseErrorCode(first.error))} at line ${line}, column ${col}`);
  }
  return root;
}

/** jsonc-parser's maps have no prototype; callers get ordinary objects (a `__proto__` key stays a plain own key). */
function plain(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(plain);
  if (typeof value !== 'object' || value === null) return value;
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    Object.defineProperty(out, key, { value: plain(item), enumerable: true, writable: true, configurable: true });
  }
  return out;
}

/** The value of a JSON text, or its first parse error (`value expected at line 3, column 5`). Comments and trailing commas are tolerated. */
export function readJsonDocument(text: string): { ok: true; value: unknown } | { ok: false; message: string } {
  try {
    const root = parse(text);
    return { ok: true, value: root ? plain(getNodeValue(root)) : undefined };
  } catch (e) {
    if (e instanceof EditFailure) return { ok: false, message: e.message };
    throw e;
  }
}

/** The file's indentation (first indented line; default two spaces) and line ending. */
export function detectJsonFormatting(text: string): FormattingOptions {
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  const indented = /^([ \t]+)\S/m.exec(text);
  if (indented?.[1]!.startsWith('\t')) return { insertSpaces: false, tabSize: 1, eol };
  return { insertSpaces: true, tabSize: indented ? indented[1]!.length : 2, eol };
}

/**
 * Writes each value at its path in a JSON text and returns the new text (see the comment at the
 * top of this module). `document` is ignored: a JSON file holds one document. Never throws on bad
 * input: an unparseable text, a path that crosses a scalar, or a missing list index past the end
 * gives `ok: false`.
 */
export function setJsonValues(text: string, edits: readonly ValueEdit[]): EditResult {
  try {
    const formatting = detectJsonFormatting(text);
    let out = text;
    for (const edit of edits) out = write(out, edit.path, edit.value, formatting);
    const root = parse(out);
    const value = root ? getNodeValue(root) : undefined;
    for (const edit of edits) {
      const read = valueAtPath(value, edit.path);
      if (!read.found || !sameValue(read.value, edit.value)) {
        throw new EditFailure('cannot-edit', `${formatConcretePath(edit.path)} does not hold the promoted value after the edit`);
      }
    }
    return { ok: true, text: out };
  } catch (e) {
    if (e instanceof EditFailure) return { ok: false, rule: e.rule, message: e.message };
    throw e;
  }
}

function stringifyRoot(value: unknown, formatting: FormattingOptions): string {
  return JSON.stringify(value, null, formatting.insertSpaces ? formatting.tabSize : '\t').replaceAll('\n', formatting.eol ?? '\n');
}

function change(text: string, path: ValuePath, value: unknown, formatting: FormattingOptions, isArrayInsertion = false): string {
  if (path.length === 0) {
    const root = parse(text)!;
    return text.slice(0, root.offset) + stringifyRoot(value, formatting) + text.slice(root.offset + root.length);
  }
  const options = value === undefined ? {} : { formattingOptions: formatting, isArrayInsertion };
  return applyEdits(text, modify(text, [...path], value, options));
}

function write(text: string, path: ValuePath, value: unknown, formatting: FormattingOptions): string {
  // A text that parses has a root node.
  const root = parse(text)!;
  const node = path.length === 0 ? root : findNodeAtLocation(root, [...path]);
  if (!node) return create(text, root, path, value, formatting);
  const old = getNodeValue(node);
  if (sameValue(old, value)) return text;
  const isCollection = (v: unknown) => typeof v === 'object' && v !== null;
  if (!isCollection(old) && !isCollection(value)) {
    return text.slice(0, node.offset) + JSON.stringify(value) + text.slice(node.offset + node.length);
  }
  if (isPlainMap(old) && isPlainMap(value) && Object.keys(old).some((k) => Object.hasOwn(value, k))) {
    let out = text;
    for (const key of Object.keys(old).filter((k) => !Object.hasOwn(value, k))) out = change(out, [...path, key], undefined, formatting);
    for (const key of Object.keys(value)) {
      if (!Object.hasOwn(old, key) || !sameValue(old[key], value[key])) out = write(out, [...path, key], value[key], formatting);
    }
    return out;
  }
  if (Array.isArray(old) && Array.isArray(value) && old.length === value.length && value.length > 0) {
    let out = text;
    value.forEach((item, i) => {
      if (!sameValue(old[i], item)) out = write(out, [...path, i], item, formatting);
    });
    return out;
  }
  return change(text, path, value, formatting);
}

function create(text: string, root: Node, path: ValuePath, value: unknown, formatting: FormattingOptions): string {
  let depth = 0;
  let node = root;
  while (depth < path.length) {
    const next: Node | undefined = findNodeAtLocation(node, [path[depth]!]);
    if (!next) break;
    node = next;
    depth++;
  }
  const rest = path.slice(depth);
  const where = formatConcretePath(path.slice(0, depth));
  const head = rest[0]!;
  const built = nest(rest.slice(1), value);
  if (!built.ok) throw new EditFailure('cannot-edit', `cannot create ${formatConcretePath(path)}: a new list can only start at item [0]`);
  if (node.type === 'object' && typeof head === 'string') return change(text, path.slice(0, depth + 1), built.value, formatting);
  if (node.type === 'array' && typeof head === 'number' && head === (node.children?.length ?? 0)) {
    return change(text, path.slice(0, depth + 1), built.value, formatting, true);
  }
  if (node.type === 'null') {
    const whole = nest(rest, value);
    if (!whole.ok) throw new EditFailure('cannot-edit', `cannot create ${formatConcretePath(path)}: ${where} is null in the target, so it has no item [${whole.index}]`);
    return change(text, path.slice(0, depth), whole.value, formatting);
  }
  if (node.type === 'array') {
    throw new EditFailure('cannot-edit', `cannot create ${formatConcretePath(path)}: the list at ${where} has ${node.children?.length ?? 0} items in the target`);
  }
  const kind = node.type === 'object' ? 'a map' : `the ${node.type} ${JSON.stringify(getNodeValue(node))}`;
  throw new EditFailure('cannot-edit', `cannot create ${formatConcretePath(path)}: ${where} is ${kind} in the target`);
}
