import { readYamlDocuments } from '@stagecoach/core';

type Json = string | number | boolean | null | Json[] | { [key: string]: Json };

// A string YAML reads back unchanged without quotes: no indicator first, no `: ` or ` #` inside,
// no leading or trailing blank, and not a word YAML would take for a number, boolean or null.
const PLAIN = /^[A-Za-z0-9_/.$@(][^\n:#]*$/;
const TYPED = /^(true|false|yes|no|on|off|y|n|null|~|[-+]?(\d[\d_]*(\.\d*)?|\.\d+)([eE][-+]?\d+)?|0x[0-9a-fA-F]+|0o[0-7]+|[-+]?\.inf|\.nan)$/i;

function scalar(value: string | number | boolean | null): string {
  if (value === null) return 'null';
  if (typeof value !== 'string') return String(value);
  if (PLAIN.test(value) && !TYPED.test(value) && value.trim() === value && !value.includes('{{')) return value;
  return JSON.stringify(value);
}

function isBlockText(value: Json): value is string {
  return typeof value === 'string' && value.includes('\n') && !/[^\S\n ]/.test(value.replace(/\t/g, ''))
    && !value.split('\n').some((line, index, all) => index < all.length - 1 && line !== line.trimEnd());
}

/** A multi-line string as a literal block: `|` keeps its final newline, `|-` has none. */
function blockText(value: string, indent: string): string[] {
  const body = value.endsWith('\n') ? value.slice(0, -1) : value;
  const header = value.endsWith('\n') ? '|' : '|-';
  // A first line that starts with blanks would be read as the indentation.
  const indicator = /^\s/.test(body) ? `${header.slice(0, 1)}2${header.slice(1)}` : header;
  return [indicator, ...body.split('\n').map((line) => (line === '' ? '' : `${indent}${line}`))];
}

function isEmpty(value: Json): boolean {
  return (Array.isArray(value) && value.length === 0) || (typeof value === 'object' && value !== null && Object.keys(value).length === 0);
}

function emptyText(value: Json): string {
  return Array.isArray(value) ? '[]' : '{}';
}

/** The lines of `value` placed after `key:` (or after `- `), indented by `indent` when nested. */
function valueLines(value: Json, indent: string): { inline?: string; lines: string[] } {
  if (value === null || typeof value !== 'object') {
    if (isBlockText(value)) {
      const [header, ...rest] = blockText(value as string, `${indent}  `);
      return { inline: header!, lines: rest };
    }
    return { inline: scalar(value), lines: [] };
  }
  if (isEmpty(value)) return { inline: emptyText(value), lines: [] };
  return { lines: nodeLines(value, `${indent}  `) };
}

function nodeLines(value: Json[] | { [key: string]: Json }, indent: string): string[] {
  const out: string[] = [];
  if (Array.isArray(value)) {
    for (const item of value) {
      if (item !== null && typeof item === 'object' && !isEmpty(item)) {
        // The item's first line goes after the dash; the rest keep their indentation.
        const lines = nodeLines(item, `${indent}  `);
        out.push(`${indent}- ${lines[0]!.trimStart()}`, ...lines.slice(1));
      } else {
        const { inline, lines } = valueLines(item, indent);
        out.push(`${indent}- ${inline}`, ...lines);
      }
    }
    return out;
  }
  for (const [key, item] of Object.entries(value)) {
    const { inline, lines } = valueLines(item, indent);
    out.push(inline === undefined ? `${indent}${scalar(key)}:` : `${indent}${scalar(key)}: ${inline}`, ...lines);
  }
  return out;
}

/**
 * JSON-shaped data as block YAML: maps and lists indented by two, multi-line strings (scripts)
 * as literal blocks, other strings quoted only where YAML would read them as something else.
 */
export function toYaml(value: unknown): string {
  const data = JSON.parse(JSON.stringify(value ?? null)) as Json;
  if (data === null || typeof data !== 'object') return `${scalar(data)}\n`;
  if (isEmpty(data)) return `${emptyText(data)}\n`;
  return `${nodeLines(data, '').join('\n')}\n`;
}

/** One YAML document read as plain data, or why it is not one. */
export type ReadDocument = { ok: true; value: Record<string, unknown> } | { ok: false; message: string };

/**
 * Reads the editor's text: exactly one YAML document holding a map. Only the syntax is checked
 * here; the fields are checked by the server when the document is saved.
 */
export function readOneDocument(text: string): ReadDocument {
  const read = readYamlDocuments(text);
  if (!read.ok) return { ok: false, message: read.message };
  if (read.values.length !== 1) return { ok: false, message: `the text must hold exactly one YAML document, found ${read.values.length}` };
  const value = read.values[0];
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return { ok: false, message: 'the document must be a map (apiVersion, kind, metadata, spec)' };
  return { ok: true, value: value as Record<string, unknown> };
}
