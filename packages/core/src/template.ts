import { matchesLabelSelector, type Labels } from './labels.ts';
import { error, warning, type Problem } from './problems.ts';
import type { Application, InlinePromotionTemplate, Product, PromotionFiles, PromotionTemplate } from './resources/schemas.ts';

/** Label carrying the application's `spec.product`, as seen by `applicationSourceSelector`. */
export const PRODUCT_LABEL = 'stagecoach.dev/product';
/** Label carrying the application's `spec.environment`, as seen by `applicationSourceSelector`. */
export const ENVIRONMENT_LABEL = 'stagecoach.dev/environment';

export interface ResolvePromotionTemplateInput {
  product: Product;
  application: Application;
  templates: readonly PromotionTemplate[];
}

export interface ResolvedPromotionTemplate {
  /**
   * Where the version is read and what is promoted. Without `promotion` (or with an empty one),
   * every file present in both folders is copied.
   */
  template: InlinePromotionTemplate;
  /** `inline` for the product's own template, else the names of the templates used, base first. */
  sources: string[];
  /** An error for an unknown `promotionTemplateRef`; a warning when no template applies. */
  problems: Problem[];
}

/**
 * The labels a PromotionTemplate's `applicationSourceSelector` is matched against: the
 * application's own labels, plus `stagecoach.dev/product` and `stagecoach.dev/environment` set
 * from its `spec.product` and `spec.environment`, so a template can target a product or an
 * environment without anyone labelling applications. These two replace labels of the same key
 * written on the application.
 */
export function templateLabels(application: Application): Labels {
  return { ...application.metadata.labels, [PRODUCT_LABEL]: application.spec.product, [ENVIRONMENT_LABEL]: application.spec.environment };
}

/** Orders templates by precedence: lower priority first (absent counts as 0), then by name. */
export function compareTemplates(a: PromotionTemplate, b: PromotionTemplate): number {
  const pa = a.spec.priority ?? 0;
  const pb = b.spec.priority ?? 0;
  if (pa !== pb) return pa - pb;
  return a.metadata.name < b.metadata.name ? -1 : a.metadata.name > b.metadata.name ? 1 : 0;
}

function templateOf(source: { versionSource?: InlinePromotionTemplate['versionSource']; promotion?: PromotionFiles }): InlinePromotionTemplate {
  return {
    ...(source.versionSource ? { versionSource: { ...source.versionSource } } : {}),
    ...(source.promotion ? { promotion: { ...source.promotion } } : {}),
  };
}

/**
 * The promotion template that applies to one application of a product, in this order:
 * 1. the product's inline `promotionTemplate`;
 * 2. else the PromotionTemplate named by `promotionTemplateRef` (an unknown name is an error and
 *    gives the empty template);
 * 3. else every PromotionTemplate whose `applicationSourceSelector` matches the application's
 *    labels (see `templateLabels`; a template without a selector is used only by reference),
 *    merged in precedence order (`compareTemplates`): the first is the base; `versionSource`
 *    comes from the first that has one; `promotion` takes the base's files, then adds each file
 *    the merged result still lacks from the next templates. A file is never merged: the entry of
 *    the template with precedence wins whole.
 * When nothing applies the template is empty (every common file is copied) with a warning.
 */
export function resolvePromotionTemplate(input: ResolvePromotionTemplateInput): ResolvedPromotionTemplate {
  const { product, application } = input;
  const productAt = { kind: product.kind, name: product.metadata.name };
  if (product.spec.promotionTemplate) {
    return { template: templateOf(product.spec.promotionTemplate), sources: ['inline'], problems: [] };
  }
  const ref = product.spec.promotionTemplateRef;
  if (ref !== undefined) {
    const named = input.templates.find((t) => t.metadata.name === ref);
    if (!named) {
      const message = `promotionTemplateRef names unknown promotion template ${JSON.stringify(ref)}`;
      return { template: {}, sources: [], problems: [error('unknown-reference', 'spec.promotionTemplateRef', message, productAt)] };
    }
    return { template: templateOf(named.spec), sources: [named.metadata.name], problems: [] };
  }

  const labels = templateLabels(application);
  const matching = input.templates.filter((t) => matchesLabelSelector(t.spec.applicationSourceSelector, labels)).sort(compareTemplates);
  if (matching.length === 0) {
    const message = `no promotion template applies to application ${JSON.stringify(application.metadata.name)}: the product has no promotionTemplate or promotionTemplateRef, and no PromotionTemplate's applicationSourceSelector matches; every file present in both folders will be copied`;
    return { template: {}, sources: [], problems: [warning('no-promotion-template', '', message, productAt)] };
  }

  const versionSource = matching.find((t) => t.spec.versionSource)?.spec.versionSource;
  let promotion: PromotionFiles | undefined;
  for (const t of matching) {
    if (!t.spec.promotion) continue;
    promotion ??= {};
    for (const [file, entry] of Object.entries(t.spec.promotion)) {
      // defineProperty, not assignment: a file may be called `__proto__`.
      if (!Object.hasOwn(promotion, file)) Object.defineProperty(promotion, file, { value: entry, enumerable: true, writable: true, configurable: true });
    }
  }
  return {
    template: templateOf({ ...(versionSource ? { versionSource } : {}), ...(promotion ? { promotion } : {}) }),
    sources: matching.map((t) => t.metadata.name),
    problems: [],
  };
}
