import { z } from 'zod';
import { parseDuration } from '../duration.ts';
import { error, formatPath, type Problem, type ProblemLocation } from '../problems.ts';
import { findReferences } from './expressions.ts';
import { parseDepends } from './depends.ts';

/**
 * The subset of Argo Workflows' `WorkflowTemplate.spec` that Stagecoach reads and the local engine
 * runs. Every object is loose: a field Argo allows and this model does not name is kept as it
 * is, so that a template valid for Argo never fails here. `checkLocalSupport` lists the fields and
 * kinds the local engine cannot run.
 */

/** A parameter value: Argo reads numbers and booleans written in YAML as their text. */
const ParameterValue = z.union([z.string(), z.number(), z.boolean()]).transform((v) => String(v));

/** An integer, or a string of digits (Kubernetes' IntOrString), as a number. */
const IntOrString = z.union([
  z.int().min(0),
  z
    .string()
    .regex(/^\d+$/, { message: 'must be a whole number' })
    .transform((v) => Number(v)),
]);

/**
 * An Argo duration: a number of seconds (`30`, `"30"`) or a Go-style duration (`30s`, `2m`, `1h`),
 * read into milliseconds.
 */
export const ArgoDuration = z.union([z.number().min(0), z.string()]).transform((v, ctx) => {
  const ms = readArgoDuration(v);
  if (ms.ok) return ms.milliseconds;
  ctx.addIssue({ code: 'custom', message: ms.message, params: { rule: 'duration' } });
  return z.NEVER;
});

/** Milliseconds of an Argo duration (see `ArgoDuration`), or why the text is not one. */
export function readArgoDuration(value: number | string): { ok: true; milliseconds: number } | { ok: false; message: string } {
  if (typeof value === 'number') return { ok: true, milliseconds: Math.round(value * 1000) };
  if (/^\d+$/.test(value)) return { ok: true, milliseconds: Number(value) * 1000 };
  return parseDuration(value);
}

export const ArgoArgumentParameter = z.looseObject({ name: z.string().min(1), value: ParameterValue.optional() });
export type ArgoArgumentParameter = z.infer<typeof ArgoArgumentParameter>;

const Arguments = z.looseObject({ parameters: z.array(ArgoArgumentParameter).optional() });

export const ArgoInputParameter = z.looseObject({
  name: z.string().min(1),
  /** The value used when the caller passes none (Argo also reads `value` this way for inputs). */
  value: ParameterValue.optional(),
  default: ParameterValue.optional(),
});
export type ArgoInputParameter = z.infer<typeof ArgoInputParameter>;

export const ArgoOutputParameter = z.looseObject({
  name: z.string().min(1),
  /** Read from a file the step writes: the shell reads `path` when the step succeeds. */
  valueFrom: z.looseObject({ path: z.string().min(1).optional() }).optional(),
  /** A literal value, `{{…}}` substituted when the node finishes. */
  value: ParameterValue.optional(),
  /** Exports the value under this name for the whole run (`RunStatus.globalOutputs`). */
  globalName: z.string().min(1).optional(),
});
export type ArgoOutputParameter = z.infer<typeof ArgoOutputParameter>;

const EnvVar = z.looseObject({ name: z.string().min(1), value: ParameterValue.optional() });

export const ArgoContainer = z.looseObject({
  image: z.string().min(1),
  command: z.array(z.string()).optional(),
  args: z.array(ParameterValue).optional(),
  env: z.array(EnvVar).optional(),
  workingDir: z.string().optional(),
});

export const ArgoScript = z.looseObject({
  image: z.string().min(1),
  /** The interpreter the source file is given to. Default `["sh"]`. */
  command: z.array(z.string()).optional(),
  source: z.string(),
  env: z.array(EnvVar).optional(),
  workingDir: z.string().optional(),
});

export const ArgoStep = z.looseObject({
  name: z.string().min(1),
  template: z.string().min(1).optional(),
  arguments: Arguments.optional(),
  when: z.string().optional(),
});
export type ArgoStep = z.infer<typeof ArgoStep>;

export const ArgoDagTask = z.looseObject({
  name: z.string().min(1),
  template: z.string().min(1).optional(),
  /** Tasks that must succeed (or be skipped) first. */
  dependencies: z.array(z.string().min(1)).optional(),
  /** A condition on other tasks' results; see `parseDepends` for the supported forms. */
  depends: z.string().optional(),
  arguments: Arguments.optional(),
  when: z.string().optional(),
});
export type ArgoDagTask = z.infer<typeof ArgoDagTask>;

export const ArgoRetryStrategy = z.looseObject({
  /** Retries after the first attempt; a node runs at most `limit + 1` times. */
  limit: IntOrString,
  backoff: z
    .looseObject({
      /** Wait before the first retry. */
      duration: ArgoDuration,
      /** The wait is multiplied by this after each retry. Default 1. */
      factor: z.union([z.number().min(1), z.string().regex(/^\d+(\.\d+)?$/).transform(Number)]).optional(),
      /** No retry starts later than this after the node's first attempt started. */
      maxDuration: ArgoDuration.optional(),
    })
    .optional(),
});
export type ArgoRetryStrategy = z.infer<typeof ArgoRetryStrategy>;

