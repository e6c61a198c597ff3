import { z } from 'zod';
import { Annotations, Duration, GitRevision, JsonPath, LabelSelector, Labels, Name, Ref, RelativePath, RepoFolder } from './fields.ts';

/** The apiVersion of every Stagecoach resource. */
export const STAGECOACH_API_VERSION = 'stagecoach.dev/v1alpha1';
/** Workflow templates keep Argo Workflows' own apiVersion so the same file runs on Argo. */
export const ARGO_API_VERSION = 'argoproj.io/v1alpha1';

/**
 * Metadata. `resourceVersion` and `creationTimestamp` are set by the server; they are accepted on
 * input (so `get -o yaml` output can be applied again) and used only as an optimistic-lock check.
 */
export const Metadata = z.strictObject({
  name: Name,
  namespace: z.string().optional(),
  labels: Labels.optional(),
  annotations: Annotations.optional(),
  resourceVersion: z.string().regex(/^\d+$/, { message: 'must be a string of digits' }).optional(),
  creationTimestamp: z.string().optional(),
  updateTimestamp: z.string().optional(),
});
export type Metadata = z.infer<typeof Metadata>;

export const Action = z.enum(['commit', 'pr', 'none']);
export type Action = z.infer<typeof Action>;

/**
 * A PromotionPolicy's workflow: a name, or absent. `null` is refused with a message saying where
 * it belongs: policies compose field by field, so "no workflow" is said inline, where it wins.
 */
const PolicyWorkflow = Ref.nullable()
  .transform((name, ctx) => {
    if (name !== null) return name;
    ctx.addIssue({
      code: 'custom',
      message: 'must name a workflow; null ("no workflow") belongs in a flow step\'s policy or a manual promotion, where it removes what policies set; leave the field out here',
      params: { rule: 'type' },
    });
    return z.NEVER;
  })
  .optional();

/** Pre-action workflow, action and post-action workflow of a PromotionPolicy; every field optional. */
export const PolicySettings = z.strictObject({
  preAction: PolicyWorkflow,
  action: Action.optional(),
  postAction: PolicyWorkflow,
});
export type PolicySettings = z.infer<typeof PolicySettings>;

/**
 * Settings given inline: a flow step's `policy`, or a manual promotion's. Each field set replaces
 * what the policies give; a workflow set to `null` means none for this step, whatever they say.
 */
export const InlinePolicySettings = z.strictObject({
  preAction: Ref.nullable().optional(),
  action: Action.optional(),
  postAction: Ref.nullable().optional(),
});
export type InlinePolicySettings = z.infer<typeof InlinePolicySettings>;

export const Hooks = z.strictObject({ onStart: Ref.optional(), onSuccess: Ref.optional(), onFail: Ref.optional() });
export type Hooks = z.infer<typeof Hooks>;

export const EnvironmentKind = z.enum(['non-production', 'production']);
export type EnvironmentKind = z.infer<typeof EnvironmentKind>;

export const EnvironmentSpec = z.strictObject({
  kind: EnvironmentKind,
  /** Dashboard column order, ascending; environments without one come last, by name. */
  order: z.int().optional(),
  argocd: z
    .strictObject({
      destinations: z.array(
        z.strictObject({ server: z.string().min(1), name: z.string().optional(), namespaces: z.array(z.string()).optional() }),
      ),
    })
    .optional(),
});

export const ApplicationSpec = z.strictObject({
  product: Ref,
  environment: Ref,
  source: z.strictObject({
    repoURL: z.string().min(1),
    /** Branch the promotion commits to; Argo CD's default `HEAD` when omitted. */
    targetRevision: GitRevision.optional(),
    path: RepoFolder,
  }),
  destination: z.strictObject({ server: z.string().optional(), namespace: z.string().optional() }).optional(),
  argocd: z.strictObject({ name: z.string().min(1), namespace: z.string().optional() }).optional(),
});

export const VersionSource = z.strictObject({ file: RelativePath, jsonPath: JsonPath });
export type VersionSource = z.infer<typeof VersionSource>;

/** File (relative to the application folder) → JSONPaths whose values are promoted. */
export const PromotionFiles = z.record(RelativePath, z.strictObject({ jsonPaths: z.array(JsonPath) }));
export type PromotionFiles = z.infer<typeof PromotionFiles>;

/** The promotion settings a product carries inline. */
export const InlinePromotionTemplate = z.strictObject({
  versionSource: VersionSource.optional(),
  promotion: PromotionFiles.optional(),
});
export type InlinePromotionTemplate = z.infer<typeof InlinePromotionTemplate>;

export const GitTriggerSelector = z.strictObject({
  key: z.enum(['commitMessage', 'gitRevision', 'author']),
  operator: z.enum(['In', 'NotIn']),
  values: z.array(z.string()).min(1),
});
export type GitTriggerSelector = z.infer<typeof GitTriggerSelector>;

