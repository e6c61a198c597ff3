import { ComingSoon } from '../shell/ComingSoon.tsx';

/** Workflow run: not built yet. */
export function WorkflowRunPage() {
  return <ComingSoon title="Workflow run" />;
}
