import type { Application, Environment, GitTriggerSelector, Product, PromotionTemplate } from '@stagecoach/core';

/** How a product says what it promotes: not at all (templates chosen by labels), by a template's name, or inline. */
export type TemplateMode = 'none' | 'ref' | 'inline';

/** One promotable file of an inline template: its path and its JSONPaths, one a line. */
export interface PropertyRow {
  file: string;
  paths: string;
}

/** One git trigger condition as the form edits it; `values` one a line. */
export interface SelectorRow {
  key: GitTriggerSelector['key'];
  operator: GitTriggerSelector['operator'];
  values: string;
}

/** One entry of the ordered `promotionFlows` list. */
export interface FlowRow {
  name: string;
  selectors: SelectorRow[];
}

/** The product settings form: every field a string so that half-typed values are kept as typed. */
export interface ProductSettings {
  templateMode: TemplateMode;
  templateRef: string;
  versionFile: string;
  versionPath: string;
  properties: PropertyRow[];
  flows: FlowRow[];
  /** `''` for the server's default (queue). */
  concurrencyPolicy: '' | 'queue' | 'terminate' | 'supersede';
  /** `''` for no limit. */
  queueLimit: string;
}

function lines(text: string): string[] {
  return text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '');
}

/** The form's values for a stored product. */
export function settingsOf(product: Product): ProductSettings {
  const { spec } = product;
  const inline = spec.promotionTemplate;
  return {
    templateMode: spec.promotionTemplateRef !== undefined ? 'ref' : inline !== undefined ? 'inline' : 'none',
    templateRef: spec.promotionTemplateRef ?? '',
    versionFile: inline?.versionSource?.file ?? '',
    versionPath: inline?.versionSource?.jsonPath ?? '',
    properties: Object.entries(inline?.promotion ?? {}).map(([file, entry]) => ({ file, paths: entry.jsonPaths.join('\n') })),
    flows: (spec.promotionFlows ?? []).map((flow) => ({
      name: flow.name,
      selectors: (flow.gitTriggerSelectors ?? []).map((selector) => ({ key: selector.key, operator: selector.operator, values: selector.values.join('\n') })),
    })),
    concurrencyPolicy: spec.concurrency?.policy ?? '',
    queueLimit: spec.concurrency?.queueLimit === undefined ? '' : String(spec.concurrency.queueLimit),
  };
}

/**
 * The product with the form's settings, keeping its metadata (the resourceVersion the edit
 * started from included). Empty fields are left out; the server checks the rest.
 */
export function withSettings(product: Product, settings: ProductSettings): Product {
  const spec: Product['spec'] = {};
  if (settings.templateMode === 'ref') spec.promotionTemplateRef = settings.templateRef.trim();
  if (settings.templateMode === 'inline') {
    const inline: NonNullable<Product['spec']['promotionTemplate']> = {};
    if (settings.versionFile.trim() !== '' || settings.versionPath.trim() !== '') {
      inline.versionSource = { file: settings.versionFile.trim(), jsonPath: settings.versionPath.trim() };
    }
    const files = settings.properties.filter((row) => row.file.trim() !== '');
    if (files.length > 0) inline.promotion = Object.fromEntries(files.map((row) => [row.file.trim(), { jsonPaths: lines(row.paths) }]));
    spec.promotionTemplate = inline;
  }
  if (settings.flows.length > 0) {
    spec.promotionFlows = settings.flows.map((flow) => ({
      name: flow.name.trim(),
      ...(flow.selectors.length > 0
        ? { gitTriggerSelectors: flow.selectors.map((selector) => ({ key: selector.key, operator: selector.operator, values: lines(selector.values) })) }
        : {}),
    }));
  }
  const limit = settings.queueLimit.trim();
  if (settings.concurrencyPolicy !== '' || limit !== '') {
    spec.concurrency = {
      ...(settings.concurrencyPolicy !== '' ? { policy: settings.concurrencyPolicy } : {}),
      ...(limit !== '' ? { queueLimit: Number(limit) } : {}),
    };
  }
  return { apiVersion: product.apiVersion, kind: product.kind, metadata: product.metadata, spec };
}

