// Small helpers shared by the editors and the planner, over JSON-shaped values (what `JSON.parse`
// and YAML's `toJS` give).

/** A path inside a document: map keys and list indexes, as `selectPaths` gives them. */
export type ValuePath = readonly (string | number)[];

/** One value to write: at `path` of the `document`-th non-empty document (0-based; JSON files have one). */
export interface ValueEdit {
  path: ValuePath;
  value: unknown;
  document?: number;
}

/** The new text, or why the edits could not be made (nothing is half-written). */
export type EditResult = { ok: true; text: string } | { ok: false; rule: 'parse-error' | 'cannot-edit'; message: string };

export function isPlainMap(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Deep equality of JSON-shaped values; map key order does not matter, list order does. */
export function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a === 'number' && typeof b === 'number') return Number.isNaN(a) && Number.isNaN(b);
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    return a.every((item, i) => sameValue(item, b[i]));
  }
  if (!isPlainMap(a) || !isPlainMap(b)) return false;
  const keys = Object.keys(a);
  if (keys.length !== Object.keys(b).length) return false;
  return keys.every((k) => Object.hasOwn(b, k) && sameValue(a[k], b[k]));
}

/** Builds the value to write where `path` does not exist yet: keys make maps, index 0 makes a one-item list. */
export function nest(path: ValuePath, value: unknown): { ok: true; value: unknown } | { ok: false; index: number } {
  let out = value;
  for (let i = path.length - 1; i >= 0; i--) {
    const key = path[i]!;
    if (typeof key === 'number') {
      if (key !== 0) return { ok: false, index: key };
      out = [out];
    } else {
      out = { [key]: out };
    }
  }
  return { ok: true, value: out };
}

/** Line (1-based) of a character offset. */
export function lineOf(text: string, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset && i < text.length; i++) if (text[i] === '\n') line++;
  return line;
}