/** Kinds of template the local engine runs. */
export const LOCAL_KINDS = ['container', 'script', 'steps', 'dag', 'suspend'] as const;
export type LocalKind = (typeof LOCAL_KINDS)[number];
/** Kinds of template only the Argo engine runs. */
export const ARGO_ONLY_KINDS = ['resource', 'http', 'plugin', 'containerSet', 'data'] as const;
const ALL_KINDS: readonly string[] = [...LOCAL_KINDS, ...ARGO_ONLY_KINDS];

export const ArgoTemplate = z
  .looseObject({
    name: z.string().min(1),
    container: ArgoContainer.optional(),
    script: ArgoScript.optional(),
    steps: z.array(z.array(ArgoStep)).optional(),
    dag: z.looseObject({ tasks: z.array(ArgoDagTask) }).optional(),
    suspend: z.looseObject({ duration: ArgoDuration.optional() }).optional(),
    inputs: z.looseObject({ parameters: z.array(ArgoInputParameter).optional() }).optional(),
    outputs: z.looseObject({ parameters: z.array(ArgoOutputParameter).optional() }).optional(),
    retryStrategy: ArgoRetryStrategy.optional(),
    /** Per attempt, for container and script templates; seconds. */
    activeDeadlineSeconds: IntOrString.optional(),
  })
  .superRefine((t, ctx) => {
    const kinds = ALL_KINDS.filter((k) => t[k] !== undefined);
    if (kinds.length !== 1) {
      ctx.addIssue({
        code: 'custom',
        message:
          kinds.length === 0
            ? `template "${t.name}" needs one of ${ALL_KINDS.join(', ')}`
            : `template "${t.name}" has ${kinds.join(' and ')}; a template has exactly one kind`,
        params: { rule: 'one-of' },
      });
    }
  });
export type ArgoTemplate = z.infer<typeof ArgoTemplate>;

export const ArgoWorkflowSpec = z.looseObject({
  entrypoint: z.string().min(1),
  arguments: Arguments.optional(),
  /** A template run after the main flow finished, whatever its outcome. */
  onExit: z.string().min(1).optional(),
  /** Limit of the main flow, from the run's start; seconds. */
  activeDeadlineSeconds: IntOrString.optional(),
  templates: z.array(ArgoTemplate).min(1),
});
export type ArgoWorkflowSpec = z.infer<typeof ArgoWorkflowSpec>;

/** The kind of a template (`container`, `steps`, …, or an Argo-only kind), or undefined when it has none. */
export function templateKind(t: Record<string, unknown>): string | undefined {
  return ALL_KINDS.find((k) => t[k] !== undefined);
}

// ---------------------------------------------------------------------------------------------
// What the local engine cannot run

/** Fields of the spec that change what a run does and that the local engine does not implement. */
const UNSUPPORTED_SPEC_FIELDS = [
  'volumes',
  'volumeClaimTemplates',
  'hooks',
  'templateDefaults',
  'synchronization',
  'workflowTemplateRef',
  'artifactRepositoryRef',
  'parallelism',
  'retryStrategy',
] as const;
const UNSUPPORTED_TEMPLATE_FIELDS = [
  'sidecars',
  'initContainers',
  'volumes',
  'podSpecPatch',
  'daemon',
  'synchronization',
  'memoize',
  'parallelism',
  'failFast',
  'timeout',
  'metrics',
  'executor',
] as const;
const UNSUPPORTED_CONTAINER_FIELDS = ['volumeMounts', 'envFrom', 'stdin', 'lifecycle'] as const;
const UNSUPPORTED_STEP_FIELDS = ['templateRef', 'inline', 'withItems', 'withParam', 'withSequence', 'continueOn', 'onExit', 'hooks'] as const;

function present(o: unknown, field: string): boolean {
  return o !== null && typeof o === 'object' && (o as Record<string, unknown>)[field] !== undefined;
}

function asRecord(o: unknown): Record<string, unknown> {
  return o !== null && typeof o === 'object' && !Array.isArray(o) ? (o as Record<string, unknown>) : {};
}

function asArray(o: unknown): unknown[] {
  return Array.isArray(o) ? o : [];
}

/**
 * The parts of an Argo WorkflowTemplate spec that the local engine cannot run, each a problem of
 * rule `unsupported-feature` naming the template and the feature, with its field path under
 * `spec`. An empty list means the local engine runs the spec as Argo would, within the limits
 * documented on the executor. Reads the spec as written (unvalidated); fields not named here
 * (scheduling and Kubernetes settings such as `serviceAccountName`, `nodeSelector`, `resources`)
 * are ignored by the local engine.
 */
