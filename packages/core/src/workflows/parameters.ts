import { error, type Problem, type ProblemLocation } from '../problems.ts';

/** Which kind of workflow run the parameters are for: pre-action, post-action, or a hook. */
export type WorkflowRunKind = 'pre' | 'post' | 'hook';

/** The commit an action made (or the merge commit of its pull request). */
export interface CommitInfo {
  sha: string;
  author: string;
  message: string;
  /** ISO 8601. */
  date: string;
}

/** What pre- and post-action workflows are told about the application being promoted. */
export interface ActionWorkflowContext {
  appName: string;
  appNamespace: string;
  repoURL: string;
  /** The application's `targetRevision`; `HEAD` when it sets none. */
  branch: string;
  path: string;
  environment: string;
  productName: string;
  releaseId: string;
  /** For a post-action after a commit or a merged pull request; ignored for a pre-action. */
  commit?: CommitInfo;
  /**
   * For a post-action: the outputs the same application's pre-action exported with `globalName`,
   * by that name. A standard parameter of the same name wins.
   */
  preActionOutputs?: Readonly<Record<string, string>>;
}

/** One environment of a failed release, as `FAILED_ENVIRONMENTS` lists it. */
export interface FailedEnvironment {
  name: string;
  status: string;
  errorMessage: string;
}

/** What hook workflows are told about the release. */
export interface HookWorkflowContext {
  releaseId: string;
  releaseUrl: string;
  productName: string;
  /** The release's version. */
  version: string;
  /** The trigger commit. */
  commitSha: string;
  promotionFlowName: string;
  /** Only for `onFail` hooks. */
  failure?: { errorMessage: string; failedEnvironments: readonly FailedEnvironment[] };
  /**
   * The release's promotion context (the merge of every `PROMOTION_CONTEXT` exported so far).
   * Each key becomes a parameter; a value that is not a string is passed as JSON. A standard
   * parameter of the same name wins.
   */
  promotionContext?: Readonly<Record<string, unknown>>;
}

/**
 * The standard parameters of a workflow run (DESIGN section 3, "Workflow parameters"). Pre and
 * post: `APP_NAME`, `APP_NAMESPACE`, `REPO_URL`, `BRANCH`, `PATH`, `ENVIRONMENT`, `PRODUCT_NAME`,
 * `RELEASE_ID`; a post-action with a commit adds `COMMIT_SHA`, `COMMIT_AUTHOR`, `COMMIT_MESSAGE`,
 * `COMMIT_DATE`, and the pre-action's global outputs. Hooks: `RELEASE_ID`, `RELEASE_URL`,
 * `PRODUCT_NAME`, `VERSION`, `COMMIT_SHA`, `PROMOTION_FLOW_NAME`, the promotion context's keys,
 * and for `onFail` `ERROR_MESSAGE` and `FAILED_ENVIRONMENTS` (a JSON list of
 * `{name, status, error-message}`). Pass the result through `declaredOnly`.
 */
export function workflowParameters(kind: 'pre' | 'post', context: ActionWorkflowContext): Record<string, string>;
export function workflowParameters(kind: 'hook', context: HookWorkflowContext): Record<string, string>;
export function workflowParameters(kind: WorkflowRunKind, context: ActionWorkflowContext | HookWorkflowContext): Record<string, string> {
  if (kind === 'hook') {
    const c = context as HookWorkflowContext;
    const fromContext = Object.fromEntries(
      Object.entries(c.promotionContext ?? {}).map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)]),
    );
    return {
      ...fromContext,
      RELEASE_ID: c.releaseId,
      RELEASE_URL: c.releaseUrl,
      PRODUCT_NAME: c.productName,
      VERSION: c.version,
      COMMIT_SHA: c.commitSha,
      PROMOTION_FLOW_NAME: c.promotionFlowName,
      ...(c.failure
        ? {
            ERROR_MESSAGE: c.failure.errorMessage,
            FAILED_ENVIRONMENTS: JSON.stringify(c.failure.failedEnvironments.map((e) => ({ name: e.name, status: e.status, 'error-message': e.errorMessage }))),
          }
        : {}),
    };
  }
  const c = context as ActionWorkflowContext;
  const commit = kind === 'post' && c.commit ? c.commit : undefined;
  return {
    ...(kind === 'post' ? c.preActionOutputs : {}),
    APP_NAME: c.appName,
    APP_NAMESPACE: c.appNamespace,
    REPO_URL: c.repoURL,
    BRANCH: c.branch,
    PATH: c.path,
    ENVIRONMENT: c.environment,
    PRODUCT_NAME: c.productName,
    RELEASE_ID: c.releaseId,
    ...(commit ? { COMMIT_SHA: commit.sha, COMMIT_AUTHOR: commit.author, COMMIT_MESSAGE: commit.message, COMMIT_DATE: commit.date } : {}),
  };
}

/** What `declaredOnly` needs of a WorkflowTemplate. */
export interface DeclaringTemplate {
  metadata: { name: string };
  spec: { arguments?: { parameters?: readonly { name: string; value?: unknown }[] | undefined } | undefined };
}

/**
 * The parameters a template declares in `spec.arguments.parameters`, taken from `params`; others
 * are dropped. A declared parameter that `params` lacks keeps the template's `value`; one that
 * has no value either is a problem of rule `missing-parameter` naming it (the run would fail).
 */
export function declaredOnly(
  template: DeclaringTemplate,
  params: Readonly<Record<string, string>>,
  at: ProblemLocation = {},
): { parameters: Record<string, string>; problems: Problem[] } {
  const parameters: Record<string, string> = {};
  const problems: Problem[] = [];
  (template.spec.arguments?.parameters ?? []).forEach((p, i) => {
    if (Object.hasOwn(params, p.name)) parameters[p.name] = params[p.name]!;
    else if (p.value === undefined) {
      problems.push(
        error(
          'missing-parameter',
          `spec.arguments.parameters[${i}]`,
          `workflow "${template.metadata.name}" declares parameter "${p.name}" without a value, and this run does not provide it`,
          at,
        ),
      );
    }
  });
  return { parameters, problems };
}
