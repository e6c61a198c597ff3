/**
 * What one step of a JSONPath picks among the children of a node: a map key, a list index, or
 * every child (`*`).
 */
export type JsonPathSelector = { kind: 'key'; key: string } | { kind: 'index'; index: number } | { kind: 'wildcard' };

/**
 * One step of a JSONPath. `descendant: false` applies the selector to the children of the nodes
 * reached so far (`.key`, `['key']`, `[0]`, `.*`, `[*]`); `descendant: true` applies it to the
 * children of those nodes and of all their descendants (`..key`, `..['key']`, `..[0]`, `..*`).
 */
export interface JsonPathSegment {
  descendant: boolean;
  selector: JsonPathSelector;
}

/**
 * A parsed JSONPath, or why the text is not one: `index` is the 0-based offset of the first
 * character that does not fit (the text's length when it ends too early); the message names the
 * same place as a 1-based character, and what was expected there.
 */
export type JsonPathParseResult = { ok: true; path: JsonPathSegment[] } | { ok: false; message: string; index: number };

// Keys written after a dot: RFC 9535's member-name-shorthand (a letter, `_` or a non-ASCII
// character, then also digits). Anything else, a dash included, needs brackets.
const SHORTHAND_FIRST = /[A-Za-z_\u0080-\uffff]/;
const SHORTHAND_NEXT = /[A-Za-z0-9_\u0080-\uffff]/;

/** True when a key can be written after a dot (`$.image`) rather than in brackets (`$['argo-cd']`). */
export function isShorthandKey(key: string): boolean {
  if (key === '' || !SHORTHAND_FIRST.test(key[0]!)) return false;
  for (const ch of key) if (!SHORTHAND_NEXT.test(ch)) return false;
  return true;
}

const ESCAPES: Record<string, string> = { "'": "'", '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };

class JsonPathSyntaxError {
  constructor(
    readonly message: string,
    readonly index: number,
  ) {}
}

/**
 * Reads a JSONPath of the subset Stagecoach supports:
 * - `$` the root, which every path starts with;
 * - `.key` and `['key']` or `["key"]` (any characters inside the quotes, with `\'`, `\"`, `\\`,
 *   `\n`, `\t`, `\uXXXX`… escapes; spaces are allowed around the selector inside brackets);
 * - `[n]` a list index, non-negative, without leading zeros;
 * - `.*` and `[*]` every child;
 * - `..key`, `..*`, `..['key']` and `..[n]`: the same selectors applied at any depth.
 * Filters, slices, unions and negative indexes are not supported. Never throws.
 */
export function parseJsonPath(text: string): JsonPathParseResult {
  try {
    return { ok: true, path: new Reader(text).path() };
  } catch (e) {
    if (e instanceof JsonPathSyntaxError) return { ok: false, message: e.message, index: e.index };
    throw e;
  }
}

class Reader {
  private at = 0;

  constructor(private readonly text: string) {}

  path(): JsonPathSegment[] {
    if (this.peek() !== '$') this.fail('expected "$" at the start');
    this.at++;
    const segments: JsonPathSegment[] = [];
    // Where the last key written after a dot starts, for a hint when a dash or such follows it.
    let shorthandStart = -1;
    while (this.at < this.text.length) {
      const ch = this.peek();
      if (ch === '.' && this.text[this.at + 1] === '.') {
        this.at += 2;
        const next = this.peek();
        const start = this.at;
        const selector = next === '[' ? this.bracket() : this.dotted('expected a key, "*" or "[" after ".."');
        segments.push({ descendant: true, selector });
        shorthandStart = next !== '[' && selector.kind === 'key' ? start : -1;
      } else if (ch === '.') {
        this.at++;
        const start = this.at;
        const selector = this.dotted('expected a key or "*" after "."');
        segments.push({ descendant: false, selector });
        shorthandStart = selector.kind === 'key' ? start : -1;
      } else if (ch === '[') {
        segments.push({ descendant: false, selector: this.bracket() });
        shorthandStart = -1;
      } else {
        let hint = '';
        if (shorthandStart >= 0) {
          const end = this.text.slice(this.at).search(/[.[]/);
          const key = this.text.slice(shorthandStart, end === -1 ? this.text.length : this.at + end);
          hint = `; a key with characters other than letters, digits and "_" goes in brackets: ['${key.replace(/['\\]/g, '\\$&')}']`;
        }
        this.fail(`expected "." or "["${hint}`);
      }
    }
    return segments;
  }

  private dotted(expected: string): JsonPathSelector {
    if (this.peek() === '*') {
      this.at++;
      return { kind: 'wildcard' };
    }
    const start = this.at;
    if (this.at >= this.text.length || !SHORTHAND_FIRST.test(this.peek())) this.fail(expected);
    this.at++;
    while (this.at < this.text.length && SHORTHAND_NEXT.test(this.peek())) this.at++;
    return { kind: 'key', key: this.text.slice(start, this.at) };
  }

  private bracket(): JsonPathSelector {
    this.at++; // [
    this.spaces();
    const ch = this.peek();
    let selector: JsonPathSelector;
    if (ch === "'" || ch === '"') {
      selector = { kind: 'key', key: this.quoted(ch) };
    } else if (ch === '*') {
      this.at++;
      selector = { kind: 'wildcard' };
    } else if (ch >= '0' && ch <= '9') {
      selector = { kind: 'index', index: this.index() };
    } else if (ch === '-') {
      this.fail('expected a non-negative index');
    } else {
      this.fail('expected a quoted key, an index or "*" after "["');
    }
    this.spaces();
    if (this.peek() !== ']') this.fail('expected "]"');
    this.at++;
    return selector;
  }

  private index(): number {
    const start = this.at;
    while (this.peek() >= '0' && this.peek() <= '9') this.at++;
    const digits = this.text.slice(start, this.at);
    if (digits.length > 1 && digits.startsWith('0')) this.fail('expected an index without leading zeros', start);
    const index = Number(digits);
    if (!Number.isSafeInteger(index)) this.fail('expected a smaller index', start);
    return index;
  }

  private quoted(quote: string): string {
    this.at++;
    let out = '';
    for (;;) {
      if (this.at >= this.text.length) this.fail(`expected a closing ${quote}`);
      const ch = this.text[this.at]!;
      if (ch === quote) {
        this.at++;
        return out;
      }
      if (ch !== '\\') {
        out += ch;
        this.at++;
        continue;
      }
      const escaped = this.text[this.at + 1];
      if (escaped === undefined) {
        this.at++;
        this.fail(`expected an escaped character after "\\"`);
      }
      if (escaped === 'u') {
        const hex = this.text.slice(this.at + 2, this.at + 6);
        if (!/^[0-9A-Fa-f]{4}$/.test(hex)) this.fail('expected four hexadecimal digits after "\\u"', this.at + 2);
        out += String.fromCharCode(parseInt(hex, 16));
        this.at += 6;
      } else if (escaped in ESCAPES) {
        out += ESCAPES[escaped];
        this.at += 2;
      } else {
        this.fail(`expected one of ' " \\ / b f n r t u after "\\"`, this.at + 1);
      }
    }
  }

  private spaces(): void {
    while (this.peek() === ' ') this.at++;
  }

  private peek(): string {
    return this.text[this.at] ?? '';
  }

  private fail(expected: string, at = this.at): never {
    const found = at < this.text.length ? `unexpected ${JSON.stringify(this.text[at])}` : 'unexpected end';
    throw new JsonPathSyntaxError(`${found} at character ${at + 1}: ${expected}`, at);
  }
}