export const ConcurrencyPolicy = z.enum(['queue', 'terminate', 'supersede']);

export const ProductSpec = z
  .strictObject({
    promotionTemplate: InlinePromotionTemplate.optional(),
    promotionTemplateRef: Ref.optional(),
    /** Ordered: the first flow whose selectors match an automatic trigger runs. */
    promotionFlows: z.array(z.strictObject({ name: Ref, gitTriggerSelectors: z.array(GitTriggerSelector).optional() })).optional(),
    concurrency: z
      .strictObject({ policy: ConcurrencyPolicy.optional(), queueLimit: z.int().min(1).max(10_000).optional() })
      .optional(),
  })
  .refine((s) => !(s.promotionTemplate && s.promotionTemplateRef), {
    message: 'set promotionTemplate or promotionTemplateRef, not both',
    params: { rule: 'one-of' },
  });

export const PromotionTemplateSpec = z.strictObject({
  /** Applications whose labels match use this template; absent = used only by reference. */
  applicationSourceSelector: LabelSelector.optional(),
  /** Lower number wins when several templates match. Default 0. */
  priority: z.int().optional(),
  versionSource: VersionSource.optional(),
  promotion: PromotionFiles.optional(),
});

export const FlowStep = z.strictObject({
  environment: Ref,
  /** Default: the step above (the first step: the trigger environment). */
  dependsOn: z.array(Ref).optional(),
  policy: InlinePolicySettings.optional(),
  hooks: Hooks.optional(),
});
export type FlowStep = z.infer<typeof FlowStep>;

export const PromotionFlowSpec = z.strictObject({
  triggerEnvironment: Ref,
  /** Post-action workflow of the trigger environment. */
  triggerWorkflow: Ref.optional(),
  /** Whole-release limit; default 24h. */
  timeout: Duration.optional(),
  steps: z.array(FlowStep).min(1, { message: 'a flow needs at least one target step' }),
  hooks: Hooks.optional(),
});

export const PromotionPolicySpec = z.strictObject({
  /** Lower number wins. */
  priority: z.int(),
  /** Absent = matches every product and environment. */
  selector: z
    .strictObject({
      product: z.strictObject({ names: z.array(Ref).optional() }).optional(),
      targetEnvironment: z.strictObject({ names: z.array(Ref).optional(), kinds: z.array(EnvironmentKind).optional() }).optional(),
    })
    .optional(),
  policy: PolicySettings,
});

const WorkflowParameter = z.looseObject({ name: z.string().min(1), value: z.string().optional(), globalName: z.string().optional() });

/** Argo Workflows' WorkflowTemplate shape; fields Stagecoach does not read are kept as they are. */
export const WorkflowTemplateSpec = z
  .looseObject({
    entrypoint: z.string().min(1),
    arguments: z.looseObject({ parameters: z.array(WorkflowParameter).optional() }).optional(),
    templates: z.array(z.looseObject({ name: z.string().min(1) })).min(1),
  })
  .refine((s) => s.templates.some((t) => t.name === s.entrypoint), {
    message: 'entrypoint must name one of spec.templates',
    params: { rule: 'unknown-reference' },
    path: ['entrypoint'],
  });

function resource<K extends string, A extends string, S extends z.ZodType>(kind: K, apiVersion: A, spec: S) {
  return z.strictObject({ apiVersion: z.literal(apiVersion), kind: z.literal(kind), metadata: Metadata, spec });
}

export const Environment = resource('Environment', STAGECOACH_API_VERSION, EnvironmentSpec);
export const Application = resource('Application', STAGECOACH_API_VERSION, ApplicationSpec);
export const Product = resource('Product', STAGECOACH_API_VERSION, ProductSpec);
export const PromotionTemplate = resource('PromotionTemplate', STAGECOACH_API_VERSION, PromotionTemplateSpec);
export const PromotionFlow = resource('PromotionFlow', STAGECOACH_API_VERSION, PromotionFlowSpec);
export const PromotionPolicy = resource('PromotionPolicy', STAGECOACH_API_VERSION, PromotionPolicySpec);
export const WorkflowTemplate = resource('WorkflowTemplate', ARGO_API_VERSION, WorkflowTemplateSpec);

export type Environment = z.infer<typeof Environment>;
export type Application = z.infer<typeof Application>;
export type Product = z.infer<typeof Product>;
export type PromotionTemplate = z.infer<typeof PromotionTemplate>;
export type PromotionFlow = z.infer<typeof PromotionFlow>;
export type PromotionPolicy = z.infer<typeof PromotionPolicy>;
export type WorkflowTemplate = z.infer<typeof WorkflowTemplate>;

export type Resource = Environment | Application | Product | PromotionTemplate | PromotionFlow | PromotionPolicy | WorkflowTemplate;
export type ResourceKind = Resource['kind'];
export type ResourceOf<K extends ResourceKind> = Extract<Resource, { kind: K }>;
