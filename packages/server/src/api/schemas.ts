import { z } from '@hono/zod-openapi';

/** Shapes of API bodies that are not resources; each gives the runtime check and the OpenAPI entry. */
export const ProblemSchema = z
  .object({
    severity: z.enum(['error', 'warning']),
    rule: z.string(),
    message: z.string(),
    path: z.string(),
    file: z.string().optional(),
    document: z.number().optional(),
    kind: z.string().optional(),
    name: z.string().optional(),
  })
  .openapi('Problem');

export const ErrorSchema = z
  .object({ code: z.string(), message: z.string(), details: z.array(ProblemSchema) })
  .openapi('Error');

export const errorResponses = {
  400: { description: 'Malformed request', content: { 'application/json': { schema: ErrorSchema } } },
  401: { description: 'Missing or unknown token', content: { 'application/json': { schema: ErrorSchema } } },
  403: { description: 'The token\'s role may not do this', content: { 'application/json': { schema: ErrorSchema } } },
} as const;

export const ApplyReportSchema = z
  .object({
    results: z.array(
      z.object({ kind: z.string(), name: z.string(), outcome: z.enum(['created', 'configured', 'unchanged']), resourceVersion: z.string() }),
    ),
    warnings: z.array(ProblemSchema),
    dryRun: z.boolean(),
  })
  .openapi('ApplyReport');

export const TokenSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    role: z.enum(['admin', 'member', 'viewer']),
    labels: z.record(z.string(), z.string()),
    createdAt: z.string(),
    lastUsedAt: z.string().optional(),
  })
  .openapi('Token');

export const CreateTokenSchema = z
  .object({
    name: z
      .string()
      .max(63)
      .regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, { message: 'must be a DNS-1123 label: lower-case letters, digits and "-"' })
      .openapi({ example: 'ci-bot' }),
    role: z.enum(['admin', 'member', 'viewer']),
    labels: z.record(z.string(), z.string()).optional(),
  })
  .openapi('CreateToken');

const PolicyFieldSource = z.union([
  z.object({ type: z.literal('policy'), name: z.string(), priority: z.number() }),
  z.object({ type: z.literal('inline'), name: z.string() }),
  z.object({ type: z.literal('default') }),
]);

export const PolicySettingsSchema = z
  .object({
    preAction: z.string().optional(),
    action: z.enum(['commit', 'pr', 'none']).optional(),
    postAction: z.string().optional(),
  })
  .strict();

export const EvaluatePolicySchema = z
  .object({
    product: z.string().min(1),
    environment: z.string().min(1),
    inline: PolicySettingsSchema.extend({ preAction: z.string().min(1).nullable().optional(), postAction: z.string().min(1).nullable().optional() })
      .optional()
      .openapi({ description: "Settings that replace the policies' field by field; a workflow of null removes the policies' one" }),
  })
  .strict()
  .openapi('EvaluatePolicyRequest');

export const PolicyEvaluationSchema = z
  .object({
    product: z.string(),
    environment: z.string(),
    fields: z.object({
      preAction: z.object({ value: z.string(), source: PolicyFieldSource }).optional(),
      action: z.object({ value: z.enum(['commit', 'pr', 'none']), source: PolicyFieldSource }),
      postAction: z.object({ value: z.string(), source: PolicyFieldSource }).optional(),
    }),
    matched: z.array(z.object({ name: z.string(), priority: z.number() })),
    warnings: z.array(ProblemSchema),
    removed: z
      .array(
        z.object({
          field: z.enum(['preAction', 'postAction']),
          source: PolicyFieldSource,
          overridden: z.object({ value: z.string(), source: PolicyFieldSource }).optional(),
        }),
      )
      .optional()
      .openapi({ description: 'Workflows the inline settings removed (set to null), and what the policies gave there' }),
  })
  .openapi('PolicyEvaluation');

export const WhoAmISchema = z
  .object({
    name: z.string(),
    abilities: z.object({ role: z.enum(['admin', 'member', 'viewer']), write: z.record(z.string(), z.boolean()), manageTokens: z.boolean() }),
  })
  .openapi('WhoAmI');