export function checkLocalSupport(spec: unknown, at: ProblemLocation = {}): Problem[] {
  const problems: Problem[] = [];
  const s = asRecord(spec);
  const report = (path: PropertyKey[], where: string, feature: string) =>
    problems.push(
      error('unsupported-feature', formatPath(['spec', ...path]), `${where}${feature} is not supported by the local engine; use the argo engine`, at),
    );

  for (const field of UNSUPPORTED_SPEC_FIELDS) if (present(s, field)) report([field], '', `field "${field}"`);

  asArray(s.templates).forEach((raw, i) => {
    const t = asRecord(raw);
    const where = `template "${String(t.name)}": `;
    const kind = templateKind(t);
    if (kind !== undefined && !(LOCAL_KINDS as readonly string[]).includes(kind)) report(['templates', i, kind], where, `kind "${kind}"`);
    for (const field of UNSUPPORTED_TEMPLATE_FIELDS) if (present(t, field)) report(['templates', i, field], where, `field "${field}"`);

    const leaf = kind === 'container' || kind === 'script';
    if (kind === 'container' && !present(t.container, 'command')) {
      problems.push(
        error(
          'unsupported-feature',
          formatPath(['spec', 'templates', i, 'container', 'command']),
          `${where}a container without "command" runs its image's entrypoint, which the local engine cannot do; set command or use the argo engine`,
          at,
        ),
      );
    }
    if (leaf) {
      const body = asRecord(t[kind]);
      for (const field of UNSUPPORTED_CONTAINER_FIELDS) if (present(body, field)) report(['templates', i, kind, field], where, `field "${field}"`);
      asArray(body.env).forEach((e, j) => {
        if (present(e, 'valueFrom')) report(['templates', i, kind, 'env', j, 'valueFrom'], where, `env "valueFrom"`);
      });
    }
    if (!leaf && present(t, 'retryStrategy')) report(['templates', i, 'retryStrategy'], where, `retryStrategy on a ${kind ?? 'template'} template`);
    if (!leaf && present(t, 'activeDeadlineSeconds')) report(['templates', i, 'activeDeadlineSeconds'], where, `activeDeadlineSeconds on a ${kind ?? 'template'} template`);
    const retry = asRecord(t.retryStrategy);
    for (const field of ['retryPolicy', 'expression', 'affinity'] as const) {
      if (present(retry, field)) report(['templates', i, 'retryStrategy', field], where, `retryStrategy field "${field}"`);
    }

    const inputs = asRecord(t.inputs);
    if (present(inputs, 'artifacts')) report(['templates', i, 'inputs', 'artifacts'], where, 'input artifacts');
    asArray(inputs.parameters).forEach((p, j) => {
      if (present(p, 'valueFrom')) report(['templates', i, 'inputs', 'parameters', j, 'valueFrom'], where, `input parameter "valueFrom"`);
      if (present(p, 'enum')) report(['templates', i, 'inputs', 'parameters', j, 'enum'], where, `input parameter "enum"`);
    });
    const outputs = asRecord(t.outputs);
    if (present(outputs, 'artifacts')) report(['templates', i, 'outputs', 'artifacts'], where, 'output artifacts');
    if (present(outputs, 'result')) report(['templates', i, 'outputs', 'result'], where, 'outputs "result"');
    asArray(outputs.parameters).forEach((p, j) => {
      const from = asRecord(asRecord(p).valueFrom);
      for (const key of Object.keys(from)) {
        if (key !== 'path' || !leaf) report(['templates', i, 'outputs', 'parameters', j, 'valueFrom', key], where, `output "valueFrom.${key}"${key === 'path' ? ` on a ${kind} template` : ''}`);
      }
    });

    const calls: { path: PropertyKey[]; what: string; call: Record<string, unknown> }[] = [];
    asArray(t.steps).forEach((group, g) =>
      asArray(group).forEach((step, k) => calls.push({ path: ['templates', i, 'steps', g, k], what: `step "${String(asRecord(step).name)}": `, call: asRecord(step) })),
    );
    asArray(asRecord(t.dag).tasks).forEach((task, k) =>
      calls.push({ path: ['templates', i, 'dag', 'tasks', k], what: `task "${String(asRecord(task).name)}": `, call: asRecord(task) }),
    );
    for (const { path, what, call } of calls) {
      for (const field of UNSUPPORTED_STEP_FIELDS) if (present(call, field)) report([...path, field], where + what, `field "${field}"`);
      if (typeof call.depends === 'string') {
        const parsed = parseDepends(call.depends);
        if (parsed.ok) {
          for (const r of parsed.results) {
            if (!['Succeeded', 'Failed', 'Errored', 'Skipped', 'Omitted'].includes(r)) report([...path, 'depends'], where + what, `depends result ".${r}"`);
          }
        }
      }
    }

    for (const { path, text } of stringsIn(t, ['templates', i])) {
      for (const found of findReferences(text)) {
        if (found.reference.kind === 'other') report(path, where, `the reference ${found.text}`);
      }
    }
  });
  return problems;
}

/** Every string inside a value, with its path; map keys are not included. */
export function stringsIn(value: unknown, path: PropertyKey[]): { path: PropertyKey[]; text: string }[] {
  if (typeof value === 'string') return [{ path, text: value }];
  if (Array.isArray(value)) return value.flatMap((v, i) => stringsIn(v, [...path, i]));
  if (value !== null && typeof value === 'object') return Object.entries(value).flatMap(([k, v]) => stringsIn(v, [...path, k]));
  return [];
}
