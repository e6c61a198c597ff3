export * from './problems.ts';
export * from './resources/schemas.ts';
export * from './resources/kinds.ts';
export * from './resources/decode.ts';
export { LabelSelector } from './resources/fields.ts';
export * from './permissions.ts';
export * from './assert.ts';
export * from './labels.ts';
export * from './duration.ts';
export * from './flow/graph.ts';
export * from './validate.ts';
export * from './policy.ts';
export * from './deployment.ts';
export * from './template.ts';
export * from './triggers.ts';
export * from './jsonpath/parse.ts';
export * from './jsonpath/select.ts';
export * from './changeset/plan.ts';
export * from './changeset/read.ts';
export * from './changeset/version.ts';
export * from './changeset/diff.ts';
export type { ValueEdit, ValuePath, EditResult } from './changeset/values.ts';
export { setYamlValues, readYamlDocuments } from './changeset/yaml-edit.ts';
export { setJsonValues, readJsonDocument, detectJsonFormatting } from './changeset/json-edit.ts';
export {
  ArgoArgumentParameter,
  ArgoContainer,
  ArgoDagTask,
  ArgoDuration,
  ArgoInputParameter,
  ArgoOutputParameter,
  ArgoRetryStrategy,
  ArgoScript,
  ArgoStep,
  ArgoTemplate,
  ArgoWorkflowSpec,
  ARGO_ONLY_KINDS,
  LOCAL_KINDS,
  type LocalKind,
  checkLocalSupport,
  readArgoDuration,
  templateKind,
} from './workflows/model.ts';
export { validateWorkflowTemplate } from './workflows/validate.ts';
export * from './workflows/expressions.ts';
export * from './workflows/depends.ts';
export * from './workflows/executor.ts';
export * from './workflows/parameters.ts';
export * from './application.ts';
export * from './release/model.ts';
export * from './release/machine.ts';
export * from './release/plan.ts';
export * from './release/concurrency.ts';
export * from './sse.ts';
export * from './pull-requests.ts';
