import { error, loadResources, type Problem, type PromotionFlow } from '@stagecoach/core';
import { cleanFlow } from './model.ts';

type Value = string | number | boolean | null | undefined | Value[] | { [key: string]: Value };

// Plain scalars YAML would read back as the same string: no indicator at the start, no `: ` or
// ` #` inside, and not a word YAML turns into a number, boolean or null.
const PLAIN = /^[A-Za-z0-9_/.$@][A-Za-z0-9_/.$@ *,()=+-]*$/;
const SPECIAL = /^(true|false|yes|no|on|off|null|~|y|n|[-+]?(\d[\d_]*(\.\d*)?|\.\d+)([eE][-+]?\d+)?|0x[0-9a-fA-F]+|0o[0-7]+|\.inf|\.nan)$/i;

function scalar(value: string | number | boolean | null): string {
  if (value === null) return 'null';
  if (typeof value !== 'string') return String(value);
  if (value !== '' && PLAIN.test(value) && !SPECIAL.test(value) && !value.endsWith(' ')) return value;
  return JSON.stringify(value);
}

function isScalar(value: Value): value is string | number | boolean | null {
  return value === null || typeof value !== 'object';
}

function lines(value: Value, indent: string): string[] {
  if (Array.isArray(value)) {
    if (value.every(isScalar)) return [`[${value.map((v) => scalar(v as string)).join(', ')}]`];
    return value.flatMap((item) => {
      const body = block(item, `${indent}  `);
      return [`${indent}- ${body[0]!.trimStart()}`, ...body.slice(1)];
    });
  }
  return [scalar(value as string)];
}

function block(value: Value, indent: string): string[] {
  if (isScalar(value) || Array.isArray(value)) return lines(value, indent).map((l) => (l.startsWith(indent) ? l : `${indent}${l}`));
  const out: string[] = [];
  for (const [key, item] of Object.entries(value as Record<string, Value>)) {
    if (item === undefined) continue;
    const name = scalar(key);
    if (isScalar(item) || (Array.isArray(item) && item.every(isScalar))) out.push(`${indent}${name}: ${lines(item, indent)[0]}`);
    else if (Array.isArray(item)) out.push(`${indent}${name}:`, ...lines(item, `${indent}  `));
    else if (Object.keys(item).length === 0) out.push(`${indent}${name}: {}`);
    else out.push(`${indent}${name}:`, ...block(item, `${indent}  `));
  }
  return out;
}

/**
 * The flow as one YAML document, in the shape `stagecoach apply` takes: block maps, lists of
 * names inline (`dependsOn: [qa, staging]`), strings quoted only where YAML would misread them.
 */
export function flowToYaml(flow: PromotionFlow): string {
  return `${block(cleanFlow(flow) as unknown as Value, '').join('\n')}\n`;
}

/** A flow read from YAML, or the problems that stop it from being one. */
export type ParsedFlow = { ok: true; flow: PromotionFlow } | { ok: false; problems: Problem[] };

/**
 * Reads the YAML tab: exactly one PromotionFlow document that passes its schema. Problems name
 * the line for syntax errors and the field path otherwise.
 */
export function flowFromYaml(text: string): ParsedFlow {
  const loaded = loadResources(text);
  if (loaded.problems.length > 0) return { ok: false, problems: loaded.problems };
  if (loaded.resources.length !== 1) {
    return { ok: false, problems: [error('one-document', '', `the YAML must hold exactly one PromotionFlow, found ${loaded.resources.length} resources`)] };
  }
  const resource = loaded.resources[0]!.resource;
  if (resource.kind !== 'PromotionFlow') {
    return { ok: false, problems: [error('kind', 'kind', `the YAML must hold a PromotionFlow, got a ${resource.kind}`)] };
  }
  return { ok: true, flow: resource };
}