/** The form fields that choose the promotion template, and so where each application's version is read. */
export type TemplateSettings = Pick<ProductSettings, 'templateMode' | 'templateRef' | 'versionFile' | 'versionPath' | 'properties'>;

/** The template fields of the form alone. */
export function templateSettingsOf(settings: ProductSettings): TemplateSettings {
  const { templateMode, templateRef, versionFile, versionPath, properties } = settings;
  return { templateMode, templateRef, versionFile, versionPath, properties };
}

/**
 * The product as saved but with the form's template: what the version preview asks about, so
 * half-edited flows or concurrency fields neither block nor change it.
 */
export function withTemplateSettings(product: Product, template: TemplateSettings): Product {
  return withSettings(product, { ...settingsOf(product), ...template });
}

/**
 * What a product says about its template (inline, by name, or neither), as one value to compare
 * and to key queries by; two forms that write the same template give equal values.
 */
export function templateOf(product: Product): Pick<Product['spec'], 'promotionTemplate' | 'promotionTemplateRef'> {
  const { promotionTemplate, promotionTemplateRef } = product.spec;
  return { ...(promotionTemplate !== undefined ? { promotionTemplate } : {}), ...(promotionTemplateRef !== undefined ? { promotionTemplateRef } : {}) };
}

/** Whether two products read their versions through the same template (the order of map keys aside). */
export function sameTemplate(a: Product, b: Product): boolean {
  return sameValue(templateOf(a), templateOf(b));
}

function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null || Array.isArray(a) !== Array.isArray(b)) return false;
  const keys = Object.keys(a);
  if (keys.length !== Object.keys(b).length) return false;
  return keys.every((key) => Object.hasOwn(b, key) && sameValue((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key]));
}

/** Moves the item at `from` by `by` places (−1 up, +1 down); out-of-range moves change nothing. */
export function move<T>(items: readonly T[], from: number, by: number): T[] {
  const to = from + by;
  if (from < 0 || from >= items.length || to < 0 || to >= items.length) return [...items];
  const next = [...items];
  const [item] = next.splice(from, 1);
  next.splice(to, 0, item!);
  return next;
}

/** A selector for people: `commitMessage NotIn "*[skip promotion]*"`. */
export function describeSelector(selector: { key: string; operator: string; values: readonly string[] }): string {
  return `${selector.key} ${selector.operator} ${selector.values.map((value) => JSON.stringify(value)).join(', ')}`;
}

/**
 * The environments a product has applications in, in dashboard order (by `spec.order`, then
 * name); environments not stored come last, by name.
 */
export function productEnvironments(product: string, applications: readonly Application[], environments: readonly Environment[]): string[] {
  const names = new Set(applications.filter((application) => application.spec.product === product).map((application) => application.spec.environment));
  const rank = new Map(environments.map((environment) => [environment.metadata.name, environment.spec.order ?? Number.MAX_SAFE_INTEGER]));
  return [...names].sort((a, b) => (rank.get(a) ?? Infinity) - (rank.get(b) ?? Infinity) || (a < b ? -1 : a > b ? 1 : 0));
}

/** What the settings say about the version source, for the preview heading. */
export function versionSourceOf(settings: ProductSettings, templates: readonly PromotionTemplate[]): string {
  if (settings.templateMode === 'inline') {
    return settings.versionFile === '' ? 'no version source set' : `${settings.versionFile} at ${settings.versionPath}`;
  }
  if (settings.templateMode === 'ref') {
    const template = templates.find((candidate) => candidate.metadata.name === settings.templateRef);
    if (template === undefined) return `template "${settings.templateRef}"`;
    const source = template.spec.versionSource;
    return source === undefined ? `template "${settings.templateRef}" (no version source)` : `${source.file} at ${source.jsonPath} (template "${settings.templateRef}")`;
  }
  return 'the promotion template chosen by each application\'s labels';
}
