import { ComingSoon } from '../shell/ComingSoon.tsx';

/** Workflow template: not built yet. */
export function WorkflowTemplatePage() {
  return <ComingSoon title="Workflow template" />;
}
